//! `--workloads`: Deployments and InferenceServices checked through the
//! `ModelRelease` their annotation names, kept current by a watch of a fake
//! Kubernetes API server (hyper, in the test) that serves the example
//! manifests, with a GET for a release the watch has not seen.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Frame};
use hyper::{Request, Response};
use serde_json::{Value, json};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::{Server, data, repo};

/// The clock the example manifests are written for.
const EXAMPLES_NOW: &str = "2026-10-01T00:00:00Z";
const TOKEN: &str = "test-token-1";
/// The collection of every namespace's releases (LIST and WATCH).
const COLLECTION: &str = "/apis/riskgate.dev/v1alpha1/modelreleases";
/// How long a test waits for something the webhook does asynchronously.
const PATIENCE: Duration = Duration::from_secs(20);

/// What a request to the fake API server asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Get,
    List,
    Watch,
}

/// One request the fake API server received.
#[derive(Debug, Clone)]
struct Seen {
    verb: Verb,
    path: String,
    authorization: Option<String>,
}

/// What the fake API server holds: the releases by path, the resource
/// version, every change since the start (so a watch that starts behind is
/// replayed what it missed) and the open watches.
struct Cluster {
    releases: BTreeMap<String, Value>,
    version: u64,
    changes: Vec<(u64, Bytes)>,
    watches: Vec<UnboundedSender<Bytes>>,
}

impl Cluster {
    /// Stores a release at the next resource version; `announce` sends the
    /// ADDED or MODIFIED event to the watches.
    fn put(&mut self, mut release: Value, announce: bool) {
        self.version += 1;
        release["metadata"]["resourceVersion"] = json!(self.version.to_string());
        let path = item_path(&release);
        let kind = if self.releases.contains_key(&path) {
            "MODIFIED"
        } else {
            "ADDED"
        };
        self.releases.insert(path, release.clone());
        if announce {
            self.announce(kind, release);
        }
    }

    fn delete(&mut self, namespace: &str, name: &str) {
        let path =
            format!("/apis/riskgate.dev/v1alpha1/namespaces/{namespace}/modelreleases/{name}");
        let mut release = self.releases.remove(&path).expect("no such release");
        self.version += 1;
        release["metadata"]["resourceVersion"] = json!(self.version.to_string());
        self.announce("DELETED", release);
    }

    fn announce(&mut self, kind: &str, object: Value) {
        let line = Bytes::from(format!("{}\n", json!({"type": kind, "object": object})));
        self.changes.push((self.version, line.clone()));
        self.watches
            .retain(|watch| watch.send(line.clone()).is_ok());
    }

    /// A watch from `since`: the changes after it, then every new one.
    fn watch(&mut self, since: u64) -> UnboundedReceiver<Bytes> {
        let (sender, receiver) = unbounded_channel();
        for (_, line) in self.changes.iter().filter(|(v, _)| *v > since) {
            let _ = sender.send(line.clone());
        }
        self.watches.push(sender);
        receiver
    }
}

