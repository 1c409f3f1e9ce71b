//! `riskgate fmt`: canonical formatting of policy files.

use std::io::Write;
use std::path::PathBuf;

use crate::Outcome;
use crate::global::{info, status};
use riskgate_workspace::policy_files;
use riskgate_workspace::render::Renderer;

/// Format policy files.
///
/// Without flags, prints the formatted text of each file to stdout. With
/// `--write`, rewrites files in place; with `--check`, changes nothing and
/// exits 1 (printing a diff) when a file is not formatted; with `--diff`,
/// prints what would change.
#[derive(Debug, Clone, clap::Args)]
pub struct FmtArgs {
    /// Files or directories to format (`-` reads stdin). Defaults to
    /// `paths` of `[fmt]` in riskgate.toml, else the current directory.
    pub paths: Vec<PathBuf>,
    /// Exit 1 if any file is not formatted; print the diff; write nothing.
    #[arg(long, conflicts_with = "write")]
    pub check: bool,
    /// Print a unified diff of the changes instead of the formatted text.
    #[arg(long)]
    pub diff: bool,
    /// Rewrite files in place.
    #[arg(long, short = 'w')]
    pub write: bool,
    /// Accept Rego v0 syntax (rules without `if`); output is Rego v1.
    #[arg(long)]
    pub v0_compatible: bool,
}

pub fn run(args: &FmtArgs, renderer: &Renderer) -> Outcome {
    let mut errors = false;
    let mut unformatted = 0usize;
    let mut stdout = std::io::stdout().lock();
    for path in policy_files::collect(&args.paths) {
        let source = match path.and_then(|p| policy_files::read(&p)) {
            Ok(source) => source,
            Err(error) => {
                eprintln!("error: {error:#}");
                errors = true;
                continue;
            }
        };
        info!("formatting {}", source.name);
        let options = source.parse_options(args.v0_compatible);
        let formatted = match riskgate_dsl::format::format_source(&source.text, options) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                renderer.emit(&source.name, &source.text, diagnostics);
                errors = true;
                continue;
            }
        };
        let changed = formatted != *source.text;
        if args.check || args.diff {
            if changed {
                unformatted += 1;
                if args.check {
                    status!("would reformat: {}", source.name);
                }
                let _ = write!(
                    stdout,
                    "{}",
                    unified_diff(&source.name, &source.text, &formatted)
                );
            }
            continue;
        }
        if args.write {
            if let (true, Some(path)) = (changed, &source.path) {
                if let Err(error) = std::fs::write(path, &formatted) {
                    eprintln!("error: {}: cannot write: {error}", source.name);
                    errors = true;
                } else {
                    status!("reformatted: {}", source.name);
                }
            } else if source.path.is_none() {
                let _ = write!(stdout, "{formatted}");
            }
            continue;
        }
        let _ = write!(stdout, "{formatted}");
    }
    if args.check && unformatted > 0 {
        status!(
            "{unformatted} file{} would be reformatted; run `riskgate fmt --write` to fix",
            if unformatted == 1 { "" } else { "s" }
        );
    }
    if errors {
        Outcome::Error
    } else if args.check && unformatted > 0 {
        Outcome::Findings
    } else {
        Outcome::Success
    }
}

fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{name} (original)"),
            &format!("{name} (formatted)"),
        )
        .to_string()
}
