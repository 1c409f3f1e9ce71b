//! Release manifests: the typed `ModelRelease` model, its JSON Schema, and a
//! loader that keeps source positions.
//!
//! ```
//! use riskgate_controls::manifest::load_manifests;
//!
//! let text = "apiVersion: riskgate.dev/v1alpha1\nkind: ModelRelease\n\
//!             metadata: {name: demo}\nspec:\n  classification: {risk_tier: high}\n";
//! let loaded = load_manifests("demo.yaml", text);
//! assert_eq!(loaded.len(), 1);
//! let release = &loaded[0];
//! assert!(release.diagnostics.is_empty());
//! let tier = release.positions.line_col("/spec/classification/risk_tier").unwrap();
//! assert_eq!(tier.to_string(), "5:31");
//! ```
//!
//! Policies evaluate [`LoadedManifest::raw`], the document exactly as written
//! (unknown fields included); [`LoadedManifest::manifest`] is the typed view
//! used for validation and by engine code. Every node's position is in
//! [`LoadedManifest::positions`], keyed by JSON pointer, so findings can cite
//! `file:line:col`.
//!
//! Loading never fails as a whole: each document yields a [`LoadedManifest`]
//! with its diagnostics (codes `E2xxx` and `W2xxx`), and a file that cannot
//! be read at all yields one entry carrying the error.

mod evidence;
mod model;
mod operations;
mod position;
mod references;
pub mod schema_nav;
mod shared;
mod timestamp;
mod validate;
mod vocabulary;
mod yaml;

use std::sync::OnceLock;

use crate::codes;
use riskgate_dsl::{Diagnostic, LineIndex, Severity, Span};

use riskgate_engine::value::Value;

pub use evidence::{
    Approval, CappedLimit, CompensatingControl, CompensatingMeasure, Decision, Document,
    Evaluation, EvidenceSource, Finding, FindingStatus, Metric, MetricValue, Monitor, Slice,
    Validation, Waiver, WaiverApprover, WaiverScope,
};
pub use model::{
    API_VERSION, ApiVersion, Artifact, Classification, Data, Dataset, DatasetRole, EuAiAct,
    Identity, IntendedUse, KIND, Kind, Metadata, Methodology, ModelKind, ModelRelease, Ownership,
    ProhibitedPracticeScreen, Spec, TierRationale,
};
pub use operations::{
    Change, Component, Deployment, ImpactAssessment, Incident, Limits, Logging, Oversight, Privacy,
    RateLimit, ReportingClock, Rollback, SideEffects, Slos, SupplyChain, Tool,
};
pub use position::{Position, PositionMap};
pub use references::{EvidenceReference, evidence_references};
pub use shared::{Capability, DatasetRef, OneOrMany, Person, RiskLevel};
pub use timestamp::Timestamp;
pub use vocabulary::{DOCUMENT_KINDS, ROLES, USE_CASE_FLAGS};

/// Largest manifest file the loader reads: 16 MiB.
pub const MAX_MANIFEST_BYTES: usize = 16 * 1024 * 1024;

/// One YAML/JSON document with positions, before any manifest checks.
#[derive(Debug, Clone)]
pub struct LoadedDocument {
    /// 0-based index of the document in its file.
    pub index: usize,
    /// Byte span of the document in the file.
    pub span: Span,
    /// The document as written; `None` when it could not be read.
    pub value: Option<Value>,
    /// Position of every node, by JSON pointer.
    pub positions: PositionMap,
    /// Problems found reading it.
    pub diagnostics: Vec<Diagnostic>,
}

/// A problem found loading a manifest, with the JSON pointer of the value
/// it is about when it has one (for a missing field, where the field
/// belongs). Derefs to the [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestDiagnostic {
    /// The diagnostic (code, message, labels, help).
    pub diagnostic: Diagnostic,
    /// RFC 6901 pointer into the document, e.g. `/spec/evaluations/0`.
    pub pointer: Option<String>,
}

impl ManifestDiagnostic {
    /// A diagnostic about the value at `pointer`.
    pub(crate) fn at(pointer: &str, diagnostic: Diagnostic) -> Self {
        Self {
            diagnostic,
            pointer: Some(pointer.to_owned()),
        }
    }
}

impl From<Diagnostic> for ManifestDiagnostic {
    /// A diagnostic about no value in particular (a syntax error, a file
    /// that cannot be read).
    fn from(diagnostic: Diagnostic) -> Self {
        Self {
            diagnostic,
            pointer: None,
        }
    }
}

impl std::ops::Deref for ManifestDiagnostic {
    type Target = Diagnostic;

    fn deref(&self) -> &Diagnostic {
        &self.diagnostic
    }
}

/// One release manifest read from a file.
#[derive(Debug, Clone)]
pub struct LoadedManifest {
    /// Display name of the file, as passed to the loader.
    pub name: String,
    /// 0-based index of the document in the file.
    pub index: usize,
    /// Byte span of the document in the file.
    pub span: Span,
    /// The document as written, the `input` policies see; `None` when it
    /// could not be read.
    pub raw: Option<Value>,
    /// The typed manifest; `None` when any error was found.
    pub manifest: Option<ModelRelease>,
    /// Position of every node, by JSON pointer.
    pub positions: PositionMap,
    /// Errors and warnings, in the order found.
    pub diagnostics: Vec<ManifestDiagnostic>,
}

