//! `--format github`: GitHub Actions workflow commands.
//!
//! One annotation per failing or waived requirement, load problem and
//! finding: `::error file=F,line=L,col=C,title=CONTROL::message`. The
//! command follows the control's action (`deny` → `error`, `warn` →
//! `warning`, `record` → `notice`); waived requirements are notices. The
//! message's first line is the finding, further lines (encoded `%0A`) the
//! comparison, policy location and "to pass" hint. A last plain line gives
//! the totals.

use std::fmt::Write as _;

use riskgate_controls::trace::{
    Action, ControlTrace, Location, ManifestTrace, RequirementTrace, Status, Trace,
};

use super::{
    ReportOptions, comparison_text, manifest_title, primary_location, summary_sentence, value_text,
};

/// Renders workflow commands.
pub fn render(trace: &Trace, options: &ReportOptions<'_>) -> String {
    let trace = options.prepare(trace);
    let mut text: String = trace
        .manifests
        .iter()
        .map(|manifest| render_manifest(manifest, options))
        .collect();
    text.push_str(&render_end(&trace));
    text
}

/// The annotations of one manifest (already prepared): `render` is these
/// in order followed by [`render_end`].
pub(crate) fn render_manifest(manifest: &ManifestTrace, options: &ReportOptions<'_>) -> String {
    let mut out = String::new();
    for problem in &manifest.problems {
        let command = if problem.severity == "error" {
            "error"
        } else {
            "warning"
        };
        let mut message = format!("{}: {}", manifest_title(manifest), problem.message);
        if let Some(help) = &problem.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        annotation(
            &mut out,
            command,
            &manifest.file,
            problem.location.as_ref(),
            &problem.code,
            &message,
        );
    }
    for control in &manifest.controls {
        for requirement in &control.requirements {
            if requirement.status.is_failing() || requirement.status == Status::Waived {
                requirement_annotation(&mut out, manifest, control, requirement, options.full());
            }
        }
    }
    for finding in &manifest.findings {
        let command = if finding.code.starts_with('E') {
            "error"
        } else {
            "warning"
        };
        let message = format!("{}: {}", manifest_title(manifest), finding.message);
        annotation(
            &mut out,
            command,
            &manifest.file,
            finding.location.as_ref(),
            &finding.code,
            &message,
        );
    }
    out
}

/// The totals line, from the trace's summary.
pub(crate) fn render_end(trace: &Trace) -> String {
    format!(
        "riskgate: {} — {}\n",
        super::overall_decision(trace).as_str().to_ascii_uppercase(),
        summary_sentence(trace)
    )
}

fn requirement_annotation(
    out: &mut String,
    manifest: &ManifestTrace,
    control: &ControlTrace,
    requirement: &RequirementTrace,
    full: bool,
) {
    let command = if requirement.status == Status::Waived {
        "notice"
    } else {
        match control.action {
            Action::Deny => "error",
            Action::Warn => "warning",
            Action::Record => "notice",
        }
    };
    let mut message = format!(
        "{} [{}] {}: {}",
        control.title,
        requirement.status.as_str(),
        requirement.id,
        requirement.message
    );
    if let Some(comparison) = comparison_text(requirement) {
        let _ = write!(message, "\n{comparison}");
    }
    if let Some(waiver) = &requirement.waiver {
        let _ = write!(
            message,
            "\nwaived by {} until {}",
            waiver.id, waiver.expires_at
        );
    }
    if full {
        for evidence in &requirement.evidence {
            let value = evidence.value.as_ref().map(value_text);
            let _ = write!(
                message,
                "\nevidence {}{}",
                evidence.pointer,
                value.map(|v| format!(" = {v}")).unwrap_or_default()
            );
        }
    }
    let _ = write!(message, "\npolicy {}", requirement.policy);
    if let Some(hint) = &requirement.to_pass {
        let _ = write!(message, "\nto pass: {hint}");
    }
    annotation(
        out,
        command,
        &manifest.file,
        primary_location(requirement),
        &control.id,
        &message,
    );
}

fn annotation(
    out: &mut String,
    command: &str,
    file: &str,
    location: Option<&Location>,
    title: &str,
    message: &str,
) {
    let mut properties = vec![format!(
        "file={}",
        property(location.map_or(file, |l| &l.file))
    )];
    if let Some(location) = location {
        properties.push(format!("line={}", location.line));
        properties.push(format!("col={}", location.col));
    }
    properties.push(format!("title={}", property(title)));
    let _ = writeln!(
        out,
        "::{command} {}::{}",
        properties.join(","),
        data(message)
    );
}

/// Escapes a command's message (`%`, CR, LF).
pub(crate) fn data(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`%`, CR, LF, `:`, `,`).
pub(crate) fn property(value: &str) -> String {
    data(value).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{data, property};

    #[test]
    fn escapes_per_github_rules() {
        assert_eq!(
            data("100% sure\r\nnext: a, b"),
            "100%25 sure%0D%0Anext: a, b"
        );
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // Escaping `%` first keeps already-escaped-looking text literal.
        assert_eq!(data("%0A"), "%250A");
    }
}
