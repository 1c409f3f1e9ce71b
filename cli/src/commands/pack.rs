//! `riskgate pack`: one audit evidence pack per release, and its
//! verification (`--verify`).
//!
//! The command reads the manifest, the policy set (like `riskgate check`,
//! with `riskgate.toml`'s `[check]` filling unset flags) and the local
//! evidence the manifest references, decides once ([`decide`]) and hands
//! the result to [`riskgate_workspace::pack`], which writes the archive.
//! `--verify` opens a pack, checks every member against `pack.json`, and
//! decides again from the packed manifest and policy set with the same
//! [`decide`], so what was packed and what is compared come from one code
//! path.

mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use riskgate_controls::forecast::Forecast;
use riskgate_controls::manifest::{self, EvidenceReference};
use riskgate_controls::portfolio::{Portfolio, ReleaseFacts, ReleaseInput};
use riskgate_controls::trace::{EnforcementPoint, Trace};
use riskgate_workspace::clock::Now;
use riskgate_workspace::evidence_files::EvidenceRoot;
use riskgate_workspace::pack::{self, NamedBytes, PackInput, RenderedDecision};
use riskgate_workspace::policy_files::PolicySource;
use riskgate_workspace::policy_set::{self, OverlayInput, PolicyInputs};

use super::check::seam::{self, EvaluationRequest, ManifestInput};
use super::check::{ContextArg, DecisionArgs};
use crate::Outcome;
use crate::report::portfolio::{PortfolioFormat, RenderOptions};
use crate::report::{Explain, ReportOptions, json, markdown};

/// Write an audit evidence pack for one release, or verify one.
///
/// A pack is a tar.gz holding the manifest as written, the decision (JSON
/// trace, Markdown, HTML), every policy file and the overlay that decided,
/// the local evidence files the manifest references, and `pack.json`:
/// the clock, the policy digest and the sha256 of every member.
///
/// Exits 0 when the pack is written or verifies, 1 when verification
/// finds a mismatch or an unsafe pack, 2 on usage or input errors (also
/// when the manifest cannot be decided: the pack is written, with the
/// error in its trace).
#[derive(Debug, Clone, clap::Args)]
pub struct PackArgs {
    /// The release manifest to pack; local evidence it references is
    /// resolved against its directory.
    #[arg(value_name = "MANIFEST", required_unless_present = "verify")]
    pub manifest: Option<PathBuf>,
    /// Where to write the pack (e.g. release.tar.gz).
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        required_unless_present = "verify"
    )]
    pub output: Option<PathBuf>,
    /// Verify PACK instead of writing one: every member's sha256, then the
    /// decision again from the packed manifest and policies at the packed
    /// clock, compared byte for byte.
    #[arg(long, value_name = "PACK", conflicts_with_all = ["manifest", "output", "policy", "with_stdlib", "overlay", "context", "now", "max_steps"])]
    pub verify: Option<PathBuf>,
    #[command(flatten)]
    pub decision: DecisionArgs,
    /// The evaluation clock (RFC 3339, e.g. 2026-10-01T00:00:00Z),
    /// recorded in the pack; defaults to the current time, read once.
    #[arg(long, value_name = "RFC3339", value_parser = Now::parse)]
    pub now: Option<Now>,
    /// Evaluation steps allowed for the manifest.
    #[arg(long, value_name = "N", default_value_t = riskgate_engine::EvalLimits::default().max_steps)]
    pub max_steps: u64,
    /// Time allowed for the manifest (`500ms`, `10s`, `1m`).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = riskgate_workspace::clock::parse_duration)]
    pub timeout: std::time::Duration,
}

/// Runs `riskgate pack`; `config` is the riskgate.toml that filled the
/// flags, packed with the rest.
pub fn run(args: &PackArgs, config: Option<&Path>) -> Outcome {
    let result = match &args.verify {
        Some(pack) => verify::run(pack, args.timeout),
        None => write_pack(args, config),
    };
    result.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        Outcome::Error
    })
}