/// A fake API server: `GET .../namespaces/{ns}/modelreleases/{name}`
/// answers the stored release, or a Kubernetes `NotFound` Status; `GET
/// /apis/riskgate.dev/v1alpha1/modelreleases` lists them all, and with
/// `?watch=true` streams watch events (newline-delimited JSON) for the
/// changes made with [`FakeApi::apply`] and [`FakeApi::delete`], keeping
/// the connection open. With `fail_with` every request gets that status
/// code instead.
struct FakeApi {
    addr: SocketAddr,
    tls: bool,
    seen: Arc<Mutex<Vec<Seen>>>,
    cluster: Arc<Mutex<Cluster>>,
    /// While `true`, LIST requests wait.
    hold_lists: tokio::sync::watch::Sender<bool>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// HTTPS with the test certificate for `localhost` (signed by `tls/ca.pem`).
fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject as _;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = vec![CertificateDer::from_pem_file(data("tls/cert1.pem")).unwrap()];
    let key = PrivateKeyDer::from_pem_file(data("tls/key1.pem")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// What the shared parts of a [`FakeApi`] answer with.
#[derive(Clone)]
struct Backend {
    cluster: Arc<Mutex<Cluster>>,
    hold_lists: tokio::sync::watch::Receiver<bool>,
    fail_with: Option<u16>,
}

impl FakeApi {
    fn start(releases: &[Value], fail_with: Option<u16>) -> FakeApi {
        Self::launch(releases, fail_with, false)
    }

    fn launch(releases: &[Value], fail_with: Option<u16>, tls: bool) -> FakeApi {
        let acceptor = tls.then(tls_acceptor);
        let cluster = Arc::new(Mutex::new(Cluster {
            releases: releases.iter().map(|r| (item_path(r), r.clone())).collect(),
            version: 48213,
            changes: Vec::new(),
            watches: Vec::new(),
        }));
        let (hold_lists, held) = tokio::sync::watch::channel(false);
        let backend = Backend {
            cluster: Arc::clone(&cluster),
            hold_lists: held,
            fail_with,
        };
        let seen = Arc::new(Mutex::new(Vec::new()));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let sink = Arc::clone(&seen);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let accept = async {
                    loop {
                        let (stream, _) = listener.accept().await.unwrap();
                        let (backend, sink) = (backend.clone(), Arc::clone(&sink));
                        let service = hyper::service::service_fn(move |request| {
                            let verb = verb(&request);
                            sink.lock().unwrap().push(Seen {
                                verb,
                                path: request.uri().path().to_owned(),
                                authorization: request
                                    .headers()
                                    .get("authorization")
                                    .map(|v| v.to_str().unwrap().to_owned()),
                            });
                            let backend = backend.clone();
                            async move { Ok::<_, Infallible>(backend.answer(&request, verb).await) }
                        });
                        let http = hyper::server::conn::http1::Builder::new();
                        let acceptor = acceptor.clone();
                        tokio::spawn(async move {
                            match acceptor {
                                None => {
                                    let io = hyper_util::rt::TokioIo::new(stream);
                                    let _ = http.serve_connection(io, service).await;
                                }
                                Some(acceptor) => {
                                    let Ok(stream) = acceptor.accept(stream).await else {
                                        return;
                                    };
                                    let io = hyper_util::rt::TokioIo::new(stream);
                                    let _ = http.serve_connection(io, service).await;
                                }
                            }
                        });
                    }
                };
                tokio::select! {
                    () = accept => {}
                    _ = stopped => {}
                }
            });
        });
        FakeApi {
            addr,
            tls,
            seen,
            cluster,
            hold_lists,
            stop: Some(stop),
        }
    }

    fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://localhost:{}", self.addr.port())
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The paths of the GETs of single releases, in order.
    fn gets(&self) -> Vec<String> {
        self.seen()
            .into_iter()
            .filter(|s| s.verb == Verb::Get)
            .map(|s| s.path)
            .collect()
    }

    fn count(&self, verb: Verb) -> usize {
        self.seen().iter().filter(|s| s.verb == verb).count()
    }

    /// Creates or changes a release, announced to the watches.
    fn apply(&self, release: Value) {
        self.cluster.lock().unwrap().put(release, true);
    }

    /// Creates a release whose watch event has not gone out yet (as if it
    /// were still on its way): only a GET finds it.
    fn create_unannounced(&self, release: Value) {
        self.cluster.lock().unwrap().put(release, false);
    }

    /// Deletes a release, announced to the watches.
    fn delete(&self, namespace: &str, name: &str) {
        self.cluster.lock().unwrap().delete(namespace, name);
    }

    /// Makes LIST requests wait (`true`) or lets them through (`false`).
    fn hold_lists(&self, hold: bool) {
        self.hold_lists.send_replace(hold);
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The API path of a release object.
fn item_path(release: &Value) -> String {
    format!(
        "/apis/riskgate.dev/v1alpha1/namespaces/{}/modelreleases/{}",
        release["metadata"]["namespace"].as_str().unwrap(),
        release["metadata"]["name"].as_str().unwrap()
    )
}

fn verb<B>(request: &Request<B>) -> Verb {
    let watch = request
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "watch=true" || p == "watch=1"));
    match request.uri().path() {
        COLLECTION if watch => Verb::Watch,
        COLLECTION => Verb::List,
        _ => Verb::Get,
    }
}

/// The value of a query parameter.
fn query_param<B>(request: &Request<B>, name: &str) -> Option<String> {
    request.uri().query()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}

type Body = BoxBody<Bytes, Infallible>;

/// A watch response: the lines sent to the channel, for as long as the
/// client keeps the connection.
struct WatchBody(UnboundedReceiver<Bytes>);

