//! `crypto.*` digests and HMACs; results are lower-case hex.

use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::builtins::operands;
use crate::builtins::results::hex_lower;
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "crypto";

/// The `crypto` category (digests and HMACs).
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "crypto.md5",
        1,
        md5,
        "Returns the hex MD5 digest of a string.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.sha1",
        1,
        sha1,
        "Returns the hex SHA-1 digest of a string.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.sha256",
        1,
        sha256,
        "Returns the hex SHA-256 digest of a string.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.hmac.md5",
        2,
        hmac_md5,
        "Returns the hex HMAC-MD5 of a message with a key.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.hmac.sha1",
        2,
        hmac_sha1,
        "Returns the hex HMAC-SHA1 of a message with a key.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.hmac.sha256",
        2,
        hmac_sha256,
        "Returns the hex HMAC-SHA256 of a message with a key.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.hmac.sha512",
        2,
        hmac_sha512,
        "Returns the hex HMAC-SHA512 of a message with a key.",
    ),
    Builtin::new(
        CATEGORY,
        "crypto.hmac.equal",
        2,
        hmac_equal,
        "Compares two MACs in constant time.",
    ),
];

fn digest<D: Digest>(name: &str, args: &[Value]) -> Result<Value, BuiltinError> {
    let text = operands::string(name, args, 1)?;
    Ok(Value::string(&hex_lower(&D::digest(text.as_bytes()))))
}

fn md5(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    digest::<Md5>("crypto.md5", args)
}

fn sha1(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    digest::<Sha1>("crypto.sha1", args)
}

fn sha256(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    digest::<Sha256>("crypto.sha256", args)
}

/// The HMAC of `message` under `key`.
pub(crate) fn hmac_bytes<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    // INVARIANT: HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    match <M as Mac>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

fn hmac<M: Mac + hmac::digest::KeyInit>(name: &str, args: &[Value]) -> Result<Value, BuiltinError> {
    let message = operands::string(name, args, 1)?;
    let key = operands::string(name, args, 2)?;
    Ok(Value::string(&hex_lower(&hmac_bytes::<M>(
        key.as_bytes(),
        message.as_bytes(),
    ))))
}

fn hmac_md5(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    hmac::<Hmac<Md5>>("crypto.hmac.md5", args)
}

fn hmac_sha1(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    hmac::<Hmac<Sha1>>("crypto.hmac.sha1", args)
}

fn hmac_sha256(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    hmac::<Hmac<Sha256>>("crypto.hmac.sha256", args)
}

fn hmac_sha512(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    hmac::<Hmac<Sha512>>("crypto.hmac.sha512", args)
}

/// Compares without an early exit, so timing does not reveal the prefix
/// length that matched.
pub(crate) fn constant_time_eq(x: &[u8], y: &[u8]) -> bool {
    if x.len() != y.len() {
        return false;
    }
    x.iter().zip(y).fold(0_u8, |acc, (p, q)| acc | (p ^ q)) == 0
}

fn hmac_equal(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "crypto.hmac.equal";
    let first = operands::string(name, args, 1)?;
    let second = operands::string(name, args, 2)?;
    Ok(constant_time_eq(first.as_bytes(), second.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{Want::*, check};

    const UNICODE_MESSAGE: &str = "\"åäöçß🥲♙Ω\"";
    const UNICODE_KEY: &str = "\"秘密の\"";

    #[test]
    fn digests_and_macs() {
        check(&[
            (
                "crypto.md5",
                &[r#""lorem ipsum""#],
                Json(r#""80a751fde577028640c419000e33eba6""#),
            ),
            (
                "crypto.sha1",
                &[r#""lorem ipsum""#],
                Json(r#""bfb7759a67daeb65410490b4d98bb9da7d1ea2ce""#),
            ),
            (
                "crypto.sha256",
                &[r#""lorem ipsum""#],
                Json(r#""5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269""#),
            ),
            (
                "crypto.sha256",
                &["1"],
                TypeErr("crypto.sha256: operand 1 must be string but got number"),
            ),
            (
                "crypto.hmac.md5",
                &[r#""foo""#, r#""bar""#],
                Json(r#""31b6db9e5eb4addb42f1a6ca07367adc""#),
            ),
            (
                "crypto.hmac.md5",
                &[UNICODE_MESSAGE, UNICODE_KEY],
                Json(r#""20a8743c2157ac60b7e8b79c83651b8d""#),
            ),
            (
                "crypto.hmac.sha1",
                &[r#""foo""#, r#""bar""#],
                Json(r#""85d155c55ed286a300bd1cf124de08d87e914f3a""#),
            ),
            (
                "crypto.hmac.sha1",
                &[UNICODE_MESSAGE, UNICODE_KEY],
                Json(r#""81759c39013935fcf0de833d44c8018d7c1455dd""#),
            ),
            (
                "crypto.hmac.sha256",
                &[r#""foo""#, r#""bar""#],
                Json(r#""147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851""#),
            ),
            (
                "crypto.hmac.sha256",
                &[UNICODE_MESSAGE, UNICODE_KEY],
                Json(r#""eb90daeb76d4b2571fbdaf94bbb240809faa8fed93ec0c260dd38c3fdf8d963a""#),
            ),
            (
                "crypto.hmac.sha512",
                &[r#""foo""#, r#""bar""#],
                Json(
                    r#""24257d7210582a65c731ec55159c8184cc24c02489453e58587f71f44c23a2d61b4b72154a89d17b2d49448a8452ea066f4fc56a2bcead45c088572ffccdb3d8""#,
                ),
            ),
            (
                "crypto.hmac.sha512",
                &[UNICODE_MESSAGE, UNICODE_KEY],
                Json(
                    r#""192f5afded233d6e21427aa26ed267ac118cfa2971013d91cbed530c0b208d78138b83dfe1d6cc3553d7bd518f22a481402c723028e1279d1ffbe8f11ea6b125""#,
                ),
            ),
            (
                "crypto.hmac.sha256",
                &[r#""foo""#, "1"],
                TypeErr("operand 2 must be string but got number"),
            ),
            (
                "crypto.hmac.equal",
                &[
                    r#""31b6db9e5eb4addb42f1a6ca07367adc""#,
                    r#""31b6db9e5eb4addb42f1a6ca07367adc""#,
                ],
                Json("true"),
            ),
            (
                "crypto.hmac.equal",
                &[
                    r#""31b6db9e5eb4addb42f1a6ca07367adc""#,
                    r#""31b6db9e5eb4addb""#,
                ],
                Json("false"),
            ),
            ("crypto.hmac.equal", &[r#""ab""#, r#""ac""#], Json("false")),
            (
                "crypto.hmac.equal",
                &["[]", r#""ac""#],
                TypeErr("operand 1 must be string but got array"),
            ),
        ]);
    }
}
