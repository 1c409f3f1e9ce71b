//! The seam between `riskgate check` and the engine: compiling the policy
//! set (the embedded standard library unless `--policy` is given), loading
//! manifests with positions, and checking each document. Everything before
//! this (discovery, reading files, the clock) and after it (rendering, exit
//! codes) is I/O and presentation in the command itself.

use std::path::PathBuf;

use anyhow::Context as _;
use riskgate_engine::controls::{self, CheckOptions, PolicySet};
use riskgate_engine::trace::{EnforcementPoint, Location, Trace};
use riskgate_engine::{Value, manifest};

use crate::policy_files::PolicySource;
pub use crate::policy_set::OverlayInput;
use crate::policy_set::{self, overlay_data};
use crate::render::ColorChoice;

/// A manifest file to evaluate, read but not parsed.
#[derive(Debug, Clone)]
pub struct ManifestInput {
    /// The name shown in reports: the path as given, or `-` for stdin.
    pub name: String,
    /// The file's bytes (the loader reports invalid UTF-8 itself).
    pub bytes: Vec<u8>,
}

/// Everything one evaluation needs; all I/O has already happened.
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

/// Evaluates the manifests and returns the decision trace.
///
/// One `ManifestTrace` per manifest document, in input order; a manifest
/// that cannot be loaded is an entry with `Decision::Error`, not an `Err`.
/// `Err` is reserved for failures of the whole run (policies do not
/// compile, overlay invalid).
pub fn evaluate(request: &EvaluationRequest<'_>) -> anyhow::Result<Trace> {
    let overlay = overlay_data(request.overlay)?;
    let set = compile(request, overlay.clone())?;
    let mut options = CheckOptions::new(request.context, now_ns(request.now)?);
    options.data = overlay;
    let mut traces = Vec::new();
    for input in request.manifests {
        let text = String::from_utf8_lossy(&input.bytes);
        for loaded in manifest::load_manifests_from_bytes(&input.name, &input.bytes) {
            traces.push(set.check_loaded(&loaded, &text, &options));
        }
    }
    Ok(controls::assemble_trace(
        traces,
        &options,
        &policy_source(request),
    ))
}

/// Lists the controls of the policy set, ordered by id.
pub fn list_controls(request: &EvaluationRequest<'_>) -> anyhow::Result<Vec<ControlSummary>> {
    let set = compile(request, overlay_data(request.overlay)?)?;
    Ok(set
        .controls()
        .controls
        .iter()
        .map(|control| ControlSummary {
            id: control.id.clone(),
            title: control.title.clone(),
            severity: control.severity.as_str().to_string(),
            action: control.action(request.context).as_str().to_string(),
            risks: control.mitigates.clone(),
            policy: control.location.clone(),
        })
        .collect())
}

fn compile(request: &EvaluationRequest<'_>, overlay: Option<Value>) -> anyhow::Result<PolicySet> {
    policy_set::compile_with_overlay(request.policies, overlay, ColorChoice::Auto).map_err(
        |errors| {
            eprint!("{}", errors.rendered);
            errors.into()
        },
    )
}

fn now_ns(now: &str) -> anyhow::Result<i64> {
    let time = chrono::DateTime::parse_from_rfc3339(now)
        .with_context(|| format!("--now {now}: not an RFC 3339 time"))?;
    time.timestamp_nanos_opt()
        .with_context(|| format!("--now {now}: out of range"))
}

fn policy_source(request: &EvaluationRequest<'_>) -> String {
    policy_set::policy_source(request.policy_dirs)
}
