//! `crypto.x509.*` and `crypto.parse_private_keys` (feature `opa-extras`):
//! certificates, chains, certificate requests and private keys, read from
//! PEM, base64 PEM or base64 DER as OPA reads them, and returned in the
//! JSON shapes of Go's `crypto/x509` types (see [`cert`]).

mod cert;
mod verify;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
use x509_cert::Certificate;
use x509_cert::der::{Decode as _, Reader as _, SliceReader};

use crate::builtins::operands::{self, failed};
use crate::builtins::results::{array, object_value};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

use cert::{Parsed, b64, big_number, certificate_value, ec_point, request_value};

const CATEGORY: &str = "crypto";

/// The certificate and key builtins of the `crypto` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "crypto.x509.parse_certificates",
        1,
        parse_certificates,
        "Parses PEM, base64 PEM or base64 DER certificates into objects shaped like Go's `x509.Certificate`.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.x509.parse_and_verify_certificates",
        1,
        parse_and_verify_certificates,
        "Verifies a chain (root first, leaf last) and returns `[valid, certificates leaf first]`.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.x509.parse_and_verify_certificates_with_options",
        2,
        parse_and_verify_certificates_with_options,
        "Verifies a chain with options (`DNSName`, `CurrentTime`, `KeyUsages`) and returns `[valid, certificates]`.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.x509.parse_certificate_request",
        1,
        parse_certificate_request,
        "Parses a PEM, base64 PEM or base64 DER certificate signing request.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.x509.parse_keypair",
        2,
        parse_keypair,
        "Parses a certificate chain and its matching private key (PEM or base64) like Go's `tls.X509KeyPair`.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.x509.parse_rsa_private_key",
        1,
        parse_rsa_private_key,
        "Returns the first private key of PEM (or base64 PEM) data as a JWK.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.parse_private_keys",
        1,
        parse_private_keys,
        "Parses the RSA, EC and PKCS #8 private keys of PEM (or base64 PEM) data.",
    ),
];

/// Go's standard base64 decoding, with its error wording.
fn base64_decode(name: &str, text: &str) -> Result<Vec<u8>, BuiltinError> {
    STANDARD.decode(text).map_err(|err| {
        let at = match err {
            base64::DecodeError::InvalidByte(at, _)
            | base64::DecodeError::InvalidLastSymbol(at, _) => at,
            // Go reports where the incomplete last quantum starts.
            base64::DecodeError::InvalidLength(len) => len - len % 4,
            base64::DecodeError::InvalidPadding => text.len() - text.len() % 4,
        };
        failed(name, format!("illegal base64 data at input byte {at}"))
    })
}

/// One PEM block.
struct PemBlock {
    label: String,
    der: Vec<u8>,
}

/// The PEM blocks of `data` that decode, in order (what repeated calls of
/// Go's `pem.Decode` find).
fn pem_blocks(data: &[u8]) -> Vec<PemBlock> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let mut blocks = Vec::new();
    let mut rest = data;
    while let Some(at) = find(rest, BEGIN) {
        let after = rest.get(at + BEGIN.len()..).unwrap_or(&[]);
        rest = after;
        let Some(label_end) = find(after, b"-----") else {
            break;
        };
        let label = after.get(..label_end).unwrap_or(&[]);
        if label.contains(&b'\n') {
            continue;
        }
        let Ok(label) = std::str::from_utf8(label) else {
            continue;
        };
        let body = after.get(label_end + 5..).unwrap_or(&[]);
        let end_marker = format!("-----END {label}-----");
        let Some(end) = find(body, end_marker.as_bytes()) else {
            continue;
        };
        let text: Vec<u8> = body
            .get(..end)
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        // PEM headers (`Proc-Type: ...`) are not supported: such a block
        // does not decode.
        if let Ok(der) = STANDARD.decode(&text) {
            blocks.push(PemBlock {
                label: label.to_owned(),
                der,
            });
            rest = body.get(end + end_marker.len()..).unwrap_or(&[]);
        }
    }
    blocks
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

const MALFORMED: &str = "x509: malformed certificate";

