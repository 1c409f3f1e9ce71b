//! `providers.aws.sign_req`: AWS Signature Version 4 for a request object
//! in `http.send`'s shape, at a given instant.
//!
//! The result is the request with its `headers` replaced: the request's own
//! headers, `Authorization`, and the AWS headers (`host`, `x-amz-date`,
//! `x-amz-content-sha256` for s3 and glacier, `x-amz-security-token` with a
//! session token). Nothing is sent; the signing time is an operand, so the
//! builtin is deterministic.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hmac::Hmac;
use sha2::{Digest as _, Sha256};

use crate::builtins::crypto::hmac_bytes;
use crate::builtins::operands::{self, operand_error};
use crate::builtins::results::{hex_lower, object_value};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "providers.aws";
const NAME: &str = "providers.aws.sign_req";

/// The `providers.aws` category.
pub(crate) const BUILTINS: &[Builtin] = &[Builtin::new(
    CATEGORY,
    NAME,
    3,
    sign_req,
    "Signs an HTTP request object with AWS Signature Version 4 at the given time (ns since the epoch).",
)];

/// The AWS config keys that must be present, with string values.
const REQUIRED_CONFIG: [&str; 4] = [
    "aws_access_key",
    "aws_region",
    "aws_secret_access_key",
    "aws_service",
];

/// Headers a proxy may change, left out of the signature (as the AWS SDK
/// and OPA do).
const IGNORED_HEADERS: [&str; 3] = ["authorization", "user-agent", "x-amzn-trace-id"];

/// The content hash when payload signing is disabled.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// OPA's set notation for key names: `{"a", "b"}`.
fn key_set<'a>(keys: impl IntoIterator<Item = &'a str>) -> String {
    let mut keys: Vec<&str> = keys.into_iter().collect();
    keys.sort_unstable();
    keys.dedup();
    let quoted: Vec<String> = keys.iter().map(|k| Value::string(k).to_string()).collect();
    format!("{{{}}}", quoted.join(", "))
}

fn object(args: &[Value], pos: usize) -> Result<&BTreeMap<Value, Value>, BuiltinError> {
    match operands::arg(NAME, args, pos)? {
        Value::Object(map) => Ok(map),
        other => Err(operands::type_error(NAME, pos, other, &["object"])),
    }
}

fn get<'a>(map: &'a BTreeMap<Value, Value>, key: &str) -> Option<&'a Value> {
    map.get(&Value::string(key))
}

/// A string value, or `""` (OPA's `stringFromTerm`).
fn text(value: Option<&Value>) -> &str {
    value.and_then(Value::as_str).unwrap_or("")
}

/// The credentials and scope taken from the AWS config operand.
struct Config<'a> {
    access_key: &'a str,
    secret_key: &'a str,
    region: &'a str,
    service: &'a str,
    session_token: &'a str,
}

fn config(map: &BTreeMap<Value, Value>) -> Result<Config<'_>, BuiltinError> {
    let missing: Vec<&str> = REQUIRED_CONFIG
        .into_iter()
        .filter(|key| get(map, key).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(operand_error(
            NAME,
            2,
            &format!(
                "missing required AWS config parameters(s): {}",
                key_set(missing)
            ),
        ));
    }
    let invalid: Vec<&str> = REQUIRED_CONFIG
        .into_iter()
        .filter(|key| get(map, key).and_then(Value::as_str).is_none())
        .collect();
    if !invalid.is_empty() {
        return Err(operand_error(
            NAME,
            2,
            &format!(
                "invalid values for required AWS config parameters(s): {}",
                key_set(invalid)
            ),
        ));
    }
    Ok(Config {
        access_key: text(get(map, "aws_access_key")),
        secret_key: text(get(map, "aws_secret_access_key")),
        region: text(get(map, "aws_region")),
        service: text(get(map, "aws_service")),
        session_token: text(get(map, "aws_session_token")),
    })
}

/// The parts of a URL the signature uses, split as Go's `url.Parse` does.
struct UrlParts<'a> {
    host: &'a str,
    path: &'a str,
    query: &'a str,
}

