//! Routing and the `/validate` handler: body limits, read timeouts, the
//! AdmissionReview envelope, the evaluation deadline and logging.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use kube::core::DynamicObject;
use tracing::{info, warn};

use super::admission::{self, Request as AdmissionRequest};
use super::cache::DecisionCache;
use super::decide::{self, Plan, Settings, Target, Verdict, WorkloadCheck};
use super::metrics::Metrics;
use super::releases::{Fetched, ReleaseClient, ReleaseStore};
use super::store::{Policies, PolicyStore};
use super::workload::ReleaseRef;

/// Extra time past the evaluation deadline before a request is answered
/// without waiting for the evaluator.
const DEADLINE_GRACE: Duration = Duration::from_millis(100);

/// Request limits.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest body accepted.
    pub max_body: usize,
    /// Time to read the body.
    pub read_timeout: Duration,
    /// Evaluation deadline.
    pub eval_timeout: Duration,
}

/// Everything a request handler needs.
#[derive(Debug)]
pub struct State {
    /// The policy set in use.
    pub store: PolicyStore,
    /// Counters and histograms.
    pub metrics: Metrics,
    /// Decision settings.
    pub settings: Settings,
    /// Request limits.
    pub limits: Limits,
    /// Reviews in progress (`--max-concurrent-reviews`).
    pub reviews: Reviews,
    /// A fixed evaluation clock (`--now`).
    pub now_ns: Option<i64>,
    /// Recent decisions (`--decision-cache-ttl`).
    pub cache: DecisionCache,
    /// The API server client, when workloads are checked.
    pub kube: Option<ReleaseClient>,
    /// The watched releases, when workloads are checked.
    pub releases: Option<ReleaseStore>,
    /// The policy version, sent on every reload that swaps (the audit
    /// re-audits everything).
    pub policy_versions: tokio::sync::watch::Sender<String>,
    /// Set once shutdown starts: `/readyz` fails so no new traffic arrives.
    pub shutting_down: AtomicBool,
}

type Reply = Response<Full<Bytes>>;

/// Routes one request.
pub async fn handle(request: Request<Incoming>, state: Arc<State>) -> Result<Reply, Infallible> {
    let (label, reply) = match (request.method(), request.uri().path()) {
        (&Method::POST, "/validate") => ("/validate", validate(request, &state).await),
        (&Method::GET, "/healthz") => ("/healthz", text(StatusCode::OK, "ok\n")),
        (&Method::GET, "/readyz") => ("/readyz", readiness(&state)),
        (&Method::GET, "/metrics") => {
            let mut reply = Response::new(Full::new(Bytes::from(state.metrics.render())));
            reply.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            ("/metrics", reply)
        }
        (_, "/validate" | "/healthz" | "/readyz" | "/metrics") => (
            "other",
            text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n"),
        ),
        _ => ("other", text(StatusCode::NOT_FOUND, "not found\n")),
    };
    state.metrics.request(label, reply.status().as_u16());
    Ok(reply)
}

/// Ready unless shutting down or, with workload checks, before the first
/// list of releases is stored (liveness, `/healthz`, does not wait).
fn readiness(state: &State) -> Reply {
    if state.shutting_down.load(Ordering::SeqCst) {
        text(StatusCode::SERVICE_UNAVAILABLE, "shutting down\n")
    } else if state.releases.as_ref().is_some_and(|store| !store.synced()) {
        text(
            StatusCode::SERVICE_UNAVAILABLE,
            "waiting for the first list of ModelReleases\n",
        )
    } else {
        text(StatusCode::OK, "ready\n")
    }
}

async fn validate(request: Request<Incoming>, state: &State) -> Reply {
    let started = Instant::now();
    let in_flight = state.metrics.start();
    let reply = match read_body(request, state).await {
        Ok(body) => review(&body, state, started).await,
        Err(reply) => reply,
    };
    drop(in_flight);
    state.metrics.observe(started.elapsed());
    reply
}

/// The bound on reviews in progress. A review's parsed request, its
/// release and its evaluation are many times the size of its body, so
/// the bound is taken once the body is read (a slow client holds no
/// permit) and before it is parsed: memory then grows with the bound,
/// not with the number of concurrent connections.
#[derive(Debug)]
pub struct Reviews {
    permits: tokio::sync::Semaphore,
    limit: usize,
}

impl Reviews {
    /// At most `limit` reviews at once (at least one).
    #[must_use]
    pub fn new(limit: usize) -> Self {
        let limit = limit.max(1);
        Self {
            permits: tokio::sync::Semaphore::new(limit),
            limit,
        }
    }
}

