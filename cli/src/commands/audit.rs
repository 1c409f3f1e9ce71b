//! `riskgate audit`: one audit pass over a cluster's `ModelRelease`s,
//! for CI and cron. The pass itself is the webhook crate's
//! ([`riskgate_webhook::audit`]); this file maps flags and prints.

use std::path::PathBuf;

use riskgate_controls::trace::Decision;
use riskgate_webhook::audit::report::{DEFAULT_MAX_RESULTS, ReportApi};
use riskgate_webhook::audit::{self, AuditOptions, AuditRun, AuditSettings, ClusterAccess};
use riskgate_workspace::clock::Now;
use serde_json::{Value, json};

use crate::Outcome;
use crate::report::plural;

/// Audit every ModelRelease in a cluster: evaluate each at the `audit`
/// enforcement point, write its `status` (conditions Compliant and
/// Admitted, failing controls, waivers, next review), a policy report per
/// release and an Event when its compliance changes, and print the
/// results.
///
/// Exits 0 when every release is compliant, 1 when some are not (0 with
/// --exit-zero), 2 when the releases cannot be listed or a write fails
/// (the other releases are still audited and written).
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// The kubeconfig file; by default $KUBECONFIG, ~/.kube/config, else
    /// the in-cluster service account.
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use; by default its current context.
    #[arg(long, visible_alias = "kube-context", value_name = "NAME")]
    pub context: Option<String>,
    /// Audit only this namespace; by default all namespaces.
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Policy directory replacing the embedded standard library
    /// (repeatable).
    #[arg(long, value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Organisation overlay (YAML or JSON).
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
    /// The evaluation clock (RFC 3339); by default the wall clock.
    #[arg(long, value_name = "RFC3339", value_parser = Now::parse)]
    pub now: Option<Now>,
    /// Verify the evidence releases cite against files in DIR, as `serve
    /// --evidence-root` does.
    #[arg(long, value_name = "DIR")]
    pub evidence_root: Option<PathBuf>,
    /// Approvals and waiver sign-offs count only with a valid signature by
    /// the approver's registered key.
    #[arg(long)]
    pub require_signed_approvals: bool,
    /// Which policy report to write per release: OpenReports `Report`
    /// (openreports.io/v1alpha1), the older `PolicyReport`
    /// (wgpolicyk8s.io/v1alpha2) for Kyverno and Policy Reporter installs
    /// that predate OpenReports, or none.
    #[arg(long, value_enum, default_value_t = ReportArg::Openreports)]
    pub report_api: ReportArg,
    /// Results per report (failing first); the summary counts all.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_RESULTS)]
    pub max_results: usize,
    /// Do not emit Events when a release's compliance changes.
    #[arg(long)]
    pub no_events: bool,
    /// Exit 0 even when some release is not compliant (a failed list or
    /// write still exits 2): for a scheduled job whose results are the
    /// statuses and reports it writes.
    #[arg(long)]
    pub exit_zero: bool,
    /// Evaluate and print, but write nothing to the cluster.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format: a summary per release, or JSON with every status
    /// and report as written.
    #[arg(long, short = 'f', value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
}

/// `--report-api`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportArg {
    /// openreports.io/v1alpha1 Report.
    Openreports,
    /// wgpolicyk8s.io/v1alpha2 PolicyReport.
    Policyreport,
    /// No report.
    None,
}

impl ReportArg {
    /// The report API, `None` for no report.
    #[must_use]
    pub const fn api(self) -> Option<ReportApi> {
        match self {
            Self::Openreports => Some(ReportApi::Openreports),
            Self::Policyreport => Some(ReportApi::Policyreport),
            Self::None => None,
        }
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// One block per release.
    Text,
    /// Everything, as JSON.
    Json,
}

/// Runs `riskgate audit`.
pub fn run(args: &AuditArgs) -> Outcome {
    let now = args
        .now
        .unwrap_or_else(|| Now::wall_clock().whole_seconds());
    let evidence = match riskgate_webhook::evidence_options(
        args.evidence_root.as_deref(),
        args.require_signed_approvals,
    ) {
        Ok(evidence) => evidence,
        Err(error) => return fail(&error),
    };
    let options = AuditOptions {
        cluster: ClusterAccess {
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
        },
        policy_dirs: args.policy.clone(),
        overlay: args.overlay.clone(),
        settings: AuditSettings {
            namespace: args.namespace.clone(),
            now_ns: now.ns(),
            write: !args.dry_run,
            report_api: args.report_api.api(),
            events: !args.no_events,
            max_results: args.max_results,
            evidence,
        },
    };
    let run = match audit::audit_once(&options) {
        Ok(run) => run,
        Err(error) => return fail(&error),
    };
    match args.format {
        AuditFormat::Text => print!("{}", text(&run, now, args.dry_run)),
        AuditFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&as_json(&run, now)).unwrap_or_default()
        ),
    }
    if run.releases.iter().any(|r| !r.failures.is_empty()) {
        Outcome::Error
    } else if args.exit_zero || run.releases.iter().all(|r| r.audit.compliant()) {
        Outcome::Success
    } else {
        Outcome::Findings
    }
}

