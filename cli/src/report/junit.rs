//! `--format junit`: JUnit XML for CI test reports.
//!
//! One `<testsuite>` per manifest (its decision and source as properties),
//! one `<testcase>` per control (`classname` = the manifest, `name` =
//! control id and title). A failing, insufficient-data or erroring control
//! has a `<failure>` whose `type` is the status and whose body lists every
//! failing requirement; a waived or not-applicable control is `<skipped>`
//! with the reason. A manifest that could not be loaded has one test case,
//! `load`, with an `<error>`.

use std::fmt::Write as _;

use riskgate_controls::trace::{ControlTrace, Decision, ManifestTrace, Status, Trace};

use super::{
    ReportOptions, comparison_text, is_notable, manifest_source, manifest_title, primary_location,
    value_text,
};

/// Renders JUnit XML.
pub fn render(trace: &Trace, options: &ReportOptions<'_>) -> String {
    let trace = options.prepare(trace);
    let full = options.full();
    let suites: Vec<Suite> = trace.manifests.iter().map(|m| Suite::of(m, full)).collect();
    let total = |f: fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"riskgate\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" timestamp=\"{}\">",
        total(|s| s.tests),
        total(|s| s.failures),
        total(|s| s.errors),
        total(|s| s.skipped),
        attr(&trace.evaluated_at),
    );
    for (manifest, suite) in trace.manifests.iter().zip(&suites) {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" timestamp=\"{}\">",
            attr(&suite_name(manifest)),
            suite.tests,
            suite.failures,
            suite.errors,
            suite.skipped,
            attr(&trace.evaluated_at),
        );
        out.push_str("    <properties>\n");
        let mut property = |name: &str, value: &str| {
            let _ = writeln!(
                out,
                "      <property name=\"{}\" value=\"{}\"/>",
                attr(name),
                attr(value)
            );
        };
        property("decision", manifest.decision.as_str());
        property("file", &manifest.file);
        property("document", &manifest.document.to_string());
        property("enforcement_point", trace.enforcement_point.as_str());
        out.push_str("    </properties>\n");
        out.push_str(&suite.body);
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn suite_name(manifest: &ManifestTrace) -> String {
    let title = manifest_title(manifest);
    let source = manifest_source(manifest);
    if title == source {
        title
    } else {
        format!("{title} ({source})")
    }
}

#[derive(Default)]
struct Suite {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    body: String,
}

impl Suite {
    fn of(manifest: &ManifestTrace, full: bool) -> Self {
        let mut suite = Self::default();
        let classname = attr(&manifest_title(manifest));
        let load_failed = manifest.problems.iter().any(|p| p.severity == "error")
            || (manifest.decision == Decision::Error && manifest.controls.is_empty());
        if load_failed {
            let details: Vec<String> = manifest
                .problems
                .iter()
                .map(|p| {
                    let mut line = format!("{}[{}]: {}", p.severity, p.code, p.message);
                    if let Some(location) = &p.location {
                        let _ = write!(line, "\n  at {location}");
                    }
                    if let Some(help) = &p.help {
                        let _ = write!(line, "\n  help: {help}");
                    }
                    line
                })
                .collect();
            let message = manifest
                .problems
                .iter()
                .find(|p| p.severity == "error")
                .map_or("the manifest could not be evaluated", |p| {
                    p.message.as_str()
                });
            suite.tests += 1;
            suite.errors += 1;
            let _ = writeln!(
                suite.body,
                "    <testcase classname=\"{classname}\" name=\"load\">\n      <error message=\"{}\" type=\"load\">{}</error>\n    </testcase>",
                attr(message),
                text(&details.join("\n")),
            );
        }
        for control in &manifest.controls {
            suite.tests += 1;
            let name = attr(&format!("{} {}", control.id, control.title));
            let _ = write!(
                suite.body,
                "    <testcase classname=\"{classname}\" name=\"{name}\""
            );
            if control.status.is_failing() {
                suite.failures += 1;
                let failing: Vec<_> = control
                    .requirements
                    .iter()
                    .filter(|r| r.status.is_failing())
                    .collect();
                let message = match failing.as_slice() {
                    [only] => format!(
                        "[{}] {}: {}",
                        control.action.as_str(),
                        only.id,
                        only.message
                    ),
                    _ => format!(
                        "[{}] {} requirements not satisfied",
                        control.action.as_str(),
                        failing.len()
                    ),
                };
                let _ = writeln!(
                    suite.body,
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    attr(&message),
                    control.status.as_str(),
                    text(&details(control, full)),
                );
            } else if matches!(control.status, Status::Waived | Status::NotApplicable) {
                suite.skipped += 1;
                let message = skip_reason(control);
                let _ = writeln!(
                    suite.body,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    attr(&message)
                );
            } else if full {
                let _ = writeln!(
                    suite.body,
                    ">\n      <system-out>{}</system-out>\n    </testcase>",
                    text(&details(control, full))
                );
            } else {
                suite.body.push_str("/>\n");
            }
        }
        if !manifest.findings.is_empty() {
            let lines: Vec<String> = manifest
                .findings
                .iter()
                .map(|f| match &f.location {
                    Some(location) => format!("{}: {} ({location})", f.code, f.message),
                    None => format!("{}: {}", f.code, f.message),
                })
                .collect();
            let _ = writeln!(
                suite.body,
                "    <system-err>{}</system-err>",
                text(&lines.join("\n"))
            );
        }
        suite
    }
}