/// Go's `x509.ParseCertificates`: concatenated DER certificates.
fn parse_der_certificates(der: &[u8]) -> Result<Vec<Parsed>, String> {
    let mut reader = SliceReader::new(der).map_err(|_| MALFORMED.to_owned())?;
    let mut certs = Vec::new();
    while !reader.is_finished() {
        let start = usize::try_from(reader.position()).map_err(|_| MALFORMED.to_owned())?;
        let cert: Certificate = reader.decode().map_err(|_| MALFORMED.to_owned())?;
        let end = usize::try_from(reader.position()).map_err(|_| MALFORMED.to_owned())?;
        let raw = der.get(start..end).unwrap_or(&[]).to_vec();
        certs.push(Parsed::new(cert, raw));
    }
    Ok(certs)
}

fn certificates_from_pem(data: &[u8]) -> Result<Vec<Parsed>, String> {
    let mut der = Vec::new();
    for block in pem_blocks(data) {
        if block.label != "CERTIFICATE" {
            return Err(format!(
                "PEM block type is '{}', expected CERTIFICATE",
                block.label
            ));
        }
        der.extend(block.der);
    }
    parse_der_certificates(&der)
}

/// OPA's `getX509CertsFromString`: PEM, else base64 of PEM or DER.
fn certificates(name: &str, text: &str) -> Result<Vec<Parsed>, BuiltinError> {
    let result = if text.starts_with("-----BEGIN") {
        certificates_from_pem(text.as_bytes())
    } else {
        let bytes = base64_decode(name, text)?;
        if bytes.starts_with(b"-----BEGIN") {
            certificates_from_pem(&bytes)
        } else {
            parse_der_certificates(&bytes)
        }
    };
    result.map_err(|message| failed(name, message))
}

fn parse_certificates(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "crypto.x509.parse_certificates";
    let text = operands::string(name, args, 1)?;
    let certs = certificates(name, text)?;
    Ok(array(
        certs.iter().map(|c| certificate_value(c, true)).collect(),
    ))
}

fn verified(
    name: &str,
    text: &str,
    options: &verify::Options,
    uri_strings: bool,
) -> Result<Value, BuiltinError> {
    let invalid = || array(vec![Value::Bool(false), array(Vec::new())]);
    let Ok(certs) = certificates(name, text) else {
        return Ok(invalid());
    };
    Ok(match verify::verify(&certs, options) {
        Some(chain) => array(vec![
            Value::Bool(true),
            array(
                chain
                    .iter()
                    .map(|c| certificate_value(c, uri_strings))
                    .collect(),
            ),
        ]),
        None => invalid(),
    })
}

fn now_seconds(ctx: &BuiltinContext) -> i64 {
    ctx.now_ns.div_euclid(1_000_000_000)
}

fn parse_and_verify_certificates(
    ctx: &BuiltinContext,
    args: &[Value],
) -> Result<Value, BuiltinError> {
    let name = "crypto.x509.parse_and_verify_certificates";
    let text = operands::string(name, args, 1)?;
    let options = verify::Options {
        now: now_seconds(ctx),
        dns_name: None,
        key_usages: Vec::new(),
    };
    verified(name, text, &options, true)
}

/// Go's `x509.ExtKeyUsage` values by OPA's option names.
const KEY_USAGE_NAMES: [(&str, i64); 14] = [
    ("KeyUsageAny", 0),
    ("KeyUsageServerAuth", 1),
    ("KeyUsageClientAuth", 2),
    ("KeyUsageCodeSigning", 3),
    ("KeyUsageEmailProtection", 4),
    ("KeyUsageIPSECEndSystem", 5),
    ("KeyUsageIPSECTunnel", 6),
    ("KeyUsageIPSECUser", 7),
    ("KeyUsageTimeStamping", 8),
    ("KeyUsageOCSPSigning", 9),
    ("KeyUsageMicrosoftServerGatedCrypto", 10),
    ("KeyUsageNetscapeServerGatedCrypto", 11),
    ("KeyUsageMicrosoftCommercialCodeSigning", 12),
    ("KeyUsageMicrosoftKernelCodeSigning", 13),
];

