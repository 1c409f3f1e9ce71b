//! `riskgate completions SHELL`: shell completion scripts.

use crate::Outcome;

/// Print a completion script for a shell.
///
/// Load it for the current session (`source <(riskgate completions bash)`)
/// or install it where the shell looks for completions, e.g.
/// `riskgate completions bash > ~/.local/share/bash-completion/completions/riskgate`,
/// `riskgate completions zsh > "${fpath[1]}/_riskgate"`,
/// `riskgate completions fish > ~/.config/fish/completions/riskgate.fish`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Writes the script for `command` (the whole CLI) to stdout.
pub fn run(args: &CompletionsArgs, mut command: clap::Command) -> Outcome {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "riskgate", &mut script);
    crate::commands::generate::write_stdout(&script)
}
