//! `riskgate explain CODE|CONTROL|RISK`: documentation of a diagnostic
//! code, or of a control or risk of the embedded standard library.

use crate::Outcome;

/// Show what a diagnostic code means, why it matters and how to fix it, or
/// document a control or risk of the embedded standard library.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A code such as `E0013` or its name such as `missing-if-keyword`, a
    /// control id such as `C-FAIR-01`, or a risk id such as
    /// `fairness.disparate_impact`.
    pub code: String,
}

pub fn run(args: &ExplainArgs) -> Outcome {
    match riskgate_workspace::registry::lookup(&args.code) {
        // The same text as the code's page in docs/diagnostics/.
        Some(code) => crate::commands::generate::write_stdout(code.markdown_page().as_bytes()),
        None => match stdlib_entry(&args.code) {
            Some(text) => {
                print!("{text}");
                Outcome::Success
            }
            None => {
                eprintln!(
                    "error: unknown code `{}`; codes look like E0013 (see docs/diagnostics/), \
                     controls like C-FAIR-01 and risks like fairness.disparate_impact \
                     (`riskgate check --list-controls`, docs/catalogue.md)",
                    args.code
                );
                Outcome::Error
            }
        },
    }
}

/// A control's or risk's documentation from the embedded standard library.
fn stdlib_entry(key: &str) -> Option<String> {
    use riskgate_stdlib_policies::catalogue::{self, render};
    let stdlib = catalogue::embedded().ok()?;
    if let Some(control) = stdlib.control(key) {
        return Some(render::explain_control(&stdlib, control));
    }
    stdlib
        .risk(key)
        .map(|risk| render::explain_risk(&stdlib, risk))
}
