//! Reading the `ModelRelease`s workloads reference from the Kubernetes API
//! server, with kube's client and runtime: a watch of `riskgate.dev/v1alpha1`
//! `modelreleases` in all namespaces keeps a local store ([`ReleaseStore`])
//! that workload checks read, and a GET by name ([`ReleaseClient::get_release`])
//! answers what the store does not hold. Releases are `DynamicObject`s (no
//! typed CRD): a release is evaluated as JSON, like a release admitted
//! directly.
//!
//! - **Watch, then GET on a miss.** [`ReleaseWatch`] lists every release,
//!   then watches for changes (kube-runtime's `watcher` and `reflector`),
//!   so a checked workload costs no API request. A release the store does
//!   not hold (created a moment ago, its event not yet seen, or before the
//!   first list completes) is read with one GET: a release created just
//!   before its workload is never denied as missing. A release deleted
//!   since leaves the store and its GET answers "missing".
//! - **Readiness.** [`ReleaseStore::synced`] turns true when the first list
//!   has been stored (the webhook's `/readyz` waits for it) and stays true:
//!   while the watch is broken the store keeps its last state and misses
//!   still fall back to GET.
//! - **Watch errors** are retried with kube-runtime's default backoff
//!   (0.8 s doubling to 30 s, with jitter), logged and counted; the watch
//!   resumes from the last resource version it saw, or lists again (and
//!   swaps the store whole) when that version has expired.
//! - **Small store.** The store keeps what the evaluation reads (see
//!   `decide::release`) and the status conditions the audit writes:
//!   `managedFields` and the rest of `status` are dropped.
//!
//! The client is built from the flags, else the in-cluster environment
//! (`KUBERNETES_SERVICE_HOST`/`_PORT` and the service-account mount):
//!
//! - **Trust.** The CA file (`--kube-ca-file`, else the mounted `ca.crt`)
//!   is the only trust root; kube re-reads it about once a minute for CA
//!   rotation and keeps the last good one when a re-read fails. It must
//!   load at start-up.
//! - **Token.** The bearer token file is re-read every minute (projected
//!   tokens rotate), trimmed, and a failed re-read keeps the last token.
//!   This is a small layer on kube's client rather than kube's own
//!   `token_file`: kube sends the file's content untrimmed, so a token file
//!   ending in a newline (`kubectl create token ... > file`) would make
//!   every request fail, where client-go trims it.
//! - **One deadline.** kube's retries are off and every GET is cut off at
//!   the request's evaluation deadline: the failure mode, not a retry loop,
//!   decides what an unavailable API server means. Connections are kept
//!   alive and reused between requests; the watch holds one of its own.
//! - **Failure shapes.** A 404 whose Status names the release is "release
//!   missing"; any other 404 means the API (the CRD) is missing, which is an
//!   API error like 401, 403, 5xx, TLS and connection failures.
//!
//! INVARIANT: rustls uses the `ring` provider only (installed as the
//! process default by [`crate::run`]); kube is built without aws-lc-rs
//! and openssl.
//!
//! INVARIANT: the RBAC the webhook needs is `get`, `list` and `watch` on
//! `modelreleases`, nothing more (`deploy/rbac.yaml`, checked by
//! `cargo xtask deploy-check`).

use std::error::Error as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::StreamExt as _;
use hyper::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use hyper::{StatusCode, Uri};
use kube::core::{ApiResource, DynamicObject, GroupVersionKind, TypeMeta};
use kube::runtime::reflector::{ObjectRef, Store, store::Writer};
use kube::runtime::{WatchStreamExt as _, watcher};
use kube::{Api, Client, Config};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;
use tokio_rustls::rustls;
use tracing::{debug, error, info, warn};

use super::workload::ReleaseRef;

/// Where the in-cluster service-account credentials are mounted.
const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// Projected service-account tokens rotate; re-read the file this often
/// (as client-go does).
const TOKEN_REFRESH: Duration = Duration::from_secs(60);

/// How to reach the API server, from the flags (each falls back to the
/// in-cluster default).
#[derive(Debug, Clone, Default)]
pub struct KubeOptions {
    /// `--kube-api-server`.
    pub server: Option<String>,
    /// `--kube-token-file`.
    pub token_file: Option<PathBuf>,
    /// `--kube-ca-file`.
    pub ca_file: Option<PathBuf>,
    /// Accept an `http://` server (only with `--insecure-http`).
    pub allow_http: bool,
}

