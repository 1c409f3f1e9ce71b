//! The one error type of the importers: a diagnostic with the source it
//! points into, so the CLI can print `file:line:col` and the code.

use std::sync::Arc;

use riskgate_dsl::{Code, Diagnostic, Span};

/// An import failed. Carries a diagnostic (code, message, label, help) and,
/// when it is about a file, that file's name and text for rendering.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", diagnostic.message())]
pub struct ImportError {
    file: Option<String>,
    text: Option<Arc<str>>,
    diagnostic: Diagnostic,
}

impl ImportError {
    /// An error about the text of `file`, at `span`.
    pub(crate) fn in_file(
        code: &'static Code,
        file: &str,
        text: &Arc<str>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: Some(file.to_owned()),
            text: Some(Arc::clone(text)),
            diagnostic: Diagnostic::new(code, message).with_primary(span, ""),
        }
    }

    /// An error about no file in particular (a request, an argument).
    pub(crate) fn general(code: &'static Code, message: impl Into<String>) -> Self {
        Self {
            file: None,
            text: None,
            diagnostic: Diagnostic::new(code, message),
        }
    }

    /// Adds help text.
    #[must_use]
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.diagnostic = self.diagnostic.with_help(help);
        self
    }

    /// The diagnostic.
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.diagnostic
    }

    /// The file the error is about, with its text, when there is one.
    #[must_use]
    pub fn file(&self) -> Option<(&str, &Arc<str>)> {
        Some((self.file.as_deref()?, self.text.as_ref()?))
    }
}
