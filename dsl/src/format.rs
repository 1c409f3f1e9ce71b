//! Canonical formatter (placeholder until the formatter lands).

use crate::{Diagnostic, ParseOptions, Severity, parse_module};

/// Parses and formats `source`.
///
/// # Errors
/// The parse errors, if any.
pub fn format_source(source: &str, options: ParseOptions) -> Result<String, Vec<Diagnostic>> {
    let parsed = parse_module(source, options);
    if parsed
        .diagnostics
        .iter()
        .any(|d| d.severity() == Severity::Error)
    {
        return Err(parsed.diagnostics);
    }
    Ok(source.to_string())
}
