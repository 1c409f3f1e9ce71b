//! Certificates and keys: the OPA conformance vectors plus chains made with
//! OpenSSL for this suite (`testdata/`; test keys only).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::builtins::testing::context;
use crate::builtins::{BuiltinError, BuiltinErrorKind, lookup};
use crate::value::Value;

/// OPA's `parse_and_verify_certificates` vectors (root, intermediate, leaf).
const CHAIN: &str = include_str!("testdata/chain.pem");
/// Root then leaf, valid from 2023-11-29 (after the test clock).
const URI_CHAIN: &str = include_str!("testdata/uri_chain.pem");
/// RSA root (path length 0) and a SHA-256 leaf with every SAN kind, AIA,
/// CRL distribution point and a policy; valid from December 2026.
const RSA_CHAIN: &str = include_str!("testdata/rsa_chain.pem");
const RSA_LEAF_KEY: &str = include_str!("testdata/rsa_leaf_key.pem");
/// P-384 root and a SHA-384 code-signing leaf; valid from December 2026.
const P384_CHAIN: &str = include_str!("testdata/p384_chain.pem");
/// Ed25519 root and leaf; valid from December 2026.
const ED25519_CHAIN: &str = include_str!("testdata/ed25519_chain.pem");
/// Ed25519 root and a leaf with an unknown critical extension (1.2.3.4).
const CRITICAL_CHAIN: &str = include_str!("testdata/critical_chain.pem");
const ED25519_LEAF: &str = include_str!("testdata/ed25519_leaf.pem");
const ED25519_LEAF_KEY: &str = include_str!("testdata/ed25519_leaf_key.pem");
const ED25519_CSR: &str = include_str!("testdata/ed25519.csr");
const CSR: &str = include_str!("testdata/csr.pem");
const RSA_KEY: &str = include_str!("testdata/rsa_key.pem");
const RSA_KEY_JWK: &str = include_str!("testdata/rsa_key.jwk.json");
const EC_KEY: &str = include_str!("testdata/ec_key.pem");
const EC_KEY_SEC1: &str = include_str!("testdata/ec_key_sec1.pem");
const KEYPAIR_CERT: &str = include_str!("testdata/keypair_cert.pem");
const KEYPAIR_KEY: &str = include_str!("testdata/keypair_key.pem");

/// 2027-06-01, when the chains made for this suite are valid.
const LATER_NS: i64 = 1_811_894_400_000_000_000;

fn s(text: &str) -> Value {
    Value::string(text)
}

fn b64(text: &str) -> Value {
    Value::string(&STANDARD.encode(text))
}

fn call(name: &str, args: &[Value]) -> Result<Value, BuiltinError> {
    let builtin = lookup(name).unwrap_or_else(|| panic!("no builtin {name}"));
    assert_eq!(builtin.arity, args.len(), "arity of {name}");
    (builtin.func)(&context(), args)
}

fn ok(name: &str, args: &[Value]) -> Value {
    call(name, args).unwrap_or_else(|err| panic!("{name} failed: {err:?}"))
}

fn err(name: &str, args: &[Value], kind: BuiltinErrorKind, text: &str) {
    match call(name, args) {
        Err(error) => {
            assert_eq!(error.kind, kind, "{name}: {}", error.message);
            assert!(
                error.message.contains(text),
                "{name}: {:?} lacks {text:?}",
                error.message
            );
        }
        Ok(value) => panic!("{name}: want error {text:?}, got {value}"),
    }
}

/// The JSON at a path of keys and indexes (`"0"`, `"1"`...).
fn at(value: &Value, path: &[&str]) -> serde_json::Value {
    let mut json = value.to_json();
    for key in path {
        json = match key.parse::<usize>() {
            Ok(index) => json.get(index).cloned(),
            Err(_) => json.get(key).cloned(),
        }
        .unwrap_or_else(|| panic!("no {key} in path {path:?} of {value}"));
    }
    json
}

fn common_names(certs: &Value) -> Vec<String> {
    certs
        .to_json()
        .as_array()
        .into_iter()
        .flatten()
        .map(|cert| {
            cert["Subject"]["CommonName"]
                .as_str()
                .unwrap_or("?")
                .to_owned()
        })
        .collect()
}

