//! `--format markdown`: a pull-request comment.
//!
//! A title with the run's decision as a text badge, a summary table
//! (manifest | decision | failing controls), then per manifest a table of
//! the requirements that fail (control, requirement, actual, expected,
//! location, to pass), its problems and findings, what stops passing
//! within `--warn-within` ("Expiring soon"), and a collapsed `<details>`
//! listing waived, passing and not-applicable controls.
//! GitHub-flavoured Markdown: cells escape `|`, text escapes Markdown and
//! HTML punctuation, code spans pick a fence longer than any backtick run.

use std::fmt::Write as _;

use riskgate_controls::trace::{Decision, ManifestTrace, Status, Trace};

use super::{
    ReportOptions, StatusCounts, controls_worst_first, expected_text, manifest_source,
    manifest_title, primary_location, summary_sentence, value_text,
};

/// Renders the Markdown report.
pub fn render(trace: &Trace, options: &ReportOptions<'_>) -> String {
    let trace = options.prepare(trace);
    let full = options.full();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## riskgate: {}\n",
        badge(super::overall_decision(&trace))
    );
    let _ = writeln!(out, "{}.\n", text(&summary_sentence(&trace)));
    if trace.manifests.is_empty() {
        return out;
    }
    out.push_str("| manifest | decision | failing controls |\n|---|---|---|\n");
    for manifest in &trace.manifests {
        let failing: Vec<String> = manifest
            .controls
            .iter()
            .filter(|c| c.status.is_failing())
            .map(|c| format!("{} ({})", code(&c.id), c.action.as_str()))
            .collect();
        let failing = if failing.is_empty() {
            if manifest.decision == Decision::Error {
                "could not be evaluated".to_owned()
            } else {
                "none".to_owned()
            }
        } else {
            failing.join(", ")
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            cell(&manifest_label(manifest)),
            badge(manifest.decision),
            cell(&failing)
        );
    }
    for manifest in &trace.manifests {
        section(&mut out, manifest, full);
    }
    out
}

fn manifest_label(manifest: &ManifestTrace) -> String {
    let title = manifest_title(manifest);
    let source = manifest_source(manifest);
    if title == source {
        code(&source)
    } else {
        format!("{} ({})", text(&title), code(&source))
    }
}

