//! Public keys for JWT verification, read as OPA accepts them: one PEM
//! certificate or `PUBLIC KEY` block, or a JWK / JWK set.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::BigUint;
use spki::DecodePublicKey as _;
use x509_cert::der::{Decode as _, Encode as _};

/// A verification key.
#[derive(Clone)]
pub(crate) enum PublicKey {
    Rsa(rsa::RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// One PEM block: its label, decoded body, and the text after it.
struct PemBlock<'a> {
    label: &'a str,
    der: Vec<u8>,
    rest: &'a str,
}

/// Go's `pem.Decode`: the first block, if one decodes.
fn pem_block(text: &str) -> Option<PemBlock<'_>> {
    let begin = text.find("-----BEGIN ")?;
    let after = text.get(begin + 11..)?;
    let label_end = after.find("-----")?;
    let label = after.get(..label_end)?;
    let body_start = after.get(label_end + 5..)?;
    let end_marker = format!("-----END {label}-----");
    let end = body_start.find(&end_marker)?;
    let body: String = body_start
        .get(..end)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = STANDARD.decode(body).ok()?;
    let mut rest = body_start.get(end + end_marker.len()..)?;
    rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
        .unwrap_or(rest);
    Some(PemBlock { label, der, rest })
}

fn from_spki_der(der: &[u8]) -> Option<PublicKey> {
    if let Ok(key) = rsa::RsaPublicKey::from_public_key_der(der) {
        return Some(PublicKey::Rsa(key));
    }
    if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(der) {
        return Some(PublicKey::P256(key));
    }
    if let Ok(key) = p384::ecdsa::VerifyingKey::from_public_key_der(der) {
        return Some(PublicKey::P384(key));
    }
    if let Ok(key) = p521::PublicKey::from_public_key_der(der) {
        return p521::ecdsa::VerifyingKey::from_sec1_bytes(
            &p521::EncodedPoint::from(key).to_bytes(),
        )
        .ok()
        .map(PublicKey::P521);
    }
    ed25519_dalek::VerifyingKey::from_public_key_der(der)
        .ok()
        .map(PublicKey::Ed25519)
}

/// The keys in `text`, or OPA's message for why there are none.
pub(crate) fn keys_from_cert_or_jwk(text: &str) -> Result<Vec<PublicKey>, String> {
    if let Some(block) = pem_block(text) {
        if !block.rest.is_empty() {
            return Err("extra data after a PEM certificate block".to_owned());
        }
        return match block.label {
            "CERTIFICATE" => {
                let cert = x509_cert::Certificate::from_der(&block.der)
                    .map_err(|e| format!("failed to parse a PEM certificate: {e}"))?;
                let spki = cert
                    .tbs_certificate
                    .subject_public_key_info
                    .to_der()
                    .map_err(|e| format!("failed to parse a PEM certificate: {e}"))?;
                from_spki_der(&spki).map(|key| vec![key]).ok_or_else(|| {
                    "failed to parse a PEM certificate: unsupported public key".to_owned()
                })
            }
            "PUBLIC KEY" => from_spki_der(&block.der)
                .map(|key| vec![key])
                .ok_or_else(|| "failed to parse a PEM public key".to_owned()),
            _ => Err("failed to extract a Key from the PEM certificate".to_owned()),
        };
    }
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("failed to parse a JWK key (set): {e}"))?;
    let jwks: Vec<&serde_json::Value> = match json.get("keys").and_then(|k| k.as_array()) {
        Some(keys) => keys.iter().collect(),
        None => vec![&json],
    };
    jwks.into_iter()
        .filter_map(|jwk| jwk_public_key(jwk).transpose())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("failed to parse a JWK key (set): {e}"))
}

fn member(jwk: &serde_json::Value, name: &str) -> Result<Vec<u8>, String> {
    let text = jwk
        .get(name)
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format!("required field {name} is missing"))?;
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| format!("failed to decode {name}: {e}"))
}

