//! Warnings before failure: what passes (or is waived) at the check's
//! clock and stops passing within a window (`--warn-within 14d`), found
//! with the [`forecast`] and rendered as one sentence that `riskgate
//! check` prints and the admission webhook sends as a warning, so both
//! say the same words.
//!
//! Invariants:
//! - Pure: the caller's `check` closure evaluates at other clocks; no clock
//!   is read here, and nothing is evaluated when the window is 0.
//! - Only requirements (or requirement-less controls) whose status is
//!   `pass` or `waived` today are listed, each once, at the first day it
//!   turns failing; ordered by day, control, requirement.
//! - A future evaluation that ends in `error` is not a warning: time alone
//!   does not make a requirement unevaluable, so an error there means the
//!   evaluation ran into a limit (steps, deadline), not that something
//!   expires.
//! - Day granularity, as the forecast's: a window is rounded up to whole
//!   days, and a change on day `d` happens after `now + (d-1)` days and at
//!   or before `now + d` days.

use std::collections::{BTreeMap, BTreeSet};

use riskgate_engine::Value;

use crate::forecast::{self, Forecast};
use crate::portfolio::known_instants;
use crate::schema::cadence_hours;
use crate::trace::{Change, Expiring, ManifestTrace, Status};

/// The longest window accepted (the report's horizon limit, ten years).
pub const MAX_WINDOW_DAYS: u32 = 3650;

/// Parses a warning window in the duration syntax of monitor cadences
/// (`14d`, `2w`, `36h`, `weekly`), rounded up to whole days.
///
/// # Errors
/// A message with examples when `text` is not a duration, or is longer
/// than [`MAX_WINDOW_DAYS`].
pub fn parse_window(text: &str) -> Result<u32, String> {
    let hours = cadence_hours(text.trim()).ok_or_else(|| {
        format!("invalid duration `{text}` (try 14d, 2w or 36h; units s, m, h, d, w)")
    })?;
    // `cadence_hours` is positive (never NaN) but may be infinite (`infd`).
    let days = (hours / 24.0).ceil();
    if days > f64::from(MAX_WINDOW_DAYS) {
        return Err(format!(
            "`{text}` is longer than {MAX_WINDOW_DAYS} days, the longest window"
        ));
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a whole number of days between 1 and MAX_WINDOW_DAYS"
    )]
    Ok(days as u32)
}

/// What in `today` (the release's trace at `now_ns`) stops passing within
/// `window_days`, forecasting with `check` (which evaluates the release at
/// a clock); `raw` is the manifest as written, for the instants its
/// waivers and findings name. Empty without evaluating anything when the
/// window is 0 or the release could not be loaded.
pub fn expiring(
    now_ns: i64,
    window_days: u32,
    raw: Option<&Value>,
    today: &ManifestTrace,
    check: impl FnMut(i64) -> ManifestTrace,
) -> Vec<Expiring> {
    if window_days == 0 || today.controls.is_empty() {
        return Vec::new();
    }
    let instants = raw.map(known_instants).unwrap_or_default();
    let forecast = forecast::forecast(now_ns, window_days, &instants, today, check);
    from_forecast(today, &forecast)
}

/// The warnings a forecast of `today` holds: the first failing change of
/// each requirement that passes or is waived today.
#[must_use]
pub fn from_forecast(today: &ManifestTrace, forecast: &Forecast) -> Vec<Expiring> {
    let holding: BTreeSet<(&str, Option<&str>)> = today
        .controls
        .iter()
        .flat_map(|control| {
            let own = control.requirements.is_empty().then_some((
                control.id.as_str(),
                None,
                control.status,
            ));
            let requirements = control
                .requirements
                .iter()
                .map(|r| (control.id.as_str(), Some(r.id.as_str()), r.status));
            own.into_iter().chain(requirements)
        })
        .filter(|(_, _, status)| holds(*status))
        .map(|(control, requirement, _)| (control, requirement))
        .collect();
    let mut first: BTreeMap<(u32, &str, Option<&str>), &Change> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut changes: Vec<&Change> = forecast.changes.iter().collect();
    changes.sort_by(|a, b| {
        (a.day, &a.control, &a.requirement).cmp(&(b.day, &b.control, &b.requirement))
    });
    for change in changes {
        let key = (change.control.as_str(), change.requirement.as_deref());
        if !holding.contains(&key) || !change.to.is_failing() || change.to == Status::Error {
            continue;
        }
        if seen.insert(key) {
            first.insert((change.day, key.0, key.1), change);
        }
    }
    first
        .into_values()
        .map(|change| Expiring {
            change: change.clone(),
            warning: sentence(change),
        })
        .collect()
}

