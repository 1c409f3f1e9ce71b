//! The opt-in for the network builtins `http.send` and
//! `net.lookup_ip_addr` ([`crate::CompileOptions::net`]).
//!
//! Without a [`NetPolicy`] both are refused, as network answers make
//! decisions non-reproducible and a policy that can reach the network can
//! leak what it reads. With one, the engine checks every host against the
//! allowlist, validates requests and shapes responses as OPA does; the I/O
//! itself is a [`Transport`] the caller injects (the CLI's is a hyper
//! client), so the engine stays I/O-free.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// The default time a request or lookup may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The default cap on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Which hosts the network builtins may reach, how long a call may take,
/// and the transport that does the I/O.
#[derive(Debug, Clone)]
pub struct NetPolicy {
    /// The hosts allowed; a host matching none is an error naming
    /// `--allow-net`.
    pub allow: Vec<HostPattern>,
    /// The longest a request or lookup may take (a request's own
    /// `timeout` may only shorten it).
    pub timeout: Duration,
    /// The largest response body accepted; a larger one is an error.
    pub max_response_bytes: usize,
    /// Does the I/O.
    pub transport: Arc<dyn Transport>,
}

impl NetPolicy {
    /// A policy with the default timeout and response cap.
    #[must_use]
    pub fn new(allow: Vec<HostPattern>, transport: Arc<dyn Transport>) -> Self {
        Self {
            allow,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            transport,
        }
    }

    /// Whether `host` (a name or IP literal, without brackets) on `port`
    /// is allowed.
    #[must_use]
    pub fn allows(&self, host: &str, port: Option<u16>) -> bool {
        self.allow.iter().any(|pattern| pattern.matches(host, port))
    }
}

/// One entry of the allowlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// `*`: every host. Unsafe: the policy can reach anything the machine
    /// can, including cloud metadata endpoints.
    Any,
    /// `example.com` or `example.com:8443` (`[::1]:8080` for IPv6): that
    /// host, on any port or on that port.
    Host {
        /// The host name (lower case) or IP literal.
        host: String,
        /// The port, if the entry names one.
        port: Option<u16>,
    },
    /// `*.example.com`: every subdomain of `example.com` (not itself).
    Subdomains {
        /// The parent domain, lower case, without the leading dot.
        domain: String,
        /// The port, if the entry names one.
        port: Option<u16>,
    },
}

/// Why an allowlist entry is not a host pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid --allow-net host {entry:?}: {reason}")]
pub struct HostPatternError {
    entry: String,
    reason: &'static str,
}