/// The DER of the first PEM block.
fn first_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .skip_while(|line| !line.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|line| !line.starts_with("-----END"))
        .collect();
    STANDARD.decode(body).unwrap_or_default()
}

#[test]
fn parses_certificates_in_every_encoding() {
    let name = "crypto.x509.parse_certificates";
    let want = [
        "notarealsite.opa.localhost",
        "OPA Test Intermediate CA",
        "OPA Test Root CA",
    ];
    let want_root_first: Vec<&str> = want.iter().rev().copied().collect();
    assert_eq!(common_names(&ok(name, &[s(CHAIN)])), want_root_first);
    assert_eq!(common_names(&ok(name, &[b64(CHAIN)])), want_root_first);
    let der = first_der(CHAIN);
    let certs = ok(name, &[Value::string(&STANDARD.encode(&der))]);
    assert_eq!(common_names(&certs), ["OPA Test Root CA"]);
    assert_eq!(at(&certs, &["0", "Raw"]), STANDARD.encode(&der));
    // Concatenated DER.
    let mut two = der.clone();
    two.extend(first_der(URI_CHAIN));
    let certs = ok(name, &[Value::string(&STANDARD.encode(&two))]);
    assert_eq!(common_names(&certs), ["OPA Test Root CA", ""]);
}

#[test]
fn certificate_fields_follow_go() {
    let certs = ok("crypto.x509.parse_certificates", &[s(CHAIN)]);
    let root = &["0"];
    let leaf = &["2"];
    let get = |base: &[&str], field: &[&str]| {
        let path: Vec<&str> = base.iter().chain(field).copied().collect();
        at(&certs, &path)
    };
    assert_eq!(get(root, &["IsCA"]), true);
    assert_eq!(get(root, &["BasicConstraintsValid"]), true);
    assert_eq!(get(root, &["MaxPathLen"]), 1);
    assert_eq!(get(root, &["KeyUsage"]), 32 | 64);
    assert_eq!(get(root, &["Version"]), 3);
    assert_eq!(get(root, &["SignatureAlgorithm"]), 10);
    assert_eq!(get(root, &["PublicKeyAlgorithm"]), 3);
    assert_eq!(
        get(root, &["Subject", "Organization"]),
        serde_json::json!(["OPA Test"])
    );
    assert_eq!(get(root, &["Subject", "Country"]), serde_json::Value::Null);
    assert_eq!(
        get(root, &["Subject", "Names", "0", "Type"]),
        serde_json::json!([2, 5, 4, 10])
    );
    assert_eq!(get(root, &["NotBefore"]), "2021-07-01T17:41:53Z");
    assert_eq!(get(root, &["NotAfter"]), "2031-06-29T17:41:53Z");
    assert_eq!(get(root, &["PublicKey", "Curve"]), serde_json::json!({}));
    assert_eq!(get(root, &["URIStrings"]), serde_json::Value::Null);
    assert_eq!(get(leaf, &["IsCA"]), false);
    assert_eq!(get(leaf, &["BasicConstraintsValid"]), false);
    assert_eq!(get(leaf, &["MaxPathLen"]), 0);
    assert_eq!(get(leaf, &["ExtKeyUsage"]), serde_json::json!([1, 2]));
    assert_eq!(get(leaf, &["KeyUsage"]), 1);
    assert_eq!(
        get(leaf, &["DNSNames"]),
        serde_json::json!(["notarealsite.opa.localhost"])
    );
    assert_eq!(
        get(leaf, &["Issuer", "CommonName"]),
        "OPA Test Intermediate CA"
    );
    assert_eq!(
        get(leaf, &["SerialNumber"]),
        serde_json::json!(1.714_314_884_528_336e38)
    );
    assert_eq!(
        get(leaf, &["Extensions", "0", "Id"]),
        serde_json::json!([2, 5, 29, 15])
    );
    assert_eq!(get(leaf, &["Extensions", "0", "Critical"]), true);
}

