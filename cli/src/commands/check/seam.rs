//! The seam between `riskgate check` and the engine: compiling the policy
//! set (the embedded standard library unless `--policy` is given), loading
//! manifests with positions, and checking each document. Everything before
//! this (discovery, reading files, the clock) and after it (rendering, exit
//! codes) is I/O and presentation in the command itself.

use riskgate_workspace::clock::Now;
use std::borrow::Borrow;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use riskgate_controls::manifest::{self, LoadedManifest};
use riskgate_controls::trace::{EnforcementPoint, Location, ManifestTrace, Summary, Trace};
use riskgate_controls::{CheckOptions, PolicySet, expiring};
use riskgate_engine::Value;

use riskgate_workspace::policy_files::PolicySource;
pub use riskgate_workspace::policy_set::OverlayInput;
use riskgate_workspace::policy_set::{self, overlay_data};
use riskgate_workspace::render::{ColorChoice, Renderer};

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
    /// `--with-stdlib`: compile the embedded standard library together
    /// with `policies` instead of replacing it.
    pub with_stdlib: bool,
    /// The `--overlay` file.
    pub overlay: Option<&'a OverlayInput>,
    /// `--context`.
    pub context: EnforcementPoint,
    /// The evaluation clock (RFC 3339, UTC), fixed for the run.
    pub now: Now,
    /// `--explain full`: attach rule evaluation traces to failing
    /// requirements computed by policy rules.
    pub explain: bool,
    /// Show a progress bar on stderr (the caller decides: a terminal and
    /// enough manifests).
    pub progress: bool,
    /// Evaluation steps allowed per manifest.
    pub max_steps: u64,
    /// Time allowed per manifest (`None`: no deadline).
    pub timeout: Option<std::time::Duration>,
    /// `--verify-evidence` and its options (`None`: only where the
    /// policy's `trust.verify` asks).
    pub evidence: Option<riskgate_controls::trust::EvidenceOptions>,
    /// `--warn-within`, in whole days: fill each release's
    /// `expiring` list (`None`: nothing is forecast, at no cost).
    pub warn_within_days: Option<u32>,
}

/// Below this many manifest files no progress bar is shown.
pub const PROGRESS_MIN_FILES: usize = 50;

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
    Ok(evaluate_each(request, |_, _| ())?.trace)
}

/// One loaded manifest document and what checking it needs, handed to
/// the `extra` closure of [`evaluate_each`] while the document is in
/// memory.
pub struct Document<'a> {
    set: &'a PolicySet,
    loaded: &'a LoadedManifest,
    text: &'a str,
    options: &'a CheckOptions,
    timeout: Option<std::time::Duration>,
}

impl Document<'_> {
    /// The manifest as written (`None` when it could not be read).
    pub fn raw(&self) -> Option<&Value> {
        self.loaded.raw.as_ref()
    }

    /// Checks the document again with the clock at `now_ns`.
    pub fn check_at(&self, now_ns: i64) -> ManifestTrace {
        let mut options = self.options.clone();
        options.now_ns = now_ns;
        // Each check gets the full per-manifest time, as the first did.
        options.limits.deadline = self.timeout.map(|t| std::time::Instant::now() + t);
        self.set.check_loaded(self.loaded, self.text, &options)
    }
}

/// What [`evaluate_each`] returns.
pub struct Evaluated<T> {
    /// The decision trace.
    pub trace: Trace,
    /// `extra`'s result for each document, in trace order.
    pub extras: Vec<T>,
    /// The compiled policy set.
    pub set: PolicySet,
}