impl hyper::body::Body for WatchBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|line| line.map(|l| Ok(Frame::data(l))))
    }
}

fn json_reply(code: u16, body: &Value) -> Response<Body> {
    let mut reply = Response::new(Full::new(Bytes::from(body.to_string())).boxed());
    *reply.status_mut() = hyper::StatusCode::from_u16(code).unwrap();
    reply
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    reply
}

impl Backend {
    async fn answer<B>(&self, request: &Request<B>, verb: Verb) -> Response<Body> {
        if let Some(code) = self.fail_with {
            return json_reply(
                code,
                &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                        "message": "etcdserver: request timed out", "code": code}),
            );
        }
        match verb {
            Verb::Get => self.get(request.uri().path()),
            Verb::List => {
                let mut held = self.hold_lists.clone();
                let _ = held.wait_for(|hold| !hold).await;
                let cluster = self.cluster.lock().unwrap();
                let items: Vec<&Value> = cluster.releases.values().collect();
                json_reply(
                    200,
                    &json!({"apiVersion": "riskgate.dev/v1alpha1", "kind": "ModelReleaseList",
                            "metadata": {"resourceVersion": cluster.version.to_string()},
                            "items": items}),
                )
            }
            Verb::Watch => {
                let since = query_param(request, "resourceVersion")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let events = self.cluster.lock().unwrap().watch(since);
                let mut reply = Response::new(WatchBody(events).boxed());
                reply
                    .headers_mut()
                    .insert("content-type", "application/json".parse().unwrap());
                reply
            }
        }
    }

    fn get(&self, path: &str) -> Response<Body> {
        let name = path.rsplit('/').next().unwrap_or_default();
        match self.cluster.lock().unwrap().releases.get(path) {
            Some(release) => json_reply(200, release),
            None => json_reply(
                404,
                &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                        "message": format!("modelreleases.riskgate.dev \"{name}\" not found"),
                        "reason": "NotFound",
                        "details": {"name": name, "group": "riskgate.dev", "kind": "modelreleases"},
                        "code": 404}),
            ),
        }
    }
}

/// Polls `done` every 20 ms until it holds or [`PATIENCE`] runs out.
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// An example manifest as the API server returns it: with the metadata
/// and status the server adds.
fn stored_release(file: &str) -> Value {
    let text = std::fs::read_to_string(repo(&format!("examples/manifests/{file}"))).unwrap();
    let mut release: Value = serde_yaml_ng::from_str(&text).unwrap();
    let metadata = release["metadata"].as_object_mut().unwrap();
    metadata.insert(
        "uid".to_owned(),
        json!("5f0c1d2e-aaaa-bbbb-cccc-000000000001"),
    );
    metadata.insert("resourceVersion".to_owned(), json!("48213"));
    metadata.insert(
        "creationTimestamp".to_owned(),
        json!("2026-09-30T12:00:00Z"),
    );
    metadata.insert(
        "managedFields".to_owned(),
        json!([{"manager": "kubectl", "operation": "Apply"}]),
    );
    release["status"] = json!({"observedGeneration": 1});
    release
}

/// The examples: `lending/credit-scorer` passes at admission,
/// `customer-care/support-chatbot` is denied.
fn example_api(fail_with: Option<u16>) -> FakeApi {
    FakeApi::start(
        &[
            stored_release("credit-scorer-pass.yaml"),
            stored_release("support-chatbot-fail.yaml"),
        ],
        fail_with,
    )
}

fn token_file() -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), format!("{TOKEN}\n")).unwrap();
    file
}

/// A webhook checking `workloads` against the API at `api`, plus `args`.
fn webhook(api: &str, token: &tempfile::NamedTempFile, workloads: &str, args: &[&str]) -> Server {
    let token = token.path().display().to_string();
    let mut all = vec![
        "--workloads",
        workloads,
        "--kube-api-server",
        api,
        "--kube-token-file",
        &token,
    ];
    all.extend_from_slice(args);
    Server::start_at(EXAMPLES_NOW, &all)
}

/// [`webhook`], once its watch has stored the first list (`/readyz` 200).
fn synced_webhook(
    api: &str,
    token: &tempfile::NamedTempFile,
    workloads: &str,
    args: &[&str],
) -> Server {
    let server = webhook(api, token, workloads, args);
    assert!(
        eventually(|| server.get("/readyz").0 == 200),
        "the webhook never became ready: {}",
        server.logs()
    );
    server
}