#[test]
fn names_keys_and_extensions_of_an_rsa_leaf() {
    let certs = ok("crypto.x509.parse_certificates", &[s(RSA_CHAIN)]);
    let root = at(&certs, &["0"]);
    assert_eq!(root["MaxPathLen"], 0);
    assert_eq!(root["MaxPathLenZero"], true);
    assert_eq!(
        root["Subject"]["OrganizationalUnit"],
        serde_json::json!(["conformance"])
    );
    assert_eq!(root["PublicKeyAlgorithm"], 1);
    assert_eq!(root["PublicKey"]["E"], 65537);
    assert!(root["PublicKey"]["N"].is_number());
    let leaf = at(&certs, &["1"]);
    assert_eq!(leaf["SignatureAlgorithm"], 4);
    assert_eq!(
        leaf["DNSNames"],
        serde_json::json!(["leaf.example.com", "*.apps.example.com"])
    );
    assert_eq!(leaf["IPAddresses"], serde_json::json!(["10.0.0.1"]));
    assert_eq!(
        leaf["EmailAddresses"],
        serde_json::json!(["ops@example.com"])
    );
    assert_eq!(
        leaf["URIStrings"],
        serde_json::json!(["https://example.com/a?b=c"])
    );
    assert_eq!(leaf["URIs"][0]["Scheme"], "https");
    assert_eq!(leaf["URIs"][0]["Host"], "example.com");
    assert_eq!(leaf["URIs"][0]["Path"], "/a");
    assert_eq!(leaf["URIs"][0]["RawQuery"], "b=c");
    assert_eq!(
        leaf["OCSPServer"],
        serde_json::json!(["http://ocsp.example.com"])
    );
    assert_eq!(
        leaf["IssuingCertificateURL"],
        serde_json::json!(["http://ca.example.com/ca.crt"])
    );
    assert_eq!(
        leaf["CRLDistributionPoints"],
        serde_json::json!(["http://crl.example.com/ca.crl"])
    );
    assert_eq!(
        leaf["PolicyIdentifiers"],
        serde_json::json!([[2, 23, 140, 1, 2, 1]])
    );
    assert_eq!(leaf["Policies"], serde_json::json!(["2.23.140.1.2.1"]));
    assert!(leaf["SubjectKeyId"].is_string());
    assert_eq!(leaf["AuthorityKeyId"], root["SubjectKeyId"]);

    let ed = ok("crypto.x509.parse_certificates", &[s(ED25519_LEAF)]);
    assert_eq!(at(&ed, &["0", "PublicKeyAlgorithm"]), 4);
    assert_eq!(at(&ed, &["0", "SignatureAlgorithm"]), 16);
    assert!(at(&ed, &["0", "PublicKey"]).is_string());
    let p384 = ok("crypto.x509.parse_certificates", &[s(P384_CHAIN)]);
    assert_eq!(at(&p384, &["1", "SignatureAlgorithm"]), 11);
    assert_eq!(at(&p384, &["1", "ExtKeyUsage"]), serde_json::json!([3]));
}

#[test]
fn certificate_errors() {
    let name = "crypto.x509.parse_certificates";
    let failed = BuiltinErrorKind::Failed;
    err(
        name,
        &[s("foobar")],
        failed,
        "illegal base64 data at input byte 4",
    );
    err(
        name,
        &[s("YmFkc3RyaW5n")],
        failed,
        "x509: malformed certificate",
    );
    err(
        name,
        &[s(RSA_KEY)],
        failed,
        "PEM block type is 'RSA PRIVATE KEY', expected CERTIFICATE",
    );
    let der = first_der(CHAIN);
    let truncated = der.get(..der.len() / 2).unwrap_or_default();
    err(
        name,
        &[Value::string(&STANDARD.encode(truncated))],
        failed,
        "x509: malformed certificate",
    );
    let mut trailing = der.clone();
    trailing.push(0);
    err(
        name,
        &[Value::string(&STANDARD.encode(&trailing))],
        failed,
        "x509: malformed certificate",
    );
    err(
        name,
        &[Value::int(1)],
        BuiltinErrorKind::Type,
        "operand 1 must be string but got number",
    );
    // A PEM prefix without decodable blocks has no certificates.
    assert_eq!(
        ok(name, &[s("-----BEGIN nothing")]).to_json(),
        serde_json::json!([])
    );
}

