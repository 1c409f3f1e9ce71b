//! `http.send`, opt-in only ([`crate::CompileOptions::net`]).
//!
//! The request object is validated as OPA does (unknown keys and missing
//! `method`/`url` are type errors), the host is checked against the
//! [`NetPolicy`] allowlist, the [`crate::net::Transport`] makes the
//! request, and the response is OPA's object `{status, status_code,
//! headers, body, raw_body}`. With `raise_error: false` a failure is the
//! object `{status_code: 0, error: {code, message}}` instead of an error.
//!
//! Differences from OPA: redirects are never followed
//! (`enable_redirect: true` is an error), there is no response cache (the
//! cache keys are accepted and ignored), no retries, and the TLS keys other
//! than `tls_use_system_certs` are refused.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::builtins::operands::{self, failed};
use crate::builtins::results::{object_value, set};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError, UNSUPPORTED};
use crate::net::{HttpRequest, HttpResponse, NetPolicy, TransportError, split_host_port};
use crate::value::Value;

const NAME: &str = "http.send";

/// The opt-in `http.send`; the compiler resolves calls to it only with a
/// [`NetPolicy`].
pub(crate) static HTTP_SEND: Builtin = Builtin::new(
    "http",
    NAME,
    1,
    send,
    "Sends an HTTP request to an allowed host (`--allow-net`) and returns the response object.",
);

/// Every key OPA accepts in the request object.
const ALLOWED_KEYS: &[&str] = &[
    "body",
    "cache",
    "cache_ignored_headers",
    "caching_mode",
    "enable_redirect",
    "force_cache",
    "force_cache_duration_seconds",
    "force_json_decode",
    "force_yaml_decode",
    "headers",
    "max_retry_attempts",
    "method",
    "raise_error",
    "raw_body",
    "timeout",
    "tls_ca_cert",
    "tls_ca_cert_env_variable",
    "tls_ca_cert_file",
    "tls_client_cert",
    "tls_client_cert_env_variable",
    "tls_client_cert_file",
    "tls_client_key",
    "tls_client_key_env_variable",
    "tls_client_key_file",
    "tls_insecure_skip_verify",
    "tls_server_name",
    "tls_use_system_certs",
    "url",
];

const REQUIRED_KEYS: &[&str] = &["method", "url"];

/// OPA's `error.code` of a failure returned with `raise_error: false`.
const NETWORK_ERROR: &str = "eval_http_send_network_error";
const INTERNAL_ERROR: &str = "eval_http_send_internal_error";

/// A failure and the `error.code` it gets with `raise_error: false`.
struct Failure {
    error: BuiltinError,
    code: &'static str,
}

impl Failure {
    fn internal(error: BuiltinError) -> Self {
        Self {
            error,
            code: INTERNAL_ERROR,
        }
    }
}

impl From<BuiltinError> for Failure {
    fn from(error: BuiltinError) -> Self {
        Self::internal(error)
    }
}

fn send(ctx: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let request = operands::object(NAME, args, 1)?;
    let raise_error = match request.get(&Value::string("raise_error")) {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(failed(
                NAME,
                format!("invalid value for \"raise_error\" field: {other}"),
            ));
        }
    };
    let Some(policy) = ctx.net.as_deref() else {
        let reason = UNSUPPORTED
            .iter()
            .find(|(unsupported, _)| *unsupported == NAME)
            .map_or("", |(_, reason)| reason);
        return Err(failed(NAME, format!("builtin is not supported: {reason}")));
    };
    match build(policy, request).and_then(|built| exchange(policy, &built)) {
        Ok(response) => Ok(response),
        Err(failure) if raise_error => Err(failure.error),
        Err(failure) => Ok(object_value([
            (Value::string("status_code"), Value::int(0)),
            (
                Value::string("error"),
                object_value([
                    (Value::string("code"), Value::string(failure.code)),
                    (
                        Value::string("message"),
                        Value::string(&failure.error.message),
                    ),
                ]),
            ),
        ])),
    }
}

/// A validated request and how to decode its response.
struct Built {
    request: HttpRequest,
    force_json: bool,
    force_yaml: bool,
}

fn key_set(keys: impl IntoIterator<Item = Value>) -> String {
    set(keys).to_string()
}

fn field_type(key: &str, want: &str, got: &Value) -> BuiltinError {
    operands::operand_error(
        NAME,
        1,
        &format!("\"{key}\" must be {want} but got {}", got.type_name()),
    )
}

