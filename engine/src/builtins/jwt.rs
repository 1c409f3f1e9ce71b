//! `io.jwt.*`: decoding, the HMAC verifiers, and (with the `opa-extras`
//! feature) the RSA/ECDSA/EdDSA verifiers, `decode_verify` and signing.

use base64::Engine as _;
use hmac::Hmac;
use sha2::{Sha256, Sha384, Sha512};

#[cfg(feature = "opa-extras")]
mod asym;
#[cfg(feature = "opa-extras")]
mod keys;

use crate::builtins::crypto::{constant_time_eq, hmac_bytes};
use crate::builtins::operands::{self, failed};
use crate::builtins::results::{array, hex_lower};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "tokens";

/// The `tokens` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "io.jwt.decode",
        1,
        decode,
        "Decodes a JWT into `[header, payload, signature_hex]` without verifying it.",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_hs256",
        2,
        verify_hs256,
        "Verifies an HS256 JWT signature with a shared secret.",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_hs384",
        2,
        verify_hs384,
        "Verifies an HS384 JWT signature with a shared secret.",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_hs512",
        2,
        verify_hs512,
        "Verifies an HS512 JWT signature with a shared secret.",
    ),
];

/// The `tokens` builtins that need asymmetric crypto.
#[cfg(feature = "opa-extras")]
pub(crate) const ASYMMETRIC_BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_rs256",
        2,
        asym::verify_rs256,
        "Verifies an RS256 JWT signature with a PEM certificate, public key or JWK(S).",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_rs384",
        2,
        asym::verify_rs384,
        "Verifies an RS384 JWT signature with a PEM certificate, public key or JWK(S).",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_rs512",
        2,
        asym::verify_rs512,
        "Verifies an RS512 JWT signature with a PEM certificate, public key or JWK(S).",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_ps256",
        2,
        asym::verify_ps256,
        "Verifies a PS256 JWT signature with a PEM certificate, public key or JWK(S).",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_ps384",
        2,
        asym::verify_ps384,
        "Verifies a PS384 JWT signature with a PEM certificate, public key or JWK(S).",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_ps512",
        2,
        asym::verify_ps512,
        "Verifies a PS512 JWT signature with a PEM certificate, public key or JWK(S).",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_es256",
        2,
        asym::verify_es256,
        "Verifies an ES256 JWT signature with a PEM certificate, public key or JWK(S).",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_es384",
        2,
        asym::verify_es384,
        "Verifies an ES384 JWT signature with a PEM certificate, public key or JWK(S).",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_es512",
        2,
        asym::verify_es512,
        "Verifies an ES512 JWT signature with a PEM certificate, public key or JWK(S).",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.verify_eddsa",
        2,
        asym::verify_eddsa,
        "Verifies an EdDSA (Ed25519) JWT signature with a PEM certificate, public key or JWK(S).",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.decode_verify",
        2,
        asym::decode_verify,
        "Verifies a JWT's signature and claims against constraints; returns `[valid, header, payload]`.",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.encode_sign",
        3,
        asym::encode_sign,
        "Signs a JWT from header and payload objects with a JWK.",
    ),
    Builtin::new(
        CATEGORY,
        "io.jwt.encode_sign_raw",
        3,
        asym::encode_sign_raw,
        "Signs a JWT from header and payload JSON texts with a JWK.",
    ),
];

/// The three dot-separated sections of a compact JWS.
fn sections(token: &str) -> Result<[&str; 3], String> {
    if !token.contains('.') {
        return Err("encoded JWT had no period separators".to_owned());
    }
    let parts: Vec<&str> = token.split('.').collect();
    match parts.as_slice() {
        [header, payload, signature] => Ok([header, payload, signature]),
        _ => Err(format!(
            "encoded JWT must have 3 sections, found {}",
            parts.len()
        )),
    }
}

/// Go's `RawURLEncoding`, which ignores non-zero trailing bits.
const LENIENT_URL: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
);

fn base64url(what: &str, text: &str) -> Result<Vec<u8>, String> {
    LENIENT_URL
        .decode(text.trim_end_matches('='))
        .map_err(|err| {
            let offset = match err {
                base64::DecodeError::InvalidByte(offset, _)
                | base64::DecodeError::InvalidLastSymbol(offset, _) => offset,
                base64::DecodeError::InvalidLength(len) => len,
                base64::DecodeError::InvalidPadding => 0,
            };
            format!("JWT {what} had invalid encoding: illegal base64 data at input byte {offset}")
        })
}

fn json_section(what: &str, bytes: &[u8]) -> Result<serde_json::Value, String> {
    serde_json::from_slice(bytes).map_err(|err| format!("JWT {what} had invalid JSON: {err}"))
}

/// Decodes `token`, following nested JWTs (`cty: JWT`).
fn decode_token(token: &str) -> Result<Value, String> {
    let [header, payload, signature] = sections(token)?;
    let header = json_section("header", &base64url("header", header)?)?;
    if header.get("enc").is_some() {
        return Err("JWT is a JWE object, which is not supported".to_owned());
    }
    let payload_bytes = base64url("payload", payload)?;
    let signature = base64url("signature", signature)?;
    let nested = header
        .get("cty")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|cty| cty.eq_ignore_ascii_case("JWT"));
    if nested {
        let inner: String = serde_json::from_slice(&payload_bytes)
            .map_err(|err| format!("JWT payload had invalid JSON: {err}"))?;
        return decode_token(&inner);
    }
    let payload = json_section("payload", &payload_bytes)?;
    Ok(array(vec![
        Value::from_json(&header),
        Value::from_json(&payload),
        Value::string(&hex_lower(&signature)),
    ]))
}

