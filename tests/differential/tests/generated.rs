//! Generated differential test: small well-formed Rego v1 policies over a
//! small random input; riskgate and regorus must agree on `data.gen`.
//!
//! Each construct carries a feature name; a disagreement is tolerated only
//! when the policy uses a feature listed as `generated:FEATURE` in
//! `allowlist.txt` (with the reason there).

#![allow(clippy::unwrap_used, reason = "test")]

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use riskgate_conformance::Case;
use riskgate_differential::{Observed, compare, load_allowlist, root};

/// A fragment of policy text and the features it uses.
#[derive(Debug, Clone)]
struct Fragment {
    text: String,
    features: BTreeSet<&'static str>,
}

fn frag(text: String, features: &[&'static str]) -> Fragment {
    Fragment {
        text,
        features: features.iter().copied().collect(),
    }
}

fn join(parts: Vec<Fragment>, sep: &str) -> Fragment {
    Fragment {
        text: parts
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(sep),
        features: parts.into_iter().flat_map(|p| p.features).collect(),
    }
}

fn cmp_op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="])
}

fn small() -> impl Strategy<Value = i64> {
    -3i64..8
}

/// Integer-valued expressions over the input.
fn int_expr() -> BoxedStrategy<Fragment> {
    let leaf = prop_oneof![
        small().prop_map(|n| frag(n.to_string(), &[])),
        Just(frag("input.m.a".into(), &["input"])),
        Just(frag("input.m.b".into(), &["input"])),
        Just(frag("count(input.xs)".into(), &["count"])),
        Just(frag("sum(input.xs)".into(), &["sum"])),
    ];
    leaf.prop_recursive(2, 8, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| {
                    let mut f = join(vec![a, b], &format!(" {op} "));
                    f.text = format!("({})", f.text);
                    f.features.insert("arith");
                    f
                }),
            inner.clone().prop_map(|a| {
                let mut f = a;
                f.text = format!("abs({})", f.text);
                f.features.insert("abs");
                f
            }),
            (inner, 1i64..4).prop_map(|(a, k)| {
                let mut f = a;
                f.text = format!("({} % {k})", f.text);
                f.features.insert("rem");
                f
            }),
        ]
    })
    .boxed()
}

/// One body literal (or a few on separate lines) that may fail.
fn condition() -> BoxedStrategy<Fragment> {
    prop_oneof![
        (int_expr(), cmp_op(), int_expr()).prop_map(|(a, op, b)| {
            let mut f = join(vec![a, b], &format!(" {op} "));
            // regorus reads `x\n(y)` as the call `x(y)` and `x\n-2` as
            // `x - 2`; a body line never starts with `(` or `-` (see
            // allowlist.txt).
            if f.text.starts_with(['(', '-']) {
                f.text = format!("0 + {}", f.text);
            }
            f.features.insert("compare");
            f
        }),
        Just(frag("input.flag".into(), &["input"])),
        Just(frag("not input.flag".into(), &["not"])),
        (cmp_op(), small(), 0i64..3).prop_map(|(op, k, n)| frag(
            format!("count([x | some x in input.xs; x {op} {k}]) > {n}"),
            &["comprehension"]
        )),
        (cmp_op(), small())
            .prop_map(|(op, k)| frag(format!("every x in input.xs {{ x {op} {k} }}"), &["every"])),
        prop::sample::select(vec!["alpha", "beta", "", "zz"])
            .prop_map(|s| frag(format!("input.s == \"{s}\""), &["string"])),
        prop::sample::select(vec!["a", "al", "b", ""])
            .prop_map(|s| frag(format!("startswith(input.s, \"{s}\")"), &["startswith"])),
        prop::sample::select(vec!["a", "zz", "b"])
            .prop_map(|s| frag(format!("input.m.c {} \"{s}\"", "<"), &["string_order"])),
    ]
    .boxed()
}

fn body() -> impl Strategy<Value = Fragment> {
    prop::collection::vec(condition(), 1..3).prop_map(|c| join(c, "\n\t"))
}

