//! Diagnostics as data: a stable code, a severity, a message, labelled spans
//! and an optional help line. Rendering (colours, snippets) happens at the
//! edge through [`miette`]; this module only describes.

pub mod codes;

use std::sync::Arc;

pub use codes::Code;

use crate::span::Span;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Informational hint.
    Hint,
    /// Something likely wrong that does not stop evaluation.
    Warning,
    /// The input cannot be used as written.
    Error,
}

impl Severity {
    /// Lower-case name, as used in JSON output.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A labelled span of source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// What the label points at.
    pub span: Span,
    /// Text shown next to the span, if any.
    pub message: Option<String>,
    /// Whether this is the main location of the diagnostic.
    pub primary: bool,
}

/// One problem found in a source text.
///
/// Boxed inside so `Result<T, Diagnostic>` stays one pointer wide.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Diagnostic {
    inner: Box<DiagnosticInner>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DiagnosticInner {
    code: &'static Code,
    severity: Severity,
    message: String,
    labels: Vec<Label>,
    help: Option<String>,
}

impl Diagnostic {
    /// Moves every label by `delta` bytes (the text before it changed length).
    pub(crate) fn shift(&mut self, delta: i64) {
        use crate::ast::spans::SpansMut as _;
        for label in &mut self.inner.labels {
            label.span.shift(delta);
        }
    }

    /// A diagnostic with the code's default severity.
    pub fn new(code: &'static Code, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(DiagnosticInner {
                code,
                severity: code.severity,
                message: message.into(),
                labels: Vec::new(),
                help: None,
            }),
        }
    }

    /// Adds the primary label.
    pub fn with_primary(mut self, span: Span, message: impl Into<String>) -> Self {
        let message = message.into();
        self.inner.labels.push(Label {
            span,
            message: (!message.is_empty()).then_some(message),
            primary: true,
        });
        self
    }

    /// Adds a secondary label.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        let message = message.into();
        self.inner.labels.push(Label {
            span,
            message: (!message.is_empty()).then_some(message),
            primary: false,
        });
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.inner.help = Some(help.into());
        self
    }

    /// Overrides the severity (used by configurable lints).
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.inner.severity = severity;
        self
    }

    /// Shifts every label by `offset` bytes (for text parsed out of a larger file).
    pub fn shifted(mut self, offset: u32) -> Self {
        for label in &mut self.inner.labels {
            label.span = label.span.shifted(offset);
        }
        self
    }

    /// The stable code.
    #[must_use]
    pub fn code(&self) -> &'static Code {
        self.inner.code
    }

    /// The severity.
    #[must_use]
    pub fn severity(&self) -> Severity {
        self.inner.severity
    }

    /// The one-line message (lower case, no trailing period).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// All labels, primary first when one was added first.
    #[must_use]
    pub fn labels(&self) -> &[Label] {
        &self.inner.labels
    }

    /// The help line, if any.
    #[must_use]
    pub fn help(&self) -> Option<&str> {
        self.inner.help.as_deref()
    }

    /// The span of the primary label (or the first label, or an empty span).
    #[must_use]
    pub fn primary_span(&self) -> Span {
        self.inner
            .labels
            .iter()
            .find(|label| label.primary)
            .or_else(|| self.inner.labels.first())
            .map_or_else(Span::default, |label| label.span)
    }

    /// Attaches the source so the diagnostic can be rendered by miette.
    pub fn with_source(self, name: &str, source: Arc<str>) -> SourceDiagnostic {
        SourceDiagnostic {
            diagnostic: self,
            source: miette::NamedSource::new(name, source),
        }
    }
}

/// A diagnostic together with the text it points into, ready for miette.
#[derive(Debug)]
pub struct SourceDiagnostic {
    diagnostic: Diagnostic,
    source: miette::NamedSource<Arc<str>>,
}

impl SourceDiagnostic {
    /// The underlying diagnostic.
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.diagnostic
    }
}

impl std::fmt::Display for SourceDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.diagnostic.message())
    }
}

impl std::error::Error for SourceDiagnostic {}

impl miette::Diagnostic for SourceDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.code().id))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity() {
            Severity::Hint => miette::Severity::Advice,
            Severity::Warning => miette::Severity::Warning,
            Severity::Error => miette::Severity::Error,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic
            .help()
            .map(|help| Box::new(help) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(self.diagnostic.labels().iter().map(|label| {
            let span: miette::SourceSpan = label.span.into();
            if label.primary {
                miette::LabeledSpan::new_primary_with_span(label.message.clone(), span)
            } else {
                miette::LabeledSpan::new_with_span(label.message.clone(), span)
            }
        })))
    }
}
