//! `Policy::session` (rule values shared across evaluations over the same
//! input) and `Policy::eval_rule_traced` (the trace behind one value).

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use riskgate_engine::eval::TraceOp;
use riskgate_engine::{CompileOptions, Compiler, EvalLimits, EvalOptions, Value};

const POLICY: &str = "package p\n\nitems := [x | some x in input.values; x > 1]\n\ntotal := sum(items)\n\nbig if total > 5\n\nsmall := [x | some x in input.values; x < 5]\n";

fn options(values: &str) -> EvalOptions {
    EvalOptions {
        input: Some(Value::from_json(
            &serde_json::from_str(&format!("{{\"values\": {values}}}")).unwrap(),
        )),
        ..EvalOptions::default()
    }
}

fn policy() -> riskgate_engine::Policy {
    let mut compiler = Compiler::new(CompileOptions::default());
    compiler.add_module("p.rego", POLICY).unwrap();
    compiler.compile().unwrap()
}

#[test]
fn a_session_gives_the_same_values_as_separate_evaluations() {
    let policy = policy();
    let options = options("[1, 2, 3, 4]");
    let mut session = policy.session(&options);
    for path in [
        "data.p.total",
        "data.p.items",
        "data.p.big",
        "data.p.missing",
    ] {
        assert_eq!(
            session.eval_rule(path).unwrap(),
            policy.eval_rule(path, &options).unwrap(),
            "{path}"
        );
    }
    assert_eq!(
        session.eval_rule("data.p.total").unwrap(),
        Some(Value::from_json(&serde_json::json!(9)))
    );
}

/// The fewest steps `path` needs on its own.
fn steps_needed(policy: &riskgate_engine::Policy, options: &EvalOptions, path: &str) -> u64 {
    (1..1000)
        .find(|&max_steps| {
            let mut options = options.clone();
            options.limits.max_steps = max_steps;
            policy.eval_rule(path, &options).is_ok()
        })
        .unwrap()
}

#[test]
fn the_step_limit_applies_to_each_evaluation_of_a_session() {
    let policy = policy();
    let mut options = options("[1, 2, 3, 4, 5, 6, 7, 8]");
    let items = steps_needed(&policy, &options, "data.p.items");
    let small = steps_needed(&policy, &options, "data.p.small");
    // Each rule fits the limit on its own, both together would not.
    options.limits = EvalLimits {
        max_steps: items.max(small),
        ..EvalLimits::default()
    };
    assert!(items + small > options.limits.max_steps);
    let mut session = policy.session(&options);
    assert!(session.eval_rule("data.p.items").is_ok());
    assert!(session.eval_rule("data.p.small").is_ok());
    options.limits.max_steps = items - 1;
    let mut session = policy.session(&options);
    assert!(session.eval_rule("data.p.items").is_err());
}

#[test]
fn a_traced_rule_shows_the_rules_it_depends_on() {
    let policy = policy();
    let (value, events) = policy
        .eval_rule_traced("data.p.big", &options("[1, 2, 3, 4]"))
        .unwrap();
    assert_eq!(value, Some(Value::Bool(true)));
    let entered: Vec<&str> = events
        .iter()
        .filter(|e| e.op == TraceOp::Enter)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        entered,
        [
            "big if total > 5",
            "total := sum(items)",
            "items := [x | some x in input.values; x > 1]"
        ]
    );
    let line = events[0].line();
    assert!(
        line.starts_with("Enter big if total > 5  (p.rego:7:1)"),
        "{line}"
    );
}

const CALLS: &str = "package q\n\ng(x) := x + input.k\n\nf(x) := g(x) * 2\n\nh(x) := x + 10\n\nplain := f(1)\n\nmocked := y if {\n\ty := f(1) with g as h\n}\n\nother_input := y if {\n\ty := f(1) with input.k as 5\n}\n\ntwice := [f(1), f(2), f(1)]\n";

#[test]
fn memoised_function_calls_never_leak_into_or_out_of_with() {
    let mut compiler = Compiler::new(CompileOptions::default());
    compiler.add_module("q.rego", CALLS).unwrap();
    let policy = compiler.compile().unwrap();
    let options = EvalOptions {
        input: Some(Value::from_json(&serde_json::json!({"k": 1}))),
        ..EvalOptions::default()
    };
    let mut session = policy.session(&options);
    // `plain` first, so f(1) and g(1) are memoised before the `with`s run.
    let expected = [
        ("data.q.plain", serde_json::json!(4)),
        ("data.q.mocked", serde_json::json!(22)),
        ("data.q.other_input", serde_json::json!(12)),
        ("data.q.twice", serde_json::json!([4, 6, 4])),
        ("data.q.plain", serde_json::json!(4)),
    ];
    for (path, value) in expected {
        let value = Some(Value::from_json(&value));
        assert_eq!(
            session.eval_rule(path).unwrap(),
            value,
            "{path} in the session"
        );
        assert_eq!(
            policy.eval_rule(path, &options).unwrap(),
            value,
            "{path} alone"
        );
    }
}

#[test]
fn a_session_reads_rules_below_packages_and_inside_rule_values() {
    let policy = policy();
    let options = options("[1, 2, 3, 4]");
    let mut session = policy.session(&options);
    for path in [
        "data.p",
        "data.p.items.0",
        "data",
        "p.total",
        "data.p.total.x",
    ] {
        assert_eq!(
            session.eval_rule(path).unwrap(),
            policy.eval_rule(path, &options).unwrap(),
            "{path}"
        );
    }
}