fn split_url(url: &str) -> Result<UrlParts<'_>, BuiltinError> {
    if url.chars().any(|c| c.is_ascii_control()) {
        return Err(operands::failed(
            NAME,
            format!(
                "parse {}: net/url: invalid control character in URL",
                Value::string(url)
            ),
        ));
    }
    let without_fragment = url.split_once('#').map_or(url, |(before, _)| before);
    let (before_query, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    let (host, path) = match before_query.split_once("://") {
        Some((_, rest)) => {
            let end = rest.find('/').unwrap_or(rest.len());
            let host = rest.get(..end).unwrap_or("");
            // Userinfo is not part of the host.
            let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
            (host, rest.get(end..).unwrap_or(""))
        }
        None => ("", before_query),
    };
    Ok(UrlParts { host, path, query })
}

/// The bytes signed as the payload: `raw_body`, else `body` as JSON.
fn body_bytes(request: &BTreeMap<Value, Value>) -> Vec<u8> {
    if let Some(raw) = get(request, "raw_body") {
        return text(Some(raw)).as_bytes().to_vec();
    }
    get(request, "body").map_or_else(Vec::new, |body| {
        crate::builtins::encoding::serial::go_escape(&body.to_json().to_string()).into_bytes()
    })
}

fn mac(key: &[u8], message: &str) -> Vec<u8> {
    hmac_bytes::<Hmac<Sha256>>(key, message.as_bytes())
}

/// What the signature adds to a request.
struct Signed {
    authorization: String,
    aws_headers: BTreeMap<String, String>,
}

/// Inputs of one signature.
struct Signing<'a> {
    method: &'a str,
    url: UrlParts<'a>,
    headers: &'a BTreeMap<String, String>,
    body: &'a [u8],
    config: &'a Config<'a>,
    time: chrono::DateTime<chrono::Utc>,
    disable_payload_signing: bool,
}

fn sign(s: &Signing<'_>) -> Signed {
    let content_hash = if s.disable_payload_signing {
        UNSIGNED_PAYLOAD.to_owned()
    } else {
        hex_lower(&Sha256::digest(s.body))
    };
    let date = s.time.format("%Y%m%d").to_string();
    let stamp = s.time.format("%Y%m%dT%H%M%SZ").to_string();
    let service = s.config.service;
    let region = s.config.region;

    let mut aws_headers = BTreeMap::new();
    aws_headers.insert("host".to_owned(), s.url.host.to_owned());
    aws_headers.insert("x-amz-date".to_owned(), stamp.clone());
    if service == "s3" || service == "glacier" {
        aws_headers.insert("x-amz-content-sha256".to_owned(), content_hash.clone());
    }
    if !s.config.session_token.is_empty() {
        aws_headers.insert(
            "x-amz-security-token".to_owned(),
            s.config.session_token.to_owned(),
        );
    }

    // The request's headers override the AWS ones in the canonical request
    // (OPA's order), though the AWS values are what the result carries.
    let mut to_sign = aws_headers.clone();
    for (name, value) in s.headers {
        let lower = name.to_lowercase();
        if !IGNORED_HEADERS.contains(&lower.as_str()) {
            to_sign.insert(lower, value.clone());
        }
    }

    let mut canonical = format!("{}\n{}\n{}\n", s.method, s.url.path, s.url.query);
    for (name, value) in &to_sign {
        let _ = writeln!(canonical, "{name}:{value}");
    }
    canonical.push('\n');
    let signed_headers = to_sign.keys().cloned().collect::<Vec<_>>().join(";");
    let _ = write!(canonical, "{signed_headers}\n{content_hash}");

    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{}",
        hex_lower(&Sha256::digest(canonical.as_bytes()))
    );
    let mut key = mac(format!("AWS4{}", s.config.secret_key).as_bytes(), &date);
    key = mac(&key, region);
    key = mac(&key, service);
    key = mac(&key, "aws4_request");
    let signature = hex_lower(&mac(&key, &string_to_sign));

    Signed {
        authorization: format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope},SignedHeaders={signed_headers},Signature={signature}",
            s.config.access_key
        ),
        aws_headers,
    }
}

