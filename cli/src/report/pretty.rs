//! `--format pretty`: the terminal report.
//!
//! Per manifest: a header with the decision, then the controls that need
//! attention (failing, warned, recorded, waived) worst first, each
//! requirement with its status, message, actual vs expected, manifest and
//! policy locations, waiver and "to pass" hint; passing controls are
//! summarised in one line (listed with `--explain full`), then what
//! stops passing within `--warn-within` (`expiring:`). A final line gives
//! the run's totals.

use std::fmt::Write as _;

use riskgate_controls::trace::{
    Action, ControlTrace, Decision, Location, ManifestTrace, RequirementTrace, Status, Trace,
};

use super::{
    ReportOptions, StatusCounts, comparison_text, controls_worst_first, is_notable,
    manifest_source, manifest_title, plural, primary_location, summary_sentence, value_text,
};

/// Renders the terminal report.
pub fn render(trace: &Trace, options: &ReportOptions<'_>) -> String {
    let trace = options.prepare(trace);
    let mut text: String = trace
        .manifests
        .iter()
        .enumerate()
        .map(|(index, manifest)| render_manifest(index, manifest, options))
        .collect();
    text.push_str(&render_end(&trace, options));
    text
}

/// The report's part for the `index`-th manifest of the run (already
/// prepared): `render` is these parts in order followed by [`render_end`].
pub(crate) fn render_manifest(
    index: usize,
    manifest: &ManifestTrace,
    options: &ReportOptions<'_>,
) -> String {
    let mut out = Out {
        text: String::new(),
        paint: Paint(options.color),
        options,
    };
    if index > 0 {
        out.text.push('\n');
    }
    out.manifest(manifest);
    out.text
}

/// The run's totals line, from the trace's summary (its manifests are not
/// read, so a streamed run passes a trace without them).
pub(crate) fn render_end(trace: &Trace, options: &ReportOptions<'_>) -> String {
    let mut out = Out {
        text: String::new(),
        paint: Paint(options.color),
        options,
    };
    if trace.summary.manifests > 0 {
        out.text.push('\n');
    }
    let label = out.paint.decision(super::overall_decision(trace));
    out.wrapped(0, &label, &summary_sentence(trace));
    out.text
}

/// ANSI styling, or none.
#[derive(Clone, Copy)]
struct Paint(bool);

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const BLUE: &str = "34";
const CYAN: &str = "36";
const BOLD: &str = "1";
const DIM: &str = "2";