#[test]
fn verifies_chains_root_first() {
    let name = "crypto.x509.parse_and_verify_certificates";
    let result = ok(name, &[s(CHAIN)]);
    assert_eq!(at(&result, &["0"]), true);
    assert_eq!(
        common_names(&Value::from_json(&at(&result, &["1"]))),
        [
            "notarealsite.opa.localhost",
            "OPA Test Intermediate CA",
            "OPA Test Root CA"
        ]
    );
    assert_eq!(
        at(&result, &["1", "0", "URIStrings"]),
        serde_json::Value::Null
    );
    let invalid = serde_json::json!([false, []]);
    // Not yet valid at the evaluation clock (2023-11-14).
    assert_eq!(ok(name, &[s(URI_CHAIN)]).to_json(), invalid);
    // One certificate, the wrong order, garbage.
    let root_only = CHAIN
        .split_inclusive("-----END CERTIFICATE-----\n")
        .next()
        .unwrap_or("");
    assert_eq!(ok(name, &[s(root_only)]).to_json(), invalid);
    let mut blocks: Vec<&str> = CHAIN
        .split_inclusive("-----END CERTIFICATE-----\n")
        .collect();
    blocks.reverse();
    let reversed: String = blocks.concat();
    assert_eq!(ok(name, &[s(&reversed)]).to_json(), invalid);
    assert_eq!(ok(name, &[s("foobar")]).to_json(), invalid);
    assert_eq!(ok(name, &[s(RSA_KEY)]).to_json(), invalid);
    // Without the intermediate, the leaf has no issuer.
    let parts: Vec<&str> = CHAIN
        .split_inclusive("-----END CERTIFICATE-----\n")
        .collect();
    let skip: String = [parts.first(), parts.get(2)]
        .into_iter()
        .flatten()
        .copied()
        .collect();
    assert_eq!(ok(name, &[s(&skip)]).to_json(), invalid);
    // A changed signature byte breaks the chain.
    let mut der = first_der(parts.get(2).copied().unwrap_or(""));
    if let Some(last) = der.last_mut() {
        *last ^= 1;
    }
    let tampered = format!(
        "{}{}-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        parts.first().copied().unwrap_or(""),
        parts.get(1).copied().unwrap_or(""),
        STANDARD.encode(&der)
    );
    assert_eq!(ok(name, &[s(&tampered)]).to_json(), invalid);
    err(
        name,
        &[Value::Null],
        BuiltinErrorKind::Type,
        "operand 1 must be string but got null",
    );
}

fn options(json: &str) -> Value {
    crate::builtins::testing::parse_arg(json)
}