/// An AdmissionReview for a workload with the given annotations.
fn workload_review(kind: &str, namespace: &str, name: &str, annotations: Value) -> Value {
    let (group, version, resource, api_version) = match kind {
        "Deployment" => ("apps", "v1", "deployments", "apps/v1"),
        _ => (
            "serving.kserve.io",
            "v1beta1",
            "inferenceservices",
            "serving.kserve.io/v1beta1",
        ),
    };
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": format!("u-{name}"),
            "kind": {"group": group, "version": version, "kind": kind},
            "resource": {"group": group, "version": version, "resource": resource},
            "name": name, "namespace": namespace, "operation": "CREATE",
            "userInfo": {"username": "deploy-bot"},
            "object": {"apiVersion": api_version, "kind": kind,
                       "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
                       "spec": {}},
            "dryRun": false
        }
    })
}

fn annotated(release: &str) -> Value {
    json!({"riskgate.dev/release": release})
}

/// `customer-care/chatbot` serving the failing example release.
fn chatbot(kind: &str) -> Value {
    workload_review(
        kind,
        "customer-care",
        "chatbot",
        annotated("support-chatbot"),
    )
}

#[test]
fn a_deployment_of_a_failing_release_is_denied_naming_both() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let review = std::fs::read(repo("examples/admission/support-chatbot-deployment.json")).unwrap();
    let (code, body) = server.post(&review);
    assert_eq!(code, 200, "{body}");
    let response = &serde_json::from_str::<Value>(&body).unwrap()["response"];
    assert_eq!(response["allowed"], false, "{response}");
    assert_eq!(response["status"]["code"], 403);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "riskgate denied Deployment customer-care/support-chatbot-api at admission: \
             ModelRelease customer-care/support-chatbot fails "
        ),
        "{message}"
    );
    assert!(message.contains("to pass, "), "{message}");
    let audit = &response["auditAnnotations"];
    assert_eq!(audit["decision"], "deny");
    assert_eq!(audit["release"], "customer-care/support-chatbot");
    assert!(audit["denied-by"].as_str().unwrap().contains("C-GOV-01"));
    // What kubectl shows, with the policy hash (it changes with the
    // standard library) masked.
    let version = audit["policy-version"].as_str().unwrap();
    insta::assert_snapshot!(
        serde_json::to_string_pretty(response)
            .unwrap()
            .replace(version, "<policy-version>")
    );

    // The release came from the watch's store, listed and watched with
    // the token as a bearer credential: no GET.
    let seen = api.seen();
    assert!(api.gets().is_empty(), "{seen:?}");
    assert_eq!(seen[0].verb, Verb::List, "{seen:?}");
    assert_eq!(seen[0].path, COLLECTION);
    assert!(
        seen.iter()
            .all(|s| s.authorization.as_deref() == Some(format!("Bearer {TOKEN}").as_str())),
        "{seen:?}"
    );
    let (_, metrics) = server.get("/metrics");
    for needle in [
        "riskgate_admission_decisions_total{kind=\"Deployment\",decision=\"deny\",dry_run=\"false\"} 1",
        "riskgate_release_store_hits_total 1",
    ] {
        assert!(metrics.contains(needle), "missing {needle}:\n{metrics}");
    }
    assert!(
        !metrics.contains("riskgate_release_fetches_total{"),
        "{metrics}"
    );
    assert!(server.logged("\"release\":\"customer-care/support-chatbot\""));
    assert!(server.logged("ModelRelease watch synced"));
}

#[test]
fn workloads_of_a_passing_release_are_allowed_and_dry_run_is_marked() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments,inferenceservices", &[]);
    // `namespace/name` in the workload's own namespace.
    let deployment = workload_review(
        "Deployment",
        "lending",
        "scorer-api",
        annotated("lending/credit-scorer"),
    );
    let response = server.review(&deployment);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["decision"], "allow");
    assert_eq!(
        response["auditAnnotations"]["release"],
        "lending/credit-scorer"
    );

    let mut isvc = workload_review(
        "InferenceService",
        "lending",
        "scorer",
        annotated("credit-scorer"),
    );
    isvc["request"]["dryRun"] = json!(true);
    let response = server.review(&isvc);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["dry-run"], "true");
    let (_, metrics) = server.get("/metrics");
    assert!(
        metrics.contains(
            "riskgate_admission_decisions_total{kind=\"InferenceService\",decision=\"allow\",dry_run=\"true\"} 1"
        ),
        "{metrics}"
    );
}