impl LoadedManifest {
    /// Whether any diagnostic is an error (then `manifest` is `None`).
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity() == Severity::Error)
    }

    /// `metadata.name` as written, if it is a string.
    #[must_use]
    pub fn release_name(&self) -> Option<&str> {
        self.raw
            .as_ref()?
            .get(&Value::string("metadata"))?
            .get(&Value::string("name"))?
            .as_str()
    }
}

/// The JSON Schema (2020-12) of a `ModelRelease` document.
#[must_use]
pub fn json_schema() -> serde_json::Value {
    schema().clone()
}

/// The schema, generated once.
pub(crate) fn schema() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = schemars::schema_for!(ModelRelease).to_value();
        if let Some(object) = schema.as_object_mut() {
            object.insert(
                "$id".to_owned(),
                serde_json::Value::String(
                    "https://riskgate.dev/schema/modelrelease.schema.json".to_owned(),
                ),
            );
        }
        schema
    })
}

/// The schema compiled for validation, once. `None` only if the generated
/// schema stopped compiling, which a test rules out; typed deserialisation
/// still rejects a malformed release then.
fn compiled_schema() -> Option<&'static riskgate_engine::jsonschema::Compiled> {
    static COMPILED: OnceLock<Option<riskgate_engine::jsonschema::Compiled>> = OnceLock::new();
    COMPILED
        .get_or_init(|| riskgate_engine::jsonschema::compile(schema()).ok())
        .as_ref()
}

/// Checks that `text` is plain text of acceptable size; returns the error.
fn check_text(text: &str) -> Option<Diagnostic> {
    if text.len() > MAX_MANIFEST_BYTES {
        return Some(
            Diagnostic::new(
                &codes::MANIFEST_TOO_LARGE,
                format!(
                    "the file is {} bytes; manifests are limited to {} bytes (16 MiB)",
                    text.len(),
                    MAX_MANIFEST_BYTES
                ),
            )
            .with_primary(Span::new(0, 0), ""),
        );
    }
    let (offset, c) = text
        .char_indices()
        .find(|&(i, c)| is_forbidden_char(i, c))?;
    let at = u32::try_from(offset).unwrap_or(u32::MAX);
    Some(
        Diagnostic::new(
            &codes::MANIFEST_NOT_TEXT,
            format!(
                "the file contains the control character U+{:04X}; it does not look like a YAML or JSON text file",
                u32::from(c)
            ),
        )
        .with_primary(Span::new(at, at), "")
        .with_help("manifests are UTF-8 YAML or JSON text"),
    )
}

/// Characters YAML 1.2 does not allow in a stream.
fn is_forbidden_char(offset: usize, c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => false,
        '\u{feff}' => offset != 0,
        '\u{85}' => false,
        c if c.is_control() => true,
        '\u{fffe}' | '\u{ffff}' => true,
        _ => false,
    }
}

/// Parsed documents of a text, with what is needed to position them.
struct Stream<'t> {
    text: std::borrow::Cow<'t, str>,
    index: LineIndex,
    documents: Vec<yaml::RawDocument>,
}

/// Checks and parses `text` into raw documents.
fn read_stream(text: &str) -> Result<Stream<'_>, Diagnostic> {
    if let Some(error) = check_text(text) {
        return Err(error);
    }
    // JSON has no raw tabs inside strings, but YAML forbids tabs as
    // indentation; swapping them for spaces keeps every offset.
    let text = if text.trim_start().starts_with(['{', '[']) && text.contains('\t') {
        std::borrow::Cow::Owned(text.replace('\t', " "))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let index = LineIndex::new(&text);
    let documents = yaml::parse_documents(&text);
    Ok(Stream {
        text,
        index,
        documents,
    })
}

/// A stand-alone diagnostic for a file that could not be read at all.
fn file_error(name: &str, diagnostic: Diagnostic) -> Vec<LoadedManifest> {
    vec![LoadedManifest {
        name: name.to_owned(),
        index: 0,
        span: Span::default(),
        raw: None,
        manifest: None,
        positions: PositionMap::default(),
        diagnostics: vec![diagnostic.into()],
    }]
}

/// Reads every YAML (or JSON) document of `text`, with positions. Used for
/// manifests and for other YAML inputs such as overlays.
///
/// Returns an empty list for a file with no documents, and a single
/// document carrying the error when the text is too large or binary.
#[must_use]
pub fn load_documents(text: &str) -> Vec<LoadedDocument> {
    let stream = match read_stream(text) {
        Ok(stream) => stream,
        Err(error) => {
            return vec![LoadedDocument {
                index: 0,
                span: Span::default(),
                value: None,
                positions: PositionMap::default(),
                diagnostics: vec![error],
            }];
        }
    };
    stream
        .documents
        .into_iter()
        .enumerate()
        .map(|(i, raw)| LoadedDocument {
            index: i,
            span: raw.span,
            value: raw.root.as_ref().map(validate::to_value),
            positions: raw
                .root
                .as_ref()
                .map(|root| PositionMap::build(root, &stream.text, &stream.index))
                .unwrap_or_default(),
            diagnostics: raw.diagnostics,
        })
        .collect()
}