/// [`evaluate`], also calling `extra` on every document with its trace
/// (in parallel, results kept in input order).
pub fn evaluate_each<T: Send>(
    request: &EvaluationRequest<'_>,
    extra: impl Fn(&Document<'_>, &ManifestTrace) -> T + Sync,
) -> anyhow::Result<Evaluated<T>> {
    let mut traces = Vec::new();
    let mut extras = Vec::new();
    let batches = request.manifests.chunks(BATCH_FILES);
    let streamed = evaluate_batches(
        request,
        request.manifests.len(),
        batches,
        extra,
        |trace, extra, _| {
            traces.push(trace);
            extras.push(extra);
        },
    )?;
    Ok(Evaluated {
        trace: Trace {
            manifests: traces,
            ..streamed.trace
        },
        extras,
        set: streamed.set,
    })
}

/// Files checked in parallel before their traces are handed on: the
/// traces in memory at any time are one batch's, whatever the corpus size,
/// and a batch is large enough to keep every core busy.
pub const BATCH_FILES: usize = 256;

/// [`evaluate_each`] without keeping the traces: `sink` receives every
/// document's trace, `extra`'s result and the file it came from, in input
/// order, as each batch of files (at most [`BATCH_FILES`]; read already or
/// a batch at a time, so that not even the files' bytes are held for the
/// whole run) is checked. `files` is their total, for the progress bar;
/// `request.manifests` is not read. The returned trace has the header and
/// summary of the run and no manifests.
pub fn evaluate_batches<T: Send, B: Borrow<[ManifestInput]>>(
    request: &EvaluationRequest<'_>,
    files: usize,
    batches: impl Iterator<Item = B>,
    extra: impl Fn(&Document<'_>, &ManifestTrace) -> T + Sync,
    mut sink: impl FnMut(ManifestTrace, T, &ManifestInput),
) -> anyhow::Result<Evaluated<()>> {
    let overlay = overlay_data(request.overlay)?;
    let set = compile(request, overlay.clone())?;
    let mut options = CheckOptions::new(request.context, request.now.ns());
    options.data = overlay;
    options.explain = request.explain;
    options.limits.max_steps = request.max_steps;
    options.evidence.clone_from(&request.evidence);
    let progress = progress_bar(request.progress, files);
    let mut summary = Summary::default();
    for batch in batches {
        let batch = batch.borrow();
        // An indexed parallel iterator collects in input order, so the
        // traces are the same as a sequential run's.
        let per_file: Vec<Vec<(ManifestTrace, T)>> = batch
            .par_iter()
            .map(|input| {
                let traces = check_file(
                    &set,
                    input,
                    &options,
                    (request.timeout, request.warn_within_days),
                    &extra,
                );
                progress.inc(1);
                traces
            })
            .collect();
        // Output written while the bar is shown would tear it.
        progress.suspend(|| {
            for (input, traces) in batch.iter().zip(per_file) {
                for (trace, extra) in traces {
                    summary.record(trace.decision);
                    sink(trace, extra, input);
                }
            }
        });
    }
    progress.finish_and_clear();
    Ok(Evaluated {
        trace: riskgate_controls::trace_header(summary, &options, &policy_source(request)),
        extras: Vec::new(),
        set,
    })
}

/// Loads one file and checks each of its documents (and forecasts what
/// expires within `warn_within_days`, when given).
fn check_file<T>(
    set: &PolicySet,
    input: &ManifestInput,
    options: &CheckOptions,
    (timeout, warn_within_days): (Option<std::time::Duration>, Option<u32>),
    extra: &impl Fn(&Document<'_>, &ManifestTrace) -> T,
) -> Vec<(ManifestTrace, T)> {
    let text = String::from_utf8_lossy(&input.bytes);
    manifest::load_manifests_from_bytes(&input.name, &input.bytes)
        .iter()
        .map(|loaded| {
            // The deadline is the only clock read: it can only turn a
            // pathological manifest into `error`, never change a decision
            // that finishes in time.
            let mut options = options.clone();
            options.limits.deadline = timeout.map(|t| std::time::Instant::now() + t);
            let mut trace = set.check_loaded(loaded, &text, &options);
            let document = Document {
                set,
                loaded,
                text: &text,
                options: &options,
                timeout,
            };
            if let Some(days) = warn_within_days {
                trace.expiring =
                    expiring::expiring(options.now_ns, days, document.raw(), &trace, |clock| {
                        document.check_at(clock)
                    });
            }
            let extra = extra(&document, &trace);
            (trace, extra)
        })
        .collect()
}

/// A bar counting checked files on stderr, or a hidden one.
fn progress_bar(wanted: bool, files: usize) -> ProgressBar {
    if !wanted || files < PROGRESS_MIN_FILES {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(
        Some(u64::try_from(files).unwrap_or(u64::MAX)),
        ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        ProgressStyle::with_template("checking {bar:30} {pos}/{len} manifests ({eta} left)")
    {
        bar.set_style(style);
    }
    bar
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
    policy_set::compile_with_overlay(request.policies, request.with_stdlib, overlay).map_err(
        |errors| {
            Renderer::new(ColorChoice::Auto).emit_policy_errors(&errors);
            errors.into()
        },
    )
}

fn policy_source(request: &EvaluationRequest<'_>) -> String {
    policy_set::policy_source(request.policy_dirs, request.with_stdlib)
}
