//! Asymmetric JWT verification (`io.jwt.verify_rs*/ps*/es*/eddsa`), full
//! verification (`io.jwt.decode_verify`) and signing (`io.jwt.encode_sign*`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Hmac;
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::keys::{PrivateKey, PublicKey, jwk_private_key, keys_from_cert_or_jwk};
use super::{base64url, sections};
use crate::builtins::crypto::{constant_time_eq, hmac_bytes};
use crate::builtins::operands::{self, failed};
use crate::builtins::results::array;
use crate::builtins::{BuiltinContext, BuiltinError};
use crate::value::Value;

fn verify_pss<D: Digest + rsa::sha2::digest::FixedOutputReset>(
    key: &rsa::RsaPublicKey,
    signed: &[u8],
    sig: &[u8],
) -> bool {
    use rsa::traits::PublicKeyParts as _;
    let Ok(signature) = rsa::pss::Signature::try_from(sig) else {
        return false;
    };
    let hash_len = <D as Digest>::output_size();
    let max_salt = key.size().saturating_sub(hash_len + 2);
    [hash_len, max_salt].into_iter().any(|salt| {
        rsa::pss::VerifyingKey::<D>::new_with_salt_len(key.clone(), salt)
            .verify(signed, &signature)
            .is_ok()
    })
}

/// Whether `sig` is a valid `alg` signature of `signed` under `key`.
pub(crate) fn verify_with(alg: &str, key: &PublicKey, signed: &[u8], sig: &[u8]) -> bool {
    match (alg, key) {
        ("RS256" | "RS384" | "RS512", PublicKey::Rsa(key)) => {
            let Ok(signature) = rsa::pkcs1v15::Signature::try_from(sig) else {
                return false;
            };
            let key = key.clone();
            match alg {
                "RS256" => {
                    rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key).verify(signed, &signature)
                }
                "RS384" => {
                    rsa::pkcs1v15::VerifyingKey::<Sha384>::new(key).verify(signed, &signature)
                }
                _ => rsa::pkcs1v15::VerifyingKey::<Sha512>::new(key).verify(signed, &signature),
            }
            .is_ok()
        }
        ("PS256", PublicKey::Rsa(key)) => verify_pss::<Sha256>(key, signed, sig),
        ("PS384", PublicKey::Rsa(key)) => verify_pss::<Sha384>(key, signed, sig),
        ("PS512", PublicKey::Rsa(key)) => verify_pss::<Sha512>(key, signed, sig),
        ("ES256", PublicKey::P256(key)) => {
            p256::ecdsa::Signature::from_slice(sig).is_ok_and(|s| key.verify(signed, &s).is_ok())
        }
        ("ES384", PublicKey::P384(key)) => {
            p384::ecdsa::Signature::from_slice(sig).is_ok_and(|s| key.verify(signed, &s).is_ok())
        }
        ("ES512", PublicKey::P521(key)) => {
            p521::ecdsa::Signature::from_slice(sig).is_ok_and(|s| key.verify(signed, &s).is_ok())
        }
        ("EdDSA", PublicKey::Ed25519(key)) => {
            ed25519_dalek::Signature::from_slice(sig).is_ok_and(|s| key.verify(signed, &s).is_ok())
        }
        _ => false,
    }
}

/// `io.jwt.verify_<alg>(token, certificate)`.
pub(crate) fn verify_builtin(name: &str, alg: &str, args: &[Value]) -> Result<Value, BuiltinError> {
    let token = operands::string(name, args, 1)?;
    let cert = operands::string(name, args, 2)?;
    let [header, payload, signature] = sections(token).map_err(|m| failed(name, m))?;
    let keys = keys_from_cert_or_jwk(cert).map_err(|m| failed(name, m))?;
    let signature = base64url("signature", signature).map_err(|m| failed(name, m))?;
    let signed = format!("{header}.{payload}");
    Ok(keys
        .iter()
        .any(|key| verify_with(alg, key, signed.as_bytes(), &signature))
        .into())
}

macro_rules! verifiers {
    ($($fn_name:ident => $builtin:literal, $alg:literal;)*) => {
        $(
            pub(crate) fn $fn_name(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
                verify_builtin($builtin, $alg, args)
            }
        )*
    };
}

verifiers! {
    verify_rs256 => "io.jwt.verify_rs256", "RS256";
    verify_rs384 => "io.jwt.verify_rs384", "RS384";
    verify_rs512 => "io.jwt.verify_rs512", "RS512";
    verify_ps256 => "io.jwt.verify_ps256", "PS256";
    verify_ps384 => "io.jwt.verify_ps384", "PS384";
    verify_ps512 => "io.jwt.verify_ps512", "PS512";
    verify_es256 => "io.jwt.verify_es256", "ES256";
    verify_es384 => "io.jwt.verify_es384", "ES384";
    verify_es512 => "io.jwt.verify_es512", "ES512";
    verify_eddsa => "io.jwt.verify_eddsa", "EdDSA";
}

