//! `--format json`: the decision trace itself.
//!
//! Keys appear in the trace's field order (stable across runs); the output
//! is pretty-printed with two-space indentation and ends with a newline.
//! `--redact` and `--explain` apply: redaction removes values, and the
//! trace always carries everything, so both explain levels print the same.

use riskgate_controls::trace::Trace;

use super::ReportOptions;

/// Renders the trace as pretty-printed JSON.
pub fn render(trace: &Trace, options: &ReportOptions<'_>) -> String {
    let trace = options.prepare(trace);
    to_pretty_json(&*trace)
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