fn skip_reason(control: &ControlTrace) -> String {
    if let Some(reason) = &control.disabled {
        return format!("disabled: {reason}");
    }
    if control.status == Status::NotApplicable {
        return "not applicable".to_owned();
    }
    let waivers: Vec<String> = control
        .requirements
        .iter()
        .filter_map(|r| {
            r.waiver
                .as_ref()
                .map(|w| format!("{} waived by {} until {}", r.id, w.id, w.expires_at))
        })
        .collect();
    if waivers.is_empty() {
        "waived".to_owned()
    } else {
        format!("waived: {}", waivers.join("; "))
    }
}

/// The failure body: one paragraph per reported requirement.
fn details(control: &ControlTrace, full: bool) -> String {
    let mut out = String::new();
    for requirement in &control.requirements {
        if !(full || is_notable(requirement.status)) {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{} ({}, {}): {}",
            requirement.id,
            requirement.kind,
            requirement.status.as_str(),
            requirement.message
        );
        if let Some(comparison) = comparison_text(requirement) {
            let _ = writeln!(out, "  {comparison}");
        }
        if let Some(location) = primary_location(requirement) {
            let _ = writeln!(out, "  at {location}");
        }
        if full {
            for evidence in &requirement.evidence {
                let value = evidence.value.as_ref().map(value_text);
                let _ = writeln!(
                    out,
                    "  evidence {}{}",
                    evidence.pointer,
                    value.map(|v| format!(" = {v}")).unwrap_or_default()
                );
            }
        }
        let _ = writeln!(out, "  policy {}", requirement.policy);
        if let Some(waiver) = &requirement.waiver {
            let _ = writeln!(out, "  waived by {} until {}", waiver.id, waiver.expires_at);
        }
        if let Some(hint) = &requirement.to_pass
            && requirement.status != Status::Pass
        {
            let _ = writeln!(out, "  to pass: {hint}");
        }
    }
    out
}

/// Escapes text content; drops characters XML 1.0 cannot carry.
pub(crate) fn text(value: &str) -> String {
    escape(value, false)
}

/// Escapes an attribute value (quotes and line breaks too).
pub(crate) fn attr(value: &str) -> String {
    escape(value, true)
}

fn escape(value: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0 `Char`, minus the whitespace handled by the caller.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::{attr, text};

    #[test]
    fn escapes_markup_quotes_and_invalid_characters() {
        assert_eq!(
            text("a < b && c > \"d\""),
            "a &lt; b &amp;&amp; c &gt; \"d\""
        );
        assert_eq!(
            attr("say \"hi\"\n'x'"),
            "say &quot;hi&quot;&#10;&apos;x&apos;"
        );
        assert_eq!(text("bell\u{7}"), "bell\u{FFFD}");
    }
}
