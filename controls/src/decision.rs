//! Control statuses and the decision at an enforcement point.

use super::CheckOptions;
use crate::trace::{Action, ControlTrace, Decision, Status};

/// The worst status of a control's requirements (`not_applicable` when it
/// has none that apply; `pass` for an applicable control without
/// requirements).
pub(crate) fn worst(control: &ControlTrace) -> Status {
    // `run_control` leaves `not_applicable` on controls that are disabled
    // or whose `applies` does not hold, and `pass` on the others.
    if control.disabled.is_some() || control.status == Status::NotApplicable {
        return Status::NotApplicable;
    }
    if control.status == Status::Error {
        return Status::Error;
    }
    control
        .requirements
        .iter()
        .map(|r| r.status)
        .max()
        .unwrap_or(Status::Pass)
}

/// Sets every control's status and returns the decision.
pub(crate) fn finish(controls: &mut [ControlTrace], options: &CheckOptions) -> Decision {
    let mut decision = Decision::Pass;
    for control in controls.iter_mut() {
        control.status = worst(control);
        if !control.status.is_failing() {
            continue;
        }
        let effect = match control.action {
            Action::Deny => Decision::Deny,
            Action::Warn if options.strict => Decision::Deny,
            Action::Warn => Decision::Warn,
            Action::Record => Decision::Pass,
        };
        decision = decision.max(effect);
    }
    decision
}
