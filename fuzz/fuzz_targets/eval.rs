//! Compiling and evaluating any policy text never panics, overflows the
//! stack or runs away: with small limits every evaluation ends in a value
//! or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use riskgate_engine::{CompileOptions, Compiler, EvalLimits, EvalOptions, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut compiler = Compiler::new(CompileOptions::default());
    if compiler.add_module("fuzz.rego", text).is_err() {
        return;
    }
    let Ok(policy) = compiler.compile() else {
        return;
    };
    let options = EvalOptions {
        input: Some(Value::from_json(
            &serde_json::json!({"a": [1, "x", {"b": null}]}),
        )),
        limits: EvalLimits {
            max_steps: 200_000,
            max_depth: 200,
            max_output_bytes: 1 << 16,
            max_collection_len: 10_000,
            ..EvalLimits::default()
        },
        ..EvalOptions::default()
    };
    let _ = policy.eval_query("data", &options);
});