fn verify_options(
    name: &str,
    ctx: &BuiltinContext,
    options: &std::collections::BTreeMap<Value, Value>,
) -> Result<verify::Options, BuiltinError> {
    let mut out = verify::Options {
        now: now_seconds(ctx),
        dns_name: None,
        key_usages: Vec::new(),
    };
    for (key, value) in options {
        let Some(key) = key.as_str() else { continue };
        match key {
            "DNSName" => match value.as_str() {
                Some(dns) => out.dns_name = Some(dns.trim_matches('"').to_owned()),
                None => return Err(failed(name, "'DNSName' should be a string")),
            },
            "CurrentTime" => match value.as_number() {
                Some(n) => match n.as_i64() {
                    Some(ns) => out.now = ns.div_euclid(1_000_000_000),
                    None => {
                        return Err(failed(name, "'CurrentTime' should be a valid int64 number"));
                    }
                },
                None => return Err(failed(name, "'CurrentTime' should be a number")),
            },
            "MaxConstraintComparisons" => {
                if value.as_number().and_then(|n| n.as_i64()).is_none() {
                    return Err(failed(
                        name,
                        "'MaxConstraintComparisons' should be a valid number",
                    ));
                }
            }
            "KeyUsages" => {
                let items: Vec<&Value> = match value {
                    Value::Array(items) => items.iter().collect(),
                    Value::Set(items) => items.iter().collect(),
                    _ => return Err(failed(name, "'KeyUsages' should be an Array or Set")),
                };
                let mut invalid = Vec::new();
                for item in items {
                    let Some(usage) = item.as_str() else { continue };
                    let usage = usage.trim_matches('"');
                    match KEY_USAGE_NAMES.iter().find(|(n, _)| *n == usage) {
                        Some((_, code)) => out.key_usages.push(*code),
                        None => invalid.push(usage.to_owned()),
                    }
                }
                if !invalid.is_empty() {
                    return Err(failed(
                        name,
                        format!(
                            "invalid entries for 'KeyUsages' found: [{}]",
                            invalid.join(" ")
                        ),
                    ));
                }
            }
            _ => return Err(failed(name, "invalid key option")),
        }
    }
    Ok(out)
}

fn parse_and_verify_certificates_with_options(
    ctx: &BuiltinContext,
    args: &[Value],
) -> Result<Value, BuiltinError> {
    let name = "crypto.x509.parse_and_verify_certificates_with_options";
    let text = operands::string(name, args, 1)?;
    let options = match operands::arg(name, args, 2)? {
        Value::Object(map) => map,
        other => return Err(operands::type_error(name, 2, other, &["object"])),
    };
    // OPA reports an unparsable chain as invalid before it reads the
    // options.
    if certificates(name, text).is_err() {
        return Ok(array(vec![Value::Bool(false), array(Vec::new())]));
    }
    let options = verify_options(name, ctx, options)?;
    verified(name, text, &options, false)
}

fn parse_certificate_request(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "crypto.x509.parse_certificate_request";
    let text = operands::string(name, args, 1)?;
    let mut bytes = if text.starts_with("-----BEGIN CERTIFICATE REQUEST-----") {
        text.as_bytes().to_vec()
    } else {
        base64_decode(name, text)?
    };
    if let Some(block) = pem_blocks(&bytes).into_iter().next() {
        if block.label != "CERTIFICATE REQUEST" {
            return Err(failed(
                name,
                "invalid PEM-encoded certificate signing request",
            ));
        }
        bytes = block.der;
    }
    let request = x509_cert::request::CertReq::from_der(&bytes)
        .map_err(|err| failed(name, format!("asn1: structure error: {err}")))?;
    Ok(request_value(&request, &bytes))
}

/// A private key of one of the types Go parses.
enum PrivateKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    P521(p521::SecretKey),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

const BAD_KEY: &str = "x509: failed to parse private key";