#[test]
fn an_inference_service_of_a_failing_release_is_denied() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "inferenceservices", &[]);
    let review = chatbot("InferenceService");
    let response = server.review(&review);
    assert_eq!(response["allowed"], false);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "riskgate denied InferenceService customer-care/chatbot at admission: \
             ModelRelease customer-care/support-chatbot fails "
        ),
        "{message}"
    );
}

#[test]
fn unannotated_workloads_are_allowed_unless_the_annotation_is_required() {
    let (api, token) = (example_api(None), token_file());
    let review = workload_review("Deployment", "lending", "web", json!({}));

    let server = webhook(&api.url(), &token, "deployments", &[]);
    let response = server.review(&review);
    assert_eq!(response["allowed"], true);
    assert_eq!(response["auditAnnotations"]["decision"], "pass-through");

    let strict = webhook(
        &api.url(),
        &token,
        "deployments",
        &["--require-release-annotation"],
    );
    let response = strict.review(&review);
    assert_eq!(response["allowed"], false);
    assert_eq!(
        response["status"]["message"],
        "riskgate denied Deployment lending/web: it has no riskgate.dev/release annotation \
         naming the ModelRelease it serves (--require-release-annotation)"
    );
    // Neither needed a release.
    assert!(api.gets().is_empty());
}

#[test]
fn a_missing_release_denies_and_bad_references_are_refused_before_any_fetch() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let response = server.review(&workload_review(
        "Deployment",
        "lending",
        "scorer-api",
        annotated("credit-scorer-v9"),
    ));
    assert_eq!(response["allowed"], false);
    assert_eq!(
        response["status"]["message"],
        "riskgate denied Deployment lending/scorer-api: its ModelRelease lending/credit-scorer-v9 \
         (annotation riskgate.dev/release) does not exist; create the release first"
    );
    assert_eq!(
        response["auditAnnotations"]["release"],
        "lending/credit-scorer-v9"
    );
    // Not in the store: asked for once, in case it was just created.
    assert_eq!(api.gets().len(), 1);

    for (value, needle) in [
        (
            "customer-care/support-chatbot",
            "--allow-cross-namespace-releases",
        ),
        ("../../secrets/x", "is not a release name"),
    ] {
        let response = server.review(&workload_review(
            "Deployment",
            "lending",
            "scorer-api",
            annotated(value),
        ));
        assert_eq!(response["allowed"], false, "{value}");
        assert_eq!(
            response["auditAnnotations"]["decision"], "invalid",
            "{value}"
        );
        let message = response["status"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{value}: {message}");
    }
    assert_eq!(api.gets().len(), 1, "invalid references were fetched");
}

#[test]
fn api_server_errors_follow_the_failure_mode() {
    let token = token_file();
    let failing = example_api(Some(500));
    // An address nobody listens on.
    let down = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let review = workload_review(
        "Deployment",
        "lending",
        "scorer-api",
        annotated("credit-scorer"),
    );
    for api in [failing.url(), down] {
        let closed = webhook(&api, &token, "deployments", &[]);
        let response = closed.review(&review);
        assert_eq!(response["allowed"], false, "{api}: {response}");
        assert_eq!(response["status"]["code"], 500);
        let message = response["status"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(
                "riskgate could not evaluate Deployment lending/scorer-api: cannot read ModelRelease lending/credit-scorer: "
            ),
            "{message}"
        );
        assert!(
            message.ends_with("(failure mode closed: denied)"),
            "{message}"
        );
        assert_eq!(response["auditAnnotations"]["decision"], "error");
        assert_eq!(
            response["auditAnnotations"]["release"],
            "lending/credit-scorer"
        );

        let open = webhook(&api, &token, "deployments", &["--failure-mode", "open"]);
        let response = open.review(&review);
        assert_eq!(response["allowed"], true, "{api}: {response}");
        assert!(
            response["warnings"][0]
                .as_str()
                .unwrap()
                .ends_with("(failure mode open: allowed)"),
            "{response}"
        );
        let (_, metrics) = open.get("/metrics");
        assert!(
            metrics.contains("riskgate_release_fetches_total{result=\"error\"} 1"),
            "{metrics}"
        );
        // The watch fails too: retried, counted and logged, and the
        // webhook never reports ready.
        assert!(
            eventually(|| !open
                .get("/metrics")
                .1
                .contains("riskgate_release_watch_errors_total 0")),
            "{api}: no watch error counted"
        );
        assert!(open.logged("the ModelRelease watch failed; retrying"));
        assert_eq!(open.get("/readyz").0, 503);
        assert_eq!(open.get("/healthz").0, 200);
    }
    // The 500's Status message reaches the audit log.
    let closed = webhook(&failing.url(), &token, "deployments", &[]);
    let response = closed.review(&review);
    assert!(
        response["auditAnnotations"]["evaluation-error"]
            .as_str()
            .unwrap()
            .contains("500 Internal Server Error: etcdserver: request timed out"),
        "{response}"
    );
}

