//! INTERNAL SEAM between `riskgate check` and the engine.
//!
//! Everything `check` needs from the engine goes through the two functions
//! here, so wiring the real engine (manifest loader + controls evaluator)
//! touches this file only. The command around it already discovers and
//! reads the inputs, fixes the clock, renders the trace and maps it to an
//! exit code.
//!
//! STUB: until the `controls` and `manifest` work lands, both functions
//! return [`NotWired`]; `riskgate check` then exits 2 with that message.
//! Wiring sketch (for the lead):
//! 1. per manifest input, `riskgate_engine::manifest::load_manifests_from_bytes(name, bytes)`;
//! 2. compile `policies` (or the embedded stdlib when empty) plus `overlay`;
//! 3. evaluate each loaded manifest at `context` and `now` into a
//!    `ManifestTrace` (load errors become `Decision::Error` entries with
//!    `problems`), and assemble the `Trace` with its `Summary`.

use std::path::PathBuf;

use riskgate_engine::trace::{EnforcementPoint, Location, Trace};

use crate::policy_files::PolicySource;
use crate::report::Explain;

/// A manifest file to evaluate, read but not parsed.
#[derive(Debug, Clone)]
pub struct ManifestInput {
    /// The name shown in reports: the path as given, or `-` for stdin.
    pub name: String,
    /// The file's bytes (the loader reports invalid UTF-8 itself).
    pub bytes: Vec<u8>,
}

/// An overlay file (org data: thresholds, disabled or added controls).
#[derive(Debug, Clone)]
#[expect(dead_code, reason = "read by the engine once it is wired in")]
pub struct OverlayInput {
    /// The path as given.
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// Everything one evaluation needs; all I/O has already happened.
#[expect(dead_code, reason = "read by the engine once it is wired in")]
pub struct EvaluationRequest<'a> {
    /// Manifest files, in command-line order.
    pub manifests: &'a [ManifestInput],
    /// Policy files from `--policy`; empty means the embedded stdlib.
    pub policies: &'a [PolicySource],
    /// The `--policy` directories as given (for `Trace::policy_source`).
    pub policy_dirs: &'a [PathBuf],
    /// The `--overlay` file.
    pub overlay: Option<&'a OverlayInput>,
    /// `--context`.
    pub context: EnforcementPoint,
    /// The evaluation clock (RFC 3339, UTC), fixed for the run.
    pub now: &'a str,
    /// `--explain`: `full` may ask the evaluator for more detail.
    pub explain: Explain,
}

/// One control of the policy set, for `--list-controls`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlSummary {
    /// Control id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// `low` … `critical`.
    pub severity: String,
    /// The action at the requested enforcement point (`deny`, `warn`, `record`).
    pub action: String,
    /// Risk ids it mitigates.
    pub risks: Vec<String>,
    /// Where it is declared.
    pub policy: Location,
}

/// The engine is not connected to `riskgate check` in this build.
#[derive(Debug)]
pub struct NotWired;

impl std::fmt::Display for NotWired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "this build of riskgate cannot evaluate manifests yet: the controls engine is not wired into `riskgate check`",
        )
    }
}

impl std::error::Error for NotWired {}

/// Evaluates the manifests and returns the decision trace.
///
/// Contract: one `ManifestTrace` per manifest document, in input order;
/// a manifest that cannot be loaded is an entry with `Decision::Error`, not
/// an `Err`. `Err` is reserved for failures of the whole run (policies do
/// not compile, overlay invalid).
pub fn evaluate(request: &EvaluationRequest<'_>) -> anyhow::Result<Trace> {
    let _ = request;
    Err(NotWired.into())
}

/// Lists the controls of the policy set, ordered by id.
pub fn list_controls(request: &EvaluationRequest<'_>) -> anyhow::Result<Vec<ControlSummary>> {
    let _ = request;
    Err(NotWired.into())
}
