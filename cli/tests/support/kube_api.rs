//! A fake Kubernetes API server (hyper, in the test process) holding
//! `ModelRelease`s, for the webhook's workload checks and for `riskgate
//! audit`: GET, LIST (all namespaces or one) and WATCH of releases;
//! server-side-apply PATCH of a release's `status` subresource and of any
//! other object (policy reports), stored whole; POST of Events.
//!
//! Simplification, documented where it shows: an apply PATCH replaces
//! the object's applied part (the `status`, or the whole report) instead
//! of merging field ownership. riskgate is the only manager of both, for
//! which the two are the same.

#![allow(
    dead_code,
    reason = "shared by two test binaries, each using part of it"
)]

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::{Request, Response};
use serde_json::{Value, json};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// A file of the webhook tests' data.
pub fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/serve")
        .join(path)
}

/// A file of the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// The collection of every namespace's releases (LIST and WATCH).
pub const COLLECTION: &str = "/apis/riskgate.dev/v1alpha1/modelreleases";

/// What a request to the fake API server asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    List,
    Watch,
    /// A PATCH (server-side apply or merge).
    Patch,
    /// A POST (create).
    Post,
}

/// One request the fake API server received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub verb: Verb,
    pub path: String,
    /// The query string.
    pub query: String,
    pub authorization: Option<String>,
    /// The `content-type` of a PATCH or POST.
    pub content_type: Option<String>,
    /// The JSON body of a PATCH or POST.
    pub body: Option<Value>,
}

/// What the fake API server holds: the releases by path, the resource
/// version, every change since the start (so a watch that starts behind is
/// replayed what it missed) and the open watches.
struct Cluster {
    releases: BTreeMap<String, Value>,
    /// Every other object written (reports, events, leases), by path.
    objects: BTreeMap<String, Value>,
    /// The field manager that last set an object's `spec.holderIdentity`.
    owners: BTreeMap<String, String>,
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
        // `metadata.generation` counts spec changes (a status write keeps it).
        let generation = match self.releases.get(&path) {
            Some(old) => {
                let old_generation = old["metadata"]["generation"].as_i64().unwrap_or(1);
                if old["spec"] == release["spec"] {
                    old_generation
                } else {
                    old_generation + 1
                }
            }
            None => release["metadata"]["generation"].as_i64().unwrap_or(1),
        };
        release["metadata"]["generation"] = json!(generation);
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
pub struct FakeApi {
    addr: SocketAddr,
    tls: bool,
    seen: Arc<Mutex<Vec<Seen>>>,
    cluster: Arc<Mutex<Cluster>>,
    /// While `true`, LIST requests wait.
    hold_lists: tokio::sync::watch::Sender<bool>,
    refuse: Arc<Mutex<Option<(String, u16)>>>,
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
    /// PATCHes under this path prefix are answered with this code.
    refuse: Arc<Mutex<Option<(String, u16)>>>,
}

impl FakeApi {
    pub fn start(releases: &[Value], fail_with: Option<u16>) -> FakeApi {
        Self::launch(releases, fail_with, false)
    }