fn decode(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "io.jwt.decode";
    let token = operands::string(name, args, 1)?;
    decode_token(token).map_err(|msg| failed(name, msg))
}

fn verify_hmac<M: hmac::Mac + hmac::digest::KeyInit>(
    name: &str,
    args: &[Value],
) -> Result<Value, BuiltinError> {
    let token = operands::string(name, args, 1)?;
    let secret = operands::string(name, args, 2)?;
    let [header, payload, signature] = sections(token).map_err(|msg| failed(name, msg))?;
    let signature = base64url("signature", signature).map_err(|msg| failed(name, msg))?;
    let signed = format!("{header}.{payload}");
    let expected = hmac_bytes::<M>(secret.as_bytes(), signed.as_bytes());
    Ok(constant_time_eq(&expected, &signature).into())
}

fn verify_hs256(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    verify_hmac::<Hmac<Sha256>>("io.jwt.verify_hs256", args)
}

fn verify_hs384(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    verify_hmac::<Hmac<Sha384>>("io.jwt.verify_hs384", args)
}

fn verify_hs512(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    verify_hmac::<Hmac<Sha512>>("io.jwt.verify_hs512", args)
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{Want::*, check};

    const HS256: &str = r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyIjoiYWxpY2UiLCJhenAiOiJhbGljZSIsInN1Ym9yZGluYXRlcyI6W10sImhyIjpmYWxzZX0.rz3jTY033z-NrKfwrK89_dcLF7TN4gwCMj-fVBDyLoM""#;
    const SIMPLE: &str = r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY""#;
    const DECODED: &str = r#"[{"alg": "HS256", "typ": "JWT"}, {"iss": "opa", "sub": "0"}, "5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576"]"#;

    #[test]
    fn decode() {
        check(&[
            ("io.jwt.decode", &[SIMPLE], Json(DECODED)),
            (
                "io.jwt.decode",
                &[
                    r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6IkpXVCJ9.ImV5SmhiR2NpT2lKSVV6STFOaUlzSW5SNWNDSTZJa3BYVkNKOS5leUp6ZFdJaU9pSXdJaXdpYVhOeklqb2liM0JoSW4wLlhtVm9Mb0hJM3B4TXRNT19XUk9OTVNKekdVRFA5cERqeThKcDBfdGRSWFki.8W0qx4mLxslmZl7wEMUWBxH7tST3XsEuWXxesXqFnRI""#,
                ],
                Json(DECODED),
            ),
            (
                "io.jwt.decode",
                &[
                    r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiAiMCIsImlzcyI6ICJub3Qgb3BhIiwgImlzcyI6ICJhbHNvIG5vdCBvcGEiLCAiaXNzIjogIm9wYSJ9.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY""#,
                ],
                Json(DECODED),
            ),
            (
                "io.jwt.decode",
                &[
                    r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImVuYyI6ImJsYWgifQ.eyJuZXciOiJJIGFtIGEgdXNlciBjcmVhdGVkIGZpZWxkIiwiaXNzIjoib3BhIn0.McGUb1e-UviZKy6UyQErNNQzEUgeV25Buwk7OHOa8U8""#,
                ],
                Err("JWT is a JWE object, which is not supported"),
            ),
            (
                "io.jwt.decode",
                &[
                    r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY""#,
                ],
                Err("encoded JWT had no period separators"),
            ),
            (
                "io.jwt.decode",
                &[
                    r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXV.CJ9eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY""#,
                ],
                Err("encoded JWT must have 3 sections, found 2"),
            ),
            (
                "io.jwt.decode",
                &[
                    r#""eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY""#,
                ],
                Err("JWT header had invalid encoding: illegal base64 data at input byte 13"),
            ),
            (
                "io.jwt.decode",
                &[
                    r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwia/XNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY""#,
                ],
                Err("JWT payload had invalid encoding: illegal base64 data at input byte 17"),
            ),
            (
                "io.jwt.decode",
                &[
                    r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO(_WRONMSJzGUDP9pDjy8Jp0_tdRXY""#,
                ],
                Err("JWT signature had invalid encoding: illegal base64 data at input byte 15"),
            ),
            (
                "io.jwt.decode",
                &["1"],
                TypeErr("io.jwt.decode: operand 1 must be string but got number"),
            ),
        ]);
    }

    #[test]
    fn verify_hmac() {
        check(&[
            ("io.jwt.verify_hs256", &[HS256, r#""secret""#], Json("true")),
            ("io.jwt.verify_hs256", &[HS256, r#""wrong""#], Json("false")),
            (
                "io.jwt.verify_hs256",
                &[
                    r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyIjoiYWxpY2UiLCJhenAiOiJhbGljZSIsInN1Ym9yZGluYXRlcyI6W10sImhyIjpmYWxzZX0.R0NDxM1gHTucWQKwayMDre2PbMNR9K9efmOfygDZWcE""#,
                    r#""secret""#,
                ],
                Json("false"),
            ),
            (
                "io.jwt.verify_hs256",
                &[
                    r#""eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyIjoiYWxpY2UiLCJhenAiOiJhbGljZSIsInN1Ym9yZGluYXRlcyI6W10sImhyIjpmYWxzZX0""#,
                    r#""secret""#,
                ],
                Err("io.jwt.verify_hs256: encoded JWT must have 3 sections, found 2"),
            ),
            (
                "io.jwt.verify_hs384",
                &[HS256, r#""secret""#],
                Json("false"),
            ),
            (
                "io.jwt.verify_hs512",
                &[HS256, "1"],
                TypeErr("operand 2 must be string but got number"),
            ),
        ]);
    }
}