fn pkcs8_key(der: &[u8]) -> Option<PrivateKey> {
    if let Ok(key) = rsa::RsaPrivateKey::from_pkcs8_der(der) {
        return Some(PrivateKey::Rsa(Box::new(key)));
    }
    if let Ok(key) = p256::SecretKey::from_pkcs8_der(der) {
        return Some(PrivateKey::P256(key));
    }
    if let Ok(key) = p384::SecretKey::from_pkcs8_der(der) {
        return Some(PrivateKey::P384(key));
    }
    if let Ok(key) = p521::SecretKey::from_pkcs8_der(der) {
        return Some(PrivateKey::P521(key));
    }
    ed25519_dalek::SigningKey::from_pkcs8_der(der)
        .ok()
        .map(|key| PrivateKey::Ed25519(Box::new(key)))
}

fn sec1_key(der: &[u8]) -> Option<PrivateKey> {
    if let Ok(key) = p256::SecretKey::from_sec1_der(der) {
        return Some(PrivateKey::P256(key));
    }
    if let Ok(key) = p384::SecretKey::from_sec1_der(der) {
        return Some(PrivateKey::P384(key));
    }
    p521::SecretKey::from_sec1_der(der)
        .ok()
        .map(PrivateKey::P521)
}

/// OPA's `getPrivateKeysFromPEMData`: the keys of every `RSA PRIVATE KEY`,
/// `PRIVATE KEY` and `EC PRIVATE KEY` block (others are skipped).
fn private_keys(text: &str) -> Result<Vec<PrivateKey>, String> {
    let data = STANDARD
        .decode(text)
        .unwrap_or_else(|_| text.as_bytes().to_vec());
    let mut keys = Vec::new();
    for block in pem_blocks(&data) {
        let key = match block.label.as_str() {
            "RSA PRIVATE KEY" => rsa::RsaPrivateKey::from_pkcs1_der(&block.der)
                .ok()
                .map(|key| PrivateKey::Rsa(Box::new(key))),
            "PRIVATE KEY" => pkcs8_key(&block.der),
            "EC PRIVATE KEY" => sec1_key(&block.der),
            _ => continue,
        };
        keys.push(key.ok_or_else(|| BAD_KEY.to_owned())?);
    }
    Ok(keys)
}

fn big(value: &rsa::BigUint) -> Value {
    big_number(&value.to_bytes_be())
}

fn obj(entries: Vec<(&str, Value)>) -> Value {
    object_value(entries.into_iter().map(|(k, v)| (Value::string(k), v)))
}

/// Go's JSON of an EC private key: the public point and `D`.
fn ec_private_value(point: &[u8], d: &[u8]) -> Value {
    let mut value = ec_point(point);
    if let Value::Object(map) = &mut value {
        std::sync::Arc::make_mut(map).insert(Value::string("D"), big_number(d));
    }
    value
}

/// Go's JSON of a parsed private key (`rsa.PrivateKey`,
/// `ecdsa.PrivateKey`, `ed25519.PrivateKey`).
fn private_key_value(key: &PrivateKey) -> Value {
    match key {
        PrivateKey::Rsa(key) => {
            let qinv = key
                .qinv()
                .and_then(|q| q.to_biguint())
                .map_or(Value::Null, |q| big(&q));
            obj(vec![
                ("N", big(key.n())),
                ("E", big(key.e())),
                ("D", big(key.d())),
                ("Primes", array(key.primes().iter().map(big).collect())),
                (
                    "Precomputed",
                    obj(vec![
                        ("Dp", key.dp().map_or(Value::Null, big)),
                        ("Dq", key.dq().map_or(Value::Null, big)),
                        ("Qinv", qinv),
                        ("CRTValues", array(Vec::new())),
                    ]),
                ),
            ])
        }
        PrivateKey::P256(key) => ec_private_value(
            key.public_key().to_encoded_point(false).as_bytes(),
            &key.to_bytes(),
        ),
        PrivateKey::P384(key) => ec_private_value(
            key.public_key().to_encoded_point(false).as_bytes(),
            &key.to_bytes(),
        ),
        PrivateKey::P521(key) => ec_private_value(
            key.public_key().to_encoded_point(false).as_bytes(),
            &key.to_bytes(),
        ),
        PrivateKey::Ed25519(key) => b64(&key.to_keypair_bytes()),
    }
}

fn parse_private_keys(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "crypto.parse_private_keys";
    let text = operands::string(name, args, 1)?;
    if text.is_empty() {
        return Ok(Value::Null);
    }
    let keys = private_keys(text).map_err(|message| failed(name, message))?;
    Ok(array(keys.iter().map(private_key_value).collect()))
}