fn fail(error: &anyhow::Error) -> Outcome {
    eprintln!("error: {error:#}");
    Outcome::Error
}

/// What admission would do, as the summary says it.
const fn admission_word(decision: Decision) -> &'static str {
    match decision {
        Decision::Pass => "allow",
        Decision::Warn => "allow with warnings",
        Decision::Deny => "deny",
        Decision::Error => "error",
    }
}

fn text(run: &AuditRun, now: Now, dry_run: bool) -> String {
    let mut out = format!(
        "riskgate audit at {now}: {} against policy {} ({}){}\n",
        plural(run.releases.len(), "release"),
        run.policy_version,
        run.policy_source,
        if dry_run {
            ", dry run: nothing written"
        } else {
            ""
        },
    );
    for release in &run.releases {
        let audit = &release.audit;
        let status = &release.status;
        let compliance = condition(status, "Compliant");
        out.push_str(&format!(
            "\n{}  {}  admission: {}\n",
            audit.key(),
            match compliance.0 {
                "True" => "compliant",
                "False" => "NOT COMPLIANT",
                _ => "NOT EVALUATED",
            },
            admission_word(audit.admission),
        ));
        if compliance.0 != "True" {
            out.push_str(&format!("  {}\n", compliance.1));
        }
        for failing in array(status, "failingControls") {
            let field = |key: &str| text_at(failing, key);
            out.push_str(&format!(
                "  - {} {}: {}\n",
                field("id"),
                field("requirement"),
                field("message")
            ));
            if !field("toPass").is_empty() {
                out.push_str(&format!("    to pass: {}\n", field("toPass")));
            }
        }
        for waiver in array(status, "waivers") {
            let field = |key: &str| text_at(waiver, key);
            out.push_str(&format!(
                "  waiver {} on {} expires {}\n",
                field("id"),
                field("control"),
                field("expiresAt")
            ));
        }
        match status.get("nextReview").and_then(Value::as_str) {
            Some(next) => out.push_str(&format!("  next review: {next}\n")),
            None => out.push_str(&format!(
                "  next review: none within {} days\n",
                audit::evaluate::REVIEW_HORIZON_DAYS
            )),
        }
        if !release.written.is_empty() {
            out.push_str(&format!("  wrote: {}\n", release.written.join(", ")));
        }
        for failure in &release.failures {
            out.push_str(&format!("  error: could not write {failure}\n"));
        }
    }
    let compliant = run.releases.iter().filter(|r| r.audit.compliant()).count();
    out.push_str(&format!(
        "\n{}: {compliant} compliant, {} not\n",
        plural(run.releases.len(), "release"),
        run.releases.len() - compliant
    ));
    out
}

fn as_json(run: &AuditRun, now: Now) -> Value {
    let releases: Vec<Value> = run
        .releases
        .iter()
        .map(|release| {
            json!({
                "release": release.audit.key(),
                "compliant": release.audit.compliant(),
                "admission": release.audit.admission.as_str(),
                "status": release.status,
                "report": release.report,
                "written": release.written,
                "errors": release.failures,
            })
        })
        .collect();
    json!({
        "now": now.rfc3339(),
        "policy_version": run.policy_version,
        "policy_source": run.policy_source,
        "releases": releases,
    })
}

/// `(status, message)` of a condition.
fn condition<'a>(status: &'a Value, kind: &str) -> (&'a str, &'a str) {
    match audit::status::find_condition(Some(status), kind) {
        Some(found) => (text_at(found, "status"), text_at(found, "message")),
        None => ("", ""),
    }
}

/// The string at `key`, or `""`.
fn text_at<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}
