//! `http.send` and `net.lookup_ip_addr` against a fake transport (the
//! loopback server tests are the CLI's).

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::HTTP_SEND;
use crate::builtins::net::NET_LOOKUP_IP_ADDR;
use crate::builtins::testing::{context, parse_arg};
use crate::builtins::{BuiltinContext, BuiltinErrorKind};
use crate::net::{HostPattern, HttpRequest, HttpResponse, NetPolicy, Transport, TransportError};
use crate::value::Value;

#[derive(Debug, Default)]
struct Fake {
    seen: Mutex<Vec<HttpRequest>>,
    fail: Option<TransportError>,
}

impl Transport for Fake {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        self.seen.lock().unwrap().push(request.clone());
        if let Some(error) = &self.fail {
            return Err(error.clone());
        }
        Ok(HttpResponse {
            status_code: 200,
            reason: "OK".to_owned(),
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("X-Two".to_owned(), "a".to_owned()),
                ("x-two".to_owned(), "b".to_owned()),
            ],
            body: br#"{"ok": true}"#.to_vec(),
        })
    }

    fn lookup_ip_addr(&self, host: &str, _: Duration) -> Result<Vec<IpAddr>, String> {
        match host {
            "db.internal" => Ok(vec!["10.1.2.3".parse().unwrap()]),
            _ => Err("no such host".to_owned()),
        }
    }
}

fn with(fake: Fake, allow: &[&str]) -> (BuiltinContext, Arc<Fake>) {
    let fake = Arc::new(fake);
    let allow = allow
        .iter()
        .map(|a| HostPattern::parse(a).unwrap())
        .collect();
    let policy = NetPolicy::new(allow, fake.clone());
    let ctx = BuiltinContext {
        net: Some(Arc::new(policy)),
        ..context()
    };
    (ctx, fake)
}

fn send(
    ctx: &BuiltinContext,
    request: &str,
) -> Result<serde_json::Value, (BuiltinErrorKind, String)> {
    (HTTP_SEND.func)(ctx, &[parse_arg(request)])
        .map(|v| v.to_json())
        .map_err(|e| (e.kind, e.message))
}