/// The result of a fetch the API server answered.
#[derive(Debug)]
pub enum Fetched {
    /// The release object (shared with the store when it came from there).
    Found(Arc<DynamicObject>),
    /// The API server says the release does not exist.
    NotFound,
}

/// Reads `ModelRelease`s by namespace and name.
pub struct ReleaseClient {
    client: Client,
    resource: ApiResource,
}

impl std::fmt::Debug for ReleaseClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReleaseClient")
            .field("resource", &self.resource)
            .finish_non_exhaustive()
    }
}

impl ReleaseClient {
    /// The API client (shared with the audit).
    pub(crate) fn client(&self) -> Client {
        self.client.clone()
    }

    /// Resolves the server, token and CA from the options and the
    /// in-cluster environment; fails when no API server can be found or
    /// the CA or token file does not load. Must run inside the tokio
    /// runtime (kube's client spawns its request buffer).
    pub fn new(options: &KubeOptions) -> anyhow::Result<Self> {
        let default_path = |file: &str| Path::new(SERVICE_ACCOUNT_DIR).join(file);
        let server = match &options.server {
            Some(server) => server.clone(),
            None => in_cluster_server().context(
                "workload checks need the API server: run in a cluster (KUBERNETES_SERVICE_HOST) or pass --kube-api-server",
            )?,
        };
        let uri: Uri = server
            .parse()
            .with_context(|| format!("--kube-api-server {server}: not a URL"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") if options.allow_http => false,
            Some("http") => anyhow::bail!(
                "--kube-api-server {server}: plain http:// is only accepted with --insecure-http (local testing)"
            ),
            _ => anyhow::bail!("--kube-api-server {server}: must be an https:// URL"),
        };
        if uri.authority().is_none() {
            anyhow::bail!("--kube-api-server {server}: no host");
        }
        let mut config = Config::new(uri);
        if https {
            let ca = options
                .ca_file
                .clone()
                .unwrap_or_else(|| default_path("ca.crt"));
            config.root_cert = Some(read_ca(&ca)?);
            config.root_cert_file = Some(ca);
        }
        config.default_retry = false;
        config.headers.push((
            USER_AGENT,
            HeaderValue::from_static(concat!("riskgate/", env!("CARGO_PKG_VERSION"))),
        ));
        let token = match &options.token_file {
            Some(path) => {
                std::fs::metadata(path).with_context(|| {
                    format!("--kube-token-file {}: cannot read", path.display())
                })?;
                Some(Arc::new(TokenFile::new(path.clone())))
            }
            None => {
                let path = default_path("token");
                if path.exists() {
                    Some(Arc::new(TokenFile::new(path)))
                } else {
                    warn!(
                        "no service-account token at {}: API requests are sent without credentials",
                        path.display()
                    );
                    None
                }
            }
        };
        let bearer = tower::util::MapRequestLayer::new(move |mut request: hyper::Request<_>| {
            if let Some(value) = token.as_ref().and_then(|token| token.header()) {
                request.headers_mut().insert(AUTHORIZATION, value);
            }
            request
        });
        let client = kube::client::ClientBuilder::try_from(config)
            .context("configuring the API client")?
            .with_layer(&bearer)
            .build();
        Ok(Self {
            client,
            resource: release_resource(),
        })
    }

    /// Fetches a release; `Err` says why the API server could not answer
    /// (unreachable, timeout at `deadline`, forbidden, server error).
    pub async fn get_release(
        &self,
        release: &ReleaseRef,
        deadline: Instant,
    ) -> Result<Fetched, String> {
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), &release.namespace, &self.resource);
        let answer = tokio::time::timeout_at(deadline.into(), api.get(&release.name))
            .await
            .map_err(|_| {
                "the API server did not answer before the evaluation deadline".to_owned()
            })?;
        match answer {
            Ok(object)
                if object
                    .types
                    .as_ref()
                    .is_some_and(|t| t.kind == "ModelRelease") =>
            {
                Ok(Fetched::Found(Arc::new(object)))
            }
            Ok(_) | Err(kube::Error::SerdeError(_)) => {
                Err("the API server answered with something other than a ModelRelease".to_owned())
            }
            Err(kube::Error::Api(status)) => interpret(&status, release),
            Err(error) => Err(transport(&error)),
        }
    }

    /// The store of every namespace's releases and the watch that fills
    /// it; nothing is requested until [`ReleaseWatch::run`] runs.
    pub fn watch(&self) -> (ReleaseStore, ReleaseWatch) {
        let writer = Writer::new(self.resource.clone());
        let synced = Arc::new(AtomicBool::new(false));
        let store = ReleaseStore {
            store: writer.as_reader(),
            resource: self.resource.clone(),
            synced: Arc::clone(&synced),
        };
        let watch = ReleaseWatch {
            api: Api::all_with(self.client.clone(), &self.resource),
            resource: self.resource.clone(),
            writer,
            synced,
            changes: None,
        };
        (store, watch)
    }
}