impl Paint {
    fn style(self, codes: &str, text: &str) -> String {
        if self.0 && !text.is_empty() {
            format!("\x1b[{codes}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn decision(self, decision: Decision) -> String {
        let (codes, label) = match decision {
            Decision::Deny => ("1;31", "DENY"),
            Decision::Warn => ("1;33", "WARN"),
            Decision::Pass => ("1;32", "PASS"),
            Decision::Error => ("1;35", "ERROR"),
        };
        self.style(codes, label)
    }

    fn symbol(self, status: Status) -> String {
        let (codes, symbol) = match status {
            Status::Pass => (GREEN, "✓"),
            Status::Fail => (RED, "✗"),
            Status::Error => (RED, "!"),
            Status::InsufficientData => (YELLOW, "?"),
            Status::Waived => (CYAN, "~"),
            Status::NotApplicable => (DIM, "-"),
        };
        self.style(codes, symbol)
    }
}

struct Out<'o> {
    text: String,
    paint: Paint,
    options: &'o ReportOptions<'o>,
}

impl Out<'_> {
    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.text, "{:indent$}{text}", "");
    }

    /// Writes `label text`, wrapping `text` to the width with a hanging
    /// indent under its first character.
    fn wrapped(&mut self, indent: usize, label: &str, text: &str) {
        let label_width = visible_width(label);
        let hang = indent + label_width + usize::from(label_width > 0);
        let width = self.options.width.max(40).saturating_sub(hang).max(20);
        let lines = wrap(text, width);
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                if label.is_empty() {
                    self.line(indent, line);
                } else {
                    self.line(indent, &format!("{label} {line}"));
                }
            } else {
                self.line(hang, line);
            }
        }
    }

    fn manifest(&mut self, manifest: &ManifestTrace) {
        let paint = self.paint;
        let title = paint.style(BOLD, &manifest_title(manifest));
        let source = manifest_source(manifest);
        let mut header = format!("{} {title}", paint.decision(manifest.decision));
        if manifest_title(manifest) != source {
            header.push_str(&paint.style(DIM, &format!(" · {source}")));
        }
        self.line(0, &header);

        for problem in &manifest.problems {
            let severity = if problem.severity == "error" {
                paint.style("1;31", &format!("error[{}]", problem.code))
            } else {
                paint.style("1;33", &format!("warning[{}]", problem.code))
            };
            self.wrapped(2, &format!("{severity}:"), &problem.message);
            if let Some(location) = &problem.location {
                self.location(6, "at", location);
            } else if let Some(pointer) = &problem.pointer {
                self.line(6, &format!("at {pointer}"));
            }
            if let Some(help) = &problem.help {
                self.wrapped(6, &paint.style(BLUE, "help:"), help);
            }
        }

        let full = self.options.full();
        let mut quiet = Vec::new();
        for control in controls_worst_first(manifest) {
            if full || is_notable(control.status) {
                self.control(control);
            } else {
                quiet.push(control);
            }
        }

        for finding in &manifest.findings {
            let label = if finding.code.starts_with('E') {
                paint.style("1;31", &format!("error[{}]:", finding.code))
            } else {
                paint.style("1;33", &format!("warning[{}]:", finding.code))
            };
            self.wrapped(2, &label, &finding.message);
            if let Some(location) = &finding.location {
                self.location(6, "at", location);
            } else if let Some(pointer) = &finding.pointer {
                self.line(6, &format!("at {pointer}"));
            }
        }

        if !quiet.is_empty() {
            let counts = StatusCounts::of(manifest);
            let mut parts = Vec::new();
            if counts.pass > 0 {
                parts.push(plural(counts.pass, "passing control"));
            }
            if counts.not_applicable > 0 {
                parts.push(format!("{} not applicable", counts.not_applicable));
            }
            let symbol = paint.symbol(Status::Pass);
            self.line(
                2,
                &paint.style(DIM, &format!("{symbol} {}", parts.join(", "))),
            );
        }

        // After the summary line: what holds now but will not
        // (`--warn-within`); never a decision, so marked apart.
        for expiring in &manifest.expiring {
            let label = paint.style("1;33", "expiring:");
            self.wrapped(2, &label, &expiring.warning);
            if let Some(to_pass) = &expiring.change.to_pass {
                self.wrapped(6, &paint.style(BLUE, "to pass:"), to_pass);
            }
        }
    }

    fn control(&mut self, control: &ControlTrace) {
        let paint = self.paint;
        let full = self.options.full();
        let mut tags = vec![control.status.as_str().to_owned()];
        if control.status.is_failing() {
            tags.push(action_label(control.action).to_owned());
        }
        tags.push(control.severity.clone());
        if let Some(reason) = &control.disabled {
            tags.push(format!("disabled: {reason}"));
        }
        let label = format!(
            "{} {}",
            paint.symbol(control.status),
            paint.style(BOLD, &control.id)
        );
        let tags = paint.style(DIM, &format!("[{}]", tags.join(", ")));
        self.wrapped(2, &label, &format!("{} {tags}", control.title));
        if full {
            if !control.risks.is_empty() {
                self.line(
                    6,
                    &paint.style(DIM, &format!("risks: {}", control.risks.join(", "))),
                );
            }
            self.line(
                6,
                &paint.style(DIM, &format!("declared at {}", control.policy)),
            );
        }
        for requirement in &control.requirements {
            if full || is_notable(requirement.status) {
                self.requirement(requirement);
            }
        }
    }

    fn requirement(&mut self, requirement: &RequirementTrace) {
        let paint = self.paint;
        let full = self.options.full();
        let label = format!(
            "{} {}",
            paint.symbol(requirement.status),
            paint.style(BOLD, &requirement.id)
        );
        self.wrapped(4, &format!("{label}:"), &requirement.message);
        let detail = 8;
        if let Some(comparison) = comparison_text(requirement) {
            self.wrapped(detail, "", &comparison);
        }
        let primary = primary_location(requirement);
        if let Some(location) = primary {
            self.location(detail, "at", location);
        }
        if full {
            for evidence in &requirement.evidence {
                let mut text = format!("evidence {}", evidence.pointer);
                if let Some(value) = &evidence.value {
                    let _ = write!(text, " = {}", value_text(value));
                }
                if let Some(location) = &evidence.location {
                    let _ = write!(text, " ({location})");
                }
                self.wrapped(detail, "", &paint.style(DIM, &text));
            }
        }
        if full || requirement.status.is_failing() {
            self.line(
                detail,
                &paint.style(
                    DIM,
                    &format!("policy {} ({})", requirement.policy, requirement.kind),
                ),
            );
        }
        if let Some(waiver) = &requirement.waiver {
            let mut text = format!("waived by {} until {}", waiver.id, waiver.expires_at);
            if !waiver.compensating_controls.is_empty() {
                let _ = write!(
                    text,
                    "; compensating controls {}",
                    waiver.compensating_controls.join(", ")
                );
            }
            if let Some(location) = waiver.location.as_ref().filter(|l| Some(*l) != primary) {
                let _ = write!(text, " ({location})");
            }
            self.wrapped(detail, &paint.style(CYAN, "waiver:"), &text);
        }
        if let Some(hint) = &requirement.to_pass
            && requirement.status != Status::Pass
        {
            self.wrapped(detail, &paint.style(GREEN, "to pass:"), hint);
        }
        if full && !requirement.explanation.is_empty() {
            self.line(detail, "rules evaluated:");
            for line in &requirement.explanation {
                // Trace lines keep their own indentation and are not
                // wrapped: their columns show the nesting.
                self.line(detail + 2, &paint.style(DIM, line));
            }
        }
    }

    /// `at file:line:col`, then the source line with a caret when the
    /// caller provided the file's text.
    fn location(&mut self, indent: usize, label: &str, location: &Location) {
        let paint = self.paint;
        self.line(
            indent,
            &format!("{label} {}", paint.style(BLUE, &location.to_string())),
        );
        let Some(source) = self.options.sources.and_then(|s| s.source(&location.file)) else {
            return;
        };
        let Some(line) = source.lines().nth(
            usize::try_from(location.line)
                .unwrap_or(usize::MAX)
                .saturating_sub(1),
        ) else {
            return;
        };
        let number = location.line.to_string();
        let gutter = " ".repeat(number.len());
        let caret: String = line
            .chars()
            .take(usize::try_from(location.col).unwrap_or(0).saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let bar = paint.style(BLUE, "|");
        self.line(
            indent + 2,
            &format!("{} {bar} {line}", paint.style(BLUE, &number)),
        );
        self.line(
            indent + 2,
            &format!("{gutter} {bar} {caret}{}", paint.style(RED, "^")),
        );
    }
}

fn action_label(action: Action) -> &'static str {
    match action {
        Action::Deny => "denies",
        Action::Warn => "warns",
        Action::Record => "recorded",
    }
}

/// Display width, ignoring ANSI escapes (every other char counts as one).
fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in text.chars() {
        if in_escape {
            in_escape = c != 'm';
        } else if c == '\x1b' {
            in_escape = true;
        } else {
            width += 1;
        }
    }
    width
}

/// Greedy word wrap; words longer than the width stand on their own line.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && visible_width(&line) + 1 + visible_width(word) > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_on_spaces_and_keeps_long_words() {
        assert_eq!(
            wrap("aaa bbb ccc dddddddddd e", 7),
            ["aaa bbb", "ccc", "dddddddddd", "e"]
        );
        assert_eq!(wrap("one\ntwo", 80), ["one", "two"]);
    }
}