fn b64url(bytes: &[u8]) -> Value {
    Value::string(&URL_SAFE_NO_PAD.encode(bytes))
}

fn ec_jwk(crv: &str, point: &[u8], d: &[u8]) -> Result<Value, String> {
    let coords = match point.split_first() {
        Some((0x04, coords)) if coords.len() % 2 == 0 => coords,
        _ => return Err("invalid EC public key".to_owned()),
    };
    let (x, y) = coords.split_at(coords.len() / 2);
    Ok(obj(vec![
        ("kty", Value::string("EC")),
        ("crv", Value::string(crv)),
        ("x", b64url(x)),
        ("y", b64url(y)),
        ("d", b64url(d)),
    ]))
}

/// The JWK of a private key (RSA or EC, as OPA's JWK package supports).
fn private_jwk(key: &PrivateKey) -> Result<Value, String> {
    match key {
        PrivateKey::Rsa(key) => {
            let bytes = |n: &rsa::BigUint| b64url(&n.to_bytes_be());
            let primes = key.primes();
            let qinv = key
                .qinv()
                .and_then(|q| q.to_biguint())
                .map_or(Value::Null, |q| bytes(&q));
            Ok(obj(vec![
                ("kty", Value::string("RSA")),
                ("n", bytes(key.n())),
                ("e", bytes(key.e())),
                ("d", bytes(key.d())),
                ("p", primes.first().map_or(Value::Null, bytes)),
                ("q", primes.get(1).map_or(Value::Null, bytes)),
                ("dp", key.dp().map_or(Value::Null, bytes)),
                ("dq", key.dq().map_or(Value::Null, bytes)),
                ("qi", qinv),
            ]))
        }
        PrivateKey::P256(key) => ec_jwk(
            "P-256",
            key.public_key().to_encoded_point(false).as_bytes(),
            &key.to_bytes(),
        ),
        PrivateKey::P384(key) => ec_jwk(
            "P-384",
            key.public_key().to_encoded_point(false).as_bytes(),
            &key.to_bytes(),
        ),
        PrivateKey::P521(key) => ec_jwk(
            "P-521",
            key.public_key().to_encoded_point(false).as_bytes(),
            &key.to_bytes(),
        ),
        PrivateKey::Ed25519(_) => Err("unsupported key type ed25519.PrivateKey".to_owned()),
    }
}

fn parse_rsa_private_key(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "crypto.x509.parse_rsa_private_key";
    let text = operands::string(name, args, 1)?;
    if text.is_empty() {
        return Err(failed(name, "input PEM data was empty"));
    }
    let decoded;
    let text = if text.starts_with("-----BEGIN") {
        text
    } else {
        decoded = String::from_utf8_lossy(&base64_decode(name, text)?).into_owned();
        decoded.as_str()
    };
    let keys = private_keys(text).map_err(|message| failed(name, message))?;
    match keys.first() {
        None => Ok(Value::Null),
        Some(key) => private_jwk(key).map_err(|message| failed(name, message)),
    }
}

