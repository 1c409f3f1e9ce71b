//! `uuid.parse` and a deterministic `uuid.rfc4122`.
//!
//! OPA's `uuid.rfc4122` draws random bytes once per key per evaluation.
//! riskgate derives them from SHA-256 of the evaluation clock and the key,
//! so a decision replayed with the same `--now` gets the same UUIDs.

use sha2::{Digest, Sha256};

use crate::builtins::operands;
use crate::builtins::results::{hex_lower, object_value};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

/// The `uuid` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "uuid.parse",
        arity: 1,
        func: parse,
        category: "uuid",
        summary: "Parses a UUID into its version, variant and (v1/v2) time and node fields.",
    },
    Builtin {
        name: "uuid.rfc4122",
        arity: 1,
        func: rfc4122,
        category: "uuid",
        summary: "Returns a version 4 UUID, the same for the same key within an evaluation.",
    },
];

fn format_uuid(bytes: &[u8; 16]) -> String {
    let hex = hex_lower(bytes);
    let part = |range: std::ops::Range<usize>| hex.get(range).unwrap_or("");
    format!(
        "{}-{}-{}-{}-{}",
        part(0..8),
        part(8..12),
        part(12..16),
        part(16..20),
        part(20..32)
    )
}

fn rfc4122(ctx: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let key = operands::arg("uuid.rfc4122", args, 1)?;
    let mut hasher = Sha256::new();
    hasher.update(ctx.now_ns.to_be_bytes());
    hasher.update(key.to_string().as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0_u8; 16];
    for (slot, byte) in bytes.iter_mut().zip(digest.iter()) {
        *slot = *byte;
    }
    if let Some(b) = bytes.get_mut(6) {
        *b = (*b & 0x0f) | 0x40;
    }
    if let Some(b) = bytes.get_mut(8) {
        *b = (*b & 0x3f) | 0x80;
    }
    Ok(Value::string(&format_uuid(&bytes)))
}