impl HostPatternError {
    /// Why the entry was refused, without the entry (for callers such as
    /// clap that name the value themselves).
    #[must_use]
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl HostPattern {
    /// Parses `*`, `HOST`, `HOST:PORT`, `*.DOMAIN[:PORT]` or `[IPV6][:PORT]`.
    ///
    /// # Errors
    /// An empty host, a bad port or a misplaced `*`.
    pub fn parse(entry: &str) -> Result<Self, HostPatternError> {
        let bad = |reason| HostPatternError {
            entry: entry.to_owned(),
            reason,
        };
        let entry_trimmed = entry.trim();
        if entry_trimmed == "*" {
            return Ok(Self::Any);
        }
        let (host, port) = split_host_port(entry_trimmed).ok_or_else(|| bad("bad port"))?;
        if host.is_empty() {
            return Err(bad("empty host"));
        }
        let host = host.to_ascii_lowercase();
        if let Some(domain) = host.strip_prefix("*.") {
            if domain.is_empty() || domain.contains('*') {
                return Err(bad("`*.` must be followed by a domain"));
            }
            return Ok(Self::Subdomains {
                domain: domain.to_owned(),
                port,
            });
        }
        if host.contains('*') || host.contains('/') {
            return Err(bad("expected `*`, HOST, HOST:PORT or *.DOMAIN"));
        }
        Ok(Self::Host { host, port })
    }

    /// Whether this entry allows `host` on `port` (`None`: a lookup, which
    /// has no port, and matches entries with any port).
    #[must_use]
    pub fn matches(&self, host: &str, port: Option<u16>) -> bool {
        let port_ok = |want: &Option<u16>| want.is_none() || port.is_none() || *want == port;
        let host = host.to_ascii_lowercase();
        match self {
            Self::Any => true,
            Self::Host {
                host: want,
                port: p,
            } => port_ok(p) && same_host(want, &host),
            Self::Subdomains { domain, port: p } => {
                port_ok(p)
                    && host
                        .strip_suffix(domain.as_str())
                        .is_some_and(|prefix| prefix.len() > 1 && prefix.ends_with('.'))
            }
        }
    }
}

/// Equal names, or IP literals with the same address (`::1` and
/// `0:0::1`).
fn same_host(a: &str, b: &str) -> bool {
    match (a.parse::<IpAddr>(), b.parse::<IpAddr>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `host[:port]` or `[v6][:port]` → host without brackets and the port;
/// `None` if the port is not a number. A bare IPv6 literal has no port.
pub(crate) fn split_host_port(text: &str) -> Option<(&str, Option<u16>)> {
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(port) => Some((host, Some(port.parse().ok()?))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    if text.parse::<std::net::Ipv6Addr>().is_ok() {
        return Some((text, None));
    }
    match text.rsplit_once(':') {
        Some((host, port)) => Some((host, Some(port.parse().ok()?))),
        None => Some((text, None)),
    }
}

/// A request `http.send` asks the transport to make, already validated
/// and checked against the allowlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method, upper case.
    pub method: String,
    /// The whole URL, as the policy wrote it.
    pub url: String,
    /// `http` or `https`.
    pub scheme: String,
    /// The host, without brackets.
    pub host: String,
    /// The port (the scheme's default when the URL names none).
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path_and_query: String,
    /// Request headers in the policy's order.
    pub headers: Vec<(String, String)>,
    /// The body (empty for none).
    pub body: Vec<u8>,
    /// How long the whole exchange may take.
    pub timeout: Duration,
    /// The largest response body to read.
    pub max_response_bytes: usize,
}

/// What the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status_code: u16,
    /// The status line's reason phrase (`OK`), empty if unknown.
    pub reason: String,
    /// Response headers, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why the transport failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// Connecting, sending or receiving failed, or the timeout passed
    /// (OPA's `eval_http_send_network_error`).
    #[error("{0}")]
    Network(String),
    /// The response body is larger than the cap.
    #[error("response body larger than {0} bytes")]
    TooLarge(usize),
    /// Anything else (OPA's `eval_http_send_internal_error`).
    #[error("{0}")]
    Internal(String),
}

/// The I/O of the network builtins, injected by the caller.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Makes one request (no redirects followed, no retries).
    ///
    /// # Errors
    /// A network failure, the timeout, or a body over the cap.
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;

    /// Resolves a host name (never an IP literal; the engine answers
    /// those) to its addresses.
    ///
    /// # Errors
    /// The resolver's failure.
    fn lookup_ip_addr(&self, host: &str, timeout: Duration) -> Result<Vec<IpAddr>, String>;
}

#[cfg(test)]
mod tests {
    use super::{HostPattern, split_host_port};

    #[test]
    fn patterns_parse_and_match() {
        let p = |s| HostPattern::parse(s).unwrap();
        assert!(p("*").matches("anything.example", Some(1)));
        assert!(p("Example.com").matches("example.COM", Some(443)));
        assert!(!p("example.com").matches("api.example.com", None));
        assert!(p("example.com:8080").matches("example.com", Some(8080)));
        assert!(!p("example.com:8080").matches("example.com", Some(80)));
        assert!(p("example.com:8080").matches("example.com", None));
        assert!(p("*.example.com").matches("api.example.com", Some(1)));
        assert!(!p("*.example.com").matches("example.com", None));
        assert!(!p("*.example.com").matches("badexample.com", None));
        assert!(p("[::1]:80").matches("::1", Some(80)));
        assert!(p("::1").matches("0:0::1", Some(80)));
        assert!(p("127.0.0.1").matches("127.0.0.1", Some(5)));
        assert!(HostPattern::parse("").is_err());
        assert!(HostPattern::parse("a:b").is_err());
        assert!(HostPattern::parse("a*.b").is_err());
        assert!(HostPattern::parse("*.").is_err());
    }

    #[test]
    fn host_port_split() {
        assert_eq!(split_host_port("a:1"), Some(("a", Some(1))));
        assert_eq!(split_host_port("[::1]"), Some(("::1", None)));
        assert_eq!(split_host_port("::1"), Some(("::1", None)));
        assert_eq!(split_host_port("a:x"), None);
    }
}
