//! The opt-in flags of `eval` and `test` for the builtins that are refused
//! by default: `--allow-net HOST,...` for `http.send` and
//! `net.lookup_ip_addr`, `--seed N` for `rand.intn`.
//!
//! The engine checks hosts against the allowlist and shapes requests and
//! responses ([`riskgate_engine::net`]); this module only does the I/O, over
//! hyper's HTTP/1 client. It speaks plain `http://`: an `https://` URL is a
//! clear error rather than a connection without certificate checks.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use riskgate_engine::CompileOptions;
use riskgate_engine::net::{
    HostPattern, HttpRequest, HttpResponse, NetPolicy, Transport, TransportError,
};

/// The flags, flattened into the commands that evaluate user policies.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct OptInArgs {
    /// Let `http.send` and `net.lookup_ip_addr` reach these hosts
    /// (comma-separated or repeated): `HOST`, `HOST:PORT`, `*.DOMAIN` or
    /// `*` for any host. Off by default: network answers make decisions
    /// non-reproducible. Plain `http://` only.
    #[arg(
        long = "allow-net",
        value_name = "HOST,...",
        value_delimiter = ',',
        value_parser = parse_host
    )]
    pub allow_net: Vec<HostPattern>,
    /// The longest one `http.send` or `net.lookup_ip_addr` call may take
    /// (`500ms`, `2s`), with `--allow-net`.
    #[arg(
        long,
        value_name = "DURATION",
        requires = "allow_net",
        value_parser = riskgate_workspace::clock::parse_duration
    )]
    pub net_timeout: Option<Duration>,
    /// Let `rand.intn` answer, as a pseudo-random function of this seed and
    /// its arguments (the same seed gives the same numbers). Off by
    /// default: random numbers make decisions non-deterministic.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// clap names the flag and the value, so only the reason is added.
fn parse_host(entry: &str) -> Result<HostPattern, &'static str> {
    HostPattern::parse(entry).map_err(|error| error.reason())
}

impl OptInArgs {
    /// `base` with the builtins these flags enable.
    #[must_use]
    pub fn apply(&self, base: CompileOptions) -> CompileOptions {
        let net = (!self.allow_net.is_empty()).then(|| {
            let mut policy = NetPolicy::new(self.allow_net.clone(), Arc::new(HttpTransport));
            if let Some(timeout) = self.net_timeout {
                policy.timeout = timeout;
            }
            Arc::new(policy)
        });
        CompileOptions {
            rand_seed: self.seed.or(base.rand_seed),
            net: net.or(base.net),
            ..base
        }
    }
}

/// Plain HTTP/1.1 over hyper, one connection per request, and the system
/// resolver. Each call runs on its own single-threaded runtime, since the
/// evaluator that calls it is synchronous.
#[derive(Debug)]
struct HttpTransport;

impl HttpTransport {
    fn runtime() -> Result<tokio::runtime::Runtime, String> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| format!("starting the network runtime: {error}"))
    }
}

impl Transport for HttpTransport {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.scheme != "http" {
            return Err(TransportError::Internal(format!(
                "{}: only http:// URLs are supported by --allow-net",
                request.url
            )));
        }
        let runtime = Self::runtime().map_err(TransportError::Internal)?;
        runtime.block_on(async {
            tokio::time::timeout(request.timeout, exchange(request))
                .await
                .unwrap_or_else(|_| {
                    Err(TransportError::Network(format!(
                        "{} {}: timed out after {:?}",
                        request.method, request.url, request.timeout
                    )))
                })
        })
    }

    fn lookup_ip_addr(&self, host: &str, timeout: Duration) -> Result<Vec<IpAddr>, String> {
        let runtime = Self::runtime()?;
        runtime.block_on(async {
            let found = tokio::time::timeout(timeout, tokio::net::lookup_host((host, 0)))
                .await
                .map_err(|_| format!("looking up {host}: timed out after {timeout:?}"))?
                .map_err(|error| format!("looking up {host}: {error}"))?;
            let mut addresses: Vec<IpAddr> = found.map(|address| address.ip()).collect();
            addresses.sort_unstable();
            addresses.dedup();
            Ok(addresses)
        })
    }
}

async fn exchange(request: &HttpRequest) -> Result<HttpResponse, TransportError> {
    let network = |what: &str, error: &dyn std::fmt::Display| {
        TransportError::Network(format!(
            "{} {}: {what}: {error}",
            request.method, request.url
        ))
    };
    let stream = tokio::net::TcpStream::connect((request.host.as_str(), request.port))
        .await
        .map_err(|error| network("connecting", &error))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| network("handshake", &error))?;
    tokio::spawn(connection);

    let mut builder = hyper::Request::builder()
        .method(request.method.as_str())
        .uri(request.path_and_query.as_str());
    if !request
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        let authority = if request.host.contains(':') {
            format!("[{}]:{}", request.host, request.port)
        } else {
            format!("{}:{}", request.host, request.port)
        };
        builder = builder.header(hyper::header::HOST, authority);
    }
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let outgoing = builder
        .body(Full::new(Bytes::from(request.body.clone())))
        .map_err(|error| TransportError::Internal(format!("building the request: {error}")))?;
    let response = sender
        .send_request(outgoing)
        .await
        .map_err(|error| network("sending", &error))?;

    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = Limited::new(response.into_body(), request.max_response_bytes)
        .collect()
        .await
        .map_err(|error| {
            if error.downcast_ref::<LengthLimitError>().is_some() {
                TransportError::TooLarge(request.max_response_bytes)
            } else {
                network("reading the body", &error)
            }
        })?
        .to_bytes();
    Ok(HttpResponse {
        status_code: status.as_u16(),
        reason: status.canonical_reason().unwrap_or_default().to_owned(),
        headers,
        body: body.to_vec(),
    })
}