    pub fn launch(releases: &[Value], fail_with: Option<u16>, tls: bool) -> FakeApi {
        let acceptor = tls.then(tls_acceptor);
        let cluster = Arc::new(Mutex::new(Cluster {
            releases: releases.iter().map(|r| (item_path(r), r.clone())).collect(),
            version: 48213,
            objects: BTreeMap::new(),
            owners: BTreeMap::new(),
            changes: Vec::new(),
            watches: Vec::new(),
        }));
        let (hold_lists, held) = tokio::sync::watch::channel(false);
        let refuse = Arc::new(Mutex::new(None));
        let backend = Backend {
            cluster: Arc::clone(&cluster),
            hold_lists: held,
            fail_with,
            refuse: Arc::clone(&refuse),
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
                        let service =
                            hyper::service::service_fn(move |request: Request<Incoming>| {
                                let (backend, sink) = (backend.clone(), Arc::clone(&sink));
                                async move {
                                    let verb = verb(&request);
                                    let header = |name: &str| {
                                        request
                                            .headers()
                                            .get(name)
                                            .map(|v| v.to_str().unwrap().to_owned())
                                    };
                                    let (authorization, content_type) =
                                        (header("authorization"), header("content-type"));
                                    let path = request.uri().path().to_owned();
                                    let query =
                                        request.uri().query().unwrap_or_default().to_owned();
                                    let (parts, body) = request.into_parts();
                                    let bytes = body
                                        .collect()
                                        .await
                                        .map(|b| b.to_bytes())
                                        .unwrap_or_default();
                                    let body: Option<Value> = serde_json::from_slice(&bytes).ok();
                                    sink.lock().unwrap().push(Seen {
                                        verb,
                                        path,
                                        query,
                                        authorization,
                                        content_type,
                                        body: body.clone(),
                                    });
                                    let request = Request::from_parts(parts, body);
                                    Ok::<_, Infallible>(backend.answer(&request, verb).await)
                                }
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
            refuse,
            stop: Some(stop),
        }
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://localhost:{}", self.addr.port())
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The paths of the GETs of single releases, in order.
    pub fn gets(&self) -> Vec<String> {
        self.seen()
            .into_iter()
            .filter(|s| s.verb == Verb::Get)
            .map(|s| s.path)
            .collect()
    }

    pub fn count(&self, verb: Verb) -> usize {
        self.seen().iter().filter(|s| s.verb == verb).count()
    }

    /// Creates or changes a release, announced to the watches.
    pub fn apply(&self, release: Value) {
        self.cluster.lock().unwrap().put(release, true);
    }

    /// Creates a release whose watch event has not gone out yet (as if it
    /// were still on its way): only a GET finds it.
    pub fn create_unannounced(&self, release: Value) {
        self.cluster.lock().unwrap().put(release, false);
    }

    /// Deletes a release, announced to the watches.
    pub fn delete(&self, namespace: &str, name: &str) {
        self.cluster.lock().unwrap().delete(namespace, name);
    }

    /// A stored release, as the API server would return it now.
    pub fn release(&self, namespace: &str, name: &str) -> Option<Value> {
        let path =
            format!("/apis/riskgate.dev/v1alpha1/namespaces/{namespace}/modelreleases/{name}");
        self.cluster.lock().unwrap().releases.get(&path).cloned()
    }

    /// The other objects written (reports, events) whose path starts with
    /// `prefix`, by path.
    pub fn objects(&self, prefix: &str) -> Vec<(String, Value)> {
        self.cluster
            .lock()
            .unwrap()
            .objects
            .iter()
            .filter(|(path, _)| path.starts_with(prefix))
            .map(|(path, object)| (path.clone(), object.clone()))
            .collect()
    }

    /// Answers PATCHes under `prefix` with `code` and a Status (e.g. 404:
    /// a CRD that is not installed).
    pub fn refuse_writes_under(&self, prefix: &str, code: u16) {
        *self.refuse.lock().unwrap() = Some((prefix.to_owned(), code));
    }

    /// Makes LIST requests wait (`true`) or lets them through (`false`).
    pub fn hold_lists(&self, hold: bool) {
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
pub fn item_path(release: &Value) -> String {
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
    let collection = request.uri().path().ends_with("/modelreleases");
    match *request.method() {
        hyper::Method::PATCH => Verb::Patch,
        hyper::Method::POST => Verb::Post,
        _ if collection && watch => Verb::Watch,
        _ if collection => Verb::List,
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
    async fn answer(&self, request: &Request<Option<Value>>, verb: Verb) -> Response<Body> {
        if let Some(code) = self.fail_with {
            return json_reply(
                code,
                &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                        "message": "etcdserver: request timed out", "code": code}),
            );
        }
        match verb {
            Verb::Get => self.get(request.uri().path()),
            Verb::Patch => self.patch(request),
            Verb::Post => self.post(request.uri().path(), request.body().clone()),
            Verb::List => {
                let mut held = self.hold_lists.clone();
                let _ = held.wait_for(|hold| !hold).await;
                let cluster = self.cluster.lock().unwrap();
                // `.../namespaces/{ns}/modelreleases` lists one namespace.
                let prefix = request.uri().path().to_owned() + "/";
                let items: Vec<&Value> = cluster
                    .releases
                    .iter()
                    .filter(|(path, _)| {
                        request.uri().path() == COLLECTION || path.starts_with(&prefix)
                    })
                    .map(|(_, release)| release)
                    .collect();
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

    /// A release's `status` (the status subresource), or any other
    /// object, replaced by the applied body.
    fn patch(&self, request: &Request<Option<Value>>) -> Response<Body> {
        let path = request.uri().path();
        let refused = self.refuse.lock().unwrap().clone();
        if let Some((prefix, code)) = refused
            && path.starts_with(&prefix)
        {
            return json_reply(
                code,
                &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                        "message": "the server could not find the requested resource",
                        "reason": "NotFound", "code": code}),
            );
        }
        let Some(body) = request.body().clone() else {
            return json_reply(
                400,
                &json!({"kind": "Status", "code": 400, "message": "no JSON body"}),
            );
        };
        let mut cluster = self.cluster.lock().unwrap();
        if let Some(release_path) = path.strip_suffix("/status") {
            let Some(mut release) = cluster.releases.get(release_path).cloned() else {
                drop(cluster);
                return self.get(release_path);
            };
            release["status"] = body.get("status").cloned().unwrap_or(Value::Null);
            cluster.put(release.clone(), true);
            let stored = cluster
                .releases
                .get(release_path)
                .cloned()
                .unwrap_or(release);
            return json_reply(200, &stored);
        }
        let manager = query_param(request, "fieldManager").unwrap_or_default();
        let apply = request
            .headers()
            .get("content-type")
            .is_some_and(|t| t.as_bytes().starts_with(b"application/apply-patch"));
        let forced = query_param(request, "force").as_deref() == Some("true");
        let existing = cluster.objects.get(path).cloned();
        if existing.is_none() && !apply {
            drop(cluster);
            return self.get(path);
        }
        // Field ownership, for the one field where it decides something:
        // a Lease's holder. A non-forced apply that changes a holder
        // another manager set is a conflict, as on a real API server.
        let holder = |object: &Value| {
            object
                .pointer("/spec/holderIdentity")
                .cloned()
                .unwrap_or(Value::Null)
        };
        if let Some(existing) = &existing
            && apply
            && !forced
            && !holder(existing).is_null()
            && body.pointer("/spec/holderIdentity").is_some()
            && holder(&body) != holder(existing)
            && cluster
                .owners
                .get(path)
                .is_some_and(|owner| *owner != manager)
        {
            return json_reply(
                409,
                &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                        "message": "Apply failed with 1 conflict: conflict with another manager: .spec.holderIdentity",
                        "reason": "Conflict", "code": 409}),
            );
        }
        let mut object = existing.unwrap_or_else(|| json!({}));
        merge(&mut object, &body);
        if body.pointer("/spec/holderIdentity").is_some() {
            cluster.owners.insert(path.to_owned(), manager);
        }
        cluster.version += 1;
        object["metadata"]["resourceVersion"] = json!(cluster.version.to_string());
        object["metadata"]["name"] = json!(path.rsplit('/').next().unwrap_or_default());
        cluster.objects.insert(path.to_owned(), object.clone());
        json_reply(200, &object)
    }

    /// Creates an object (an Event, a Lease) under `{collection}/{name}`;
    /// an existing one is a conflict.
    fn post(&self, path: &str, body: Option<Value>) -> Response<Body> {
        let Some(mut object) = body else {
            return json_reply(
                400,
                &json!({"kind": "Status", "code": 400, "message": "no JSON body"}),
            );
        };
        let mut cluster = self.cluster.lock().unwrap();
        cluster.version += 1;
        let name = object["metadata"]["name"]
            .as_str()
            .map_or_else(|| format!("generated-{}", cluster.version), str::to_owned);
        let item = format!("{path}/{name}");
        if cluster.objects.contains_key(&item) {
            return json_reply(
                409,
                &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                        "message": format!("\"{name}\" already exists"),
                        "reason": "AlreadyExists", "code": 409}),
            );
        }
        object["metadata"]["name"] = json!(name);
        object["metadata"]["resourceVersion"] = json!(cluster.version.to_string());
        cluster.objects.insert(item, object.clone());
        json_reply(201, &object)
    }

    fn get(&self, path: &str) -> Response<Body> {
        let name = path.rsplit('/').next().unwrap_or_default();
        let cluster = self.cluster.lock().unwrap();
        match cluster
            .releases
            .get(path)
            .or_else(|| cluster.objects.get(path))
        {
            Some(object) => json_reply(200, object),
            None if path.contains("/modelreleases/") => json_reply(
                404,
                &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                        "message": format!("modelreleases.riskgate.dev \"{name}\" not found"),
                        "reason": "NotFound",
                        "details": {"name": name, "group": "riskgate.dev", "kind": "modelreleases"},
                        "code": 404}),
            ),
            None => json_reply(
                404,
                &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                        "message": format!("\"{name}\" not found"),
                        "reason": "NotFound",
                        "details": {"name": name},
                        "code": 404}),
            ),
        }
    }
}