/// The releases the watch has seen, by namespace and name.
#[derive(Clone)]
pub struct ReleaseStore {
    store: Store<DynamicObject>,
    resource: ApiResource,
    synced: Arc<AtomicBool>,
}

impl std::fmt::Debug for ReleaseStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReleaseStore")
            .field("releases", &self.store.len())
            .field("synced", &self.synced())
            .finish_non_exhaustive()
    }
}

impl ReleaseStore {
    /// The stored release, if the watch has seen it (and not its deletion).
    pub fn get(&self, release: &ReleaseRef) -> Option<Arc<DynamicObject>> {
        let key =
            ObjectRef::new_with(&release.name, self.resource.clone()).within(&release.namespace);
        self.store.get(&key)
    }

    /// Whether the first list has been stored.
    pub fn synced(&self) -> bool {
        self.synced.load(Ordering::SeqCst)
    }
}

/// The watch filling a [`ReleaseStore`].
pub struct ReleaseWatch {
    api: Api<DynamicObject>,
    resource: ApiResource,
    writer: Writer<DynamicObject>,
    synced: Arc<AtomicBool>,
    changes: Option<tokio::sync::mpsc::UnboundedSender<Change>>,
}

/// What the watch saw, for the audit controller.
#[derive(Debug, Clone)]
pub enum Change {
    /// A release was listed, created or changed.
    Applied(Arc<DynamicObject>),
    /// A release was deleted.
    Deleted(Arc<DynamicObject>),
    /// A list (the first, or a relist after the watch expired) begins:
    /// the releases it applies, until [`Change::Listed`], are all there are.
    Relisting,
    /// That list is stored.
    Listed,
}

impl std::fmt::Debug for ReleaseWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReleaseWatch")
            .field("resource", &self.resource)
            .finish_non_exhaustive()
    }
}

impl ReleaseWatch {
    /// Also sends every change to `changes` (the audit controller).
    #[must_use]
    pub fn notifying(mut self, changes: tokio::sync::mpsc::UnboundedSender<Change>) -> Self {
        self.changes = Some(changes);
        self
    }

    /// Lists and watches releases for as long as the process runs,
    /// retrying failures with kube-runtime's default backoff; each failure
    /// is logged and reported to `on_error`.
    pub async fn run(self, mut on_error: impl FnMut() + Send) {
        let Self {
            api,
            resource,
            writer,
            synced,
            changes,
        } = self;
        let notify = |change: Change| {
            if let Some(changes) = &changes {
                let _ = changes.send(change);
            }
        };
        let store = writer.as_reader();
        let types = TypeMeta {
            api_version: resource.api_version.clone(),
            kind: resource.kind.clone(),
        };
        let events = watcher(api, watcher::Config::default())
            .modify(move |release: &mut DynamicObject| slim(release, &types))
            .default_backoff()
            .reflect(writer);
        let mut events = std::pin::pin!(events);
        while let Some(event) = events.next().await {
            match event {
                Ok(watcher::Event::InitDone) => {
                    if !synced.swap(true, Ordering::SeqCst) {
                        info!(releases = store.len(), "ModelRelease watch synced");
                    }
                    notify(Change::Listed);
                }
                Ok(watcher::Event::Apply(release) | watcher::Event::InitApply(release)) => {
                    notify(Change::Applied(Arc::new(release)));
                }
                Ok(watcher::Event::Delete(release)) => notify(Change::Deleted(Arc::new(release))),
                Ok(watcher::Event::Init) => notify(Change::Relisting),
                Err(watcher::Error::WatchError(status)) if status.code == 410 => {
                    debug!("the ModelRelease watch expired; listing again");
                }
                Err(e) => {
                    warn!(error = %watch_error(&e), "the ModelRelease watch failed; retrying");
                    on_error();
                }
            }
        }
        error!("the ModelRelease watch ended; releases are read with a GET per workload");
    }
}