#[test]
fn refused_without_the_opt_in() {
    let err = send(&context(), r#"{"method": "get", "url": "http://a"}"#).unwrap_err();
    assert_eq!(err.0, BuiltinErrorKind::Failed);
    assert!(
        err.1.contains("not supported") && err.1.contains("--allow-net"),
        "{}",
        err.1
    );
}

#[test]
fn keys_are_validated_as_opa() {
    let (ctx, fake) = with(Fake::default(), &["*"]);
    let err = send(
        &ctx,
        r#"{"bad_key": 1, "method": "get", "url": "http://a"}"#,
    )
    .unwrap_err();
    assert_eq!(err.0, BuiltinErrorKind::Type);
    assert_eq!(
        err.1,
        r#"http.send: operand 1 invalid request parameters(s): {"bad_key"}"#
    );
    let err = send(&ctx, r#"{"method": "get"}"#).unwrap_err();
    assert_eq!(err.0, BuiltinErrorKind::Type);
    assert_eq!(
        err.1,
        r#"http.send: operand 1 missing required request parameters(s): {"url"}"#
    );
    let err = send(&ctx, r#"{"method": "get", "url": "ftp://a"}"#).unwrap_err();
    assert!(err.1.contains("unsupported protocol scheme"), "{}", err.1);
    let err = send(
        &ctx,
        r#"{"method": "get", "url": "http://a", "tls_client_cert": "x"}"#,
    )
    .unwrap_err();
    assert!(err.1.contains("tls_client_cert"), "{}", err.1);
    assert!(fake.seen.lock().unwrap().is_empty());
}

#[test]
fn request_and_response_shapes() {
    let (ctx, fake) = with(Fake::default(), &["api.example:8080"]);
    let got = send(
        &ctx,
        r#"{"method": "post", "url": "http://api.example:8080/v1?q=1#frag",
            "headers": {"X-Token": "t"}, "body": {"a": [1]}, "timeout": "1s"}"#,
    )
    .unwrap();
    assert_eq!(
        got,
        serde_json::json!({
            "status": "200 OK",
            "status_code": 200,
            "headers": {"content-type": ["application/json"], "x-two": ["a", "b"]},
            "body": {"ok": true},
            "raw_body": r#"{"ok": true}"#,
        })
    );
    let seen = fake.seen.lock().unwrap();
    let request = seen.first().unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!((request.host.as_str(), request.port), ("api.example", 8080));
    assert_eq!(request.path_and_query, "/v1?q=1");
    assert_eq!(
        request.headers,
        vec![("X-Token".to_owned(), "t".to_owned())]
    );
    assert_eq!(request.body, br#"{"a":[1]}"#);
    assert_eq!(request.timeout, Duration::from_secs(1));
}

#[test]
fn the_policy_timeout_caps_the_request_timeout() {
    let (ctx, fake) = with(Fake::default(), &["a"]);
    send(
        &ctx,
        r#"{"method": "get", "url": "http://a", "timeout": "1h"}"#,
    )
    .unwrap();
    assert_eq!(
        fake.seen.lock().unwrap().first().unwrap().timeout,
        crate::net::DEFAULT_TIMEOUT
    );
}

#[test]
fn hosts_outside_the_allowlist_are_refused() {
    let (ctx, fake) = with(Fake::default(), &["a:80"]);
    let err = send(&ctx, r#"{"method": "get", "url": "http://a:81/"}"#).unwrap_err();
    assert_eq!(err.0, BuiltinErrorKind::Failed);
    assert_eq!(
        err.1,
        "http.send: host a is not allowed (allow it with --allow-net a)"
    );
    assert!(fake.seen.lock().unwrap().is_empty());
}

#[test]
fn raise_error_false_returns_the_error_object() {
    let fake = Fake {
        fail: Some(TransportError::Network("request timed out".to_owned())),
        ..Fake::default()
    };
    let (ctx, _) = with(fake, &["a"]);
    let request = r#"{"method": "get", "url": "http://a/x", "raise_error": false}"#;
    assert_eq!(
        send(&ctx, request).unwrap(),
        serde_json::json!({
            "status_code": 0,
            "error": {
                "code": "eval_http_send_network_error",
                "message": r#"http.send: Get "http://a/x": request timed out"#,
            },
        })
    );
    let err = send(&ctx, r#"{"method": "get", "url": "http://a/x"}"#).unwrap_err();
    assert_eq!(err.1, r#"http.send: Get "http://a/x": request timed out"#);
    let refused = r#"{"method": "get", "url": "http://b/", "raise_error": false}"#;
    let got = send(&ctx, refused).unwrap();
    assert_eq!(got["error"]["code"], "eval_http_send_internal_error");
}

#[test]
fn lookup_answers_ip_literals_and_allowed_names_only() {
    let lookup = |ctx: &BuiltinContext, host: &str| {
        (NET_LOOKUP_IP_ADDR.func)(ctx, &[Value::string(host)])
            .map(|v| v.to_json())
            .map_err(|e| e.message)
    };
    let refused = lookup(&context(), "10.0.0.1").unwrap_err();
    assert!(refused.contains("--allow-net"), "{refused}");
    let (ctx, _) = with(Fake::default(), &["db.internal"]);
    assert_eq!(
        lookup(&ctx, "10.0.0.1").unwrap(),
        serde_json::json!(["10.0.0.1"])
    );
    assert_eq!(lookup(&ctx, "::").unwrap(), serde_json::json!(["::"]));
    assert_eq!(
        lookup(&ctx, "db.internal").unwrap(),
        serde_json::json!(["10.1.2.3"])
    );
    assert_eq!(
        lookup(&ctx, "example.com").unwrap_err(),
        "net.lookup_ip_addr: host example.com is not allowed (allow it with --allow-net example.com)"
    );
}
