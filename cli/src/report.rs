//! Report renderers: one decision trace ([`Trace`]), six output formats.
//!
//! Every renderer is a pure function `render(&Trace, &ReportOptions) ->
//! String`: no I/O, no clock, no environment. The formats that can be
//! written while a run is still checked ([`StreamFormat`]: `pretty`,
//! `github`, `json`) are also split into a start, one part per manifest and
//! an end; the whole rendering is exactly those parts in order, so a
//! streamed report is byte-identical to a buffered one. The caller decides colours
//! (terminal detection, `NO_COLOR`), the terminal width and whether source
//! snippets are available, and passes them in [`ReportOptions`].
//!
//! Architecture invariant: renderers never re-decide anything. Statuses,
//! decisions and hints come from the trace as the engine wrote them;
//! renderers only choose what to show and how.

pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod portfolio;
pub mod pretty;
mod redact;
pub mod sarif;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeMap;

use riskgate_controls::trace::{
    ControlTrace, Decision, Location, ManifestTrace, RequirementTrace, Status, Trace,
};

/// Where riskgate's documentation lives; rule help links point here.
pub const DOCS_BASE: &str = "https://github.com/riskgate/riskgate/blob/main/docs";
/// The project's home page.
pub const HOMEPAGE: &str = "https://github.com/riskgate/riskgate";

/// The `--format` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable report for terminals (the default).
    Pretty,
    /// The decision trace as JSON (see docs/trace.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: one test suite per manifest, one test case per control.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// Markdown, for a pull-request comment.
    Markdown,
}

impl Format {
    /// Renders `trace` in this format.
    pub fn render(self, trace: &Trace, options: &ReportOptions<'_>) -> String {
        match self {
            Self::Pretty => pretty::render(trace, options),
            Self::Json => json::render(trace, options),
            Self::Sarif => sarif::render(trace, options),
            Self::Junit => junit::render(trace, options),
            Self::Github => github::render(trace, options),
            Self::Markdown => markdown::render(trace, options),
        }
    }
}

/// The `--explain` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Explain {
    /// Failing, warned and waived findings with their hints; passing
    /// controls summarised.
    #[default]
    Short,
    /// Everything: every control and requirement, evidence pointers and
    /// values, risks and severities.
    Full,
}

/// Gives renderers the text of a file named in the trace, for source
/// snippets. Returning `None` simply omits the snippet.
pub trait SourceProvider {
    /// The full text of `file` (as named in a [`Location`]).
    fn source(&self, file: &str) -> Option<&str>;
}

impl SourceProvider for BTreeMap<String, String> {
    fn source(&self, file: &str) -> Option<&str> {
        self.get(file).map(String::as_str)
    }
}

/// How to render a trace.
#[derive(Clone, Copy)]
pub struct ReportOptions<'a> {
    /// Emit ANSI colours (only `pretty` uses them).
    pub color: bool,
    /// How much to show.
    pub explain: Explain,
    /// Drop actual values and evidence values (and scrub them from
    /// messages) before rendering.
    pub redact: bool,
    /// Terminal width in columns, for wrapping (`pretty`).
    pub width: usize,
    /// File contents for source snippets (`pretty`).
    pub sources: Option<&'a dyn SourceProvider>,
}

impl Default for ReportOptions<'_> {
    fn default() -> Self {
        Self {
            color: false,
            explain: Explain::Short,
            redact: false,
            width: 100,
            sources: None,
        }
    }
}

impl std::fmt::Debug for ReportOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportOptions")
            .field("color", &self.color)
            .field("explain", &self.explain)
            .field("redact", &self.redact)
            .field("width", &self.width)
            .field("sources", &self.sources.is_some())
            .finish()
    }
}

