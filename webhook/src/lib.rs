//! The admission webhook server behind `riskgate serve`: hyper (HTTP/1.1)
//! on tokio, rustls for TLS, a policy store swapped on reload, hand-written
//! Prometheus metrics and JSON logs. The only riskgate crate with an async
//! runtime; [`Options`] are plain data, so the CLI (or an embedder) builds
//! them however it parses its arguments.
//!
//! Layout: [`admission`] (wire types), [`decide`] (request → verdict, pure),
//! [`workload`] (release annotations of Deployments and InferenceServices),
//! [`artifact`] (what a workload runs, next to what its release approved),
//! [`releases`] (the watch of releases workloads reference, with a GET on
//! a miss, through kube's client and runtime),
//! [`http`] (routing, body limits, deadlines), [`store`] (policy hot
//! reload), [`tls`] (certificate reload), [`metrics`]. This file owns the
//! runtime: listening, connections, reload polling and graceful shutdown.

pub mod admission;
pub mod artifact;
pub mod audit;
mod cache;
pub mod decide;
mod http;
mod metrics;
mod options;
mod releases;
mod store;
mod tls;
pub mod workload;

pub use options::{AuditOptions, LogLevel, Options};
pub use store::Policies;

use riskgate_workspace::clock::Now;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tracing::{debug, error, info, warn};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use http::{Limits, State};
use metrics::Metrics;
use store::{PolicyStore, Reload};
use tls::CertStore;

/// Time allowed for a TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the server and blocks until it has shut down (SIGTERM or SIGINT).
///
/// # Errors
/// When an option is out of range, the policies do not compile, a
/// certificate or API-server setting is unusable, or the address cannot be
/// bound.
pub fn run(args: &Options) -> anyhow::Result<()> {
    init_logging(args.log_level);
    install_crypto_provider();
    let now_ns = args.now.map(Now::ns);
    if !(args.reload_interval >= 0.0 && args.reload_interval.is_finite()) {
        anyhow::bail!("--reload-interval must be a number of seconds >= 0");
    }
    if !(args.decision_cache_ttl >= 0.0 && args.decision_cache_ttl <= 3600.0) {
        anyhow::bail!("--decision-cache-ttl must be between 0 and 3600 seconds");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(default_concurrency())
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(serve(args, now_ns))
}

/// Evaluations that can run at once: the blocking pool's size (four per
/// core, at least 8).
fn default_concurrency() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    (cores * 4).max(8)
}

/// The continuous audit: its lease, and the controller that audits while
/// the lease is held.
async fn audit_controller(
    audit: &AuditOptions,
    args: &Options,
    changes: tokio::sync::mpsc::UnboundedReceiver<releases::Change>,
    client: kube::Client,
    state: &Arc<State>,
    policy_versions: tokio::sync::watch::Receiver<String>,
) -> anyhow::Result<audit::controller::Controller> {
    let namespace = audit.lease_namespace.clone().unwrap_or_else(pod_namespace);
    let identity = audit.identity.clone().unwrap_or_else(|| {
        std::env::var("HOSTNAME").unwrap_or_else(|_| format!("riskgate-{}", std::process::id()))
    });
    let lease = kube_lease_manager::LeaseManagerBuilder::new(client.clone(), &audit.lease_name)
        .with_namespace(&namespace)
        .with_identity(&identity)
        .with_duration(LEASE_SECONDS)
        .with_grace(LEASE_GRACE_SECONDS)
        .build()
        .await
        .with_context(|| {
            format!(
                "--audit: cannot use the Lease {namespace}/{}",
                audit.lease_name
            )
        })?;
    let (leader, _lease_task) = lease.watch().await;
    info!(lease = %format!("{namespace}/{}", audit.lease_name), identity = %identity, "audit started; writing while the lease is held");
    let policies_state = Arc::clone(state);
    let metrics_state = Arc::clone(state);
    let settings = audit::AuditSettings {
        namespace: None,
        now_ns: 0,
        write: true,
        report_api: audit.report_api,
        events: audit.events,
        max_results: audit.max_results,
        // Admission's, opened once.
        evidence: state.settings.evidence.clone(),
    };
    // Events name the same instance as the Lease holder.
    let recorder = audit::run::recorder(&client, &settings, Some(identity.clone()));
    Ok(audit::controller::Controller {
        client,
        changes,
        policies: Box::new(move || policies_state.store.current()),
        policy_versions,
        leader,
        fixed_now: args.now.map(Now::ns),
        settings,
        recorder,
        on_pass: Box::new(move |audited, elapsed, known| {
            metrics_state.metrics.audit_pass(audited, elapsed, known);
        }),
    })
}

/// How long the audit's Lease is held without renewal, and how long
/// before its end it is renewed.
const LEASE_SECONDS: u64 = 15;
/// See [`LEASE_SECONDS`].
const LEASE_GRACE_SECONDS: u64 = 5;