#[test]
fn kinds_not_configured_pass_through_without_a_fetch() {
    let (api, token) = (example_api(None), token_file());
    let server = webhook(&api.url(), &token, "deployments", &[]);
    let review = chatbot("InferenceService");
    let response = server.review(&review);
    assert_eq!(response["allowed"], true);
    assert_eq!(response["auditAnnotations"]["decision"], "pass-through");
    assert!(api.gets().is_empty());

    // Without --workloads, Deployments are unknown kinds, as before.
    let plain = Server::start_at(EXAMPLES_NOW, &[]);
    let response = plain.review(&chatbot("Deployment"));
    assert_eq!(response["allowed"], true);
    assert!(api.gets().is_empty());
    // Nor does it watch releases, or wait for them to be ready.
    assert_eq!(plain.get("/readyz"), (200, "ready\n".to_owned()));
}

#[test]
fn workload_checks_without_an_api_server_do_not_start() {
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("riskgate"))
        .args([
            "serve",
            "--insecure-http",
            "--port",
            "0",
            "--workloads",
            "deployments",
        ])
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env_remove("KUBERNETES_SERVICE_PORT")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--kube-api-server"), "{stderr}");

    // Plain http:// to the API server needs --insecure-http.
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("riskgate"))
        .args([
            "serve",
            "--tls-cert",
            "/nonexistent/tls.crt",
            "--tls-key",
            "/nonexistent/tls.key",
            "--workloads",
            "deployments",
            "--kube-api-server",
            "http://127.0.0.1:1",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--insecure-http"), "{stderr}");
}

#[test]
fn the_api_server_is_reached_over_https_trusting_only_the_given_ca() {
    let api = FakeApi::launch(&[stored_release("support-chatbot-fail.yaml")], None, true);
    let token = token_file();
    let review = chatbot("Deployment");
    let ca = data("tls/ca.pem").display().to_string();
    let server = synced_webhook(&api.url(), &token, "deployments", &["--kube-ca-file", &ca]);
    let response = server.review(&review);
    assert_eq!(response["allowed"], false);
    assert_eq!(
        response["auditAnnotations"]["decision"], "deny",
        "{response}"
    );
    let lists = api.count(Verb::List);
    assert!(lists >= 1);
    assert!(api.gets().is_empty());
    drop(server);

    // A certificate the CA file does not vouch for: an API error.
    let wrong = data("tls/cert2.pem").display().to_string();
    let server = webhook(
        &api.url(),
        &token,
        "deployments",
        &["--kube-ca-file", &wrong],
    );
    let response = server.review(&review);
    assert_eq!(
        response["auditAnnotations"]["decision"], "error",
        "{response}"
    );
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("TLS handshake with the API server failed"),
        "{message}"
    );
    // Neither the watch nor the GET got a request through.
    assert_eq!(server.get("/readyz").0, 503);
    assert!(api.gets().is_empty());
    assert_eq!(api.count(Verb::List), lists);
}

