//! How a webhook runs: plain data, validated by [`crate::run`]. The CLI's
//! `riskgate serve` flags map one to one onto these fields and document
//! them for users (`riskgate serve --help`).

use std::net::IpAddr;
use std::path::PathBuf;

use riskgate_workspace::clock::Now;

use crate::artifact::ArtifactAction;
use crate::decide::{FailureMode, UnknownKinds};
use crate::workload::WorkloadKind;

/// Everything [`crate::run`] needs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Address to listen on.
    pub address: IpAddr,
    /// Port to listen on (0 picks a free port; the log says which).
    pub port: u16,
    /// Serving certificate chain (PEM); with `tls_key`, else plain HTTP.
    pub tls_cert: Option<PathBuf>,
    /// Private key of the serving certificate (PEM).
    pub tls_key: Option<PathBuf>,
    /// Plain HTTP was asked for (also allows an `http://` API server).
    pub insecure_http: bool,
    /// Policy directories replacing the embedded standard library.
    pub policy: Vec<PathBuf>,
    /// Organisation overlay (YAML or JSON).
    pub overlay: Option<PathBuf>,
    /// Seconds between checks of the watched files; 0 reloads only on
    /// SIGHUP.
    pub reload_interval: f64,
    /// What an evaluation error does.
    pub failure_mode: FailureMode,
    /// What happens to objects of kinds riskgate does not check.
    pub unknown_kinds: UnknownKinds,
    /// Largest request body accepted (larger: HTTP 413).
    pub max_body_bytes: usize,
    /// Evaluation deadline per request, in milliseconds.
    pub eval_timeout_ms: u64,
    /// Reviews in progress at once (0: 32 per core, at least 64); further
    /// requests wait with their body read, within their deadline.
    pub max_concurrent_reviews: usize,
    /// Time allowed to read a request's headers, then its body, in
    /// milliseconds.
    pub read_timeout_ms: u64,
    /// On SIGTERM, how long to wait for in-flight requests, in seconds.
    pub shutdown_timeout: u64,
    /// Seconds a decision for an identical release is reused (0: never;
    /// at most 3600).
    pub decision_cache_ttl: f64,
    /// Workload kinds checked through the release their annotation names.
    pub workloads: Vec<WorkloadKind>,
    /// Annotation of a workload naming its release.
    pub release_annotation: String,
    /// Deny checked workloads without the annotation.
    pub require_release_annotation: bool,
    /// Let a workload name a release in another namespace.
    pub allow_cross_namespace_releases: bool,
    /// What a workload pinning only digests other than its release's
    /// artifact does.
    pub mismatched_artifacts: ArtifactAction,
    /// What a workload pinning no digest to compare with its release's
    /// artifact does.
    pub unpinned_artifacts: ArtifactAction,
    /// Kubernetes API server URL; by default the in-cluster address.
    pub kube_api_server: Option<String>,
    /// Bearer token file for the API server; by default the pod's
    /// service-account token.
    pub kube_token_file: Option<PathBuf>,
    /// CA bundle of the API server; by default the pod's service-account
    /// `ca.crt`.
    pub kube_ca_file: Option<PathBuf>,
    /// Deprecated, no effect: workload checks read releases from a watch.
    /// `Some` (the flag was given) logs a warning at start.
    pub release_cache_ttl: Option<f64>,
    /// Level of the JSON logs on stderr.
    pub log_level: LogLevel,
    /// Fixed evaluation clock; by default the wall clock at each request.
    pub now: Option<Now>,
    /// Verify cited evidence against files in this directory (typically a
    /// mounted ConfigMap or volume release authors cannot write).
    pub evidence_root: Option<PathBuf>,
    /// Approvals and waiver sign-offs count only when signed.
    pub require_signed_approvals: bool,
    /// Warn allowed releases about what stops passing within this many
    /// days (`None`: off).
    pub warn_within_days: Option<u32>,
    /// Run the continuous audit in this process (`--audit`).
    pub audit: Option<AuditOptions>,
}

/// The continuous audit of `serve --audit`.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// The report written per release; `None`: no report.
    pub report_api: Option<crate::audit::report::ReportApi>,
    /// Results per report.
    pub max_results: usize,
    /// Record Events when compliance changes.
    pub events: bool,
    /// The Lease that elects the one replica that writes.
    pub lease_name: String,
    /// Its namespace; `None`: the pod's (`POD_NAMESPACE`, else the
    /// service account's namespace file), else `default`.
    pub lease_namespace: Option<String>,
    /// This replica's name in the Lease; `None`: `$HOSTNAME` (the pod
    /// name), else one made from the process id.
    pub identity: Option<String>,
}

/// How much the webhook logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum LogLevel {
    /// Errors only.
    Error,
    /// Errors and warnings.
    Warn,
    /// Also one line per admission decision.
    Info,
    /// Also connection-level events.
    Debug,
}
