//! `--format json`: the decision trace itself.
//!
//! Keys appear in the trace's field order (stable across runs); the output
//! is pretty-printed with two-space indentation and ends with a newline.
//! `--redact` and `--explain` apply: redaction removes values, and the
//! trace always carries everything, so both explain levels print the same.

use riskgate_controls::trace::{ManifestTrace, Trace};

use super::ReportOptions;

/// Renders the trace as pretty-printed JSON.
pub fn render(trace: &Trace, options: &ReportOptions<'_>) -> String {
    let trace = options.prepare(trace);
    to_pretty_json(&*trace)
}

/// The `index`-th manifest's part of a streamed trace (already prepared):
/// the manifest as an element of the trace's `manifests` array.
pub(crate) fn render_manifest(index: usize, manifest: &ManifestTrace) -> String {
    let mut out = String::from(if index == 0 { "" } else { ",\n" });
    // Array elements sit two levels deep. JSON text has no raw newlines
    // inside strings, so indenting every line nests the standalone
    // rendering exactly as serde_json renders it in place.
    for (i, line) in to_pretty_json(manifest).lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}

/// What comes before and after the manifests' parts of a streamed trace:
/// the header and summary, then the closing brackets. `trace` has no
/// manifests; its summary counts the parts written.
pub(crate) fn render_frame(trace: &Trace) -> (String, String) {
    let empty = to_pretty_json(trace);
    // The manifests are the trace's last field: `"manifests": []\n}\n`.
    match empty.strip_suffix("[]\n}\n") {
        Some(open) if trace.summary.manifests > 0 => {
            (format!("{open}[\n"), "\n  ]\n}\n".to_owned())
        }
        _ => (empty, String::new()),
    }
}

/// Pretty JSON with a trailing newline.
pub(crate) fn to_pretty_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        // Serialising plain data with string keys cannot fail; if it ever
        // does, say so in valid JSON rather than printing nothing.
        Err(error) => format!(
            "{{\"error\": {}}}\n",
            serde_json::Value::String(error.to_string())
        ),
    }
}