#[test]
fn verifies_with_options() {
    let name = "crypto.x509.parse_and_verify_certificates_with_options";
    let later = format!(r#"{{"CurrentTime": {LATER_NS}}}"#);
    let valid = |chain: &str, opts: &str| at(&ok(name, &[s(chain), options(opts)]), &["0"]);
    assert_eq!(valid(URI_CHAIN, &later), true);
    // No URIStrings with options, as OPA.
    let result = ok(name, &[s(URI_CHAIN), options(&later)]);
    assert!(at(&result, &["1", "0"]).get("URIStrings").is_none());
    assert_eq!(valid(RSA_CHAIN, &later), true);
    assert_eq!(valid(RSA_CHAIN, "{}"), false);
    assert_eq!(valid(ED25519_CHAIN, &later), true);
    // Go refuses critical extensions it does not understand.
    let critical = ok("crypto.x509.parse_certificates", &[s(CRITICAL_CHAIN)]);
    assert_eq!(
        at(&critical, &["1", "UnhandledCriticalExtensions"]),
        serde_json::json!([[1, 2, 3, 4]])
    );
    assert_eq!(
        at(&critical, &["0", "UnhandledCriticalExtensions"]),
        serde_json::Value::Null
    );
    assert_eq!(valid(CRITICAL_CHAIN, &later), false);
    // A code-signing leaf is not valid for the default server usage.
    assert_eq!(valid(P384_CHAIN, &later), false);
    let code = format!(r#"{{"CurrentTime": {LATER_NS}, "KeyUsages": ["KeyUsageCodeSigning"]}}"#);
    assert_eq!(valid(P384_CHAIN, &code), true);
    let any = format!(r#"{{"CurrentTime": {LATER_NS}, "KeyUsages": {{"$set": ["KeyUsageAny"]}}}}"#);
    assert_eq!(valid(P384_CHAIN, &any), true);
    assert_eq!(
        valid(CHAIN, r#"{"DNSName": "notarealsite.opa.localhost"}"#),
        true
    );
    assert_eq!(valid(CHAIN, r#"{"DNSName": "other.opa.localhost"}"#), false);
    let wildcard = format!(r#"{{"CurrentTime": {LATER_NS}, "DNSName": "x.apps.example.com"}}"#);
    assert_eq!(valid(RSA_CHAIN, &wildcard), true);
    let too_deep = format!(r#"{{"CurrentTime": {LATER_NS}, "DNSName": "a.b.apps.example.com"}}"#);
    assert_eq!(valid(RSA_CHAIN, &too_deep), false);
    let ip = format!(r#"{{"CurrentTime": {LATER_NS}, "DNSName": "10.0.0.1"}}"#);
    assert_eq!(valid(RSA_CHAIN, &ip), true);
    assert_eq!(valid(CHAIN, r#"{"MaxConstraintComparisons": 10}"#), true);
    // Past the leaf's notAfter.
    assert_eq!(
        valid(CHAIN, r#"{"CurrentTime": 2000000000000000000}"#),
        false
    );
    let failed = BuiltinErrorKind::Failed;
    err(
        name,
        &[s(CHAIN), options(r#"{"Bogus": 1}"#)],
        failed,
        "invalid key option",
    );
    err(
        name,
        &[s(CHAIN), options(r#"{"DNSName": 1}"#)],
        failed,
        "'DNSName' should be a string",
    );
    err(
        name,
        &[s(CHAIN), options(r#"{"CurrentTime": "now"}"#)],
        failed,
        "'CurrentTime' should be a number",
    );
    err(
        name,
        &[s(CHAIN), options(r#"{"CurrentTime": 1.5}"#)],
        failed,
        "'CurrentTime' should be a valid int64 number",
    );
    err(
        name,
        &[s(CHAIN), options(r#"{"KeyUsages": "x"}"#)],
        failed,
        "'KeyUsages' should be an Array or Set",
    );
    err(
        name,
        &[s(CHAIN), options(r#"{"KeyUsages": ["KeyUsageNope"]}"#)],
        failed,
        "invalid entries for 'KeyUsages' found: [KeyUsageNope]",
    );
    err(
        name,
        &[s(CHAIN), Value::int(1)],
        BuiltinErrorKind::Type,
        "operand 2 must be object but got number",
    );
    // Unparsable input is invalid before options are read.
    assert_eq!(
        ok(name, &[s("foobar"), options(r#"{"Bogus": 1}"#)]).to_json(),
        serde_json::json!([false, []])
    );
}

#[test]
fn parses_certificate_requests() {
    let name = "crypto.x509.parse_certificate_request";
    for input in [
        s(CSR),
        b64(CSR),
        Value::string(&STANDARD.encode(first_der(CSR))),
    ] {
        let csr = ok(name, &[input]);
        assert_eq!(at(&csr, &["Subject", "CommonName"]), "example.com");
        assert_eq!(at(&csr, &["PublicKeyAlgorithm"]), 1);
        assert_eq!(at(&csr, &["SignatureAlgorithm"]), 4);
        assert_eq!(at(&csr, &["Version"]), 0);
        assert_eq!(at(&csr, &["Raw"]), STANDARD.encode(first_der(CSR)));
    }
    let ed = ok(name, &[s(ED25519_CSR)]);
    assert_eq!(
        at(&ed, &["DNSNames"]),
        serde_json::json!(["ed.example.com"])
    );
    assert_eq!(
        at(&ed, &["Extensions", "0", "Id"]),
        serde_json::json!([2, 5, 29, 17])
    );
    let failed = BuiltinErrorKind::Failed;
    err(name, &[s("foobar")], failed, "illegal base64");
    err(name, &[s("YmFkc3RyaW5n")], failed, "asn1: structure error");
    err(
        name,
        &[b64(CHAIN)],
        failed,
        "invalid PEM-encoded certificate signing request",
    );
    err(
        name,
        &[Value::Bool(true)],
        BuiltinErrorKind::Type,
        "operand 1 must be string but got boolean",
    );
}

#[test]
fn private_keys_as_go_and_jwk() {
    let name = "crypto.parse_private_keys";
    let keys = ok(name, &[s(RSA_KEY)]);
    assert_eq!(at(&keys, &["0", "E"]), 65537);
    assert_eq!(
        at(&keys, &["0", "Primes"]).as_array().map(Vec::len),
        Some(2)
    );
    assert!(at(&keys, &["0", "Precomputed", "Dp"]).is_number());
    assert_eq!(
        ok(name, &[b64(RSA_KEY)]).to_json().as_array().map(Vec::len),
        Some(1)
    );
    let both = format!("{RSA_KEY}{EC_KEY}{KEYPAIR_CERT}{EC_KEY_SEC1}");
    let keys = ok(name, &[s(&both)]);
    assert_eq!(keys.to_json().as_array().map(Vec::len), Some(3));
    assert_eq!(at(&keys, &["1", "Curve"]), serde_json::json!({}));
    assert!(at(&keys, &["1", "D"]).is_number());
    assert_eq!(at(&keys, &["1"]), at(&keys, &["2"]));
    assert!(ok(name, &[s(ED25519_LEAF_KEY)]).to_json()[0].is_string());
    assert_eq!(ok(name, &[s("nope")]).to_json(), serde_json::json!([]));
    assert_eq!(ok(name, &[s("")]).to_json(), serde_json::Value::Null);
    let bad = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    err(
        name,
        &[s(bad)],
        BuiltinErrorKind::Failed,
        "x509: failed to parse private key",
    );

    let name = "crypto.x509.parse_rsa_private_key";
    let want: serde_json::Value = serde_json::from_str(RSA_KEY_JWK).unwrap_or_default();
    assert_eq!(ok(name, &[s(RSA_KEY)]).to_json(), want);
    assert_eq!(ok(name, &[b64(RSA_KEY)]).to_json(), want);
    let ec = ok(name, &[s(EC_KEY)]);
    assert_eq!(at(&ec, &["kty"]), "EC");
    assert_eq!(at(&ec, &["crv"]), "P-256");
    assert_eq!(ok(name, &[s(EC_KEY_SEC1)]), ec);
    assert_eq!(ok(name, &[s(KEYPAIR_CERT)]), Value::Null);
    let failed = BuiltinErrorKind::Failed;
    err(name, &[s("")], failed, "input PEM data was empty");
    err(name, &[s("invalid")], failed, "illegal base64");
    err(name, &[s(bad)], failed, "x509: failed to parse private key");
    err(name, &[s(ED25519_LEAF_KEY)], failed, "unsupported key type");
}

#[test]
fn keypairs_match_like_tls() {
    let name = "crypto.x509.parse_keypair";
    let pair = ok(name, &[s(KEYPAIR_CERT), s(KEYPAIR_KEY)]);
    assert_eq!(
        at(&pair, &["Certificate", "0"]),
        STANDARD.encode(first_der(KEYPAIR_CERT))
    );
    assert_eq!(at(&pair, &["Leaf", "Subject", "CommonName"]), "example.com");
    assert_eq!(at(&pair, &["Leaf", "Version"]), 1);
    assert_eq!(at(&pair, &["PrivateKey", "E"]), 65537);
    // base64 PEM and base64 DER.
    let der_cert = Value::string(&STANDARD.encode(first_der(KEYPAIR_CERT)));
    let der_key = Value::string(&STANDARD.encode(first_der(KEYPAIR_KEY)));
    assert_eq!(ok(name, &[b64(KEYPAIR_CERT), b64(KEYPAIR_KEY)]), pair);
    assert_eq!(ok(name, &[der_cert, der_key]), pair);
    let rsa_leaf = RSA_CHAIN
        .split_inclusive("-----END CERTIFICATE-----\n")
        .nth(1)
        .unwrap_or("");
    let rsa_pair = ok(name, &[s(rsa_leaf), s(RSA_LEAF_KEY)]);
    assert_eq!(
        at(&rsa_pair, &["Leaf", "Subject", "CommonName"]),
        "leaf.example.com"
    );
    let ed_pair = ok(name, &[s(ED25519_LEAF), s(ED25519_LEAF_KEY)]);
    assert!(at(&ed_pair, &["PrivateKey"]).is_string());

    let failed = BuiltinErrorKind::Failed;
    err(
        name,
        &[s(rsa_leaf), s(KEYPAIR_KEY)],
        failed,
        "tls: private key does not match public key",
    );
    err(
        name,
        &[s(ED25519_LEAF), s(KEYPAIR_KEY)],
        failed,
        "tls: private key type does not match public key type",
    );
    err(
        name,
        &[s(KEYPAIR_CERT), s(KEYPAIR_CERT)],
        failed,
        "tls: found a certificate rather than a key",
    );
    err(
        name,
        &[s(KEYPAIR_KEY), s(KEYPAIR_KEY)],
        failed,
        "tls: failed to find \"CERTIFICATE\" PEM block",
    );
    err(
        name,
        &[s("-----BEGIN x"), s(KEYPAIR_KEY)],
        failed,
        "tls: failed to find any PEM data in certificate input",
    );
    err(
        name,
        &[s(KEYPAIR_CERT), s("-----BEGIN x")],
        failed,
        "tls: failed to find any PEM data in key input",
    );
    err(
        name,
        &[s("foobar"), s(KEYPAIR_KEY)],
        failed,
        "illegal base64",
    );
    err(
        name,
        &[s(KEYPAIR_CERT), s("foobar")],
        failed,
        "illegal base64",
    );
    let bad_key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    err(
        name,
        &[s(KEYPAIR_CERT), s(bad_key)],
        failed,
        "tls: failed to parse private key",
    );
    err(
        name,
        &[s(KEYPAIR_CERT), Value::int(2)],
        BuiltinErrorKind::Type,
        "operand 2 must be string but got number",
    );
}

/// Deterministic pseudo-random bytes (xorshift).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes().first().copied().unwrap_or(0)
        })
        .collect()
}

#[test]
fn garbage_never_panics() {
    let der = first_der(CHAIN);
    let mut inputs: Vec<Vec<u8>> = (0..64_u64)
        .map(|seed| noise(seed, (seed as usize) * 7))
        .collect();
    // Certificates with a flipped byte at many offsets.
    for offset in (0..der.len()).step_by(13) {
        let mut flipped = der.clone();
        if let Some(byte) = flipped.get_mut(offset) {
            *byte ^= 0x5A;
        }
        inputs.push(flipped);
    }
    let builtins = [
        "crypto.x509.parse_certificates",
        "crypto.x509.parse_and_verify_certificates",
        "crypto.x509.parse_certificate_request",
        "crypto.x509.parse_rsa_private_key",
        "crypto.parse_private_keys",
    ];
    for bytes in &inputs {
        let encoded = STANDARD.encode(bytes);
        let texts = [
            encoded.clone(),
            format!("-----BEGIN CERTIFICATE-----\n{encoded}\n-----END CERTIFICATE-----\n"),
            format!("-----BEGIN RSA PRIVATE KEY-----\n{encoded}\n-----END RSA PRIVATE KEY-----\n"),
            format!("-----BEGIN PRIVATE KEY-----\n{encoded}\n-----END PRIVATE KEY-----\n"),
            format!("-----BEGIN EC PRIVATE KEY-----\n{encoded}\n-----END EC PRIVATE KEY-----\n"),
            format!(
                "-----BEGIN CERTIFICATE REQUEST-----\n{encoded}\n-----END CERTIFICATE REQUEST-----\n"
            ),
            String::from_utf8_lossy(bytes).into_owned(),
        ];
        for text in &texts {
            for name in builtins {
                let _ = call(name, &[s(text)]);
            }
            let _ = call("crypto.x509.parse_keypair", &[s(text), s(text)]);
            let _ = call("crypto.x509.parse_keypair", &[s(KEYPAIR_CERT), s(text)]);
            let _ = call(
                "crypto.x509.parse_and_verify_certificates_with_options",
                &[s(text), options("{}")],
            );
        }
    }
}