fn hmac_for(alg: &str, secret: &[u8], signed: &[u8]) -> Option<Vec<u8>> {
    Some(match alg {
        "HS256" => hmac_bytes::<Hmac<Sha256>>(secret, signed),
        "HS384" => hmac_bytes::<Hmac<Sha384>>(secret, signed),
        "HS512" => hmac_bytes::<Hmac<Sha512>>(secret, signed),
        _ => return None,
    })
}

const KNOWN_ALGS: &[&str] = &[
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256",
    "HS384", "HS512", "EdDSA",
];

struct Constraints {
    keys: Option<Vec<PublicKey>>,
    secret: String,
    alg: String,
    iss: String,
    aud: String,
    time_ns: f64,
}

fn constraint_string(name: &str, value: &Value) -> Result<String, String> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{name} constraint: must be a string"))
}

fn constraints(
    ctx: &BuiltinContext,
    map: &std::collections::BTreeMap<Value, Value>,
) -> Result<Constraints, String> {
    let mut c = Constraints {
        keys: None,
        secret: String::new(),
        alg: String::new(),
        iss: String::new(),
        aud: String::new(),
        time_ns: -1.0,
    };
    for (key, value) in map {
        let name = key.as_str().unwrap_or_default();
        match name {
            "cert" => c.keys = Some(keys_from_cert_or_jwk(&constraint_string("cert", value)?)?),
            "secret" => c.secret = constraint_string("secret", value)?,
            "alg" => c.alg = constraint_string("alg", value)?,
            "iss" => c.iss = constraint_string("iss", value)?,
            "aud" => c.aud = constraint_string("aud", value)?,
            "time" => {
                let t = value
                    .as_number()
                    .ok_or("token time constraint: must be a number")?
                    .as_f64();
                if t < 0.0 {
                    return Err("token time constraint: must not be negative".to_owned());
                }
                c.time_ns = t;
            }
            other => return Err(format!("unknown token validation constraint: {other}")),
        }
    }
    if c.time_ns < 0.0 {
        #[allow(clippy::cast_precision_loss)]
        let now = ctx.now_ns as f64;
        c.time_ns = now;
    }
    match (c.keys.is_some(), !c.secret.is_empty()) {
        (true, true) => Err("duplicate key constraints".to_owned()),
        (false, false) => Err("no key constraint".to_owned()),
        _ => Ok(c),
    }
}

fn json_object(
    what: &str,
    bytes: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    match serde_json::from_slice(bytes) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(format!("{what}: decoded JSON type was not an Object")),
        Err(e) => Err(format!("{what}: invalid JSON: {e}")),
    }
}

enum Outcome {
    Valid(Value, Value),
    Invalid,
}

fn decode_verify_token(c: &Constraints, mut token: String) -> Result<Outcome, String> {
    loop {
        let [h, p, s] = sections(&token)?;
        let header = json_object("bad JWT header", &base64url("header", h)?)?;
        if header.contains_key("enc") {
            return Err("JWT is a JWE object, which is not supported".to_owned());
        }
        let text = |k: &str| {
            header
                .get(k)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
        };
        let alg = text("alg").to_owned();
        let crit: Vec<&str> = header
            .get("crit")
            .and_then(serde_json::Value::as_array)
            .map(|c| c.iter().filter_map(serde_json::Value::as_str).collect())
            .unwrap_or_default();
        let known = ["alg", "kid", "typ", "cty", "crit"];
        let unknown_critical = header
            .keys()
            .any(|k| !known.contains(&k.as_str()) && crit.contains(&k.as_str()));
        if alg.is_empty() || unknown_critical || (!c.alg.is_empty() && c.alg != alg) {
            return Ok(Outcome::Invalid);
        }
        let signature = base64url("signature", s)?;
        let signed = format!("{h}.{p}");
        if !KNOWN_ALGS.contains(&alg.as_str()) {
            return Err(format!("unknown JWS algorithm: {alg}"));
        }
        let verified = match &c.keys {
            Some(keys) => keys
                .iter()
                .any(|key| verify_with(&alg, key, signed.as_bytes(), &signature)),
            None => hmac_for(&alg, c.secret.as_bytes(), signed.as_bytes())
                .is_some_and(|mac| constant_time_eq(&mac, &signature)),
        };
        if !verified {
            return Ok(Outcome::Invalid);
        }
        let payload = base64url("payload", p)?;
        if text("cty").eq_ignore_ascii_case("JWT") {
            token = String::from_utf8_lossy(&payload).into_owned();
            continue;
        }
        let payload = json_object("JWT payload", &payload)?;
        if !c.iss.is_empty()
            && payload.get("iss").and_then(serde_json::Value::as_str) != Some(c.iss.as_str())
        {
            return Ok(Outcome::Invalid);
        }
        match payload.get("aud") {
            Some(serde_json::Value::String(aud)) if *aud == c.aud => {}
            Some(serde_json::Value::Array(auds))
                if auds.iter().any(|a| a.as_str() == Some(c.aud.as_str())) => {}
            Some(_) => return Ok(Outcome::Invalid),
            None if !c.aud.is_empty() => return Ok(Outcome::Invalid),
            None => {}
        }
        let now = c.time_ns / 1e9;
        if let Some(exp) = payload.get("exp") {
            let exp = exp.as_f64().ok_or("exp value must be a number")?;
            if now >= exp {
                return Ok(Outcome::Invalid);
            }
        }
        if let Some(nbf) = payload.get("nbf") {
            let nbf = nbf.as_f64().ok_or("nbf value must be a number")?;
            if now < nbf {
                return Ok(Outcome::Invalid);
            }
        }
        return Ok(Outcome::Valid(
            Value::from_json(&serde_json::Value::Object(header)),
            Value::from_json(&serde_json::Value::Object(payload)),
        ));
    }
}

