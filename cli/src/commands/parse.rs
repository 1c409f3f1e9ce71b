//! `riskgate parse`: syntax-check policy files (all errors, every file).

use std::path::PathBuf;

use crate::Outcome;
use riskgate_workspace::policy_files;
use riskgate_workspace::render::Renderer;

/// Parse policy files and report every syntax error.
///
/// Exits 0 when all files parse, 2 otherwise.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Files or directories (`-` reads stdin). Defaults to the current directory.
    pub paths: Vec<PathBuf>,
    /// Accept Rego v0 syntax.
    #[arg(long)]
    pub v0_compatible: bool,
}

pub fn run(args: &ParseArgs, renderer: &Renderer) -> Outcome {
    let mut errors = 0usize;
    let mut files = 0usize;
    for path in policy_files::collect(&args.paths) {
        let source = match path.and_then(|p| policy_files::read(&p)) {
            Ok(source) => source,
            Err(error) => {
                eprintln!("error: {error:#}");
                errors += 1;
                continue;
            }
        };
        files += 1;
        let parsed =
            riskgate_dsl::parse_module(&source.text, source.parse_options(args.v0_compatible));
        if parsed.has_errors() {
            errors += parsed
                .diagnostics
                .iter()
                .filter(|d| d.severity() == riskgate_dsl::Severity::Error)
                .count();
        }
        if !parsed.diagnostics.is_empty() {
            renderer.emit(&source.name, &source.text, parsed.diagnostics);
        }
    }
    if errors > 0 {
        eprintln!(
            "{errors} error{} in {files} file{}",
            plural(errors),
            plural(files)
        );
        Outcome::Error
    } else {
        eprintln!("{files} file{} parsed without errors", plural(files));
        Outcome::Success
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
