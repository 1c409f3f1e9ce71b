//! `rand.intn`, opt-in only ([`crate::CompileOptions::rand_seed`]).
//!
//! OPA draws a random number per `(key, n)` and query. riskgate keeps
//! decisions reproducible: the number is a keyed hash of the policy's seed,
//! the key and `n`, so the same seed and arguments always give the same
//! number (OPA's promise within one query, here across runs too). Without a
//! seed the builtin is not registered and the compiler refuses a call.

use sha2::{Digest as _, Sha256};

use crate::builtins::operands::{self, failed};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError, UNSUPPORTED};
use crate::value::Value;

/// The seeded `rand.intn`; the compiler resolves calls to it only when the
/// policy opted in.
pub(crate) static RAND_INTN: Builtin = Builtin::new(
    "numbers",
    "rand.intn",
    2,
    intn,
    "Returns a number in `[0, |n|)` for a key, a pseudo-random function of the opt-in seed (`0` when `n` is `0`).",
);

fn intn(ctx: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "rand.intn";
    let key = operands::string(name, args, 1)?;
    let n = operands::int64(name, args, 2)?;
    let Some(seed) = ctx.rand_seed else {
        let reason = UNSUPPORTED
            .iter()
            .find(|(unsupported, _)| *unsupported == name)
            .map_or("", |(_, reason)| reason);
        return Err(failed(name, format!("builtin is not supported: {reason}")));
    };
    if n == 0 {
        return Ok(Value::int(0));
    }
    let bound = n.unsigned_abs();
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    hasher.update(u64::try_from(key.len()).unwrap_or(u64::MAX).to_le_bytes());
    hasher.update(key.as_bytes());
    hasher.update(bound.to_le_bytes());
    let digest = hasher.finalize();
    let mut first = [0_u8; 8];
    first.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    let drawn = u64::from_le_bytes(first) % bound;
    // INVARIANT: drawn < bound <= 2^63, so it fits an i64.
    Ok(Value::int(i64::try_from(drawn).unwrap_or(i64::MAX)))
}

#[cfg(test)]
mod tests {
    use super::RAND_INTN;
    use crate::builtins::testing::context;
    use crate::builtins::{BuiltinContext, BuiltinErrorKind};
    use crate::value::Value;

    fn seeded(seed: u64) -> BuiltinContext {
        BuiltinContext {
            rand_seed: Some(seed),
            ..context()
        }
    }

    fn draw(ctx: &BuiltinContext, key: &str, n: i64) -> i64 {
        (RAND_INTN.func)(ctx, &[Value::string(key), Value::int(n)])
            .ok()
            .and_then(|v| v.as_number())
            .and_then(|n| n.as_i64())
            .unwrap_or(-1)
    }

    #[test]
    fn seeded_draws_are_stable_and_in_range() {
        let ctx = seeded(7);
        let first = draw(&ctx, "key", 100);
        assert!((0..100).contains(&first));
        assert_eq!(first, draw(&ctx, "key", 100));
        assert_eq!(first, draw(&seeded(7), "key", 100));
        assert_eq!(draw(&ctx, "key", 0), 0);
        assert!((0..100).contains(&draw(&ctx, "key", -100)));
        assert_eq!(draw(&ctx, "key", 1), 0);
        assert!((0..i64::MAX).contains(&draw(&ctx, "key", i64::MIN)));
        // Keys and seeds spread the draws.
        let keys: std::collections::BTreeSet<i64> = (0..50)
            .map(|i| draw(&ctx, &format!("k{i}"), 1000))
            .collect();
        assert!(keys.len() > 40, "{keys:?}");
        let seeds: std::collections::BTreeSet<i64> =
            (0..50).map(|s| draw(&seeded(s), "key", 1000)).collect();
        assert!(seeds.len() > 40, "{seeds:?}");
    }

    #[test]
    fn operand_errors_and_no_seed() {
        let ctx = seeded(1);
        let call = |ctx: &BuiltinContext, args: &[Value]| (RAND_INTN.func)(ctx, args);
        let err = call(&ctx, &[Value::int(1), Value::int(2)]).err();
        assert!(err.is_some_and(|e| e.kind == BuiltinErrorKind::Type
            && e.message == "rand.intn: operand 1 must be string but got number"));
        let float = Value::Number(crate::number::Number::Float(1.5));
        let err = call(&ctx, &[Value::string("k"), float]).err();
        assert!(err.is_some_and(|e| e.message.contains("must be integer number")));
        let err = call(&context(), &[Value::string("k"), Value::int(2)]).err();
        assert!(err.is_some_and(|e| e.kind == BuiltinErrorKind::Failed
            && e.message.contains("builtin is not supported")));
    }
}