fn bool_field(request: &BTreeMap<Value, Value>, key: &str) -> Result<Option<bool>, BuiltinError> {
    match request.get(&Value::string(key)) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(field_type(key, "boolean", other)),
    }
}

/// OPA's check of an `http.send` request object, which
/// `providers.aws.sign_req` (`builtin`) makes of its request too: no key
/// outside [`ALLOWED_KEYS`], and `method` and `url` present.
pub(super) fn check_request_keys(
    builtin: &str,
    request: &BTreeMap<Value, Value>,
) -> Result<(), BuiltinError> {
    let invalid: Vec<Value> = request
        .keys()
        .filter(|key| !key.as_str().is_some_and(|k| ALLOWED_KEYS.contains(&k)))
        .cloned()
        .collect();
    if !invalid.is_empty() {
        return Err(operands::operand_error(
            builtin,
            1,
            &format!("invalid request parameters(s): {}", key_set(invalid)),
        ));
    }
    let missing: Vec<Value> = REQUIRED_KEYS
        .iter()
        .filter(|key| !request.contains_key(&Value::string(key)))
        .map(|key| Value::string(key))
        .collect();
    if !missing.is_empty() {
        return Err(operands::operand_error(
            builtin,
            1,
            &format!(
                "missing required request parameters(s): {}",
                key_set(missing)
            ),
        ));
    }
    Ok(())
}

fn build(policy: &NetPolicy, request: &BTreeMap<Value, Value>) -> Result<Built, Failure> {
    check_request_keys(NAME, request)?;
    let string_field = |key: &str| match request.get(&Value::string(key)) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.to_string())),
        Some(other) => Err(field_type(key, "string", other)),
    };
    let method = string_field("method")?
        .unwrap_or_default()
        .to_ascii_uppercase();
    let url = string_field("url")?.unwrap_or_default();
    for key in request.keys() {
        let Some(key) = key.as_str() else { continue };
        let refused = key.starts_with("tls_")
            && key != "tls_use_system_certs"
            && !(key == "tls_insecure_skip_verify" && bool_field(request, key)? == Some(false));
        if refused {
            return Err(failed(NAME, format!("\"{key}\" is not supported by riskgate")).into());
        }
    }
    if bool_field(request, "tls_use_system_certs")? == Some(false) {
        return Err(failed(
            NAME,
            "\"tls_use_system_certs\": false is not supported by riskgate",
        )
        .into());
    }
    if bool_field(request, "enable_redirect")? == Some(true) {
        return Err(failed(
            NAME,
            "\"enable_redirect\" is not supported: riskgate never follows redirects",
        )
        .into());
    }
    let force_json = bool_field(request, "force_json_decode")?.unwrap_or(false);
    let force_yaml = bool_field(request, "force_yaml_decode")?.unwrap_or(false);
    let mut headers = Vec::new();
    match request.get(&Value::string("headers")) {
        None => {}
        Some(Value::Object(map)) => {
            for (name, value) in map.iter() {
                match (name.as_str(), value.as_str()) {
                    (Some(name), Some(value)) => headers.push((name.to_owned(), value.to_owned())),
                    _ => return Err(field_type("headers", "object of strings", value).into()),
                }
            }
        }
        Some(other) => return Err(field_type("headers", "object", other).into()),
    }
    let body = match (
        string_field("raw_body")?,
        request.get(&Value::string("body")),
    ) {
        (Some(raw), _) => raw.into_bytes(),
        (None, Some(body)) => body.to_json().to_string().into_bytes(),
        (None, None) => Vec::new(),
    };
    let timeout = match request.get(&Value::string("timeout")) {
        None => policy.timeout,
        Some(value) => timeout_of(value)?.min(policy.timeout),
    };
    let (scheme, host, port, path_and_query) = parse_url(&url)?;
    if !policy.allows(&host, Some(port)) {
        return Err(failed(
            NAME,
            format!("host {host} is not allowed (allow it with --allow-net {host})"),
        )
        .into());
    }
    Ok(Built {
        request: HttpRequest {
            method,
            url,
            scheme,
            host,
            port,
            path_and_query,
            headers,
            body,
            timeout,
            max_response_bytes: policy.max_response_bytes,
        },
        force_json,
        force_yaml,
    })
}

