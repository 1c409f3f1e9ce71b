//! Golden trace tests: a directory holding `manifest.yaml` (or `.yml`,
//! `.json`) and `expected.trace.json`. The manifest is checked against the
//! policies and the trace compared with the expected one (ignoring
//! `riskgate_version`); `--update` rewrites the expected trace.
//!
//! The clock and enforcement point come from the expected trace
//! (`evaluated_at`, `enforcement_point`), so a case replays exactly; new
//! cases use `--now` (default 2026-01-01T00:00:00Z) and `ci`. Policy files
//! are named relative to the directory given on the command line and the
//! manifest by its file name, so traces do not depend on where the command
//! runs.

use riskgate_workspace::clock::Now;
use std::path::{Path, PathBuf};

use riskgate_controls::manifest;
use riskgate_controls::trace::{EnforcementPoint, Trace};
use riskgate_controls::{CheckOptions, PolicySet};

use crate::report::json::to_pretty_json;
use riskgate_workspace::policy_files::PolicySource;

const MANIFEST_NAMES: [&str; 3] = ["manifest.yaml", "manifest.yml", "manifest.json"];
const EXPECTED: &str = "expected.trace.json";
const DEFAULT_NOW: &str = "2026-01-01T00:00:00Z";

/// A golden case directory.
#[derive(Debug, Clone)]
pub struct GoldenCase {
    /// The directory as found (shown in reports).
    pub name: String,
    /// The manifest file.
    pub manifest: PathBuf,
    /// `expected.trace.json` beside it.
    pub expected: PathBuf,
}

/// How a golden case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoldenStatus {
    /// The trace matches.
    Pass,
    /// The trace differs; a unified diff, expected → actual.
    Fail(String),
    /// `--update` wrote the expected trace.
    Updated,
    /// The case could not be run.
    Error(String),
}

/// The result of one golden case.
#[derive(Debug, Clone)]
pub struct GoldenResult {
    /// The case.
    pub case: GoldenCase,
    /// How it ended.
    pub status: GoldenStatus,
}

impl GoldenResult {
    /// Whether the case passed (or was updated).
    pub fn passed(&self) -> bool {
        matches!(self.status, GoldenStatus::Pass | GoldenStatus::Updated)
    }
}

/// Every golden case under `roots`, in path order.
pub fn discover(roots: &[PathBuf]) -> Vec<GoldenCase> {
    let mut cases = Vec::new();
    for root in roots.iter().filter(|r| r.is_dir()) {
        for entry in walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(Result::ok)
        {
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && MANIFEST_NAMES.contains(&name.as_ref()) {
                let dir = entry
                    .path()
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                cases.push(GoldenCase {
                    name: dir.display().to_string(),
                    manifest: entry.path().to_path_buf(),
                    expected: dir.join(EXPECTED),
                });
            }
        }
    }
    cases
}

/// The policy sources renamed relative to their root directory.
pub fn relative_sources(sources: &[PolicySource], roots: &[PathBuf]) -> Vec<PolicySource> {
    sources
        .iter()
        .map(|s| PolicySource {
            name: s
                .path
                .as_deref()
                .map_or_else(|| s.name.clone(), |p| super::relative(p, roots)),
            path: s.path.clone(),
            text: s.text.clone(),
        })
        .collect()
}

/// Runs one case.
pub fn run(set: &PolicySet, case: &GoldenCase, update: bool, now: Option<Now>) -> GoldenResult {
    let status = match run_case(set, case, update, now) {
        Ok(status) => status,
        Err(error) => GoldenStatus::Error(format!("{error:#}")),
    };
    GoldenResult {
        case: case.clone(),
        status,
    }
}

fn run_case(
    set: &PolicySet,
    case: &GoldenCase,
    update: bool,
    now: Option<Now>,
) -> anyhow::Result<GoldenStatus> {
    let expected: Option<serde_json::Value> = match std::fs::read_to_string(&case.expected) {
        Ok(text) => Some(
            serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: not valid JSON: {e}", case.expected.display()))?,
        ),
        Err(_) if update => None,
        Err(_) => anyhow::bail!(
            "{} is missing (run `riskgate test --update` to create it)",
            case.expected.display()
        ),
    };
    let evaluated_at = expected
        .as_ref()
        .and_then(|e| e.get("evaluated_at"))
        .and_then(serde_json::Value::as_str)
        .map(|text| {
            Now::parse(text)
                .map_err(|e| anyhow::anyhow!("{}: evaluated_at: {e}", case.expected.display()))
        })
        .transpose()?
        .or(now)
        .map_or_else(|| Now::parse(DEFAULT_NOW), Ok)?;
    let point = expected
        .as_ref()
        .and_then(|e| e.get("enforcement_point"))
        .and_then(|p| serde_json::from_value::<EnforcementPoint>(p.clone()).ok())
        .unwrap_or(EnforcementPoint::Ci);
    let trace = evaluate(set, &case.manifest, evaluated_at, point)?;
    let actual = serde_json::to_value(&trace)?;
    if update {
        std::fs::write(&case.expected, to_pretty_json(&trace))
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", case.expected.display()))?;
        return Ok(GoldenStatus::Updated);
    }
    let Some(expected) = expected else {
        return Ok(GoldenStatus::Updated);
    };
    if comparable(&expected) == comparable(&actual) {
        return Ok(GoldenStatus::Pass);
    }
    let old = to_pretty_json(&comparable(&expected));
    let new = to_pretty_json(&comparable(&actual));
    let diff = similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(2)
        .header(EXPECTED, "actual")
        .to_string();
    Ok(GoldenStatus::Fail(diff))
}

/// The trace without fields that change between riskgate versions.
fn comparable(trace: &serde_json::Value) -> serde_json::Value {
    let mut trace = trace.clone();
    if let Some(map) = trace.as_object_mut() {
        map.remove("riskgate_version");
    }
    trace
}

fn evaluate(
    set: &PolicySet,
    manifest_path: &Path,
    now: Now,
    point: EnforcementPoint,
) -> anyhow::Result<Trace> {
    let now_ns = now.ns();
    let bytes = std::fs::read(manifest_path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", manifest_path.display()))?;
    let name = manifest_path.file_name().map_or_else(
        || "manifest.yaml".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = String::from_utf8_lossy(&bytes);
    let options = CheckOptions::new(point, now_ns);
    let traces = manifest::load_manifests_from_bytes(&name, &bytes)
        .iter()
        .map(|loaded| set.check_loaded(loaded, &text, &options))
        .collect();
    Ok(riskgate_controls::assemble_trace(
        traces, &options, "golden",
    ))
}
