//! `riskgate report`: the portfolio view over a corpus of releases.
//!
//! The command reads manifests like `riskgate check`, evaluates each at
//! the report clock and forecasts it over the horizon while it is in
//! memory ([`seam::evaluate_each`]), aggregates with
//! [`Portfolio::build`] and renders in the chosen format. It never gates:
//! denied releases are what the report is about, so it exits 0 once the
//! report is written, and 2 when it cannot be, or when some inputs could
//! not be read (the report then covers the rest).
//!
//! `--from-cluster` adds the cluster's `ModelRelease`s, listed once
//! (paged) as `riskgate audit` lists them and named as the audit names
//! them (`cluster:NAMESPACE/NAME`). Each is evaluated as admission sees
//! it (spec and identifying metadata, not the status an audit wrote), so
//! a cluster report and an audit pass at the same clock agree.

use std::path::PathBuf;

use anyhow::Context;
use riskgate_controls::forecast;
use riskgate_controls::portfolio::{self, Portfolio, ReleaseFacts, ReleaseInput};
use riskgate_workspace::clock::Now;
use riskgate_workspace::manifest_files::Filters;

use riskgate_webhook::audit::ClusterAccess;

use super::check::seam::{self, EvaluationRequest, ManifestInput};
use super::check::{self as check_command, ContextArg, DecisionArgs};
use crate::Outcome;
use crate::report::portfolio::{PortfolioFormat, RenderOptions};

/// Report on a portfolio of releases: decisions by tier, control pass
/// rates by family, taxonomy coverage, KPIs, waivers, and a forecast of
/// what will fail in the coming days and why.
///
/// Exits 0 when the report is written (whatever the decisions), 2 on
/// usage or input errors; manifests that load are reported even when
/// others cannot be read.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Manifest files, directories (searched for .yaml, .yml and .json) or
    /// glob patterns; `-` reads stdin.
    #[arg(value_name = "PATHS", required_unless_present = "from_cluster")]
    pub paths: Vec<String>,
    /// Also report every ModelRelease in the cluster the kubeconfig names
    /// (as `cluster:NAMESPACE/NAME`), as admission sees it. Needs `list`
    /// on `modelreleases`.
    #[arg(long)]
    pub from_cluster: bool,
    /// The kubeconfig for --from-cluster; by default $KUBECONFIG,
    /// ~/.kube/config, else the in-cluster service account.
    #[arg(long, value_name = "FILE", requires = "from_cluster")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context for --from-cluster; by default its current
    /// context. (`--context` is the enforcement context.)
    #[arg(long, value_name = "NAME", requires = "from_cluster")]
    pub kube_context: Option<String>,
    /// With --from-cluster, only this namespace; by default all.
    #[arg(long, short = 'n', value_name = "NAMESPACE", requires = "from_cluster")]
    pub namespace: Option<String>,
    /// Output format: a self-contained HTML page, Markdown, the report as
    /// JSON (see docs/report.md), or CSV with one row per release.
    #[arg(long, short = 'f', value_enum, default_value_t = PortfolioFormat::Markdown)]
    pub format: PortfolioFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The report clock (RFC 3339, e.g. 2026-10-01T00:00:00Z); defaults
    /// to the current time, read once per run.
    #[arg(long, value_name = "RFC3339", value_parser = Now::parse)]
    pub now: Option<Now>,
    /// Days to forecast: what fails, and when, if nothing is done; 0
    /// skips the forecast (then the report costs what `check` does).
    #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub horizon: u32,
    /// Earlier reports written with `--format json` (repeatable): their
    /// headline numbers make the trend.
    #[arg(long, value_name = "REPORT.json")]
    pub history: Vec<PathBuf>,
    #[command(flatten)]
    pub decision: DecisionArgs,
    /// Only report files in directories that match GLOB (repeatable).
    #[arg(long, value_name = "GLOB", value_parser = check_command::parse_glob)]
    pub include: Vec<glob::Pattern>,
    /// Skip files in directories that match GLOB (repeatable).
    #[arg(long, value_name = "GLOB", value_parser = check_command::parse_glob)]
    pub exclude: Vec<glob::Pattern>,
    /// Evaluation steps allowed per manifest and clock.
    #[arg(long, value_name = "N", default_value_t = riskgate_engine::EvalLimits::default().max_steps)]
    pub max_steps: u64,
    /// Time allowed per manifest and clock (`500ms`, `10s`, `1m`).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = riskgate_workspace::clock::parse_duration)]
    pub timeout: std::time::Duration,
}