/// Reads every `ModelRelease` document in `text` (YAML, multi-document
/// YAML, or JSON). `name` is the display name used in diagnostics.
///
/// Each document yields one [`LoadedManifest`]; a syntax error in one
/// document does not hide the others. The list is never empty: an empty or
/// unreadable file yields one entry carrying the error.
#[must_use]
pub fn load_manifests(name: &str, text: &str) -> Vec<LoadedManifest> {
    let Stream {
        text,
        index,
        documents,
    } = match read_stream(text) {
        Ok(stream) => stream,
        Err(error) => return file_error(name, error),
    };
    if documents.is_empty() {
        let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        return file_error(
            name,
            Diagnostic::new(&codes::MANIFEST_EMPTY, "the file contains no manifest")
                .with_primary(Span::new(end, end), "")
                .with_help(
                    "write a document with `apiVersion: riskgate.dev/v1alpha1` and `kind: ModelRelease`",
                ),
        );
    }
    documents
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let positions = raw
                .root
                .as_ref()
                .map(|root| PositionMap::build(root, &text, &index))
                .unwrap_or_default();
            load_document(name, i, raw, positions)
        })
        .collect()
}

/// Reads one `ModelRelease` that is already parsed, such as the object of
/// an admission request: the same checks as [`load_manifests`] without a
/// text to point into, so the result has no positions and its diagnostics
/// only pointers. Pass `""` as the text to [`crate::PolicySet::check_loaded`].
#[must_use]
pub fn load_manifest_value(name: &str, value: &serde_json::Value) -> LoadedManifest {
    let raw = match yaml::from_json(value) {
        Ok(root) => yaml::RawDocument {
            root: Some(root),
            span: Span::default(),
            diagnostics: Vec::new(),
        },
        Err(error) => yaml::RawDocument {
            root: None,
            span: Span::default(),
            diagnostics: vec![error],
        },
    };
    load_document(name, 0, raw, PositionMap::default())
}

/// Validates one read document and types it when it has no errors.
fn load_document(
    name: &str,
    index: usize,
    raw: yaml::RawDocument,
    positions: PositionMap,
) -> LoadedManifest {
    let mut diagnostics: Vec<ManifestDiagnostic> =
        raw.diagnostics.into_iter().map(Into::into).collect();
    let mut manifest = None;
    if let Some(root) = &raw.root {
        validate::validate_manifest(root, raw.span, compiled_schema(), &mut diagnostics);
        if diagnostics.iter().all(|d| d.severity() != Severity::Error) {
            match serde_json::from_value::<ModelRelease>(validate::to_json(root)) {
                Ok(release) => {
                    vocabulary::check(&release, &positions, &mut diagnostics);
                    manifest = Some(release);
                }
                Err(error) => diagnostics.push(
                    Diagnostic::new(
                        &codes::MANIFEST_WRONG_TYPE,
                        format!("the manifest does not match the schema: {error}"),
                    )
                    .with_primary(Span::new(raw.span.start, raw.span.start), "")
                    .into(),
                ),
            }
        }
    }
    LoadedManifest {
        name: name.to_owned(),
        index,
        span: raw.span,
        raw: raw.root.as_ref().map(validate::to_value),
        manifest,
        positions,
        diagnostics,
    }
}

/// Like [`load_manifests`], for raw file bytes: reports invalid UTF-8 with
/// its position instead of requiring the caller to decode.
#[must_use]
pub fn load_manifests_from_bytes(name: &str, bytes: &[u8]) -> Vec<LoadedManifest> {
    if bytes.len() > MAX_MANIFEST_BYTES {
        return file_error(
            name,
            Diagnostic::new(
                &codes::MANIFEST_TOO_LARGE,
                format!(
                    "the file is {} bytes; manifests are limited to {MAX_MANIFEST_BYTES} bytes (16 MiB)",
                    bytes.len()
                ),
            )
            .with_primary(Span::new(0, 0), ""),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => load_manifests(name, text),
        Err(error) => {
            let at = u32::try_from(error.valid_up_to()).unwrap_or(u32::MAX);
            let byte = bytes.get(error.valid_up_to()).copied().unwrap_or(0);
            file_error(
                name,
                Diagnostic::new(
                    &codes::MANIFEST_NOT_TEXT,
                    format!(
                        "the file is not valid UTF-8: byte 0x{byte:02X} at offset {at} does not start a UTF-8 character"
                    ),
                )
                .with_primary(Span::new(at, at), "")
                .with_help("manifests are UTF-8 YAML or JSON text; re-save the file as UTF-8"),
            )
        }
    }
}
