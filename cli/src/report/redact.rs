//! `--redact`: drop actual values and evidence values from a trace.
//!
//! The structured fields (`actual`, `evidence[].value`) are removed. Messages
//! and hints are engine-written prose that may quote the same values, so
//! every scalar value removed is also replaced by `[redacted]` wherever it
//! appears in the requirement's `message` and `to_pass` as a whole token
//! (`0.74` in "is 0.74." but not in "10.745"). Thresholds, pointers and
//! locations are policy facts, not evidence, and are kept. The same values
//! are scrubbed from the requirement's `expiring` entry (`--warn-within`).

use riskgate_controls::trace::{ManifestTrace, RequirementTrace, Trace};

/// What replaces a scrubbed value in prose.
pub(crate) const REDACTED: &str = "[redacted]";

/// A copy of `trace` with evidence values removed.
pub(crate) fn redact(trace: &Trace) -> Trace {
    let mut trace = trace.clone();
    trace.manifests.iter_mut().for_each(redact_manifest);
    trace
}

/// Removes evidence values (and rule explanations) from one manifest.
pub(crate) fn redact_manifest(manifest: &mut ManifestTrace) {
    for control in &mut manifest.controls {
        for requirement in &mut control.requirements {
            let needles = redact_requirement(requirement);
            // `--warn-within`'s sentences are the same requirement's
            // prose at a later clock, about the same evidence.
            let later = manifest.expiring.iter_mut().filter(|e| {
                e.change.control == control.id
                    && e.change.requirement.as_deref() == Some(requirement.id.as_str())
            });
            for expiring in later {
                let change = &mut expiring.change;
                for needle in &needles {
                    change.message = scrub(&change.message, needle);
                    expiring.warning = scrub(&expiring.warning, needle);
                    if let Some(hint) = &change.to_pass {
                        change.to_pass = Some(scrub(hint, needle));
                    }
                }
            }
        }
    }
    drop_explanations(manifest);
}

/// Removes every requirement's rule explanation (`--explain full` only;
/// its bindings quote manifest values, so `--redact` drops it too).
pub(crate) fn drop_explanations(manifest: &mut ManifestTrace) {
    for control in &mut manifest.controls {
        for requirement in &mut control.requirements {
            requirement.explanation.clear();
        }
    }
}

/// Redacts one requirement; returns the values it scrubbed, longest first.
fn redact_requirement(requirement: &mut RequirementTrace) -> Vec<String> {
    let mut needles = Vec::new();
    if let Some(actual) = requirement.actual.take() {
        collect_scalars(&actual, &mut needles);
    }
    for evidence in &mut requirement.evidence {
        if let Some(value) = evidence.value.take() {
            collect_scalars(&value, &mut needles);
        }
    }
    // Longest first, so `0.745` is scrubbed before `0.74` could split it.
    needles.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    needles.dedup();
    for needle in &needles {
        requirement.message = scrub(&requirement.message, needle);
        if let Some(hint) = &requirement.to_pass {
            requirement.to_pass = Some(scrub(hint, needle));
        }
    }
    needles
}

/// The textual forms of the scalars in a value. Booleans and null carry no
/// evidence worth hiding and would scrub ordinary words.
fn collect_scalars(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Number(n) => out.push(n.to_string()),
        serde_json::Value::String(s) if !s.trim().is_empty() => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_scalars(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_scalars(v, out)),
        _ => {}
    }
}

/// Replaces whole-token occurrences of `needle` in `text`.
fn scrub(text: &str, needle: &str) -> String {
    if needle.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices(needle) {
        let end = at + needle.len();
        let mut before = text.get(..at).unwrap_or("").chars().rev();
        let mut after = text.get(end..).unwrap_or("").chars();
        let clean = !continues_token(before.next(), before.next())
            && !continues_token(after.next(), after.next());
        if clean {
            out.push_str(text.get(last..at).unwrap_or(""));
            out.push_str(REDACTED);
            last = end;
        }
    }
    out.push_str(text.get(last..).unwrap_or(""));
    out
}

/// Whether the character next to a match (and the one beyond it) extend
/// the token: letters, digits, `_`, or a `.` between digits.
fn continues_token(next: Option<char>, beyond: Option<char>) -> bool {
    match next {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('.') => beyond.is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn scrubs_whole_tokens_only() {
        assert_eq!(
            scrub("ratio is 0.74; raise from 0.74 to 0.8.", "0.74"),
            "ratio is [redacted]; raise from [redacted] to 0.8."
        );
        assert_eq!(scrub("10.745 and 0.745", "0.74"), "10.745 and 0.745");
        assert_eq!(scrub("a1 1 1.5 x_1", "1"), "a1 [redacted] 1.5 x_1");
        assert_eq!(
            scrub("environment \"prod\" is not allowed", "prod"),
            "environment \"[redacted]\" is not allowed"
        );
        assert_eq!(scrub("production", "prod"), "production");
    }
}