/// RFC 7396 JSON merge patch: objects merge, `null` deletes, anything
/// else replaces (a strategic merge patch of a Lease is the same).
fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let Value::Object(target) = target else {
        return;
    };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// A bearer token file holding `token` (with the trailing newline
/// `kubectl create token > file` leaves).
pub fn token_file(token: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), format!("{token}\n")).unwrap();
    file
}

/// A kubeconfig whose current context is `api`, with the bearer token
/// `audit-token`.
pub fn kubeconfig(api: &FakeApi) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        format!(
            "apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: {}
contexts:
- name: fake
  context: {{cluster: fake, user: auditor}}
current-context: fake
users:
- name: auditor
  user: {{token: audit-token}}
",
            api.url()
        ),
    )
    .unwrap();
    file
}

/// The examples: `lending/credit-scorer` passes at admission (and is
/// compliant at the examples' clock), `customer-care/support-chatbot` is
/// denied; every request fails with `fail_with` when it is set.
pub fn example_api(fail_with: Option<u16>) -> FakeApi {
    FakeApi::start(
        &[
            stored_release("credit-scorer-pass.yaml"),
            stored_release("support-chatbot-fail.yaml"),
        ],
        fail_with,
    )
}

/// An example manifest as the API server returns it: with the metadata
/// and status the server adds.
pub fn stored_release(file: &str) -> Value {
    let text = std::fs::read_to_string(repo(&format!("examples/manifests/{file}"))).unwrap();
    let mut release: Value = serde_yaml_ng::from_str(&text).unwrap();
    let metadata = release["metadata"].as_object_mut().unwrap();
    metadata.insert(
        "uid".to_owned(),
        json!("5f0c1d2e-aaaa-bbbb-cccc-000000000001"),
    );
    metadata.insert("resourceVersion".to_owned(), json!("48213"));
    metadata.insert("generation".to_owned(), json!(1));
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