/// Drops what the evaluation does not read (see `decide::release`) but
/// the status conditions (the audit keeps their transition times), and
/// fills in the type a list item may lack.
fn slim(release: &mut DynamicObject, types: &TypeMeta) {
    release.metadata.managed_fields = None;
    if let Some(data) = release.data.as_object_mut() {
        let conditions = data
            .get_mut("status")
            .and_then(|status| status.get_mut("conditions"))
            .map(serde_json::Value::take);
        data.remove("status");
        if let Some(conditions) = conditions {
            data.insert(
                "status".to_owned(),
                serde_json::json!({ "conditions": conditions }),
            );
        }
    }
    if release.types.is_none() {
        release.types = Some(types.clone());
    }
}

/// Why the watch failed, in the terms of a GET's errors.
fn watch_error(error: &watcher::Error) -> String {
    let request = match error {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => e,
        watcher::Error::WatchError(status) => return watch_status(status),
        watcher::Error::NoResourceVersion => return error.to_string(),
    };
    match request {
        kube::Error::Api(status) => watch_status(status),
        other => transport(other),
    }
}

fn watch_status(status: &kube::core::Status) -> String {
    status_error(status, "list and watch modelreleases in all namespaces")
}

/// Turns an error Status (the API server's, or kube's for a body that is
/// not one) into "not found" or an error.
fn interpret(status: &kube::core::Status, release: &ReleaseRef) -> Result<Fetched, String> {
    // A missing object names itself in the Status details; a 404 without
    // them means the API (the CRD) itself is missing.
    if status.code == StatusCode::NOT_FOUND.as_u16()
        && status
            .details
            .as_ref()
            .is_some_and(|details| details.name == release.name)
    {
        return Ok(Fetched::NotFound);
    }
    Err(status_error(
        status,
        &format!("get modelreleases in namespace {}", release.namespace),
    ))
}

/// What an error Status from a request for releases means; `denied` is
/// what the webhook was trying to do, for a 403.
fn status_error(status: &kube::core::Status, denied: &str) -> String {
    api_status(status, RELEASES, &format!("the webhook may not {denied}"))
}

/// The resource releases are served as, for messages.
pub(crate) const RELEASES: &str = "modelreleases.riskgate.dev";

/// What an error Status means for a request on `resource` (e.g.
/// `reports.openreports.io`); `forbidden` says who may not do what.
fn api_status(status: &kube::core::Status, resource: &str, forbidden: &str) -> String {
    let message = if status.message.is_empty() {
        String::new()
    } else {
        format!(": {}", status.message)
    };
    match StatusCode::from_u16(status.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR) {
        StatusCode::NOT_FOUND => {
            format!("the API server does not serve {resource} (is the CRD installed?){message}")
        }
        StatusCode::UNAUTHORIZED => {
            format!("the API server rejected the credentials (401){message}")
        }
        StatusCode::FORBIDDEN => {
            format!("{forbidden} (403; see the ClusterRole in deploy/rbac.yaml){message}")
        }
        other => format!("the API server answered {other}{message}"),
    }
}

/// Why a request on `resource` failed, for the audit's messages: an
/// error Status, else the transport failure.
pub(crate) fn describe(error: &kube::Error, resource: &str, doing: &str) -> String {
    match error {
        kube::Error::Api(status) => {
            api_status(status, resource, &format!("riskgate may not {doing}"))
        }
        other => transport(other),
    }
}

/// The API resource of `ModelRelease`s.
pub(crate) fn release_resource() -> ApiResource {
    let gvk = GroupVersionKind::gvk("riskgate.dev", "v1alpha1", "ModelRelease");
    ApiResource::from_gvk_with_plural(&gvk, "modelreleases")
}

