//! `riskgate lsp`: the language server on stdin/stdout.

use crate::Outcome;

/// Start the language server (JSON-RPC over stdio) for editors.
///
/// Editors start this command themselves; see docs/lsp.md for setup in
/// VS Code, neovim, helix and zed.
#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for compatibility with clients that pass it; stdio is the
    /// only transport.
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: &LspArgs) -> Outcome {
    match riskgate_lsp::run_stdio() {
        Ok(()) => Outcome::Success,
        Err(error) => {
            eprintln!("error: riskgate lsp: {error}");
            Outcome::Error
        }
    }
}