/// Whether a status counts as holding today: passing, or failing under a
/// valid waiver (which is what expires).
fn holds(status: Status) -> bool {
    matches!(status, Status::Pass | Status::Waived)
}

/// The warning's one line for a change that turns failing: `C-VAL-01 validation: stops passing in 9 days
/// (2026-12-16): <what the evaluation will say>`; `waiver expires` instead
/// of `stops passing` when it is waived the day before.
#[must_use]
pub fn sentence(change: &Change) -> String {
    let subject = match &change.requirement {
        Some(requirement) => format!("{} {requirement}", change.control),
        None => change.control.clone(),
    };
    let what = if change.from == Status::Waived {
        "waiver expires"
    } else {
        "stops passing"
    };
    let days = if change.day == 1 {
        "1 day".to_owned()
    } else {
        format!("{} days", change.day)
    };
    // The date is enough for a sentence; `at` keeps the instant.
    let date = change.at.get(..10).unwrap_or(&change.at);
    format!("{subject}: {what} in {days} ({date}): {}", change.message)
}

#[cfg(test)]
mod tests {
    use super::{from_forecast, parse_window};
    use crate::forecast::Forecast;
    use crate::trace::{Change, Decision, ManifestTrace, RequirementTrace, Status, fixtures};

    fn requirement(id: &str, status: Status) -> RequirementTrace {
        fixtures::requirement(id, "test", status, format!("{id} today"), None)
    }

    fn today(requirements: Vec<RequirementTrace>) -> ManifestTrace {
        fixtures::one_control(
            "C-VAL-01",
            "validation",
            Status::Pass,
            Decision::Pass,
            requirements,
        )
    }

    fn change(day: u32, requirement: &str, from: Status, to: Status) -> Change {
        Change {
            day,
            at: format!("2026-12-{:02}T00:00:00Z", 7 + day),
            control: "C-VAL-01".into(),
            requirement: Some(requirement.into()),
            from,
            to,
            message: format!("{requirement} on day {day}"),
            to_pass: Some(format!("refresh {requirement}")),
        }
    }

    #[test]
    fn lists_what_holds_today_and_fails_later_by_day() {
        let today = today(vec![
            requirement("auc", Status::Pass),
            requirement("waived", Status::Waived),
            requirement("failing", Status::Fail),
            requirement("errs", Status::Pass),
        ]);
        let forecast = Forecast {
            changes: vec![
                change(9, "auc", Status::Pass, Status::Fail),
                change(3, "waived", Status::Waived, Status::Fail),
                // Already failing today: no warning.
                change(2, "failing", Status::Fail, Status::Error),
                // An evaluation that ran into a limit is not an expiry.
                change(4, "errs", Status::Pass, Status::Error),
                // Only the first failing change counts.
                change(11, "auc", Status::Fail, Status::InsufficientData),
            ],
            ..Forecast::default()
        };
        let warnings: Vec<String> = from_forecast(&today, &forecast)
            .into_iter()
            .map(|e| e.warning)
            .collect();
        assert_eq!(
            warnings,
            [
                "C-VAL-01 waived: waiver expires in 3 days (2026-12-10): waived on day 3",
                "C-VAL-01 auc: stops passing in 9 days (2026-12-16): auc on day 9",
            ]
        );
    }

    #[test]
    fn windows_use_the_cadence_syntax_rounded_up_to_days() {
        assert_eq!(parse_window("14d"), Ok(14));
        assert_eq!(parse_window("2w"), Ok(14));
        assert_eq!(parse_window("36h"), Ok(2));
        assert_eq!(parse_window("weekly"), Ok(7));
        assert!(parse_window("14").is_err_and(|e| e.contains("try 14d")));
        assert!(parse_window("5000d").is_err_and(|e| e.contains("3650")));
        assert!(parse_window("-1d").is_err());
        assert!(parse_window("infd").is_err());
        assert!(parse_window("0d").is_err());
    }
}