/// Why a request got no HTTP answer: a TLS failure (named as such), or
/// the connection, with the chain of causes.
fn transport(error: &kube::Error) -> String {
    let mut causes = Vec::new();
    let mut next = error.source();
    while let Some(cause) = next {
        if let Some(tls) = tls_error(cause) {
            return format!("TLS handshake with the API server failed: {tls}");
        }
        causes.push(cause.to_string());
        next = cause.source();
    }
    if causes.is_empty() {
        causes.push(error.to_string());
    }
    format!("cannot reach the API server: {}", causes.join(": "))
}

/// The rustls error inside `error`, which the connector wraps in
/// `io::Error`s (whose `source` skips the error they wrap).
fn tls_error<'a>(mut error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    loop {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        let inner = error.downcast_ref::<std::io::Error>()?.get_ref()?;
        error = inner;
    }
}

/// `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`.
fn in_cluster_server() -> Option<String> {
    let host = std::env::var("KUBERNETES_SERVICE_HOST").ok()?;
    let port = std::env::var("KUBERNETES_SERVICE_PORT").ok()?;
    Some(if host.contains(':') {
        format!("https://[{host}]:{port}")
    } else {
        format!("https://{host}:{port}")
    })
}

/// The DER certificates of the CA bundle in `ca` (the cluster CA), each
/// one rustls accepts as a trust root.
fn read_ca(ca: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let pem = std::fs::read(ca)
        .with_context(|| format!("--kube-ca-file {}: cannot read", ca.display()))?;
    let mut roots = rustls::RootCertStore::empty();
    let mut certs = Vec::new();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert
            .with_context(|| format!("--kube-ca-file {}: not a PEM certificate", ca.display()))?;
        certs.push(cert.to_vec());
        roots
            .add(cert)
            .with_context(|| format!("--kube-ca-file {}: unusable certificate", ca.display()))?;
    }
    if certs.is_empty() {
        anyhow::bail!(
            "--kube-ca-file {}: no certificate in the file",
            ca.display()
        );
    }
    Ok(certs)
}

/// A bearer token file, re-read every [`TOKEN_REFRESH`]; when a re-read
/// fails the last token read keeps being used.
#[derive(Debug)]
struct TokenFile {
    path: PathBuf,
    cached: Mutex<Option<(Instant, String)>>,
}

impl TokenFile {
    fn new(path: PathBuf) -> Self {
        Self {
            path,
            cached: Mutex::new(None),
        }
    }

    /// The `Authorization` header value, if a token could be read.
    fn header(&self) -> Option<HeaderValue> {
        let token = self.get()?;
        match HeaderValue::from_str(&format!("Bearer {token}")) {
            Ok(mut value) => {
                value.set_sensitive(true);
                Some(value)
            }
            Err(_) => {
                warn!(path = %self.path.display(), "the service-account token is not a valid header value");
                None
            }
        }
    }