/// The pod's namespace: `POD_NAMESPACE` (the downward API), else the
/// service account's, else `default`.
fn pod_namespace() -> String {
    std::env::var("POD_NAMESPACE")
        .ok()
        .or_else(|| {
            std::fs::read_to_string("/var/run/secrets/kubernetes.io/serviceaccount/namespace")
                .ok()
                .map(|n| n.trim().to_owned())
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_owned())
}

/// Installs the one rustls provider of the process (kube's client builds
/// its TLS configuration with the default provider); a second call, or an
/// embedder's own provider, is left as it is.
fn install_crypto_provider() {
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
}

fn init_logging(level: LogLevel) {
    let level = match level {
        LogLevel::Error => tracing::Level::ERROR,
        LogLevel::Warn => tracing::Level::WARN,
        LogLevel::Info => tracing::Level::INFO,
        LogLevel::Debug => tracing::Level::DEBUG,
    };
    // kube's client and runtime log each failed request themselves;
    // riskgate logs it once, with the release and what was decided (or the
    // watch's retry), so kube speaks only at debug.
    let kube_level = if level == tracing::Level::DEBUG {
        LevelFilter::DEBUG
    } else {
        LevelFilter::OFF
    };
    let filter = Targets::new()
        .with_default(level)
        .with_target("kube_client", kube_level)
        .with_target("kube_runtime", kube_level);
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .finish()
        .with(filter)
        .try_init();
}

async fn serve(args: &Options, now_ns: Option<i64>) -> anyhow::Result<()> {
    // The API client first: a wrong API server setting fails fast.
    let workloads = workload::Settings {
        kinds: args.workloads.clone(),
        annotation: args.release_annotation.clone(),
        require_annotation: args.require_release_annotation,
        cross_namespace: args.allow_cross_namespace_releases,
    };
    if workloads.annotation.trim().is_empty() {
        anyhow::bail!("--release-annotation must not be empty");
    }
    if args.release_cache_ttl.is_some() {
        warn!(
            "--release-cache-ttl is deprecated and has no effect: workload checks read releases from a watch that keeps them current"
        );
    }
    let kube = if workloads.kinds.is_empty() && args.audit.is_none() {
        None
    } else {
        Some(releases::ReleaseClient::new(&releases::KubeOptions {
            server: args.kube_api_server.clone(),
            token_file: args.kube_token_file.clone(),
            ca_file: args.kube_ca_file.clone(),
            allow_http: args.insecure_http,
        })?)
    };
    let (release_store, mut release_watch) = match &kube {
        Some(kube) => {
            let (store, watch) = kube.watch();
            (Some(store), Some(watch))
        }
        None => (None, None),
    };
    let audit_changes = match (&args.audit, release_watch.take()) {
        (Some(_), Some(watch)) => {
            let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
            release_watch = Some(watch.notifying(sender));
            Some(receiver)
        }
        (_, watch) => {
            release_watch = watch;
            None
        }
    };
    let (dirs, overlay) = (args.policy.clone(), args.overlay.clone());
    let store = tokio::task::spawn_blocking(move || PolicyStore::open(dirs, overlay))
        .await
        .context("loading the policies")??;
    let certs = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(Arc::new(CertStore::open(cert.clone(), key.clone())?)),
        _ => None,
    };
    let acceptor = match &certs {
        Some(certs) => Some(tokio_rustls::TlsAcceptor::from(Arc::new(
            certs.server_config()?,
        ))),
        None => None,
    };
    let metrics = Metrics::default();
    let policies = store.current();
    metrics.set_policy(&policies.version, &policies.source);
    let (policy_versions, policy_version_updates) =
        tokio::sync::watch::channel(policies.version.clone());
    let state = Arc::new(State {
        store,
        metrics,
        settings: decide::Settings {
            failure_mode: args.failure_mode,
            unknown_kinds: args.unknown_kinds,
            workloads,
            artifacts: artifact::Settings {
                mismatched: args.mismatched_artifacts,
                unpinned: args.unpinned_artifacts,
            },
            evidence: evidence_options(
                args.evidence_root.as_deref(),
                args.require_signed_approvals,
            )?,
            warn_within_days: args.warn_within_days,
        },
        limits: Limits {
            max_body: args.max_body_bytes,
            read_timeout: Duration::from_millis(args.read_timeout_ms),
            eval_timeout: Duration::from_millis(args.eval_timeout_ms),
        },
        reviews: http::Reviews::new(match args.max_concurrent_reviews {
            // Room to queue for the blocking pool, and to await the API
            // server on workload checks, without unbounded parsing.
            0 => default_concurrency() * 8,
            n => n,
        }),
        now_ns,
        cache: cache::DecisionCache::new(Duration::from_secs_f64(args.decision_cache_ttl)),
        kube,
        releases: release_store,
        policy_versions,
        shutting_down: AtomicBool::new(false),
    });

    let listener = TcpListener::bind((args.address, args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.address, args.port))?;
    let address = listener.local_addr()?;
    info!(
        address = %address,
        tls = acceptor.is_some(),
        policy_version = %policies.version,
        policy_source = %policies.source,
        failure_mode = ?args.failure_mode,
        workloads = ?state.settings.workloads.kinds,
        "listening"
    );
    if acceptor.is_none() {
        warn!("serving plain HTTP (--insecure-http): for local testing only");
    }
    drop(policies);

    if let Some(watch) = release_watch {
        let state = Arc::clone(&state);
        tokio::spawn(watch.run(move || state.metrics.release_watch_error()));
    }
    if let (Some(audit), Some(changes), Some(kube)) = (&args.audit, audit_changes, &state.kube) {
        let controller = audit_controller(
            audit,
            args,
            changes,
            kube.client(),
            &state,
            policy_version_updates,
        )
        .await?;
        tokio::spawn(controller.run());
    }
    tokio::spawn(reload_loop(
        Arc::clone(&state),
        certs.clone(),
        Duration::from_secs_f64(args.reload_interval),
    ));

    let graceful = GracefulShutdown::new();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let state = Arc::clone(&state);
                let mut builder = http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(state.limits.read_timeout)
                    .keep_alive(true);
                let service = hyper::service::service_fn(move |request| {
                    http::handle(request, Arc::clone(&state))
                });
                let watcher = graceful.watcher();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let result = match acceptor {
                        None => {
                            watcher
                                .watch(builder.serve_connection(TokioIo::new(stream), service))
                                .await
                        }
                        Some(acceptor) => {
                            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                                Ok(Ok(tls)) => tls,
                                Ok(Err(e)) => {
                                    debug!(peer = %peer, error = %e, "TLS handshake failed");
                                    return;
                                }
                                Err(_) => {
                                    debug!(peer = %peer, "TLS handshake timed out");
                                    return;
                                }
                            };
                            watcher
                                .watch(builder.serve_connection(TokioIo::new(tls), service))
                                .await
                        }
                    };
                    if let Err(e) = result {
                        debug!(peer = %peer, error = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }

    state.shutting_down.store(true, Ordering::SeqCst);
    drop(listener);
    info!("shutting down: draining in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => info!("all connections closed"),
        () = tokio::time::sleep(Duration::from_secs(args.shutdown_timeout)) => {
            warn!("shutdown timeout reached with connections still open");
        }
    }
    Ok(())
}