impl ReportOptions<'_> {
    /// The trace to render: redacted when `--redact` is on, and without
    /// rule explanations unless `--explain full` (a replayed full trace
    /// renders short like a fresh one). Rule explanations show manifest
    /// values in bindings, so redaction drops them too.
    pub(crate) fn prepare<'t>(&self, trace: &'t Trace) -> Cow<'t, Trace> {
        if self.redact {
            Cow::Owned(redact::redact(trace))
        } else if !self.full() && trace.manifests.iter().any(has_explanations) {
            let mut trace = trace.clone();
            trace
                .manifests
                .iter_mut()
                .for_each(redact::drop_explanations);
            Cow::Owned(trace)
        } else {
            Cow::Borrowed(trace)
        }
    }

    /// [`prepare`](Self::prepare) for one manifest of a streamed report.
    pub(crate) fn prepare_manifest<'m>(
        &self,
        manifest: &'m ManifestTrace,
    ) -> Cow<'m, ManifestTrace> {
        if self.redact {
            let mut manifest = manifest.clone();
            redact::redact_manifest(&mut manifest);
            Cow::Owned(manifest)
        } else if !self.full() && has_explanations(manifest) {
            let mut manifest = manifest.clone();
            redact::drop_explanations(&mut manifest);
            Cow::Owned(manifest)
        } else {
            Cow::Borrowed(manifest)
        }
    }

    pub(crate) fn full(&self) -> bool {
        self.explain == Explain::Full
    }
}

fn has_explanations(manifest: &ManifestTrace) -> bool {
    manifest
        .controls
        .iter()
        .flat_map(|c| &c.requirements)
        .any(|r| !r.explanation.is_empty())
}

/// The formats that can be written one manifest at a time, while later
/// manifests are still being checked: their output is a start, each
/// manifest's part in input order, and an end. `pretty` and `github` start
/// with nothing and are written as the run goes; `json` starts with the
/// run's summary, so its parts are spooled until the run is complete
/// ([`spools`](StreamFormat::spools)). SARIF, JUnit and Markdown put rules
/// or totals first in a shape that does not split this way and are
/// rendered once the run is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// `--format pretty`.
    Pretty,
    /// `--format github`.
    Github,
    /// `--format json`.
    Json,
}

impl Format {
    /// The streamed form of this format, if it has one.
    pub fn streaming(self) -> Option<StreamFormat> {
        match self {
            Self::Pretty => Some(StreamFormat::Pretty),
            Self::Github => Some(StreamFormat::Github),
            Self::Json => Some(StreamFormat::Json),
            Self::Sarif | Self::Junit | Self::Markdown => None,
        }
    }
}

impl StreamFormat {
    /// Whether the start depends on the whole run, so that the parts must
    /// be kept (outside memory) until it is complete.
    pub fn spools(self) -> bool {
        self == Self::Json
    }

    /// The report's part for the `index`-th manifest (0-based, counted over
    /// the whole run).
    pub fn render_manifest(
        self,
        index: usize,
        manifest: &ManifestTrace,
        options: &ReportOptions<'_>,
    ) -> String {
        let manifest = options.prepare_manifest(manifest);
        match self {
            Self::Pretty => pretty::render_manifest(index, &manifest, options),
            Self::Github => github::render_manifest(&manifest, options),
            Self::Json => json::render_manifest(index, &manifest),
        }
    }

    /// What comes before and after the manifests' parts. Only the trace's
    /// header and summary are read: a streamed run passes a trace without
    /// its manifests. The start is empty unless the format [`spools`](Self::spools).
    pub fn render_frame(self, trace: &Trace, options: &ReportOptions<'_>) -> (String, String) {
        match self {
            Self::Pretty => (String::new(), pretty::render_end(trace, options)),
            Self::Github => (String::new(), github::render_end(trace)),
            Self::Json => json::render_frame(trace),
        }
    }
}

/// The decision of a whole run, from its summary: an error anywhere wins
/// (the run is incomplete), then deny, then warn.
pub fn overall_decision(trace: &Trace) -> Decision {
    let summary = &trace.summary;
    if summary.error > 0 {
        Decision::Error
    } else if summary.deny > 0 {
        Decision::Deny
    } else if summary.warn > 0 {
        Decision::Warn
    } else {
        Decision::Pass
    }
}

