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
        // The same text as the code's page in docs/diagnostics/.
        Some(code) => crate::commands::generate::write_stdout(code.markdown_page().as_bytes()),
        None => {
            eprintln!(
                "error: unknown code `{}`; codes look like E0013 (see docs/diagnostics/)",
                args.code
            );
            Outcome::Error
        }
    }
}