/// Go's `tls.X509KeyPair` errors and key matching.
fn keypair(cert_pem: &[u8], key_pem: &[u8]) -> Result<Value, String> {
    let blocks = pem_blocks(cert_pem);
    if blocks.is_empty() {
        return Err("tls: failed to find any PEM data in certificate input".to_owned());
    }
    let mut skipped = Vec::new();
    let mut chain = Vec::new();
    for block in blocks {
        if block.label == "CERTIFICATE" {
            chain.push(block.der);
        } else {
            skipped.push(block.label);
        }
    }
    if chain.is_empty() {
        return Err(format!(
            "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]",
            skipped.join(" ")
        ));
    }

    let key_blocks = pem_blocks(key_pem);
    if key_blocks.is_empty() {
        return Err("tls: failed to find any PEM data in key input".to_owned());
    }
    let mut skipped = Vec::new();
    let mut key_der = None;
    for block in key_blocks {
        if block.label == "PRIVATE KEY" || block.label.ends_with(" PRIVATE KEY") {
            key_der = Some(block.der);
            break;
        }
        skipped.push(block.label);
    }
    let Some(key_der) = key_der else {
        if skipped.iter().any(|label| label == "CERTIFICATE") {
            return Err(
                "tls: found a certificate rather than a key in the PEM for the private key"
                    .to_owned(),
            );
        }
        return Err(format!(
            "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]",
            skipped.join(" ")
        ));
    };

    let leaf_der = chain.first().map_or(&[][..], Vec::as_slice);
    let leaf = Certificate::from_der(leaf_der).map_err(|_| MALFORMED.to_owned())?;
    let leaf = Parsed::new(leaf, leaf_der.to_vec());

    let key = rsa::RsaPrivateKey::from_pkcs1_der(&key_der)
        .ok()
        .map(|key| PrivateKey::Rsa(Box::new(key)))
        .or_else(|| pkcs8_key(&key_der))
        .or_else(|| sec1_key(&key_der))
        .ok_or_else(|| "tls: failed to parse private key".to_owned())?;

    check_key_matches(&leaf, &key)?;

    Ok(obj(vec![
        (
            "Certificate",
            array(chain.iter().map(|der| b64(der)).collect()),
        ),
        ("PrivateKey", private_key_value(&key)),
        ("SupportedSignatureAlgorithms", Value::Null),
        ("OCSPStaple", Value::Null),
        ("SignedCertificateTimestamps", Value::Null),
        ("Leaf", certificate_value(&leaf, false)),
    ]))
}

fn check_key_matches(leaf: &Parsed, key: &PrivateKey) -> Result<(), String> {
    use spki::DecodePublicKey as _;
    use x509_cert::der::Encode as _;
    let spki = &leaf.cert.tbs_certificate.subject_public_key_info;
    let spki_der = spki.to_der().map_err(|_| MALFORMED.to_owned())?;
    let point = spki.subject_public_key.raw_bytes();
    let mismatch = || "tls: private key does not match public key".to_owned();
    let wrong_type = || "tls: private key type does not match public key type".to_owned();
    match spki.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => {
            let PrivateKey::Rsa(key) = key else {
                return Err(wrong_type());
            };
            let public = rsa::RsaPublicKey::from_public_key_der(&spki_der)
                .map_err(|_| MALFORMED.to_owned())?;
            if public.n() != key.n() || public.e() != key.e() {
                return Err(mismatch());
            }
        }
        "1.2.840.10045.2.1" => {
            let ours = match key {
                PrivateKey::P256(k) => k.public_key().to_encoded_point(false).as_bytes().to_vec(),
                PrivateKey::P384(k) => k.public_key().to_encoded_point(false).as_bytes().to_vec(),
                PrivateKey::P521(k) => k.public_key().to_encoded_point(false).as_bytes().to_vec(),
                _ => return Err(wrong_type()),
            };
            if ours != point {
                return Err(mismatch());
            }
        }
        "1.3.101.112" => {
            let PrivateKey::Ed25519(key) = key else {
                return Err(wrong_type());
            };
            if key.verifying_key().as_bytes() != point {
                return Err(mismatch());
            }
        }
        _ => return Err("tls: unknown public key algorithm".to_owned()),
    }
    Ok(())
}

fn parse_keypair(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "crypto.x509.parse_keypair";
    let cert = operands::string(name, args, 1)?;
    let key = operands::string(name, args, 2)?;
    let to_pem = |text: &str, label: &str| -> Result<Vec<u8>, BuiltinError> {
        let bytes = if text.starts_with("-----BEGIN ") {
            text.as_bytes().to_vec()
        } else {
            base64_decode(name, text)?
        };
        if bytes.starts_with(b"-----BEGIN") {
            return Ok(bytes);
        }
        // DER: wrapped as a PEM block, as OPA does.
        Ok(format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            STANDARD.encode(&bytes)
        )
        .into_bytes())
    };
    let cert_pem = to_pem(cert, "CERTIFICATE")?;
    let key_pem = to_pem(key, "PRIVATE KEY")?;
    keypair(&cert_pem, &key_pem).map_err(|message| failed(name, message))
}

#[cfg(test)]
mod tests;