fn write_pack(args: &PackArgs, config: Option<&Path>) -> anyhow::Result<Outcome> {
    let (Some(manifest_path), Some(output)) = (&args.manifest, &args.output) else {
        anyhow::bail!("a MANIFEST and --output are required to write a pack");
    };
    let now = args
        .now
        .unwrap_or_else(|| Now::wall_clock().whole_seconds());
    let manifest = ManifestInput {
        name: manifest_path.display().to_string(),
        bytes: std::fs::read(manifest_path)
            .with_context(|| format!("{}: cannot read", manifest_path.display()))?,
    };
    let decision = &args.decision;
    let policy = decision.read_inputs()?;
    let config_bytes = config
        .map(|path| std::fs::read(path).with_context(|| format!("{}: cannot read", path.display())))
        .transpose()?;
    let references = evidence_references(&manifest);
    let evidence_root = EvidenceRoot::new(manifest_path.parent().unwrap_or(Path::new(".")))
        .with_context(|| format!("{}: cannot resolve its directory", manifest_path.display()))?;
    let context: EnforcementPoint = decision.context.unwrap_or(ContextArg::Ci).into();
    let sources = compiled_sources(&policy, decision.with_stdlib);
    let decided = decide(&Decision {
        manifest: &manifest,
        policies: &sources,
        policy_source: &policy_set::policy_source(&policy.dirs, decision.with_stdlib),
        overlay: policy.overlay.as_ref(),
        context,
        now,
        max_steps: args.max_steps,
        timeout: args.timeout,
    })?;
    let config_name = config.map(|path| path.display().to_string());
    let written = pack::write(&PackInput {
        riskgate_version: &decided.trace.riskgate_version,
        now: &now.rfc3339(),
        context,
        max_steps: args.max_steps,
        manifest: NamedBytes {
            name: &manifest.name,
            bytes: &manifest.bytes,
        },
        policy: &policy,
        with_stdlib: decision.with_stdlib,
        config: config_name
            .as_deref()
            .zip(config_bytes.as_deref())
            .map(|(name, bytes)| NamedBytes { name, bytes }),
        trace: &decided.trace,
        rendered: &decided.rendered,
        evidence_root: &evidence_root,
        references: &references,
    })?;
    std::fs::write(output, &written.archive)
        .with_context(|| format!("{}: cannot write the pack", output.display()))?;
    for finding in &written.index.findings {
        eprintln!("warning: {} ({})", finding.message, finding.pointer);
    }
    for record in written
        .index
        .evidence
        .iter()
        .filter(|e| e.status == "not_found")
    {
        eprintln!(
            "warning: evidence {} ({}) is not packed: {}",
            record.reference,
            record.pointer,
            record.detail.as_deref().unwrap_or("not found")
        );
    }
    let total = written.index.evidence.len();
    let packed = written
        .index
        .evidence
        .iter()
        .filter(|e| e.member.is_some())
        .count();
    let why_not = if packed < total {
        " (pack.json says why not for the rest)"
    } else {
        ""
    };
    eprintln!(
        "wrote {}: decision {}, {} members and pack.json, {packed} of {total} evidence references packed{why_not}",
        output.display(),
        written.index.decision.decision.as_str(),
        written.index.members.len(),
    );
    // A release that could not be decided is still packed (the trace says
    // why), but the run is not a success: the pack records an error.
    let undecided = report_undecided(&decided.trace);
    Ok(if undecided {
        Outcome::Error
    } else {
        Outcome::Success
    })
}

