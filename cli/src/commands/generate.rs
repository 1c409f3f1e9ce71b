//! `riskgate generate` (hidden): reference material generated from the
//! command-line definition, used by `cargo xtask man` and
//! `cargo xtask cli-reference`.

mod markdown;

use std::io::Write;
use std::path::PathBuf;

use crate::Outcome;

/// Generate the man pages or the markdown CLI reference.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: What,
}

/// What to generate.
#[derive(Debug, clap::Subcommand)]
pub enum What {
    /// Man pages (roff): `riskgate.1` and one `riskgate-COMMAND.1` per command.
    Man {
        /// The directory to write the pages to (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// The CLI reference (docs/cli-reference.md) on stdout.
    CliReference,
}

/// Runs `riskgate generate`.
pub fn run(args: &GenerateArgs, command: clap::Command) -> Outcome {
    match &args.what {
        What::Man { out } => match write_man_pages(command, out) {
            Ok(pages) => {
                for page in pages {
                    crate::global::status!("wrote {}", page.display());
                }
                Outcome::Success
            }
            Err(error) => {
                eprintln!("error: {error:#}");
                Outcome::Error
            }
        },
        What::CliReference => write_stdout(markdown::reference(command).as_bytes()),
    }
}

/// Every visible command, depth first, with its full name (`riskgate check`).
fn visible_commands(command: &clap::Command) -> Vec<(String, clap::Command)> {
    fn walk(prefix: &str, command: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
        let visible = command
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help");
        for sub in visible {
            let name = format!("{prefix} {}", sub.get_name());
            out.push((name.clone(), sub.clone()));
            walk(&name, sub, out);
        }
    }
    let mut out = Vec::new();
    walk(command.get_name(), command, &mut out);
    out
}

fn write_man_pages(
    mut command: clap::Command,
    out: &std::path::Path,
) -> anyhow::Result<Vec<PathBuf>> {
    use anyhow::Context;
    std::fs::create_dir_all(out).with_context(|| format!("{}: cannot create", out.display()))?;
    command.build();
    let mut pages = Vec::new();
    let mut commands = vec![(command.get_name().to_owned(), command.clone())];
    commands.extend(visible_commands(&command));
    for (name, cmd) in commands {
        let page_name = name.replace(' ', "-");
        let cmd = cmd.name(page_name.clone()).bin_name(name);
        let mut roff = Vec::new();
        clap_mangen::Man::new(cmd)
            .date("")
            .source(format!("riskgate {}", env!("CARGO_PKG_VERSION")))
            .manual("riskgate manual")
            .render(&mut roff)?;
        let path = out.join(format!("{page_name}.1"));
        std::fs::write(&path, roff).with_context(|| format!("{}: cannot write", path.display()))?;
        pages.push(path);
    }
    Ok(pages)
}

/// Writes bytes to stdout; a closed pipe is not an error.
pub fn write_stdout(bytes: &[u8]) -> Outcome {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: writing to stdout: {error}");
            Outcome::Error
        }
        _ => Outcome::Success,
    }
}
