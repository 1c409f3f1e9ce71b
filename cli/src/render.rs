//! Rendering diagnostics for terminals (miette), with colour control.

use std::io::IsTerminal;
use std::sync::Arc;

use riskgate_dsl::Diagnostic;

/// The `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Renders diagnostics to stderr.
pub struct Renderer {
    handler: miette::GraphicalReportHandler,
}

impl Renderer {
    pub fn new(choice: ColorChoice) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
            }
        };
        let theme = if color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        Self {
            handler: miette::GraphicalReportHandler::new_themed(theme),
        }
    }

    /// Renders diagnostics of one source file to a string.
    pub fn render(&self, name: &str, source: &Arc<str>, diagnostics: Vec<Diagnostic>) -> String {
        let mut out = String::new();
        for diagnostic in diagnostics {
            let report = diagnostic.with_source(name, Arc::clone(source));
            if self.handler.render_report(&mut out, &report).is_err() {
                out.push_str(&format!("{name}: {report}\n"));
            }
        }
        out
    }

    /// Renders diagnostics of one source file to stderr.
    pub fn emit(&self, name: &str, source: &Arc<str>, diagnostics: Vec<Diagnostic>) {
        eprint!("{}", self.render(name, source, diagnostics));
    }
}