/// Parses and decides one AdmissionReview once a review slot is free;
/// a request still waiting at its evaluation deadline is answered 503
/// (the API server then applies the webhook's failurePolicy).
async fn review(body: &Bytes, state: &State, started: Instant) -> Reply {
    let deadline = started + state.limits.eval_timeout;
    let Ok(Ok(_permit)) =
        tokio::time::timeout_at(deadline.into(), state.reviews.permits.acquire()).await
    else {
        warn!(
            limit = state.reviews.limit,
            "a review waited for a slot until its deadline"
        );
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!(
                "riskgate is deciding {} reviews at once (--max-concurrent-reviews) and this one waited until its deadline\n",
                state.reviews.limit
            ),
        );
    };
    match admission::parse(body) {
        Ok(request) => admit(request, state, started).await,
        Err(why) => text(StatusCode::BAD_REQUEST, &format!("{why}\n")),
    }
}

/// Reads the request body within the size and time limits; `Err` is the
/// reply for a body that cannot be read.
async fn read_body(request: Request<Incoming>, state: &State) -> Result<Bytes, Reply> {
    let max = state.limits.max_body;
    let too_large = || {
        text(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("request body larger than {max} bytes (--max-body-bytes)\n"),
        )
    };
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return Err(too_large());
    }
    let body = Limited::new(request.into_body(), max);
    let bytes = match tokio::time::timeout(state.limits.read_timeout, body.collect()).await {
        Err(_) => {
            warn!("timed out reading a request body");
            return Err(text(
                StatusCode::REQUEST_TIMEOUT,
                "timed out reading the request body\n",
            ));
        }
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => return Err(too_large()),
        Ok(Err(e)) => {
            return Err(text(
                StatusCode::BAD_REQUEST,
                &format!("cannot read the request body: {e}\n"),
            ));
        }
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    Ok(bytes)
}

/// Decides an admission request and writes the AdmissionReview response.
async fn admit(mut request: AdmissionRequest, state: &State, started: Instant) -> Reply {
    let policies = state.store.current();
    let kind = decide::kind_label(&request, &state.settings);
    let dry_run = request.dry_run;
    let uid = request.uid.clone();
    let operation = admission::operation_name(&request.operation);
    let user = request.user_info.username.clone().unwrap_or_default();
    let resource = request.resource.resource.clone();
    let (namespace, name) = (
        request.namespace.clone().unwrap_or_default(),
        request.name.clone(),
    );
    let mut release = String::new();
    let plan = decide::plan(&request, &state.settings, &policies.version);
    // Only planning reads the old object; evaluations need not carry it.
    request.old_object = None;
    let verdict = match plan {
        Plan::Done(verdict) => *verdict,
        Plan::Evaluate => match request.object.take() {
            Some(object) => {
                let job = Job {
                    request,
                    object: Arc::new(object),
                    workload: None,
                };
                evaluate_cached(job, state, &policies, started).await
            }
            None => decide::failure(
                &request,
                &state.settings,
                "the request has no object",
                &policies.version,
            ),
        },
        Plan::Fetch(check) => {
            release = check.release.to_string();
            request.object = None;
            check_workload(request, check, state, &policies, started).await
        }
    };
    state.metrics.decision(kind, verdict.decision, dry_run);
    info!(
        uid = %uid,
        kind,
        operation,
        resource = %resource,
        user = %user,
        namespace = %namespace,
        name = %name,
        release = %release,
        decision = verdict.decision,
        allowed = verdict.response.allowed,
        dry_run,
        policy_version = %policies.version,
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "admission decision"
    );
    let body = admission::to_json(verdict.response);
    let mut reply = Response::new(Full::new(Bytes::from(body)));
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    reply
}

/// A release to evaluate: the request (without its object), the release
/// object, and the workload referencing it if any.
struct Job {
    request: AdmissionRequest,
    object: Arc<DynamicObject>,
    workload: Option<WorkloadCheck>,
}