/// Prints the errors of every document that could not be decided, with
/// `file:line:col`; whether there was one.
fn report_undecided(trace: &Trace) -> bool {
    let mut undecided = false;
    for manifest in trace
        .manifests
        .iter()
        .filter(|m| m.decision == riskgate_controls::trace::Decision::Error)
    {
        undecided = true;
        for problem in manifest.problems.iter().filter(|p| p.severity == "error") {
            let at = problem.location.as_ref().map_or_else(
                || manifest.file.clone(),
                |l| format!("{}:{}:{}", l.file, l.line, l.col),
            );
            eprintln!("error: {at}: {} [{}]", problem.message, problem.code);
        }
    }
    undecided
}

/// The evidence references of every document of the manifest.
fn evidence_references(manifest: &ManifestInput) -> Vec<EvidenceReference> {
    manifest::load_manifests_from_bytes(&manifest.name, &manifest.bytes)
        .iter()
        .filter_map(|loaded| loaded.raw.as_ref())
        .flat_map(manifest::evidence_references)
        .collect()
}

/// The files the run compiles, as sources, in compile order: what the
/// pack holds and what verification compiles again.
fn compiled_sources(policy: &PolicyInputs, with_stdlib: bool) -> Vec<PolicySource> {
    policy_set::compiled_files(&policy.policies, with_stdlib)
        .into_iter()
        .map(|(name, text)| PolicySource {
            name: name.to_owned(),
            path: None,
            text: Arc::from(text),
        })
        .collect()
}

/// What one decision needs; the same for packing and verifying.
struct Decision<'a> {
    manifest: &'a ManifestInput,
    /// Every file compiled (the standard library's too), in order.
    policies: &'a [PolicySource],
    /// Where the policies came from, as the trace says it.
    policy_source: &'a str,
    overlay: Option<&'a OverlayInput>,
    context: EnforcementPoint,
    now: Now,
    max_steps: u64,
    timeout: std::time::Duration,
}

struct Decided {
    trace: Trace,
    rendered: RenderedDecision,
}

/// Decides the release and renders the decision with `check`'s JSON and
/// Markdown renderers and `report`'s HTML page.
fn decide(decision: &Decision<'_>) -> anyhow::Result<Decided> {
    let request = EvaluationRequest {
        manifests: std::slice::from_ref(decision.manifest),
        // The list is complete (the stdlib's files included when it was
        // used), so it is compiled as given.
        policies: decision.policies,
        policy_dirs: &[],
        with_stdlib: false,
        overlay: decision.overlay,
        context: decision.context,
        now: decision.now,
        explain: true,
        progress: false,
        max_steps: decision.max_steps,
        timeout: Some(decision.timeout),
        // A pack records what the manifest cites and re-decides from the
        // packed files alone; evidence verification is `check`'s.
        evidence: None,
        warn_within_days: None,
    };
    let now_ns = decision.now.ns();
    let mut evaluated = seam::evaluate_each(&request, |document, trace| {
        ReleaseFacts::new(trace, document.raw(), Forecast::default(), now_ns)
    })?;
    // The packed files no longer say which were the stdlib's and which
    // came from directories; the label recorded when packing does.
    decision
        .policy_source
        .clone_into(&mut evaluated.trace.policy_source);
    let trace = evaluated.trace;
    let sources: BTreeMap<String, String> =
        super::check::manifest_sources(std::slice::from_ref(decision.manifest));
    let options = ReportOptions {
        explain: Explain::Full,
        sources: Some(&sources),
        ..ReportOptions::default()
    };
    let releases: Vec<ReleaseInput<'_>> = trace
        .manifests
        .iter()
        .zip(&evaluated.extras)
        .map(|(trace, facts)| ReleaseInput { trace, facts })
        .collect();
    let portfolio = Portfolio::build(&trace, evaluated.set.controls(), &releases, 0);
    let html = PortfolioFormat::Html.render(
        &portfolio,
        &RenderOptions {
            sources: Some(&sources),
        },
    );
    let rendered = RenderedDecision {
        trace_json: json::render(&trace, &options),
        markdown: markdown::render(&trace, &options),
        html,
    };
    Ok(Decided { trace, rendered })
}