/// One rule (possibly with helpers) named `r{i}`; may refer to `r{j}`, j < i.
fn rule(i: usize) -> BoxedStrategy<Fragment> {
    let name = format!("r{i}");
    let n = name.clone();
    let bool_rule = (body(), any::<bool>()).prop_map(move |(b, default)| {
        let default = if default {
            format!("default {n} := false\n\n")
        } else {
            String::new()
        };
        let mut f = frag(
            format!("{default}{n} if {{\n\t{}\n}}", b.text),
            &["bool_rule"],
        );
        f.features.extend(b.features);
        f
    });
    let n = name.clone();
    let else_rule = (body(), int_expr(), int_expr()).prop_map(move |(b, e1, e2)| {
        let mut f = frag(
            format!(
                "{n} := {} if {{\n\t{}\n}} else := {}",
                e1.text, b.text, e2.text
            ),
            &["else"],
        );
        f.features.extend(b.features);
        f.features.extend(e1.features);
        f.features.extend(e2.features);
        f
    });
    let n = name.clone();
    let set_rule = (cmp_op(), small()).prop_map(move |(op, k)| {
        frag(
            format!("{n} contains x if {{\n\tsome x in input.xs\n\tx {op} {k}\n}}"),
            &["partial_set"],
        )
    });
    let n = name.clone();
    let object_rule = body().prop_map(move |b| {
        let mut f = frag(
            format!(
                "{n}[k] := v if {{\n\tsome k, v in input.m\n\t{}\n}}",
                b.text
            ),
            &["partial_object"],
        );
        f.features.extend(b.features);
        f
    });
    let n = name.clone();
    let comprehensions = (
        prop::sample::select(vec!["+", "-", "*", "%"]),
        1i64..5,
        cmp_op(),
        small(),
        0usize..3,
    )
        // Comprehension heads are plain terms (OPA's grammar: `[term |
        // body]`); arithmetic happens in the body.
        .prop_map(move |(op, k, cmp, j, shape)| match shape {
            0 => frag(
                format!("{n} := [y | some x in input.xs; x {cmp} {j}; y := x {op} {k}]"),
                &["array_comprehension"],
            ),
            1 => frag(
                format!("{n} := {{y | some x in input.xs; y := x {op} {k}}}"),
                &["set_comprehension"],
            ),
            _ => frag(
                format!("{n} := {{x: y | some x in input.xs; x {cmp} {j}; y := x {op} {k}}}"),
                &["object_comprehension"],
            ),
        });
    let n = name.clone();
    let function = (small(), small(), int_expr(), small()).prop_map(move |(k, j, arg, other)| {
        let mut f = frag(
            format!(
                "f{n}(a) := a + {k} if {{\n\ta > {j}\n}} else := {other}\n\n{n} := f{n}({})",
                arg.text
            ),
            &["function"],
        );
        f.features.extend(arg.features);
        f
    });
    let n = name.clone();
    let aggregate = prop::sample::select(vec![
        ("max(input.xs)", "builtin"),
        ("min(input.xs)", "builtin"),
        ("sort(input.xs)", "builtin"),
        ("array.slice(input.xs, 1, 3)", "builtin"),
        (
            "concat(\",\", [sprintf(\"%d\", [x]) | some x in input.xs])",
            "sprintf_d",
        ),
        ("{x | some x in input.xs} | {1, 2}", "builtin"),
        ("{x | some x in input.xs} & {1, 2, 3}", "builtin"),
        ("object.keys(input.m)", "builtin"),
        ("[x | some x in input.xs][0]", "builtin"),
        ("to_number(input.flag)", "builtin"),
    ])
    .prop_map(move |(e, feature)| frag(format!("{n} := {e}"), &[feature]));
    let mut choices: Vec<BoxedStrategy<Fragment>> = vec![
        bool_rule.boxed(),
        else_rule.boxed(),
        set_rule.boxed(),
        object_rule.boxed(),
        comprehensions.boxed(),
        function.boxed(),
        aggregate.boxed(),
    ];
    if i > 0 {
        let n = name;
        choices.push(
            (0..i, body())
                .prop_map(move |(j, b)| {
                    let mut f = frag(
                        format!("{n} if {{\n\tr{j}\n\t{}\n}}", b.text),
                        &["rule_ref"],
                    );
                    f.features.extend(b.features);
                    f
                })
                .boxed(),
        );
    }
    prop::strategy::Union::new(choices).boxed()
}

fn policy() -> impl Strategy<Value = Fragment> {
    (1usize..5).prop_flat_map(|n| {
        (0..n).map(rule).collect::<Vec<_>>().prop_map(|rules| {
            let mut f = join(rules, "\n\n");
            f.text = format!("package gen\n\n{}\n", f.text);
            f
        })
    })
}

fn input() -> impl Strategy<Value = serde_json::Value> {
    (
        prop::collection::vec(-5i64..10, 0..5),
        small(),
        small(),
        prop::sample::select(vec!["a", "b", "zz"]),
        prop::sample::select(vec!["alpha", "beta", ""]),
        any::<bool>(),
    )
        .prop_map(|(xs, a, b, c, s, flag)| {
            serde_json::json!({"xs": xs, "m": {"a": a, "b": b, "c": c}, "s": s, "flag": flag})
        })
}

#[test]
fn generated_policies_agree() {
    let allowlist = load_allowlist(&root().join("allowlist.txt"));
    let tolerated: BTreeSet<&str> = allowlist
        .keys()
        .filter_map(|k| k.strip_prefix("generated:"))
        .collect();
    let cases = std::env::var("RISKGATE_DIFFERENTIAL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64u32);
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    };
    // A fixed seed keeps CI deterministic; raise RISKGATE_DIFFERENTIAL_CASES
    // locally to explore further.
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let valued = std::cell::Cell::new(0usize);
    let result = runner.run(&(policy(), input()), |(policy, input)| {
        let case = Case {
            modules: vec![policy.text.clone()],
            input: Some(input),
            query: "x = data.gen".into(),
            ..Case::default()
        };
        let outcome = compare(&case);
        if matches!(outcome.riskgate, Observed::Solutions(ref s) if !s.is_empty()) {
            valued.set(valued.get() + 1);
        }
        let excused = policy.features.iter().any(|f| tolerated.contains(f));
        prop_assert!(
            outcome.agree() || excused,
            "engines disagree on\n{}\nriskgate: {:?}\nregorus:  {:?}",
            policy.text,
            outcome.riskgate,
            outcome.regorus
        );
        Ok(())
    });
    result.unwrap();
    // The generator makes well-formed policies: most of them must evaluate.
    assert!(
        valued.get() * 10 >= cases as usize * 9,
        "only {} of {cases} generated policies produced a value",
        valued.get()
    );
}
