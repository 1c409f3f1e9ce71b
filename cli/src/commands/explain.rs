//! `riskgate explain CODE`: documentation of a diagnostic code.

use crate::Outcome;

/// Show what a diagnostic code means, why it matters and how to fix it.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A code such as `E0013`, or its name such as `missing-if-keyword`.
    pub code: String,
}

pub fn run(args: &ExplainArgs) -> Outcome {
    match riskgate_dsl::diagnostics::codes::lookup(&args.code) {
        Some(code) => {
            println!(
                "# {} {}\n\n{}\n\n{}",
                code.id,
                code.name,
                capitalised(code.summary),
                code.docs
            );
            Outcome::Success
        }
        None => {
            eprintln!(
                "error: unknown code `{}`; codes look like E0013 (see docs/diagnostics/)",
                args.code
            );
            Outcome::Error
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect::<String>() + ".")
        .unwrap_or_default()
}
