//! The one Kubernetes API call the webhook makes: GET a `ModelRelease`
//! referenced by a workload.
//!
//! A hand-written client over hyper's HTTP/1.1 client connection and
//! tokio-rustls rather than `kube`/`reqwest`: one GET with a bearer token
//! does not justify a second HTTP stack. Each fetch opens its own
//! connection; within a webhook request that costs one handshake, bounded
//! by the evaluation deadline.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use http_body_util::{BodyExt as _, Empty, Limited};
use hyper::body::Bytes;
use hyper::header::{ACCEPT, AUTHORIZATION, HOST, HeaderValue, USER_AGENT};
use hyper::{Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::{TlsConnector, rustls};
use tracing::warn;

use super::workload::ReleaseRef;

/// Where the in-cluster service-account credentials are mounted.
const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// Group and version of the `ModelRelease` API, as in `deploy/crd.yaml`.
const RELEASE_API: &str = "/apis/riskgate.dev/v1alpha1";
/// Projected service-account tokens rotate; re-read the file this often
/// (as client-go does).
const TOKEN_REFRESH: Duration = Duration::from_secs(60);
/// Largest API response read (a release is a few kilobytes; the API server
/// caps objects at about 1.5 MiB).
const MAX_RESPONSE: usize = 4 * 1024 * 1024;

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
    /// The release object.
    Found(Box<::kube::core::DynamicObject>),
    /// The API server says the release does not exist.
    NotFound,
}

/// A client for `GET .../namespaces/{ns}/modelreleases/{name}`.
#[derive(Debug)]
pub struct KubeClient {
    /// Host to connect to (no IPv6 brackets).
    host: String,
    port: u16,
    /// `Host` header value.
    authority: String,
    /// Path prefix of the server URL (usually empty).
    base_path: String,
    tls: Option<(Arc<rustls::ClientConfig>, ServerName<'static>)>,
    token: Option<TokenFile>,
}

impl KubeClient {
    /// Resolves the server, token and CA from the options and the
    /// in-cluster environment; fails when no API server can be found or
    /// the CA does not load.
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
        let authority = uri
            .authority()
            .with_context(|| format!("--kube-api-server {server}: no host"))?;
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        let tls = if https {
            let ca = options
                .ca_file
                .clone()
                .unwrap_or_else(|| default_path("ca.crt"));
            let name = ServerName::try_from(host.clone())
                .with_context(|| format!("--kube-api-server {server}: not a TLS server name"))?;
            Some((client_config(&ca)?, name))
        } else {
            None
        };
        let token = match &options.token_file {
            Some(path) => {
                std::fs::metadata(path).with_context(|| {
                    format!("--kube-token-file {}: cannot read", path.display())
                })?;
                Some(TokenFile::new(path.clone()))
            }
            None => {
                let path = default_path("token");
                if path.exists() {
                    Some(TokenFile::new(path))
                } else {
                    warn!(
                        "no service-account token at {}: API requests are sent without credentials",
                        path.display()
                    );
                    None
                }
            }
        };
        Ok(Self {
            host,
            port,
            authority: authority.as_str().to_owned(),
            base_path: uri.path().trim_end_matches('/').to_owned(),
            tls,
            token,
        })
    }

    /// Fetches a release; `Err` says why the API server could not answer
    /// (unreachable, timeout at `deadline`, forbidden, server error).
    pub async fn get_release(
        &self,
        release: &ReleaseRef,
        deadline: Instant,
    ) -> Result<Fetched, String> {
        let path = format!(
            "{}{RELEASE_API}/namespaces/{}/modelreleases/{}",
            self.base_path, release.namespace, release.name
        );
        let exchange = async {
            let request = self.request(&path)?;
            let tcp = TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|e| format!("cannot connect to the API server: {e}"))?;
            let _ = tcp.set_nodelay(true);
            match &self.tls {
                None => send(tcp, request).await,
                Some((config, name)) => {
                    let tls = TlsConnector::from(Arc::clone(config))
                        .connect(name.clone(), tcp)
                        .await
                        .map_err(|e| format!("TLS handshake with the API server failed: {e}"))?;
                    send(tls, request).await
                }
            }
        };
        let (status, body) = tokio::time::timeout_at(deadline.into(), exchange)
            .await
            .map_err(|_| {
                "the API server did not answer before the evaluation deadline".to_owned()
            })??;
        interpret(status, &body, release)
    }

    fn request(&self, path: &str) -> Result<Request<Empty<Bytes>>, String> {
        let mut request = Request::get(path)
            .header(HOST, &self.authority)
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, concat!("riskgate/", env!("CARGO_PKG_VERSION")))
            .body(Empty::new())
            .map_err(|e| format!("cannot build the API request: {e}"))?;
        if let Some(token) = self.token.as_ref().and_then(TokenFile::get) {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| "the service-account token is not a valid header value".to_owned())?;
            value.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        Ok(request)
    }
}

/// One request on a fresh HTTP/1.1 connection.
async fn send<S>(stream: S, request: Request<Empty<Bytes>>) -> Result<(StatusCode, Bytes), String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("cannot talk HTTP to the API server: {e}"))?;
    let driver = tokio::spawn(connection);
    let result = async {
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("the API request failed: {e}"))?;
        let status = response.status();
        let body = Limited::new(response.into_body(), MAX_RESPONSE)
            .collect()
            .await
            .map_err(|e| format!("cannot read the API response: {e}"))?
            .to_bytes();
        Ok((status, body))
    }
    .await;
    // The connection is used once; dropping the sender lets it close.
    drop(sender);
    driver.abort();
    result
}

