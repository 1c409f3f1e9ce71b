//! Source texts and the structured view of them every importer reads:
//! a JSON value with the position of each node, from the manifest loader
//! (which reads YAML and JSON alike), so an error can cite line:col.

use std::sync::Arc;

use riskgate_controls::manifest::{EvidenceSource, PositionMap, Timestamp, load_documents};
use riskgate_dsl::{Code, Span};

use crate::codes;
use crate::error::ImportError;

/// One file (or HTTP response body) to import from.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Name to cite: the path as given on the command line, or a URL.
    pub name: String,
    /// The text.
    pub text: Arc<str>,
}

impl SourceFile {
    /// A source named `name` with `text`.
    #[must_use]
    pub fn new(name: &str, text: &str) -> Self {
        Self {
            name: name.to_owned(),
            text: Arc::from(text),
        }
    }

    /// `sha256:<hex>` of the text, recorded as the evidence's source digest.
    #[must_use]
    pub fn digest(&self) -> String {
        riskgate_controls::digest::sha256(self.text.as_bytes())
    }

    /// An error at `span` of this file.
    pub(crate) fn error(
        &self,
        code: &'static Code,
        span: Span,
        message: impl Into<String>,
    ) -> ImportError {
        ImportError::in_file(code, &self.name, &self.text, span, message)
    }

    /// Reads the whole text as one YAML or JSON document.
    pub(crate) fn structured(&self) -> Result<Structured<'_>, ImportError> {
        self.structured_part(0, &self.text)
    }

    /// Reads `part`, which starts at byte `offset` of the text (a model
    /// card's front matter), as one YAML or JSON document.
    pub(crate) fn structured_part(
        &self,
        offset: u32,
        part: &str,
    ) -> Result<Structured<'_>, ImportError> {
        let mut documents = load_documents(part);
        let unreadable = |span: Span, message: String| {
            self.error(
                &codes::IMPORT_SOURCE_UNREADABLE,
                span.shifted_by(offset),
                message,
            )
        };
        if documents.len() > 1 {
            let span = documents.get(1).map_or(Span::new(0, 0), |d| d.span);
            return Err(unreadable(
                span,
                format!("{} holds more than one YAML document", self.name),
            ));
        }
        let Some(document) = documents.pop() else {
            return Err(unreadable(
                Span::new(0, 0),
                format!("{} is empty", self.name),
            ));
        };
        if let Some(problem) = document.diagnostics.first() {
            return Err(unreadable(
                problem.primary_span(),
                format!(
                    "{} is not valid YAML or JSON: {}",
                    self.name,
                    problem.message()
                ),
            ));
        }
        let Some(value) = document.value else {
            return Err(unreadable(
                document.span,
                format!("{} could not be read", self.name),
            ));
        };
        Ok(Structured {
            source: self,
            value: value.to_json(),
            positions: document.positions,
            offset,
        })
    }
}

/// Adds an offset to a span (a part's spans are relative to the part).
trait ShiftedBy {
    fn shifted_by(self, offset: u32) -> Self;
}

impl ShiftedBy for Span {
    fn shifted_by(self, offset: u32) -> Self {
        Span::new(
            self.start.saturating_add(offset),
            self.end.saturating_add(offset),
        )
    }
}

/// A parsed source: its value and the position of every node.
pub(crate) struct Structured<'s> {
    pub(crate) source: &'s SourceFile,
    pub(crate) value: serde_json::Value,
    positions: PositionMap,
    offset: u32,
}

impl Structured<'_> {
    /// The span of the node at `pointer` (or its nearest ancestor).
    pub(crate) fn span(&self, pointer: &str) -> Span {
        self.positions
            .nearest(pointer)
            .map_or(Span::new(0, 0), |(_, position)| position.span)
            .shifted_by(self.offset)
    }

    /// An `E6002` error about the node at `pointer`.
    pub(crate) fn invalid(&self, pointer: &str, message: impl Into<String>) -> ImportError {
        self.error_at(&codes::IMPORT_SOURCE_INVALID, pointer, message)
    }

    /// A `code` error about the node at `pointer`.
    pub(crate) fn error_at(
        &self,
        code: &'static Code,
        pointer: &str,
        message: impl Into<String>,
    ) -> ImportError {
        self.source.error(code, self.span(pointer), message)
    }

    /// The value at `pointer`, if any.
    pub(crate) fn at(&self, pointer: &str) -> Option<&serde_json::Value> {
        self.value.pointer(pointer)
    }

    /// Deserializes the node at `pointer` into `T`, citing its position on
    /// failure.
    pub(crate) fn typed<T: serde::de::DeserializeOwned>(
        &self,
        pointer: &str,
    ) -> Result<Option<T>, ImportError> {
        let Some(value) = self.at(pointer) else {
            return Ok(None);
        };
        serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|e| self.invalid(pointer, format!("`{}`: {e}", display_pointer(pointer))))
    }
}

/// A pointer as a reader sees it (`/` for the document itself).
pub(crate) fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

/// What every import of one run shares: the clock and the provenance of
/// the file being read.
#[derive(Debug, Clone)]
pub struct ImportContext {
    /// When the import ran (`--now`), RFC 3339.
    pub imported_at: Option<Timestamp>,
}

impl ImportContext {
    /// A context whose clock reads `now` (RFC 3339); an unparsable time is
    /// left out of the provenance rather than guessed.
    #[must_use]
    pub fn new(now: &str) -> Self {
        Self {
            imported_at: Timestamp::parse(now).ok(),
        }
    }

    /// The provenance of values read from `source` by the `kind` importer.
    #[must_use]
    pub fn source_of(&self, kind: &str, source: &SourceFile) -> EvidenceSource {
        EvidenceSource {
            kind: kind.to_owned(),
            uri: None,
            file: Some(source.name.clone()),
            run_id: None,
            digest: Some(source.digest()),
            imported_at: self.imported_at.clone(),
        }
    }
}

/// The error of a code that needs no file (`E6006` for a source with no
/// evidence), at the start of `source`.
pub(crate) fn nothing_found(source: &SourceFile, what: &str) -> ImportError {
    source
        .error(
            &codes::IMPORT_FOUND_NOTHING,
            Span::new(0, 0),
            format!("{} holds no {what} to import", source.name),
        )
        .with_help("pass the file the evaluation tool wrote its results to")
}