#[test]
fn updates_are_checked_only_when_the_spec_or_the_reference_changes() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let mut review = chatbot("Deployment");
    review["request"]["operation"] = json!("UPDATE");
    let old = review["request"]["object"].clone();
    review["request"]["oldObject"] = old.clone();
    // A label added by a controller: same spec, same release.
    review["request"]["object"]["metadata"]["labels"] = json!({"team": "care"});
    let response = server.review(&review);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["decision"], "pass-through");
    assert!(
        server
            .get("/metrics")
            .1
            .contains("riskgate_release_store_hits_total 0")
    );

    // A new image: the (failing) release is checked again.
    review["request"]["object"]["spec"] =
        json!({"template": {"spec": {"containers": [{"image": "v2"}]}}});
    assert_eq!(server.review(&review)["allowed"], false);
    // Pointing an unchanged spec at another release is checked too.
    let mut repoint = review.clone();
    repoint["request"]["object"] = old;
    repoint["request"]["object"]["metadata"]["annotations"] = annotated("support-chatbot-v2");
    let response = server.review(&repoint);
    assert_eq!(response["allowed"], false);
    assert!(
        response["status"]["message"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{response}"
    );
    // Only the release the store does not hold was asked for.
    assert_eq!(
        api.gets(),
        ["/apis/riskgate.dev/v1alpha1/namespaces/customer-care/modelreleases/support-chatbot-v2"]
    );
}

#[test]
fn the_store_answers_found_releases_and_only_misses_are_fetched() {
    let (api, token) = (example_api(None), token_file());
    // The deprecated flag is still accepted, and has no effect.
    let server = synced_webhook(
        &api.url(),
        &token,
        "deployments",
        &["--release-cache-ttl", "60"],
    );
    assert!(server.logged("--release-cache-ttl is deprecated and has no effect"));
    let found = workload_review("Deployment", "lending", "a", annotated("credit-scorer"));
    let missing = workload_review("Deployment", "lending", "b", annotated("credit-scorer-v9"));
    for _ in 0..2 {
        assert_eq!(server.review(&found)["allowed"], true);
        assert_eq!(server.review(&missing)["allowed"], false);
    }
    // A missing release is asked for every time: it may have just been
    // created.
    let gets = api.gets();
    assert_eq!(gets.len(), 2, "{gets:?}");
    assert!(
        gets.iter().all(|p| p.ends_with("/credit-scorer-v9")),
        "{gets:?}"
    );
    let (_, metrics) = server.get("/metrics");
    for needle in [
        "riskgate_release_store_hits_total 2",
        "riskgate_release_fetches_total{result=\"not_found\"} 2",
    ] {
        assert!(metrics.contains(needle), "missing {needle}:\n{metrics}");
    }
}

/// `lending/credit-scorer` with `spec.rollback` removed, which the
/// standard library denies.
fn unrolled_credit_scorer() -> Value {
    let mut release = stored_release("credit-scorer-pass.yaml");
    release["spec"].as_object_mut().unwrap().remove("rollback");
    release
}

#[test]
fn watch_events_reach_the_next_request_without_a_get() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let scorer = workload_review("Deployment", "lending", "a", annotated("credit-scorer"));
    assert_eq!(server.review(&scorer)["allowed"], true);

    // ADDED, then MODIFIED: once the change is seen, so is the new
    // release (events arrive in order), and both come from the store.
    let mut fresh = stored_release("credit-scorer-pass.yaml");
    fresh["metadata"]["name"] = json!("credit-scorer-v2");
    api.apply(fresh);
    api.apply(unrolled_credit_scorer());
    assert!(
        eventually(|| server.review(&scorer)["allowed"] == false),
        "the modified release was never seen"
    );
    let response = server.review(&scorer);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "riskgate denied Deployment lending/a at admission: ModelRelease lending/credit-scorer fails "
        ),
        "{message}"
    );
    let fresh = workload_review("Deployment", "lending", "b", annotated("credit-scorer-v2"));
    assert_eq!(server.review(&fresh)["allowed"], true);
    assert!(api.gets().is_empty(), "{:?}", api.gets());
    assert_eq!(api.count(Verb::List), 1, "the watch listed again");

    // DELETED: the release leaves the store, and the GET that follows
    // finds it missing.
    api.delete("lending", "credit-scorer-v2");
    assert!(
        eventually(|| server.review(&fresh)["allowed"] == false),
        "the deleted release was never denied"
    );
    let response = server.review(&fresh);
    assert_eq!(
        response["status"]["message"],
        "riskgate denied Deployment lending/b: its ModelRelease lending/credit-scorer-v2 \
         (annotation riskgate.dev/release) does not exist; create the release first"
    );
    let gets = api.gets();
    assert!(!gets.is_empty(), "{gets:?}");
    assert!(
        gets.iter().all(|p| p.ends_with("/credit-scorer-v2")),
        "{gets:?}"
    );
}