/// The 16 bytes of a UUID in any of the forms Go's `uuid.Parse` accepts.
fn parse_bytes(text: &str) -> Option<[u8; 16]> {
    let text = match text.len() {
        45 => {
            let (prefix, rest) = text.split_at_checked(9)?;
            prefix.eq_ignore_ascii_case("urn:uuid:").then_some(rest)?
        }
        38 => text.strip_prefix('{')?.strip_suffix('}')?,
        _ => text,
    };
    let hex: String = match text.len() {
        36 => {
            let b = text.as_bytes();
            if [8, 13, 18, 23].iter().any(|&i| b.get(i) != Some(&b'-')) {
                return None;
            }
            text.chars().filter(|&c| c != '-').collect()
        }
        32 => text.to_owned(),
        _ => return None,
    };
    if hex.len() != 32 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let mut bytes = [0_u8; 16];
    for (i, slot) in bytes.iter_mut().enumerate() {
        *slot = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(bytes)
}

fn parse(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "uuid.parse";
    let text = operands::string(name, args, 1)?;
    // An unparsable UUID is undefined, not an error, as in OPA.
    let bytes = parse_bytes(text)
        .ok_or_else(|| BuiltinError::undefined(format!("{name}: invalid UUID {text:?}")))?;
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let be16 = |i: usize| u16::from_be_bytes([at(i), at(i + 1)]);
    let be32 = |i: usize| u32::from_be_bytes([at(i), at(i + 1), at(i + 2), at(i + 3)]);
    let version = at(6) >> 4;
    let variant = match at(8) {
        b if b & 0xc0 == 0x80 => "RFC4122",
        b if b & 0xe0 == 0xc0 => "Microsoft",
        b if b & 0xe0 == 0xe0 => "Future",
        _ => "Reserved",
    };
    let mut fields = vec![
        (Value::string("version"), Value::int(i64::from(version))),
        (Value::string("variant"), Value::string(variant)),
    ];
    if matches!(version, 1 | 2) {
        // 100-ns intervals since 1582-10-15.
        let ticks =
            i64::from(be32(0)) | i64::from(be16(4)) << 32 | i64::from(be16(6) & 0x0fff) << 48;
        let since_unix = ticks - 122_192_928_000_000_000;
        let time = (since_unix / 10_000_000) * 1_000_000_000 + (since_unix % 10_000_000) * 100;
        let node: Vec<String> = (10..16).map(|i| format!("{:02x}", at(i))).collect();
        let mac = match at(10) {
            b if b & 0b11 == 0b11 => "local:multicast",
            b if b & 0b01 == 0b01 => "global:multicast",
            b if b & 0b10 == 0b10 => "local:unicast",
            _ => "global:unicast",
        };
        fields.extend([
            (Value::string("time"), Value::int(time)),
            (Value::string("nodeid"), Value::string(&node.join("-"))),
            (Value::string("macvariables"), Value::string(mac)),
            (
                Value::string("clocksequence"),
                Value::int(i64::from(be16(8) & 0x3fff)),
            ),
        ]);
        if version == 2 {
            let domain = match at(9) {
                0 => "Person".to_owned(),
                1 => "Group".to_owned(),
                2 => "Org".to_owned(),
                other => format!("Domain{other}"),
            };
            fields.extend([
                (Value::string("id"), Value::int(i64::from(be32(0)))),
                (Value::string("domain"), Value::string(&domain)),
            ]);
        }
    }
    Ok(object_value(fields))
}

#[cfg(test)]
mod tests {
    use crate::builtins::lookup;
    use crate::builtins::testing::{Want::*, check, context};
    use crate::value::Value;

    #[test]
    fn parse() {
        let v2 = r#"{"clocksequence": 12800, "domain": "Person", "id": 1000, "macvariables": "local:unicast", "nodeid": "32-50-96-b3-9f-47", "time": 1693566990121469600, "variant": "RFC4122", "version": 2}"#;
        check(&[
            (
                "uuid.parse",
                &[r#""{00000000-0000-4000-8000-000000000000}""#],
                Json(r#"{"variant": "RFC4122", "version": 4}"#),
            ),
            (
                "uuid.parse",
                &[r#""urn:uuid:000003e8-48b9-21ee-b200-325096b39f47""#],
                Json(v2),
            ),
            (
                "uuid.parse",
                &[r#""000003e8-48b9-21ee-b200-325096b39f47""#],
                Json(v2),
            ),
            (
                "uuid.parse",
                &[r#""6bea8ef2d3d33cd184e09bab06a52ece""#],
                Json(r#"{"variant": "RFC4122", "version": 3}"#),
            ),
            (
                "uuid.parse",
                &[r#""38074DA4-0B00-388D-9C3C-362DE965547A""#],
                Json(r#"{"variant": "RFC4122", "version": 3}"#),
            ),
            (
                "uuid.parse",
                &[r#""00000000-0000-4000-c000-000000000000""#],
                Json(r#"{"variant": "Microsoft", "version": 4}"#),
            ),
            (
                "uuid.parse",
                &[r#""00000000-0000-4000-8000-00000000000""#],
                Undef("uuid.parse: invalid UUID"),
            ),
            (
                "uuid.parse",
                &[r#""00000000x0000-4000-8000-000000000000""#],
                Undef("invalid UUID"),
            ),
            (
                "uuid.parse",
                &["123"],
                TypeErr("uuid.parse: operand 1 must be string but got number"),
            ),
        ]);
    }

    #[test]
    fn rfc4122_is_deterministic_per_key_and_clock() {
        let builtin = lookup("uuid.rfc4122").unwrap();
        let ctx = context();
        let call = |ctx: &crate::builtins::BuiltinContext, key: &str| {
            (builtin.func)(ctx, &[Value::string(key)]).unwrap()
        };
        let first = call(&ctx, "key");
        assert_eq!(first, call(&ctx, "key"));
        assert_ne!(first, call(&ctx, "other"));
        let later = crate::builtins::BuiltinContext {
            now_ns: ctx.now_ns + 1,
            rand_seed: None,
            net: None,
        };
        assert_ne!(first, call(&later, "key"));
        let text = first.as_str().unwrap().to_owned();
        assert_eq!(text.len(), 36);
        assert_eq!(text.as_bytes()[14], b'4', "version nibble in {text}");
        assert!(
            matches!(text.as_bytes()[19], b'8' | b'9' | b'a' | b'b'),
            "variant in {text}"
        );
        let parsed = (lookup("uuid.parse").unwrap().func)(&ctx, &[first]).unwrap();
        assert_eq!(
            parsed.to_json().to_string(),
            r#"{"variant":"RFC4122","version":4}"#
        );
    }
}