    fn get(&self) -> Option<String> {
        let mut cached = match self.cached.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((read_at, token)) = cached.as_ref()
            && read_at.elapsed() < TOKEN_REFRESH
        {
            return Some(token.clone());
        }
        match std::fs::read_to_string(&self.path) {
            Ok(text) => {
                let token = text.trim().to_owned();
                *cached = Some((Instant::now(), token.clone()));
                Some(token)
            }
            Err(e) => {
                warn!(path = %self.path.display(), error = %e, "cannot re-read the service-account token");
                cached.as_ref().map(|(_, token)| token.clone())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fraud() -> ReleaseRef {
        ReleaseRef {
            namespace: "ml".to_owned(),
            name: "fraud-v3".to_owned(),
        }
    }

    fn status(json: serde_json::Value) -> kube::core::Status {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn not_found_needs_the_release_named_in_the_status() {
        let missing = status(serde_json::json!({"kind":"Status","reason":"NotFound",
            "details":{"name":"fraud-v3","group":"riskgate.dev","kind":"modelreleases"},"code":404}));
        assert!(matches!(
            interpret(&missing, &fraud()),
            Ok(Fetched::NotFound)
        ));
        // What kube makes of a body that is not a Status.
        let no_crd =
            kube::core::Status::failure("404 page not found", "Failed to parse error data")
                .with_code(404);
        let error = interpret(&no_crd, &fraud()).unwrap_err();
        assert!(error.contains("CRD"), "{error}");
        assert!(error.ends_with(": 404 page not found"), "{error}");
    }

    #[test]
    fn errors_carry_the_api_message() {
        let forbidden = status(serde_json::json!({"kind":"Status",
            "message":"modelreleases.riskgate.dev \"fraud-v3\" is forbidden","code":403}));
        let error = interpret(&forbidden, &fraud()).unwrap_err();
        assert!(error.contains("403"), "{error}");
        assert!(error.ends_with("is forbidden"), "{error}");
        let failing =
            status(serde_json::json!({"message":"etcdserver: request timed out","code":500}));
        assert_eq!(
            interpret(&failing, &fraud()).unwrap_err(),
            "the API server answered 500 Internal Server Error: etcdserver: request timed out"
        );
    }

    #[test]
    fn the_store_keeps_what_the_evaluation_reads() {
        let mut release: DynamicObject = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "fraud-v3", "namespace": "ml",
                         "annotations": {"team": "risk"}, "managedFields": [{"manager": "kubectl"}]},
            "spec": {"rollback": {}}, "status": {"observedGeneration": 1}}))
        .unwrap();
        let before = crate::decide::release(&release);
        let types = TypeMeta {
            api_version: "riskgate.dev/v1alpha1".to_owned(),
            kind: "ModelRelease".to_owned(),
        };
        slim(&mut release, &types);
        assert!(release.metadata.managed_fields.is_none());
        assert!(release.data.get("status").is_none());
        let after = crate::decide::release(&release);
        // A list item without a type gets the watched one; the rest is
        // what the evaluation saw before.
        assert_eq!(after["kind"], "ModelRelease");
        assert_eq!(after["metadata"], before["metadata"]);
        assert_eq!(after["spec"], before["spec"]);
    }

    #[test]
    fn watch_errors_name_what_to_fix() {
        let forbidden = status(serde_json::json!({"kind":"Status",
            "message":"modelreleases.riskgate.dev is forbidden","code":403}));
        let error = watch_error(&watcher::Error::InitialListFailed(kube::Error::Api(
            Box::new(forbidden),
        )));
        assert!(
            error.starts_with("the webhook may not list and watch modelreleases"),
            "{error}"
        );
        assert!(error.contains("deploy/rbac.yaml"), "{error}");
        assert!(
            error.ends_with(": modelreleases.riskgate.dev is forbidden"),
            "{error}"
        );
    }

    #[test]
    fn http_needs_the_insecure_flag() {
        let options = KubeOptions {
            server: Some("http://127.0.0.1:1".to_owned()),
            token_file: Some(PathBuf::from("/nonexistent/token")),
            ..KubeOptions::default()
        };
        let error = ReleaseClient::new(&options).unwrap_err().to_string();
        assert!(error.contains("--insecure-http"), "{error}");
    }

    #[test]
    fn the_ca_file_must_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.crt");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let error = read_ca(&path).unwrap_err().to_string();
        assert!(error.contains("no certificate"), "{error}");
        let error = read_ca(&dir.path().join("missing"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("cannot read"), "{error}");
    }

    #[test]
    fn tokens_are_trimmed_and_re_read_after_the_refresh_interval() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "one\n").unwrap();
        let token = TokenFile::new(path.clone());
        assert_eq!(token.get().as_deref(), Some("one"));
        assert_eq!(token.header().unwrap(), "Bearer one");
        std::fs::write(&path, "two").unwrap();
        assert_eq!(token.get().as_deref(), Some("one"));
        let age = |token: &TokenFile| {
            if let Ok(mut cached) = token.cached.lock()
                && let Some((read_at, _)) = cached.as_mut()
            {
                *read_at = Instant::now().checked_sub(TOKEN_REFRESH).unwrap();
            }
        };
        age(&token);
        assert_eq!(token.get().as_deref(), Some("two"));
        // A failed re-read keeps the last token.
        std::fs::remove_file(&path).unwrap();
        age(&token);
        assert_eq!(token.get().as_deref(), Some("two"));
    }
}
