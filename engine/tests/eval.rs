//! Evaluator tests.
//!
//! Data-driven cases live in `tests/data/eval/*.case`: the policy (modules
//! separated by `--- module`), then optional `--- input` / `--- data` JSON
//! sections and a `--- query`. [`check`] evaluates a case and renders the
//! `opa eval -f json` result, printed lines, or the error with its OPA code;
//! the rendering is snapshotted with insta.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions"
)]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use riskgate_engine::eval::{EvalError, EvalLimits, EvalOptions, LimitKind};
use riskgate_engine::{CompileOptions, Compiler, Policy, Value};

fn compile(modules: &[&str]) -> Result<Policy, String> {
    let mut compiler = Compiler::new(CompileOptions::default());
    for (i, module) in modules.iter().enumerate() {
        compiler
            .add_module(&format!("module{i}.rego"), module)
            .map_err(|e| {
                e.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
    }
    compiler.compile().map_err(|e| {
        e.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Evaluates one case file and renders its outcome.
fn check(text: &str) -> String {
    let mut modules = vec![String::new()];
    let mut input = None;
    let mut data = None;
    let mut query = String::new();
    let mut section = "module";
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("--- ") {
            section = name.trim();
            if section == "module" {
                modules.push(String::new());
            }
            continue;
        }
        let target = match section {
            "input" => input.get_or_insert_with(String::new),
            "data" => data.get_or_insert_with(String::new),
            "query" => &mut query,
            _ => modules.last_mut().unwrap(),
        };
        target.push_str(line);
        target.push('\n');
    }
    let sources: Vec<&str> = modules.iter().map(String::as_str).collect();
    let policy = match compile(&sources) {
        Ok(p) => p,
        Err(e) => return format!("compile error:\n{e}\n"),
    };
    let json = |s: Option<String>| s.map(|s| Value::from_json(&serde_json::from_str(&s).unwrap()));
    let options = EvalOptions {
        input: json(input),
        data: json(data),
        ..EvalOptions::default()
    };
    match policy.eval_query(query.trim(), &options) {
        Ok(out) => {
            let mut rendered = serde_json::to_string_pretty(&out.to_opa_json()).unwrap();
            for line in &out.prints {
                rendered.push_str(&format!("\nprint: {line}"));
            }
            rendered
        }
        Err(e) => format!("error {}: {}", e.opa_code(), e.message()),
    }
}

#[test]
fn eval_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eval");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        insta::assert_snapshot!(name, check(&text));
    }
}

fn limit_kind(result: Result<riskgate_engine::QueryOutput, EvalError>) -> Option<LimitKind> {
    match result {
        Err(EvalError::Limit { kind, .. }) => Some(kind),
        other => panic!("expected a limit error, got {other:?}"),
    }
}

/// A comprehension keeps what it enumerates: with the default limits it
/// must stop at the collection size limit long before the step limit lets
/// it exhaust memory (400 million pairs here).
#[test]
fn huge_comprehensions_stop_at_the_collection_size_limit_by_default() {
    for (name, term) in [
        (
            "array",
            "[[i, j] | some i in numbers.range(1, 20000); some j in numbers.range(1, 20000)]",
        ),
        (
            "set",
            "{[i, j] | some i in numbers.range(1, 20000); some j in numbers.range(1, 20000)}",
        ),
        (
            "object",
            "{sprintf(\"%d-%d\", [i, j]): 1 | some i in numbers.range(1, 20000); some j in numbers.range(1, 20000)}",
        ),
    ] {
        let policy = compile(&[&format!("package l\n\nn := count({term})\n")]).unwrap();
        let result = policy.eval_query("data.l.n", &EvalOptions::default());
        assert_eq!(limit_kind(result), Some(LimitKind::Size), "{name}");
    }
    let error = compile(&["package l\n\nn := count({i | some i in numbers.range(1, 2000000)})\n"])
        .unwrap()
        .eval_query("data.l.n", &EvalOptions::default())
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("collection too large (max collection size)"),
        "{error}"
    );
}

#[test]
fn a_collection_at_the_size_limit_is_allowed() {
    let policy =
        compile(&["package l\n\nn := count({i | some i in numbers.range(1, 1000)})\n"]).unwrap();
    let options = EvalOptions {
        limits: EvalLimits {
            max_collection_len: 1000,
            ..EvalLimits::default()
        },
        ..EvalOptions::default()
    };
    assert_eq!(
        policy.eval_rule("data.l.n", &options).unwrap(),
        Some(Value::from_json(&serde_json::json!(1000)))
    );
}

/// Patterns that backtracking matchers take exponential time on end
/// promptly: regexes are matched in linear time, globs without
/// backtracking blow-up (if either regressed, this test would hang).
#[test]
fn catastrophic_regexes_and_glob_bombs_finish() {
    let policy = compile(&[concat!(
        "package adv\n\n",
        "long := concat(\"\", [\"a\" | some _ in numbers.range(1, 20000)])\n",
        "regex_bomb := regex.match(`^(a+)+$`, concat(\"\", [long, \"!\"]))\n",
        "glob_bomb := glob.match(\"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\", [], long)\n",
    )])
    .unwrap();
    for rule in ["data.adv.regex_bomb", "data.adv.glob_bomb"] {
        let value = policy.eval_rule(rule, &EvalOptions::default()).unwrap();
        assert_eq!(value, Some(Value::Bool(false)), "{rule}");
    }
}

#[test]
fn huge_range_stops_at_step_limit_quickly() {
    let policy =
        compile(&["package l\n\nn := count([x | some x in numbers.range(1, 1000000000)])\n"])
            .unwrap();
    let start = Instant::now();
    let options = EvalOptions {
        limits: EvalLimits {
            max_steps: 100_000,
            ..EvalLimits::default()
        },
        ..EvalOptions::default()
    };
    assert_eq!(
        limit_kind(policy.eval_query("data.l.n", &options)),
        Some(LimitKind::Steps)
    );
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn nested_loops_stop_at_step_limit() {
    let policy = compile(&[
        "package l\n\nn := count([1 | some i in numbers.range(1, 30000); some j in numbers.range(1, 30000); i == j])\n",
    ])
    .unwrap();
    let options = EvalOptions {
        limits: EvalLimits {
            max_steps: 200_000,
            ..EvalLimits::default()
        },
        ..EvalOptions::default()
    };
    assert_eq!(
        limit_kind(policy.eval_query("data.l.n", &options)),
        Some(LimitKind::Steps)
    );
}

#[test]
fn deep_rule_chains_stop_at_depth_limit() {
    let mut source = String::from("package d\n\nr0 := 1\n");
    for i in 1..200 {
        source.push_str(&format!("r{i} := r{} + 1\n", i - 1));
    }
    let policy = compile(&[&source]).unwrap();
    let shallow = EvalOptions {
        limits: EvalLimits {
            max_depth: 50,
            ..EvalLimits::default()
        },
        ..EvalOptions::default()
    };
    assert_eq!(
        limit_kind(policy.eval_query("data.d.r199", &shallow)),
        Some(LimitKind::Depth)
    );
    // The default depth is enough, and the stack does not overflow.
    let out = policy
        .eval_query("x := data.d.r199", &EvalOptions::default())
        .unwrap();
    assert_eq!(out.results[0].bindings["x"], Value::int(200));
}

#[test]
fn recursive_functions_are_rejected_at_compile_time() {
    let err = compile(&["package r\n\nf(x) := y if y := f(x)\n"]).unwrap_err();
    assert!(err.contains("rego_recursion_error"), "{err}");
}

#[test]
fn cancellation_and_deadline_stop_evaluation() {
    let policy = compile(&[
        "package l\n\nn := count([1 | some i in numbers.range(1, 3000); some j in numbers.range(1, 3000); i == j])\n",
    ])
    .unwrap();
    let cancelled = EvalOptions {
        limits: EvalLimits {
            cancel: Some(Arc::new(AtomicBool::new(true))),
            ..EvalLimits::default()
        },
        ..EvalOptions::default()
    };
    assert_eq!(
        limit_kind(policy.eval_query("data.l.n", &cancelled)),
        Some(LimitKind::Cancelled)
    );
    let late = EvalOptions {
        limits: EvalLimits {
            deadline: Some(Instant::now()),
            ..EvalLimits::default()
        },
        ..EvalOptions::default()
    };
    assert_eq!(
        limit_kind(policy.eval_query("data.l.n", &late)),
        Some(LimitKind::Deadline)
    );
}

#[test]
fn eval_rule_reads_one_document() {
    let policy = compile(&["package x\n\nallow if input.ok\n"]).unwrap();
    let yes = EvalOptions {
        input: Some(Value::from_json(&serde_json::json!({"ok": true}))),
        ..EvalOptions::default()
    };
    assert_eq!(
        policy.eval_rule("data.x.allow", &yes).unwrap(),
        Some(Value::Bool(true))
    );
    assert_eq!(
        policy
            .eval_rule("data.x.allow", &EvalOptions::default())
            .unwrap(),
        None
    );
}

#[test]
fn strict_builtin_errors_abort() {
    let policy = compile(&["package s\n\np := 1 / 0\n"]).unwrap();
    let strict = EvalOptions {
        strict_builtin_errors: true,
        ..EvalOptions::default()
    };
    let err = policy.eval_query("data.s.p", &strict).unwrap_err();
    assert_eq!(err.opa_code(), "eval_builtin_error");
    let out = policy
        .eval_query("data.s.p", &EvalOptions::default())
        .unwrap();
    assert!(out.results.is_empty());
}

#[test]
fn policies_are_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Policy>();
}

#[test]
fn rand_intn_is_refused_unless_seeded() {
    let module = "package r\n\nn := rand.intn(\"key\", 10)\nsame if rand.intn(\"key\", 10) == n\n";
    let refused = compile(&[module]).unwrap_err();
    assert!(refused.contains("rand.intn is not supported"), "{refused}");

    let seeded = |seed: u64| {
        let mut compiler = Compiler::new(CompileOptions {
            rand_seed: Some(seed),
            ..CompileOptions::default()
        });
        compiler.add_module("r.rego", module).unwrap();
        compiler.compile().unwrap()
    };
    let draw = |policy: &Policy| {
        policy
            .eval_rule("data.r.n", &EvalOptions::default())
            .unwrap()
            .and_then(|v| v.as_number())
            .and_then(|n| n.as_i64())
            .unwrap()
    };
    let policy = seeded(42);
    let first = draw(&policy);
    assert!((0..10).contains(&first));
    assert_eq!(first, draw(&seeded(42)));
    assert_eq!(
        policy
            .eval_rule("data.r.same", &EvalOptions::default())
            .unwrap(),
        Some(Value::Bool(true))
    );
    // A query against a seeded policy may call it too.
    let out = policy
        .eval_query("x := rand.intn(\"key\", 10)", &EvalOptions::default())
        .unwrap();
    assert_eq!(out.results.len(), 1);
}
