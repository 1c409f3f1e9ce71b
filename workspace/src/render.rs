//! Rendering diagnostics with their source snippets (miette), for a
//! terminal or a log line, with colour control.

use std::io::IsTerminal;
use std::sync::Arc;

use riskgate_dsl::Diagnostic;

use crate::policy_set::PolicyErrors;

/// Whether rendered diagnostics are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Renders diagnostics as text.
pub struct Renderer {
    handler: miette::GraphicalReportHandler,
}

impl Renderer {
    /// A renderer; [`ColorChoice::Auto`] looks at stderr and `NO_COLOR`.
    #[must_use]
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
    #[must_use]
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

    /// Renders every diagnostic of a policy set that did not compile.
    #[must_use]
    pub fn render_policy_errors(&self, errors: &PolicyErrors) -> String {
        errors
            .diagnostics
            .iter()
            .map(|d| self.render(&d.file, &errors.source(&d.file), vec![d.diagnostic.clone()]))
            .collect()
    }

    /// Renders every diagnostic of a policy set that did not compile to
    /// stderr.
    pub fn emit_policy_errors(&self, errors: &PolicyErrors) {
        eprint!("{}", self.render_policy_errors(errors));
    }
}
