//! `riskgate serve`: the Kubernetes validating admission webhook.

use riskgate_workspace::clock::Now;
use std::net::IpAddr;
use std::path::PathBuf;

use riskgate_webhook::artifact::ArtifactAction;
use riskgate_webhook::audit::report::DEFAULT_MAX_RESULTS;
use riskgate_webhook::decide::{FailureMode, UnknownKinds};
use riskgate_webhook::workload::{DEFAULT_ANNOTATION, WorkloadKind};
use riskgate_webhook::{AuditOptions, LogLevel, Options};

use super::audit::ReportArg;

use crate::Outcome;

/// Serve the validating admission webhook (`POST /validate`).
///
/// Checks `ModelRelease` objects at the `admission` enforcement point and
/// answers allowed or denied with the failing controls and how to pass.
/// With --workloads, also checks Deployments or KServe InferenceServices
/// through the release their annotation names (read from the API server).
/// Also serves /healthz, /readyz and /metrics (Prometheus).
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "0.0.0.0", value_name = "IP")]
    pub address: IpAddr,
    /// Port to listen on (0 picks a free port; the log says which).
    #[arg(long, default_value_t = 8443)]
    pub port: u16,
    /// Serving certificate chain (PEM); reloaded when the file changes.
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_key",
        required_unless_present = "insecure_http"
    )]
    pub tls_cert: Option<PathBuf>,
    /// Private key of the serving certificate (PEM); reloaded when the file
    /// changes.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP, for local testing only (the API server requires
    /// HTTPS).
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    pub insecure_http: bool,
    /// Policy directory replacing the embedded standard library
    /// (repeatable); reloaded when a file changes.
    #[arg(long, value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Organisation overlay (YAML or JSON); reloaded when it changes.
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
    /// Seconds between checks of the policy, overlay and certificate files
    /// for changes; 0 reloads only on SIGHUP.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub reload_interval: f64,
    /// What an evaluation error does: `closed` denies, `open` allows with
    /// a warning.
    #[arg(long, value_enum, default_value_t = FailureMode::Closed)]
    pub failure_mode: FailureMode,
    /// What happens to objects of kinds riskgate does not check.
    #[arg(long, value_enum, default_value_t = UnknownKinds::Allow)]
    pub unknown_kinds: UnknownKinds,
    /// Largest request body accepted (larger: HTTP 413).
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Evaluation deadline per request, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub eval_timeout_ms: u64,
    /// Reviews in progress at once (parsed, waiting to be evaluated or
    /// being evaluated); further requests wait, with their body read,
    /// until a slot frees or their deadline passes (then HTTP 503). Bounds
    /// memory under a burst of connections. 0: 32 per core, at least 64.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_concurrent_reviews: usize,
    /// Time allowed to read a request's headers, and then its body, in
    /// milliseconds (slow clients are cut off).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub read_timeout_ms: u64,
    /// On SIGTERM, how long to wait for in-flight requests, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 25)]
    pub shutdown_timeout: u64,
    /// Reuse the decision for an identical release (same content and
    /// policy version) for this many seconds; 0 (the default) evaluates
    /// every request.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
    pub decision_cache_ttl: f64,
    /// Workload kinds checked through the `ModelRelease` their annotation
    /// names (comma-separated); by default none, so these kinds are
    /// unknown kinds (--unknown-kinds).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub workloads: Vec<WorkloadKind>,
    /// Annotation of a workload naming its release: `name` (in the
    /// workload's namespace) or `namespace/name`.
    #[arg(long, value_name = "KEY", default_value = DEFAULT_ANNOTATION)]
    pub release_annotation: String,
    /// Deny workloads of a checked kind that have no release annotation
    /// (by default they are allowed unchecked).
    #[arg(long)]
    pub require_release_annotation: bool,
    /// Let a workload name a release in another namespace
    /// (`namespace/name`); by default only its own namespace is used.
    #[arg(long)]
    pub allow_cross_namespace_releases: bool,
    /// What happens to a workload whose images or model URIs all pin
    /// digests other than its release's spec.identity.artifact.digest:
    /// `deny`, `warn` (allow with a warning) or `allow` (as the release
    /// decides; the `artifact` audit annotation still records it).
    #[arg(long, value_enum, value_name = "ACTION", default_value_t = ArtifactAction::Deny)]
    pub mismatched_artifacts: ArtifactAction,
    /// What happens to a workload that pins no digest (a tag, an unpinned
    /// storageUri) to compare with its release's artifact digest. The
    /// riskgate.dev/model-container annotation names the container that
    /// holds the model.
    #[arg(long, value_enum, value_name = "ACTION", default_value_t = ArtifactAction::Warn)]
    pub unpinned_artifacts: ArtifactAction,
    /// Kubernetes API server URL for reading releases; by default the
    /// in-cluster address (KUBERNETES_SERVICE_HOST and _PORT). `http://`
    /// only with --insecure-http.
    #[arg(long, value_name = "URL")]
    pub kube_api_server: Option<String>,
    /// Bearer token file for the API server, re-read every minute (tokens
    /// rotate); by default the pod's service-account token.
    #[arg(long, value_name = "FILE")]
    pub kube_token_file: Option<PathBuf>,
    /// CA bundle (PEM) the API server's certificate must chain to, re-read
    /// every minute (the CA rotates); by default the pod's service-account
    /// `ca.crt`.
    #[arg(long, value_name = "FILE")]
    pub kube_ca_file: Option<PathBuf>,
    /// Deprecated, no effect: workload checks read releases from a watch
    /// that keeps them current. Still accepted (with a warning at start) so
    /// existing command lines keep working.
    #[arg(long, value_name = "SECONDS")]
    pub release_cache_ttl: Option<f64>,
    /// Log level of the JSON logs on stderr.
    #[arg(long, value_enum, default_value_t = LogLevel::Info)]
    pub log_level: LogLevel,
    /// Fixed evaluation clock (RFC 3339), for tests and reproducing a
    /// decision; by default the wall clock at each request.
    #[arg(long, value_name = "RFC3339", value_parser = Now::parse)]
    pub now: Option<Now>,
    /// Verify the evidence releases cite (digests, reports, signatures)
    /// against files in DIR, e.g. a mounted ConfigMap that release authors
    /// cannot write; see docs/evidence.md. Decisions are cached with
    /// --decision-cache-ttl as usual.
    #[arg(long, value_name = "DIR")]
    pub evidence_root: Option<PathBuf>,
    /// Approvals and waiver sign-offs count only with a valid signature by
    /// the approver's registered key (envelopes are read from
    /// --evidence-root).
    #[arg(long)]
    pub require_signed_approvals: bool,
    /// Also run the continuous audit (docs/audit.md): every ModelRelease is
    /// re-evaluated at the `audit` point when it changes, when the policy
    /// changes and when its result next changes, and its status, policy
    /// report and Events are written. One replica writes: the holder of
    /// the --audit-lease Lease. Needs the API server (as --workloads).
    #[arg(long)]
    pub audit: bool,
    /// Which policy report the audit writes per release.
    #[arg(long, value_enum, default_value_t = ReportArg::Openreports, value_name = "API")]
    pub audit_report_api: ReportArg,
    /// Results per audit report (failing first).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_RESULTS)]
    pub audit_max_results: usize,
    /// Do not record Events when a release's compliance changes.
    #[arg(long)]
    pub audit_no_events: bool,
    /// The coordination.k8s.io Lease that elects the replica that audits.
    #[arg(long, value_name = "NAME", default_value = "riskgate-audit")]
    pub audit_lease: String,
    /// The Lease's namespace; by default the pod's (POD_NAMESPACE, else the
    /// service account's).
    #[arg(long, value_name = "NAMESPACE")]
    pub audit_lease_namespace: Option<String>,
    /// This replica's name in the Lease; by default $HOSTNAME (the pod name).
    #[arg(long, value_name = "NAME")]
    pub audit_identity: Option<String>,
    /// Allowed releases (and workloads checked through their release) also
    /// get an admission warning for each requirement that passes or is
    /// waived now and stops passing within DURATION (`14d`, `2w`, `36h`;
    /// whole days), the sentence `riskgate check --warn-within` prints;
    /// by default none.
    #[arg(long, value_name = "DURATION", value_parser = riskgate_controls::expiring::parse_window)]
    pub warn_within: Option<u32>,
}