pub(crate) fn decode_verify(ctx: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "io.jwt.decode_verify";
    let token = operands::string(name, args, 1)?;
    let map = operands::object(name, args, 2)?;
    let c = constraints(ctx, map).map_err(|m| failed(name, m))?;
    Ok(
        match decode_verify_token(&c, token.to_owned()).map_err(|m| failed(name, m))? {
            Outcome::Valid(header, payload) => array(vec![true.into(), header, payload]),
            Outcome::Invalid => array(vec![
                false.into(),
                Value::empty_object(),
                Value::empty_object(),
            ]),
        },
    )
}

fn sign(alg: &str, key: &PrivateKey, signed: &[u8]) -> Result<Vec<u8>, String> {
    Ok(match (alg, key) {
        (_, PrivateKey::Oct(secret)) => hmac_for(alg, secret, signed)
            .ok_or_else(|| format!("unsupported algorithm {alg} for an oct key"))?,
        ("RS256", PrivateKey::Rsa(k)) => rsa::pkcs1v15::SigningKey::<Sha256>::new((**k).clone())
            .sign(signed)
            .to_vec(),
        ("RS384", PrivateKey::Rsa(k)) => rsa::pkcs1v15::SigningKey::<Sha384>::new((**k).clone())
            .sign(signed)
            .to_vec(),
        ("RS512", PrivateKey::Rsa(k)) => rsa::pkcs1v15::SigningKey::<Sha512>::new((**k).clone())
            .sign(signed)
            .to_vec(),
        ("ES256", PrivateKey::P256(k)) => {
            let s: p256::ecdsa::Signature = k.sign(signed);
            s.to_bytes().to_vec()
        }
        ("ES384", PrivateKey::P384(k)) => {
            let s: p384::ecdsa::Signature = k.sign(signed);
            s.to_bytes().to_vec()
        }
        ("EdDSA", PrivateKey::Ed25519(k)) => k.sign(signed).to_bytes().to_vec(),
        _ => {
            return Err(format!(
                "failed to sign: unsupported algorithm {alg} for this key"
            ));
        }
    })
}

fn encode_sign_text(headers: &str, payload: &str, jwk: &str) -> Result<String, String> {
    let key = jwk_private_key(jwk)?;
    let header: serde_json::Value = if headers.trim().is_empty() {
        return Err(
            "missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string"
                .to_owned(),
        );
    } else if !headers.trim_start().starts_with('{') {
        return Err("missing or invalid 'alg' header: jwsbb: header \"alg\" not found".to_owned());
    } else {
        serde_json::from_str(headers)
            .map_err(|e| format!("missing or invalid 'alg' header: cannot parse JSON: {e}"))?
    };
    let alg = header
        .get("alg")
        .and_then(serde_json::Value::as_str)
        .ok_or("missing or invalid 'alg' header: jwsbb: header \"alg\" not found")?;
    if !KNOWN_ALGS.contains(&alg) {
        return Err(format!("unknown JWS algorithm: {alg}"));
    }
    let typ = header
        .get("typ")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    if (typ.is_empty() || typ == "JWT")
        && serde_json::from_str::<serde_json::Value>(payload).is_err()
    {
        return Err("type is JWT but payload is not JSON".to_owned());
    }
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(headers),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = sign(alg, &key, signed.as_bytes())?;
    Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

pub(crate) fn encode_sign_raw(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "io.jwt.encode_sign_raw";
    let jwk = operands::string(name, args, 3)?;
    let headers = operands::string(name, args, 1)?;
    let payload = operands::string(name, args, 2)?;
    let token = encode_sign_text(headers, payload, jwk).map_err(|m| failed(name, m))?;
    Ok(Value::string(&token))
}

pub(crate) fn encode_sign(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "io.jwt.encode_sign";
    let compact = |pos: usize| -> Result<String, BuiltinError> {
        let map = operands::object(name, args, pos)?;
        Ok(Value::Object(std::sync::Arc::new(map.clone()))
            .to_json()
            .to_string())
    };
    let headers = compact(1)?;
    let payload = compact(2)?;
    let jwk = compact(3)?;
    let token = encode_sign_text(&headers, &payload, &jwk).map_err(|m| failed(name, m))?;
    Ok(Value::string(&token))
}