/// A workload: its release from the watch's store, else from the API
/// server, then evaluated. Every verdict names the release in the
/// `release` audit annotation.
async fn check_workload(
    request: AdmissionRequest,
    check: WorkloadCheck,
    state: &State,
    policies: &Arc<Policies>,
    started: Instant,
) -> Verdict {
    let version = &policies.version;
    let stored = state
        .releases
        .as_ref()
        .and_then(|store| store.get(&check.release));
    let fetched = match stored {
        Some(object) => {
            state.metrics.release_store_hit();
            Ok(Fetched::Found(object))
        }
        None => fetch(&check.release, state, started).await,
    };
    let release = check.release.to_string();
    let mut verdict = match fetched {
        Ok(Fetched::Found(object)) => {
            // Outside the decision cache: its key is the workload's name and
            // the release, not what the workload runs.
            let comparison = decide::compare_artifact(&check, &object);
            match decide::artifact_denial(&request, &check, &comparison, &state.settings, version) {
                Some(denial) => denial,
                None => {
                    let job = Job {
                        request,
                        object,
                        workload: Some(check.clone()),
                    };
                    let mut verdict = evaluate_cached(job, state, policies, started).await;
                    decide::note_artifact(&mut verdict, &check, &comparison, &state.settings);
                    verdict
                }
            }
        }
        Ok(Fetched::NotFound) => decide::release_not_found(
            &request,
            &check,
            &state.settings.workloads.annotation,
            version,
        ),
        Err(why) => {
            warn!(release = %release, error = %why, "cannot read a workload's ModelRelease");
            decide::failure(
                &request,
                &state.settings,
                &format!("cannot read ModelRelease {release}: {why}"),
                version,
            )
        }
    };
    verdict
        .response
        .audit_annotations
        .insert("release".to_owned(), release);
    verdict
}

/// Reads a release the store does not hold from the API server.
async fn fetch(release: &ReleaseRef, state: &State, started: Instant) -> Result<Fetched, String> {
    let fetched = match &state.kube {
        Some(kube) => {
            let deadline = started + state.limits.eval_timeout;
            kube.get_release(release, deadline).await
        }
        None => Err("no API server is configured".to_owned()),
    };
    let result = match &fetched {
        Ok(Fetched::Found(_)) => "found",
        Ok(Fetched::NotFound) => "not_found",
        Err(_) => "error",
    };
    state.metrics.release_fetch(result);
    fetched
}

/// Evaluates a release, through the decision cache when it is on.
async fn evaluate_cached(
    job: Job,
    state: &State,
    policies: &Arc<Policies>,
    started: Instant,
) -> Verdict {
    if !state.cache.enabled() {
        return evaluate(job, state, Arc::clone(policies), started).await;
    }
    // A workload's verdict names the workload, so it is part of the key.
    let mut subject = decide::release(&job.object).to_string();
    if let Some(check) = &job.workload {
        subject = format!("{}\0{subject}", check.workload);
    }
    let key = DecisionCache::key(&subject, &policies.version);
    match state.cache.get(&key, started) {
        Some(mut cached) => {
            cached.response.uid.clone_from(&job.request.uid);
            let audit = &mut cached.response.audit_annotations;
            audit.remove("dry-run");
            if job.request.dry_run {
                audit.insert("dry-run".to_owned(), "true".to_owned());
            }
            cached
        }
        None => {
            let verdict = evaluate(job, state, Arc::clone(policies), started).await;
            state.cache.put_decision(key, started, &verdict);
            verdict
        }
    }
}

/// Runs the evaluation on the blocking pool under the request deadline.
async fn evaluate(job: Job, state: &State, policies: Arc<Policies>, started: Instant) -> Verdict {
    let deadline = started + state.limits.eval_timeout;
    let cancel = Arc::new(AtomicBool::new(false));
    let now_ns = state.now_ns.unwrap_or_else(wall_clock_ns);
    let settings = state.settings.clone();
    // Keep the request's identity to answer if the evaluator overruns.
    let envelope = job.request.clone();
    let version = policies.version.clone();
    let task = {
        let cancel = Arc::clone(&cancel);
        tokio::task::spawn_blocking(move || {
            let target = Target {
                object: &job.object,
                workload: job.workload.as_ref(),
            };
            decide::evaluate(
                &job.request,
                target,
                &policies,
                &settings,
                now_ns,
                Some(deadline),
                Some(cancel),
            )
        })
    };
    match tokio::time::timeout_at((deadline + DEADLINE_GRACE).into(), task).await {
        Ok(Ok(verdict)) => verdict,
        Ok(Err(_)) => decide::failure(
            &envelope,
            &state.settings,
            "the evaluator stopped unexpectedly",
            &version,
        ),
        Err(_) => {
            cancel.store(true, Ordering::SeqCst);
            decide::failure(
                &envelope,
                &state.settings,
                &format!(
                    "evaluation exceeded the {} ms deadline",
                    state.limits.eval_timeout.as_millis()
                ),
                &version,
            )
        }
    }
}

fn wall_clock_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_nanos()).ok())
        .unwrap_or(0)
}

fn text(status: StatusCode, body: &str) -> Reply {
    let mut reply = Response::new(Full::new(Bytes::from(body.to_owned())));
    *reply.status_mut() = status;
    reply.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    reply
}
