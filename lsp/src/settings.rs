//! The workspace's `riskgate.toml`, read with the CLI's reader
//! ([`riskgate_workspace::config`]) so the editor shows the findings
//! `riskgate lint` reports.
//!
//! The file is looked for from the workspace folder upwards, read at
//! start-up and again whenever a `riskgate.toml` is saved or changes on
//! disk. A file the server cannot use is not fatal: it becomes an `E4001`
//! diagnostic on that file, and the built-in defaults apply until it is
//! fixed (a mistyped key must not leave the editor without diagnostics).

use std::path::Path;

use lsp_types::Url;
use riskgate_controls::lint::LintConfig;
use riskgate_dsl::{Diagnostic, Span};
use riskgate_workspace::codes;
use riskgate_workspace::config::{self, Lookup};

/// What the server took from `riskgate.toml`.
#[derive(Debug, Default)]
pub struct Settings {
    /// `[lint]`: which lints run, their severities and the line length.
    pub lint: LintConfig,
    /// Why the file found could not be used.
    pub problem: Option<Problem>,
}

/// A configuration file the server could not use.
#[derive(Debug)]
pub struct Problem {
    /// The file.
    pub uri: Url,
    /// Its text, for positions.
    pub text: String,
    /// The `E4001` diagnostic.
    pub diagnostic: Diagnostic,
}

impl Settings {
    /// Reads the settings for a workspace rooted at `root`.
    #[must_use]
    pub fn load(root: Option<&Path>) -> Self {
        let Some(root) = root else {
            return Self::default();
        };
        match config::load(Lookup::From(root)) {
            Ok(config) => Self {
                lint: config.lint.config,
                problem: None,
            },
            Err(error) => {
                let span = error.span.clone().map_or(Span::new(0, 0), |range| {
                    Span::new(
                        u32::try_from(range.start).unwrap_or(u32::MAX),
                        u32::try_from(range.end).unwrap_or(u32::MAX),
                    )
                });
                let problem = Url::from_file_path(&error.path).ok().map(|uri| Problem {
                    uri,
                    text: std::fs::read_to_string(&error.path).unwrap_or_default(),
                    diagnostic: Diagnostic::new(&codes::INVALID_CONFIGURATION, error.message)
                        .with_primary(span, "")
                        .with_help(
                            "the server uses the built-in defaults until the file is fixed; see docs/config.md",
                        ),
                });
                Self {
                    lint: LintConfig::default(),
                    problem,
                }
            }
        }
    }
}

/// Whether a change to `path` may change the settings.
#[must_use]
pub fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name == config::FILE_NAME)
}