/// Turns an API response into a release, "not found" or an error.
fn interpret(status: StatusCode, body: &[u8], release: &ReleaseRef) -> Result<Fetched, String> {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let message = || {
        json.as_ref()
            .and_then(|s| s.get("message"))
            .and_then(|m| m.as_str())
            .map(|m| format!(": {m}"))
            .unwrap_or_default()
    };
    match status {
        StatusCode::OK => match json {
            Some(object) if object.get("kind").and_then(|k| k.as_str()) == Some("ModelRelease") => {
                serde_json::from_value(object)
                    .map(|object| Fetched::Found(Box::new(object)))
                    .map_err(|e| {
                        format!("the API server answered with an unreadable ModelRelease: {e}")
                    })
            }
            _ => Err("the API server answered with something other than a ModelRelease".to_owned()),
        },
        // A missing object names itself in the Status details; a 404
        // without them means the API (the CRD) itself is missing.
        StatusCode::NOT_FOUND
            if json
                .as_ref()
                .and_then(|s| s.pointer("/details/name"))
                .and_then(|n| n.as_str())
                == Some(release.name.as_str()) =>
        {
            Ok(Fetched::NotFound)
        }
        StatusCode::NOT_FOUND => Err(format!(
            "the API server does not serve modelreleases.riskgate.dev (is the CRD installed?){}",
            message()
        )),
        StatusCode::UNAUTHORIZED => Err(format!(
            "the API server rejected the webhook's credentials (401){}",
            message()
        )),
        StatusCode::FORBIDDEN => Err(format!(
            "the webhook may not get modelreleases in namespace {} (403; see the ClusterRole in deploy/rbac.yaml){}",
            release.namespace,
            message()
        )),
        other => Err(format!("the API server answered {other}{}", message())),
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

/// A TLS client configuration trusting only the CA bundle in `ca` (the
/// cluster CA).
fn client_config(ca: &Path) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    let pem = std::fs::read(ca)
        .with_context(|| format!("--kube-ca-file {}: cannot read", ca.display()))?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert
            .with_context(|| format!("--kube-ca-file {}: not a PEM certificate", ca.display()))?;
        roots
            .add(cert)
            .with_context(|| format!("--kube-ca-file {}: unusable certificate", ca.display()))?;
    }
    if roots.is_empty() {
        anyhow::bail!(
            "--kube-ca-file {}: no certificate in the file",
            ca.display()
        );
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("configuring TLS to the API server")?
    .with_root_certificates(roots)
    .with_no_client_auth();
    // The client speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
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

    #[test]
    fn not_found_needs_the_release_named_in_the_status() {
        let missing = br#"{"kind":"Status","reason":"NotFound","details":{"name":"fraud-v3","group":"riskgate.dev","kind":"modelreleases"},"code":404}"#;
        assert!(matches!(
            interpret(StatusCode::NOT_FOUND, missing, &fraud()),
            Ok(Fetched::NotFound)
        ));
        let no_crd = b"404 page not found";
        let error = interpret(StatusCode::NOT_FOUND, no_crd, &fraud()).unwrap_err();
        assert!(error.contains("CRD"), "{error}");
    }

    #[test]
    fn errors_carry_the_api_message() {
        let forbidden = br#"{"kind":"Status","message":"modelreleases.riskgate.dev \"fraud-v3\" is forbidden","code":403}"#;
        let error = interpret(StatusCode::FORBIDDEN, forbidden, &fraud()).unwrap_err();
        assert!(error.contains("403"), "{error}");
        assert!(error.ends_with("is forbidden"), "{error}");
        let error = interpret(StatusCode::OK, b"{\"kind\":\"Secret\"}", &fraud()).unwrap_err();
        assert!(error.contains("other than a ModelRelease"), "{error}");
    }

    #[test]
    fn http_needs_the_insecure_flag() {
        let options = KubeOptions {
            server: Some("http://127.0.0.1:1".to_owned()),
            token_file: Some(PathBuf::from("/nonexistent/token")),
            ..KubeOptions::default()
        };
        let error = KubeClient::new(&options).unwrap_err().to_string();
        assert!(error.contains("--insecure-http"), "{error}");
    }

    #[test]
    fn tokens_are_re_read_after_the_refresh_interval() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "one\n").unwrap();
        let token = TokenFile::new(path.clone());
        assert_eq!(token.get().as_deref(), Some("one"));
        std::fs::write(&path, "two").unwrap();
        assert_eq!(token.get().as_deref(), Some("one"));
        // Pretend the cached token is old.
        if let Ok(mut cached) = token.cached.lock()
            && let Some((read_at, _)) = cached.as_mut()
        {
            *read_at = Instant::now().checked_sub(TOKEN_REFRESH).unwrap();
        }
        assert_eq!(token.get().as_deref(), Some("two"));
        // A failed re-read keeps the last token.
        std::fs::remove_file(&path).unwrap();
        if let Ok(mut cached) = token.cached.lock()
            && let Some((read_at, _)) = cached.as_mut()
        {
            *read_at = Instant::now().checked_sub(TOKEN_REFRESH).unwrap();
        }
        assert_eq!(token.get().as_deref(), Some("two"));
    }
}