/// Polls the policy, overlay and certificate files, and reloads on SIGHUP.
async fn reload_loop(state: Arc<State>, certs: Option<Arc<CertStore>>, interval: Duration) {
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    #[cfg(not(unix))]
    let mut hangup: Option<()> = None;
    loop {
        let force = tokio::select! {
            () = sleep_or_never(interval) => false,
            () = hangup_received(&mut hangup) => true,
        };
        let store_state = Arc::clone(&state);
        let reload = tokio::task::spawn_blocking(move || store_state.store.reload(force)).await;
        match reload {
            Ok(Reload::Unchanged) => {}
            Ok(Reload::Swapped(version)) => {
                state.metrics.policy_reload("success");
                state.policy_versions.send_replace(version.clone());
                let policies = state.store.current();
                state
                    .metrics
                    .set_policy(&policies.version, &policies.source);
                info!(policy_version = %version, "policy reloaded");
            }
            Ok(Reload::Failed(e)) => {
                state.metrics.policy_reload("error");
                error!(
                    error = %format!("{e:#}"),
                    policy_version = %state.store.current().version,
                    "policy reload failed; still serving the previous policy"
                );
            }
            Err(e) => error!(error = %e, "policy reload task failed"),
        }
        if let Some(certs) = &certs {
            match certs.reload() {
                Ok(false) => {}
                Ok(true) => {
                    state.metrics.tls_reload("success");
                    info!("certificate reloaded");
                }
                Err(e) => {
                    state.metrics.tls_reload("error");
                    error!(error = %format!("{e:#}"), "certificate reload failed; still serving the previous certificate");
                }
            }
        }
    }
}

async fn sleep_or_never(interval: Duration) {
    if interval.is_zero() {
        std::future::pending::<()>().await;
    } else {
        tokio::time::sleep(interval).await;
    }
}

#[cfg(unix)]
async fn hangup_received(hangup: &mut Option<tokio::signal::unix::Signal>) {
    match hangup {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}

#[cfg(not(unix))]
async fn hangup_received(_: &mut Option<()>) {
    std::future::pending::<()>().await;
}

/// Resolves on SIGTERM (Kubernetes) or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `--evidence-root` and `--require-signed-approvals` as engine options
/// (`None`: verify only where the policy's `trust.verify` asks).
///
/// # Errors
/// When the evidence root cannot be opened.
pub fn evidence_options(
    evidence_root: Option<&std::path::Path>,
    require_signed_approvals: bool,
) -> anyhow::Result<Option<riskgate_controls::trust::EvidenceOptions>> {
    let store: Option<Arc<dyn riskgate_controls::trust::EvidenceStore>> = match evidence_root {
        Some(dir) => {
            let root = riskgate_workspace::evidence_files::EvidenceRoot::new(dir)
                .map_err(|e| anyhow::anyhow!("--evidence-root {}: {e}", dir.display()))?;
            Some(Arc::new(root))
        }
        None if require_signed_approvals => None,
        None => return Ok(None),
    };
    Ok(Some(riskgate_controls::trust::EvidenceOptions {
        store,
        require_signed_approvals,
    }))
}