#[test]
fn a_release_the_watch_has_not_announced_yet_is_found_with_a_get() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let mut fresh = stored_release("credit-scorer-pass.yaml");
    fresh["metadata"]["name"] = json!("credit-scorer-v2");
    api.create_unannounced(fresh);
    let response = server.review(&workload_review(
        "Deployment",
        "lending",
        "b",
        annotated("credit-scorer-v2"),
    ));
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(
        api.gets(),
        ["/apis/riskgate.dev/v1alpha1/namespaces/lending/modelreleases/credit-scorer-v2"]
    );
    let (_, metrics) = server.get("/metrics");
    assert!(
        metrics.contains("riskgate_release_fetches_total{result=\"found\"} 1"),
        "{metrics}"
    );
}

#[test]
fn readiness_waits_for_the_first_list_and_requests_are_served_meanwhile() {
    let (api, token) = (example_api(None), token_file());
    api.hold_lists(true);
    let server = webhook(&api.url(), &token, "deployments", &[]);
    assert!(eventually(|| api.count(Verb::List) >= 1), "no LIST arrived");
    assert_eq!(
        server.get("/readyz"),
        (
            503,
            "waiting for the first list of ModelReleases\n".to_owned()
        )
    );
    assert_eq!(server.get("/healthz"), (200, "ok\n".to_owned()));
    // Not synced yet: the release is read with a GET, never denied as
    // missing for want of a list.
    let response = server.review(&workload_review(
        "Deployment",
        "lending",
        "a",
        annotated("credit-scorer"),
    ));
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(api.gets().len(), 1);

    api.hold_lists(false);
    assert!(
        eventually(|| server.get("/readyz") == (200, "ready\n".to_owned())),
        "never ready after the list: {}",
        server.logs()
    );
}

#[test]
fn warnings_and_invalid_releases_name_the_release() {
    let release = |name: &str, spec: Value| {
        json!({"apiVersion": "riskgate.dev/v1alpha1", "kind": "ModelRelease",
               "metadata": {"name": name, "namespace": "lending", "uid": "x", "resourceVersion": "3"},
               "spec": spec, "status": {}})
    };
    let api = FakeApi::start(
        &[
            release(
                "undrilled",
                json!({"rollback": {"procedure_ref": "runbooks/rollback.md"}}),
            ),
            release("broken", json!({"rollback": "not an object"})),
        ],
        None,
    );
    let token = token_file();
    let policy = super::policy_a();
    let server = synced_webhook(&api.url(), &token, "deployments", &["--policy", &policy]);

    let response = server.review(&workload_review(
        "Deployment",
        "lending",
        "api",
        annotated("undrilled"),
    ));
    assert_eq!(response["allowed"], true);
    assert_eq!(
        response["warnings"],
        json!([
            "riskgate C-T-DRILL on ModelRelease lending/undrilled: to pass, set spec.rollback.last_drill_at"
        ])
    );
    assert_eq!(response["auditAnnotations"]["decision"], "warn");

    let response = server.review(&workload_review(
        "Deployment",
        "lending",
        "api",
        annotated("broken"),
    ));
    assert_eq!(response["allowed"], false);
    assert_eq!(response["auditAnnotations"]["decision"], "invalid");
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "riskgate denied Deployment lending/api at admission: ModelRelease lending/broken: the release is invalid"
        ),
        "{message}"
    );
}

#[test]
fn warn_within_warns_a_workload_about_its_release_within_the_caps() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &["--warn-within", "14d"]);
    let deployment = workload_review(
        "Deployment",
        "lending",
        "scorer-api",
        annotated("credit-scorer"),
    );
    let response = server.review(&deployment);
    assert_eq!(response["allowed"], true, "{response}");
    let warnings = response["warnings"].as_array().unwrap();
    // The example's monitors go stale within days: eleven warnings, cut
    // to the ten a response carries, each at most 256 bytes.
    assert_eq!(warnings.len(), 10, "{response}");
    assert!(
        warnings.iter().all(|w| w.as_str().unwrap().len() <= 256),
        "{response}"
    );
    assert!(
        warnings[0].as_str().unwrap().starts_with(
            "riskgate on ModelRelease lending/credit-scorer: C-GOV-13 monitors_stale: stops passing in 1 day (2026-10-02): "
        ),
        "{response}"
    );
}