impl ServeArgs {
    /// The webhook's options: the flags as given.
    fn options(&self) -> Options {
        Options {
            address: self.address,
            port: self.port,
            tls_cert: self.tls_cert.clone(),
            tls_key: self.tls_key.clone(),
            insecure_http: self.insecure_http,
            policy: self.policy.clone(),
            overlay: self.overlay.clone(),
            reload_interval: self.reload_interval,
            failure_mode: self.failure_mode,
            unknown_kinds: self.unknown_kinds,
            max_body_bytes: self.max_body_bytes,
            eval_timeout_ms: self.eval_timeout_ms,
            max_concurrent_reviews: self.max_concurrent_reviews,
            read_timeout_ms: self.read_timeout_ms,
            shutdown_timeout: self.shutdown_timeout,
            decision_cache_ttl: self.decision_cache_ttl,
            workloads: self.workloads.clone(),
            release_annotation: self.release_annotation.clone(),
            require_release_annotation: self.require_release_annotation,
            allow_cross_namespace_releases: self.allow_cross_namespace_releases,
            mismatched_artifacts: self.mismatched_artifacts,
            unpinned_artifacts: self.unpinned_artifacts,
            kube_api_server: self.kube_api_server.clone(),
            kube_token_file: self.kube_token_file.clone(),
            kube_ca_file: self.kube_ca_file.clone(),
            release_cache_ttl: self.release_cache_ttl,
            log_level: self.log_level,
            now: self.now,
            evidence_root: self.evidence_root.clone(),
            require_signed_approvals: self.require_signed_approvals,
            audit: self.audit.then(|| AuditOptions {
                report_api: self.audit_report_api.api(),
                max_results: self.audit_max_results,
                events: !self.audit_no_events,
                lease_name: self.audit_lease.clone(),
                lease_namespace: self.audit_lease_namespace.clone(),
                identity: self.audit_identity.clone(),
            }),
            warn_within_days: self.warn_within,
        }
    }
}

/// Runs `riskgate serve` until SIGTERM or SIGINT.
pub fn run(args: &ServeArgs) -> Outcome {
    match riskgate_webhook::run(&args.options()) {
        Ok(()) => Outcome::Success,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}
