//! `riskgate schema`: the JSON Schema of `ModelRelease` manifests.

use std::io::Write;

use crate::Outcome;

/// Print the JSON Schema of `kind: ModelRelease` manifests (for editors and
/// validators).
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {}

pub fn run(_args: &SchemaArgs) -> Outcome {
    let schema = riskgate_controls::manifest::json_schema();
    let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}") {
        Ok(()) => Outcome::Success,
        Err(_) => Outcome::Error,
    }
}