/// Runs `riskgate report`.
pub fn run(args: &ReportArgs) -> Outcome {
    match report(args) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}

fn report(args: &ReportArgs) -> anyhow::Result<Outcome> {
    let now = args
        .now
        .unwrap_or_else(|| Now::wall_clock().whole_seconds());
    // Earlier reports first: a bad one is a usage error before any work.
    let history = args
        .history
        .iter()
        .map(|path| read_report(path))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let inputs = args.decision.read_inputs()?;
    let filters = Filters {
        include: args.include.clone(),
        exclude: args.exclude.clone(),
    };
    let (mut manifests, input_errors) = if args.paths.is_empty() {
        (Vec::new(), false)
    } else {
        check_command::read_manifests(&args.paths, &filters)?
    };
    if args.from_cluster {
        manifests.extend(cluster_manifests(args)?);
    }
    let request = EvaluationRequest {
        manifests: &manifests,
        policies: &inputs.policies,
        policy_dirs: &args.decision.policy,
        with_stdlib: args.decision.with_stdlib,
        overlay: inputs.overlay.as_ref(),
        context: args.decision.context.unwrap_or(ContextArg::Ci).into(),
        now,
        explain: false,
        progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        max_steps: args.max_steps,
        timeout: Some(args.timeout),
        evidence: None,
        warn_within_days: None,
    };
    let horizon = args.horizon;
    let evaluated = seam::evaluate_each(&request, |document, trace| {
        let instants = document
            .raw()
            .map(portfolio::known_instants)
            .unwrap_or_default();
        // A release that could not be loaded has nothing to forecast.
        let forecast = if trace.controls.is_empty() || horizon == 0 {
            forecast::Forecast::default()
        } else {
            forecast::forecast(now.ns(), horizon, &instants, trace, |clock| {
                document.check_at(clock)
            })
        };
        ReleaseFacts::new(trace, document.raw(), forecast, now.ns())
    })?;
    let releases: Vec<ReleaseInput<'_>> = evaluated
        .trace
        .manifests
        .iter()
        .zip(&evaluated.extras)
        .map(|(trace, facts)| ReleaseInput { trace, facts })
        .collect();
    let report = Portfolio::build(
        &evaluated.trace,
        evaluated.set.controls(),
        &releases,
        horizon,
    )
    .with_history(&history);
    let sources = check_command::manifest_sources(&manifests);
    let options = RenderOptions {
        sources: Some(&sources),
    };
    check_command::write_report(
        args.output.as_deref(),
        &args.format.render(&report, &options),
    )?;
    Ok(if input_errors {
        Outcome::Error
    } else {
        Outcome::Success
    })
}

/// The cluster's releases as manifest inputs, in YAML so that the
/// report's snippets read like `kubectl get -o yaml`.
fn cluster_manifests(args: &ReportArgs) -> anyhow::Result<Vec<ManifestInput>> {
    let cluster = ClusterAccess {
        kubeconfig: args.kubeconfig.clone(),
        context: args.kube_context.clone(),
    };
    let listed = riskgate_webhook::audit::cluster_manifests(&cluster, args.namespace.as_deref())?;
    if listed.is_empty() && args.paths.is_empty() {
        anyhow::bail!(
            "no ModelReleases in {}: nothing to report",
            args.namespace.as_deref().map_or_else(
                || "the cluster".to_owned(),
                |namespace| format!("namespace {namespace}")
            )
        );
    }
    listed
        .into_iter()
        .map(|release| {
            let text = serde_yaml_ng::to_string(&release.manifest)
                .with_context(|| format!("{}: cannot write as YAML", release.source))?;
            Ok(ManifestInput {
                name: release.source,
                bytes: text.into_bytes(),
            })
        })
        .collect()
}

fn read_report(path: &std::path::Path) -> anyhow::Result<Portfolio> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let report: Portfolio = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a riskgate report (write one with `riskgate report --format json`)",
            path.display()
        )
    })?;
    if report.report_version != portfolio::REPORT_VERSION {
        anyhow::bail!(
            "{}: report format version {} is not supported (this riskgate reads version {})",
            path.display(),
            report.report_version,
            portfolio::REPORT_VERSION
        );
    }
    Ok(report)
}