fn ec_point(jwk: &serde_json::Value) -> Result<Vec<u8>, String> {
    let mut point = vec![4u8];
    point.extend(member(jwk, "x")?);
    point.extend(member(jwk, "y")?);
    Ok(point)
}

/// The public key of one JWK (`None` for symmetric keys).
fn jwk_public_key(jwk: &serde_json::Value) -> Result<Option<PublicKey>, String> {
    let kty = jwk
        .get("kty")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    let crv = jwk
        .get("crv")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    let bad = |e: &dyn std::fmt::Display| format!("invalid {kty} key: {e}");
    Ok(Some(match (kty, crv) {
        ("RSA", _) => {
            let n = BigUint::from_bytes_be(&member(jwk, "n")?);
            let e = BigUint::from_bytes_be(&member(jwk, "e")?);
            PublicKey::Rsa(rsa::RsaPublicKey::new(n, e).map_err(|e| bad(&e))?)
        }
        ("EC", "P-256") => PublicKey::P256(
            p256::ecdsa::VerifyingKey::from_sec1_bytes(&ec_point(jwk)?).map_err(|e| bad(&e))?,
        ),
        ("EC", "P-384") => PublicKey::P384(
            p384::ecdsa::VerifyingKey::from_sec1_bytes(&ec_point(jwk)?).map_err(|e| bad(&e))?,
        ),
        ("EC", "P-521") => PublicKey::P521(
            p521::ecdsa::VerifyingKey::from_sec1_bytes(&ec_point(jwk)?).map_err(|e| bad(&e))?,
        ),
        ("OKP", "Ed25519") => {
            let x = member(jwk, "x")?;
            let bytes: [u8; 32] = x.as_slice().try_into().map_err(|e| bad(&e))?;
            PublicKey::Ed25519(
                ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|e| bad(&e))?,
            )
        }
        ("oct", _) => return Ok(None),
        _ => return Err(format!("unsupported key type {kty:?}")),
    }))
}

/// The private key of a JWK used for signing.
#[derive(Debug)]
pub(crate) enum PrivateKey {
    Oct(Vec<u8>),
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

/// The private key of the first JWK in `text`.
pub(crate) fn jwk_private_key(text: &str) -> Result<PrivateKey, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("failed to parse JWK: {e}"))?;
    let jwk = match json.get("keys").and_then(|k| k.as_array()) {
        Some(keys) => keys.first().ok_or("empty JWK set")?,
        None => &json,
    };
    let kty = jwk
        .get("kty")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    let crv = jwk
        .get("crv")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    let bad = |e: &dyn std::fmt::Display| format!("invalid {kty} key: {e}");
    Ok(match (kty, crv) {
        ("oct", _) => PrivateKey::Oct(member(jwk, "k")?),
        ("RSA", _) => {
            let int = |name| member(jwk, name).map(|b| BigUint::from_bytes_be(&b));
            let primes = vec![int("p")?, int("q")?];
            let key = rsa::RsaPrivateKey::from_components(int("n")?, int("e")?, int("d")?, primes)
                .map_err(|e| bad(&e))?;
            PrivateKey::Rsa(Box::new(key))
        }
        ("EC", "P-256") => PrivateKey::P256(
            p256::ecdsa::SigningKey::from_slice(&member(jwk, "d")?).map_err(|e| bad(&e))?,
        ),
        ("EC", "P-384") => PrivateKey::P384(
            p384::ecdsa::SigningKey::from_slice(&member(jwk, "d")?).map_err(|e| bad(&e))?,
        ),
        ("OKP", "Ed25519") => {
            let d = member(jwk, "d")?;
            let bytes: [u8; 32] = d.as_slice().try_into().map_err(|e| bad(&e))?;
            PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&bytes))
        }
        _ => return Err(format!("unsupported key type {kty:?}")),
    })
}