/// A `timeout` field: nanoseconds, or a Go duration string (`"5s"`).
fn timeout_of(value: &Value) -> Result<Duration, BuiltinError> {
    let ns = match value {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| failed(NAME, format!("invalid timeout {value}")))?,
        Value::String(s) => super::time::parse_duration(s).map_err(|msg| failed(NAME, msg))?,
        other => return Err(field_type("timeout", "number or string", other)),
    };
    Ok(Duration::from_nanos(u64::try_from(ns).unwrap_or(0)))
}

/// `scheme://host[:port][/path][?query][#fragment]` → scheme, host without
/// brackets, port, and path with query.
fn parse_url(url: &str) -> Result<(String, String, u16, String), BuiltinError> {
    let bad = |detail: &str| failed(NAME, format!("parse {url:?}: {detail}"));
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("missing protocol scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(bad(&format!("unsupported protocol scheme {scheme:?}"))),
    };
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    if authority.contains('@') {
        return Err(bad("credentials in the URL are not supported"));
    }
    let (host, port) = split_host_port(authority).ok_or_else(|| bad("invalid port"))?;
    if host.is_empty() {
        return Err(bad("no host in request URL"));
    }
    let path = match path.strip_prefix('?') {
        Some(query) => format!("/?{query}"),
        None if path.is_empty() => "/".to_owned(),
        None => path.to_owned(),
    };
    Ok((
        scheme,
        host.to_ascii_lowercase(),
        port.unwrap_or(default_port),
        path,
    ))
}

/// Go's `url.Error.Op`: the method in title case (`Get`, `Post`).
fn op(method: &str) -> String {
    let mut chars = method.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_string() + &chars.as_str().to_ascii_lowercase()
    })
}

fn exchange(policy: &NetPolicy, built: &Built) -> Result<Value, Failure> {
    let request = &built.request;
    let response = policy.transport.send(request).map_err(|error| {
        let code = match error {
            TransportError::Network(_) => NETWORK_ERROR,
            TransportError::TooLarge(_) | TransportError::Internal(_) => INTERNAL_ERROR,
        };
        Failure {
            error: failed(
                NAME,
                format!("{} {:?}: {error}", op(&request.method), request.url),
            ),
            code,
        }
    })?;
    response_value(&response, built.force_json, built.force_yaml).map_err(Failure::internal)
}

fn content_type_is(response: &HttpResponse, types: &[&str]) -> bool {
    response.headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("content-type")
            && value
                .split(';')
                .next()
                .is_some_and(|t| types.iter().any(|want| t.trim().eq_ignore_ascii_case(want)))
    })
}

fn response_value(
    response: &HttpResponse,
    force_json: bool,
    force_yaml: bool,
) -> Result<Value, BuiltinError> {
    let raw = String::from_utf8_lossy(&response.body);
    let body = if response.body.is_empty() {
        Value::Null
    } else if force_json || content_type_is(response, &["application/json"]) {
        let json: serde_json::Value = serde_json::from_str(&raw)
            .map_err(|e| failed(NAME, format!("invalid JSON response body: {e}")))?;
        Value::from_json(&json)
    } else if force_yaml
        || content_type_is(
            response,
            &["application/yaml", "application/x-yaml", "text/yaml"],
        )
    {
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&raw)
            .map_err(|e| failed(NAME, format!("invalid YAML response body: {e}")))?;
        super::from_yaml(&yaml).map_err(|e| failed(NAME, e))?
    } else {
        Value::Null
    };
    let mut headers: BTreeMap<Value, Vec<Value>> = BTreeMap::new();
    for (name, value) in &response.headers {
        headers
            .entry(Value::string(&name.to_ascii_lowercase()))
            .or_default()
            .push(Value::string(value));
    }
    let status = if response.reason.is_empty() {
        response.status_code.to_string()
    } else {
        format!("{} {}", response.status_code, response.reason)
    };
    Ok(object_value([
        (Value::string("status"), Value::string(&status)),
        (
            Value::string("status_code"),
            Value::int(i64::from(response.status_code)),
        ),
        (
            Value::string("headers"),
            object_value(
                headers
                    .into_iter()
                    .map(|(name, values)| (name, Value::array(values))),
            ),
        ),
        (Value::string("body"), body),
        (Value::string("raw_body"), Value::string(&raw)),
    ]))
}

#[cfg(test)]
mod tests;