/// A value as compact JSON (`0.74`, `"prod"`, `["a","b"]`).
pub(crate) fn value_text(value: &serde_json::Value) -> String {
    value.to_string()
}

/// `>= 0.8`.
pub(crate) fn expected_text(requirement: &RequirementTrace) -> Option<String> {
    requirement
        .expected
        .as_ref()
        .map(|e| format!("{} {}", e.op, value_text(&e.threshold)))
}

/// `actual 0.74, expected >= 0.8`, or whichever half is known.
pub(crate) fn comparison_text(requirement: &RequirementTrace) -> Option<String> {
    let actual = requirement.actual.as_ref().map(value_text);
    match (actual, expected_text(requirement)) {
        (Some(a), Some(e)) => Some(format!("actual {a}, expected {e}")),
        (Some(a), None) => Some(format!("actual {a}")),
        (None, Some(e)) => Some(format!("expected {e}")),
        (None, None) => None,
    }
}

/// The manifest location a finding points at: the first evidence with a
/// location, else the waiver.
pub(crate) fn primary_location(requirement: &RequirementTrace) -> Option<&Location> {
    requirement
        .evidence
        .iter()
        .find_map(|e| e.location.as_ref())
        .or_else(|| requirement.waiver.as_ref()?.location.as_ref())
}

/// `namespace/name`, the name, or the file when the manifest has no name.
pub(crate) fn manifest_title(manifest: &ManifestTrace) -> String {
    match (&manifest.namespace, &manifest.name) {
        (Some(ns), Some(name)) => format!("{ns}/{name}"),
        (None, Some(name)) => name.clone(),
        _ => manifest_source(manifest),
    }
}

/// The file, with the 1-based document number when it is not the first.
pub(crate) fn manifest_source(manifest: &ManifestTrace) -> String {
    if manifest.document == 0 {
        manifest.file.clone()
    } else {
        format!("{} (document {})", manifest.file, manifest.document + 1)
    }
}

/// Whether a status is shown in short reports: failing or waived.
pub(crate) fn is_notable(status: Status) -> bool {
    status.is_failing() || status == Status::Waived
}

/// Controls worst first (error, fail, insufficient data, waived, pass, not
/// applicable), by id within a status.
pub(crate) fn controls_worst_first(manifest: &ManifestTrace) -> Vec<&ControlTrace> {
    let mut controls: Vec<&ControlTrace> = manifest.controls.iter().collect();
    controls.sort_by(|a, b| b.status.cmp(&a.status).then_with(|| a.id.cmp(&b.id)));
    controls
}

/// Counts of controls per status in a manifest.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct StatusCounts {
    pub failing: usize,
    pub waived: usize,
    pub pass: usize,
    pub not_applicable: usize,
}

impl StatusCounts {
    pub fn of(manifest: &ManifestTrace) -> Self {
        let mut counts = Self::default();
        for control in &manifest.controls {
            match control.status {
                Status::Pass => counts.pass += 1,
                Status::NotApplicable => counts.not_applicable += 1,
                Status::Waived => counts.waived += 1,
                Status::InsufficientData | Status::Fail | Status::Error => counts.failing += 1,
            }
        }
        counts
    }
}

/// `1 manifest` / `2 manifests`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The run's totals in one sentence (without a trailing period).
pub(crate) fn summary_sentence(trace: &Trace) -> String {
    let s = &trace.summary;
    let mut parts = vec![
        format!("{} denied", s.deny),
        format!("{} passed with warnings", s.warn),
        format!("{} passed", s.pass),
    ];
    if s.error > 0 {
        parts.push(format!("{} could not be evaluated", s.error));
    }
    format!(
        "{} checked at {} ({}): {}",
        plural(s.manifests, "manifest"),
        trace.enforcement_point.as_str(),
        trace.evaluated_at,
        parts.join(", ")
    )
}