fn sign_req(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let request = object(args, 1)?;
    let config_map = object(args, 2)?;
    let config = config(config_map)?;

    // OPA takes the instant as an int64 literal; riskgate cannot tell `-1e9`
    // from `-1000000000`, so it refuses every instant before the epoch.
    let time_ns = operands::number(NAME, args, 3)?;
    let time = time_ns
        .as_i64()
        .filter(|ns| *ns >= 0)
        .map(chrono::DateTime::from_timestamp_nanos)
        .ok_or_else(|| {
            operand_error(
                NAME,
                3,
                "could not convert time_ns value into a unix timestamp",
            )
        })?;

    super::http::check_request_keys(NAME, request)?;

    let headers: BTreeMap<String, String> = match get(request, "headers") {
        None => BTreeMap::new(),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| (text(Some(k)).to_owned(), text(Some(v)).to_owned()))
            .collect(),
        Some(other) => return Err(operands::type_error(NAME, 1, other, &["object"])),
    };

    let url = get(request, "url").and_then(Value::as_str);
    let method = get(request, "method").and_then(Value::as_str);
    let (Some(url), Some(method)) = (url, method) else {
        let invalid = [("url", url.is_none()), ("method", method.is_none())]
            .into_iter()
            .filter_map(|(key, bad)| bad.then_some(key));
        return Err(operand_error(
            NAME,
            1,
            &format!(
                "invalid values for required request parameters(s): {}",
                key_set(invalid)
            ),
        ));
    };
    let url = split_url(url)?;
    let body = body_bytes(request);

    let disable_payload_signing = match get(config_map, "disable_payload_signing") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(operand_error(
                NAME,
                2,
                "invalid value for 'disable_payload_signing' in AWS config",
            ));
        }
    };

    let signed = sign(&Signing {
        method,
        url,
        headers: &headers,
        body: &body,
        config: &config,
        time,
        disable_payload_signing,
    });

    let mut out_headers: BTreeMap<Value, Value> = headers
        .iter()
        .map(|(k, v)| (Value::string(k), Value::string(v)))
        .collect();
    out_headers.insert(
        Value::string("Authorization"),
        Value::string(&signed.authorization),
    );
    for (k, v) in &signed.aws_headers {
        out_headers.insert(Value::string(k), Value::string(v));
    }
    let mut out = request.clone();
    out.insert(Value::string("headers"), Value::object(out_headers));
    Ok(object_value(out))
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{Want::*, check};

    const CONFIG: &str = r#"{"aws_access_key": "MYAWSACCESSKEYGOESHERE", "aws_secret_access_key": "MYAWSSECRETACCESSKEYGOESHERE", "aws_service": "s3", "aws_region": "us-east-1"}"#;
    const TIME: &str = "1451311705000000000";

    #[test]
    fn signs_like_opa() {
        check(&[
            (
                "providers.aws.sign_req",
                &[
                    r#"{"method": "get", "url": "http://example.com"}"#,
                    CONFIG,
                    TIME,
                ],
                Json(
                    r#"{"method": "get", "url": "http://example.com", "headers": {
                        "Authorization": "AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3",
                        "host": "example.com",
                        "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                        "x-amz-date": "20151228T140825Z"}}"#,
                ),
            ),
            (
                // A set body is signed as a JSON array.
                "providers.aws.sign_req",
                &[
                    r#"{"method": "get", "url": "http://example.com", "body": {"example": {"$set": [1, 2, 3, 4]}}}"#,
                    CONFIG,
                    TIME,
                ],
                Json(
                    r#"{"method": "get", "url": "http://example.com", "body": {"example": [1, 2, 3, 4]}, "headers": {
                        "Authorization": "AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=5fb06ab1cfd74c8fcb3af95b8cce696708cf6155d971dac10f254d79799c6e88",
                        "host": "example.com",
                        "x-amz-content-sha256": "bacff6243c850423883052ac3c336fd645994442933408dfd3f9e858e69bda07",
                        "x-amz-date": "20151228T140825Z"}}"#,
                ),
            ),
            (
                // An existing content hash is signed, then replaced.
                "providers.aws.sign_req",
                &[
                    r#"{"method": "get", "url": "https://example.com", "headers": {"foo": "bar", "x-amz-content-sha256": "existing-value"}, "body": {"example": [1, 2, 3, 4]}}"#,
                    r#"{"aws_access_key": "MYAWSACCESSKEYGOESHERE", "aws_secret_access_key": "MYAWSSECRETACCESSKEYGOESHERE", "aws_service": "s3", "aws_region": "us-east-1", "disable_payload_signing": true}"#,
                    TIME,
                ],
                Json(
                    r#"{"method": "get", "url": "https://example.com", "body": {"example": [1, 2, 3, 4]}, "headers": {
                        "Authorization": "AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=foo;host;x-amz-content-sha256;x-amz-date,Signature=edcd3ca3fd3acdfbcecad1a1d8062dbc6562d90352e294c336f9727397f9c383",
                        "foo": "bar",
                        "host": "example.com",
                        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
                        "x-amz-date": "20151228T140825Z"}}"#,
                ),
            ),
            (
                // Other services get no content hash header; a query and
                // path are signed.
                "providers.aws.sign_req",
                &[
                    r#"{"method": "GET", "url": "https://sts.amazonaws.com/a/b?Action=GetCallerIdentity#frag"}"#,
                    r#"{"aws_access_key": "AK", "aws_secret_access_key": "SK", "aws_service": "sts", "aws_region": "us-east-1", "aws_session_token": "TOKEN"}"#,
                    "0",
                ],
                Json(
                    r#"{"method": "GET", "url": "https://sts.amazonaws.com/a/b?Action=GetCallerIdentity#frag", "headers": {
                        "Authorization": "AWS4-HMAC-SHA256 Credential=AK/19700101/us-east-1/sts/aws4_request,SignedHeaders=host;x-amz-date;x-amz-security-token,Signature=933b59ebd9eea68de0f259b29a5a10846908b0f5770e29990450238caeecc57c",
                        "host": "sts.amazonaws.com",
                        "x-amz-date": "19700101T000000Z",
                        "x-amz-security-token": "TOKEN"}}"#,
                ),
            ),
        ]);
    }

    #[test]
    fn operand_errors() {
        let req = r#"{"method": "get", "url": "http://example.com"}"#;
        check(&[
            (
                "providers.aws.sign_req",
                &["[]", CONFIG, TIME],
                TypeErr("operand 1 must be object but got array"),
            ),
            (
                "providers.aws.sign_req",
                &[req, "1", TIME],
                TypeErr("operand 2 must be object but got number"),
            ),
            (
                "providers.aws.sign_req",
                &["{}", CONFIG, TIME],
                TypeErr(
                    r#"providers.aws.sign_req: operand 1 missing required request parameters(s): {"method", "url"}"#,
                ),
            ),
            (
                "providers.aws.sign_req",
                &[
                    r#"{"method": {"$set": []}, "url": {"$set": []}}"#,
                    CONFIG,
                    TIME,
                ],
                TypeErr(
                    r#"operand 1 invalid values for required request parameters(s): {"method", "url"}"#,
                ),
            ),
            (
                "providers.aws.sign_req",
                &[r#"{"method": "get", "url": "u", "bogus": 1}"#, CONFIG, TIME],
                TypeErr(r#"operand 1 invalid request parameters(s): {"bogus"}"#),
            ),
            (
                "providers.aws.sign_req",
                &[
                    r#"{"method": "get", "url": "u", "headers": []}"#,
                    CONFIG,
                    TIME,
                ],
                TypeErr("operand 1 must be object but got array"),
            ),
            (
                "providers.aws.sign_req",
                &[req, r#"{"example": "example"}"#, TIME],
                TypeErr(
                    r#"operand 2 missing required AWS config parameters(s): {"aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"}"#,
                ),
            ),
            (
                "providers.aws.sign_req",
                &[
                    req,
                    r#"{"aws_access_key": 1, "aws_secret_access_key": 2, "aws_service": 4, "aws_region": "r"}"#,
                    TIME,
                ],
                TypeErr(
                    r#"operand 2 invalid values for required AWS config parameters(s): {"aws_access_key", "aws_secret_access_key", "aws_service"}"#,
                ),
            ),
            (
                "providers.aws.sign_req",
                &[req, CONFIG, "-1000000000"],
                TypeErr("operand 3 could not convert time_ns value into a unix timestamp"),
            ),
            (
                "providers.aws.sign_req",
                &[req, CONFIG, "1.5"],
                TypeErr("operand 3 could not convert time_ns value into a unix timestamp"),
            ),
            (
                "providers.aws.sign_req",
                &[req, CONFIG, r#""now""#],
                TypeErr("operand 3 must be number but got string"),
            ),
            (
                "providers.aws.sign_req",
                &[
                    req,
                    r#"{"aws_access_key": "a", "aws_secret_access_key": "b", "aws_service": "s3", "aws_region": "r", "disable_payload_signing": "false"}"#,
                    TIME,
                ],
                TypeErr("operand 2 invalid value for 'disable_payload_signing' in AWS config"),
            ),
            (
                "providers.aws.sign_req",
                &[
                    r#"{"method": "get", "url": "http://a\u0001b"}"#,
                    CONFIG,
                    TIME,
                ],
                Err("invalid control character in URL"),
            ),
        ]);
    }
}