fn section(out: &mut String, manifest: &ManifestTrace, full: bool) {
    let _ = writeln!(
        out,
        "\n### {} — {}\n",
        text(&manifest_title(manifest)),
        badge(manifest.decision)
    );
    let _ = writeln!(out, "Source: {}\n", code(&manifest_source(manifest)));
    if !manifest.problems.is_empty() {
        for problem in &manifest.problems {
            let mut line = format!(
                "- **{}** {}: {}",
                problem.severity,
                code(&problem.code),
                text(&problem.message)
            );
            if let Some(location) = &problem.location {
                let _ = write!(line, " at {}", code(&location.to_string()));
            }
            if let Some(help) = &problem.help {
                let _ = write!(line, " — {}", text(help));
            }
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
    let controls = controls_worst_first(manifest);
    let failing: Vec<_> = controls
        .iter()
        .flat_map(|c| c.requirements.iter().map(move |r| (*c, r)))
        .filter(|(_, r)| r.status.is_failing())
        .collect();
    if !failing.is_empty() {
        out.push_str(
            "| control | requirement | actual | expected | location | to pass |\n|---|---|---|---|---|---|\n",
        );
        for (control, requirement) in failing {
            let control_cell = format!(
                "{} {} ({})",
                code(&control.id),
                text(&control.title),
                control.action.as_str()
            );
            let requirement_cell = format!(
                "{} {}: {}",
                code(&requirement.id),
                requirement.status.as_str(),
                text(&requirement.message)
            );
            let actual = requirement.actual.as_ref().map(|v| code(&value_text(v)));
            let expected = expected_text(requirement).map(|e| code(&e));
            let location = primary_location(requirement).map(|l| code(&l.to_string()));
            let hint = requirement.to_pass.as_deref().map(text);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                cell(&control_cell),
                cell(&requirement_cell),
                cell(&actual.unwrap_or_default()),
                cell(&expected.unwrap_or_default()),
                cell(&location.unwrap_or_default()),
                cell(&hint.unwrap_or_default()),
            );
        }
        out.push('\n');
        if full {
            explanations(out, &controls);
        }
    }
    for finding in &manifest.findings {
        let mut line = format!("- {}: {}", code(&finding.code), text(&finding.message));
        if let Some(location) = &finding.location {
            let _ = write!(line, " at {}", code(&location.to_string()));
        }
        let _ = writeln!(out, "{line}");
    }
    if !manifest.findings.is_empty() {
        out.push('\n');
    }
    expiring(out, manifest);
    details(out, manifest, &controls, full);
}

/// With `--warn-within`: what stops passing in the window, soonest first,
/// as a list under its own heading (never part of the decision).
fn expiring(out: &mut String, manifest: &ManifestTrace) {
    if manifest.expiring.is_empty() {
        return;
    }
    out.push_str("**Expiring soon**\n\n");
    for expiring in &manifest.expiring {
        let mut line = format!("- {}", text(&expiring.warning));
        if let Some(to_pass) = &expiring.change.to_pass {
            let _ = write!(line, " — to pass, {}", text(to_pass));
        }
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
}

/// With `--explain full`: per failing requirement computed by policy
/// rules, a collapsed block with how the rules evaluated.
fn explanations(out: &mut String, controls: &[&riskgate_controls::trace::ControlTrace]) {
    for control in controls {
        for requirement in &control.requirements {
            if !requirement.status.is_failing() || requirement.explanation.is_empty() {
                continue;
            }
            let longest_run = requirement
                .explanation
                .iter()
                .flat_map(|line| line.split(|c| c != '`'))
                .map(str::len)
                .max()
                .unwrap_or(0);
            let fence = "`".repeat(longest_run.max(2) + 1);
            let _ = writeln!(
                out,
                "<details>\n<summary>Rules evaluated for {} {}</summary>\n\n{fence}text",
                code(&control.id),
                code(&requirement.id)
            );
            for line in &requirement.explanation {
                let _ = writeln!(out, "{line}");
            }
            let _ = writeln!(out, "{fence}\n\n</details>\n");
        }
    }
}

/// The collapsed list of controls that do not fail.
fn details(
    out: &mut String,
    manifest: &ManifestTrace,
    controls: &[&riskgate_controls::trace::ControlTrace],
    full: bool,
) {
    let counts = StatusCounts::of(manifest);
    let quiet: Vec<_> = controls
        .iter()
        .filter(|c| !c.status.is_failing())
        .filter(|c| full || c.status != Status::NotApplicable)
        .collect();
    if quiet.is_empty() && counts.not_applicable == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "<details>\n<summary>{} waived, {} passing, {} not applicable</summary>\n",
        counts.waived, counts.pass, counts.not_applicable
    );
    if !quiet.is_empty() {
        out.push_str("| control | status | note |\n|---|---|---|\n");
        for control in quiet {
            let mut notes: Vec<String> = control
                .requirements
                .iter()
                .filter_map(|r| {
                    r.waiver.as_ref().map(|w| {
                        format!(
                            "{} waived by {} until {}",
                            code(&r.id),
                            code(&w.id),
                            text(&w.expires_at)
                        )
                    })
                })
                .collect();
            if let Some(reason) = &control.disabled {
                notes.push(format!("disabled: {}", text(reason)));
            }
            if full {
                for requirement in &control.requirements {
                    if requirement.waiver.is_none() {
                        notes.push(format!(
                            "{} {}: {}",
                            code(&requirement.id),
                            requirement.status.as_str(),
                            text(&requirement.message)
                        ));
                    }
                }
            }
            let _ = writeln!(
                out,
                "| {} {} | {} | {} |",
                code(&control.id),
                cell(&text(&control.title)),
                control.status.as_str(),
                cell(&notes.join("<br>"))
            );
        }
        out.push('\n');
    }
    out.push_str("</details>\n");
}

fn badge(decision: Decision) -> String {
    format!("**`{}`**", decision.as_str().to_ascii_uppercase())
}

/// Escapes Markdown and HTML punctuation in prose; joins lines.
pub(crate) fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span whose fence is longer than any backtick run inside.
pub(crate) fn code(value: &str) -> String {
    let value = value.replace(['\r', '\n'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in value.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{value}{pad}{fence}")
}

/// Makes already-formatted Markdown safe inside a table cell: a `|` that is
/// not yet escaped is escaped (also inside code spans, as GFM requires).
pub(crate) fn cell(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut escaped = false;
    for c in value.chars() {
        if c == '|' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{cell, code, text};

    #[test]
    fn escapes_prose_code_and_cells() {
        assert_eq!(text("a|b <x> *y*"), "a\\|b &lt;x&gt; \\*y\\*");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(cell(&code("a|b")), "`a\\|b`");
        assert_eq!(cell("already \\| escaped"), "already \\| escaped");
    }
}
