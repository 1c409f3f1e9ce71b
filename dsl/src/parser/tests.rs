use crate::ast::{ExprKind, Item, LiteralKind};
use crate::{Dialect, ParseOptions, parse_module};

fn codes(source: &str) -> Vec<&'static str> {
    parse_module(source, ParseOptions::new(Dialect::Gate))
        .diagnostics
        .iter()
        .map(|d| d.code().id)
        .collect()
}

#[test]
fn parses_a_simple_rule() {
    let parsed = parse_module(
        "package a\n\nallow if input.user == \"x\"\n",
        ParseOptions::new(Dialect::Rego),
    );
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.module.items.len(), 1);
}

#[test]
fn keywords_followed_by_dot_are_names() {
    let parsed = parse_module(
        "package foo.if.bar\nimport data.foo.as as x\np if {\n  not.foo == 1\n  if.x == 2\n}\ndefault.foo := 1\n",
        ParseOptions::new(Dialect::Rego),
    );
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.module.items.len(), 2);
}

#[test]
fn precedence_follows_opa() {
    let parsed = parse_module(
        "package a\np := 1 + 2 * 3 == 7\n",
        ParseOptions::new(Dialect::Rego),
    );
    let Item::Rule(rule) = &parsed.module.items[0] else {
        panic!()
    };
    let value = &rule.head.value.as_ref().unwrap().value;
    let ExprKind::Binary { op, .. } = &value.kind else {
        panic!("{value:?}")
    };
    assert_eq!(op.as_str(), "==");
}

#[test]
fn some_in_and_every_parse() {
    let parsed = parse_module(
        "package a\np if {\n  some k, v in input.xs\n  every x in v { x > 1 }\n}\n",
        ParseOptions::new(Dialect::Rego),
    );
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let Item::Rule(rule) = &parsed.module.items[0] else {
        panic!()
    };
    let body = rule.body.as_ref().unwrap();
    assert!(matches!(
        body.literals[0].kind,
        LiteralKind::SomeIn { key: Some(_), .. }
    ));
    assert!(matches!(body.literals[1].kind, LiteralKind::Every { .. }));
}

#[test]
fn recovers_and_reports_every_broken_rule() {
    let source = "package a\n\np if {\n  x := \n}\n\nq := [1, 2\n\nr := 3 +\n\ns := 4\n";
    let parsed = parse_module(source, ParseOptions::new(Dialect::Rego));
    assert_eq!(parsed.diagnostics.len(), 3, "{:#?}", parsed.diagnostics);
    // The last rule still parses.
    assert!(
        parsed
            .module
            .items
            .iter()
            .any(|i| matches!(i, Item::Rule(r) if r.head.reference.name.text == "s"))
    );
}

#[test]
fn v1_requires_if_and_contains() {
    assert_eq!(codes("package a\np { true }\n"), ["E0013"]);
    assert_eq!(codes("package a\np[x] { x := 1 }\n"), ["E0014"]);
    let v0 = parse_module(
        "package a\np[x] { x := 1 }\nq { true }\n",
        ParseOptions::new(Dialect::Rego).with_v0_compatible(true),
    );
    assert!(v0.diagnostics.is_empty(), "{:?}", v0.diagnostics);
    let Item::Rule(rule) = &v0.module.items[0] else {
        panic!()
    };
    assert!(rule.head.contains.is_some());
}

#[test]
fn declarations_only_in_gate_files() {
    let source = "package a\nrisk \"r.x\" { title: \"t\" }\n";
    assert!(codes(source).is_empty());
    let rego = parse_module(source, ParseOptions::new(Dialect::Rego));
    assert_eq!(rego.diagnostics[0].code().id, "E0021");
}

#[test]
fn control_declaration_parses_members() {
    let source = r#"package stdlib.fairness

control "C-FAIR-01" {
  title: "Adverse impact"
  mitigates: ["fairness.disparate_impact"]
  applies if {
    input.spec.classification.risk_tier in {"high", "critical"}
  }
  require test "air" {
    metric: "adverse_impact_ratio"
    op: ">="
    threshold: 0.8
  }
  violation contains msg if {
    not input.spec.rollback.procedure_ref
    msg := "no rollback"
  }
}
"#;
    let parsed = parse_module(source, ParseOptions::new(Dialect::Gate));
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let Item::Control(control) = &parsed.module.items[0] else {
        panic!()
    };
    assert_eq!(control.members.len(), 5);
}

#[test]
fn template_strings_and_comprehensions() {
    let source = "package a\np := $\"x {1 + 2} \\{y}\"\nq := [x | some x in [1, 2]; x > 1]\nr := {k: v | some k, v in {\"a\": 1}}\ns := {x | x := 1}\n";
    let parsed = parse_module(source, ParseOptions::new(Dialect::Rego));
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.module.items.len(), 4);
}

#[test]
fn chained_in_after_key_value_pair_stays_a_braced_body() {
    let parsed = parse_module(
        "package a\np if {\n\t1, 2 in [2] in [false, true]\n}\n",
        ParseOptions::new(Dialect::Rego),
    );
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let Item::Rule(rule) = &parsed.module.items[0] else {
        panic!()
    };
    let body = rule.body.as_ref().unwrap();
    assert!(body.braced);
    let LiteralKind::Expr(expr) = &body.literals[0].kind else {
        panic!()
    };
    let ExprKind::Membership {
        key: None, value, ..
    } = &expr.kind
    else {
        panic!("{expr:?}")
    };
    assert!(matches!(
        value.kind,
        ExprKind::Membership { key: Some(_), .. }
    ));
}

#[test]
fn spans_exclude_trailing_comments_with_blanks() {
    let source = "package p\n\ns if {\n\tinput.b # c   \n}\n";
    let parsed = parse_module(source, ParseOptions::new(Dialect::Rego));
    let Item::Rule(rule) = &parsed.module.items[0] else {
        panic!()
    };
    let literal = &rule.body.as_ref().unwrap().literals[0];
    assert_eq!(literal.span.text(source), "input.b");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!(
        "package a\nx := {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let parsed = parse_module(&deep, ParseOptions::new(Dialect::Rego));
    assert_eq!(parsed.diagnostics[0].code().id, "E0034");
    let long = format!("package a\nx := 1{}\n", " + 1".repeat(5_000));
    let parsed = parse_module(&long, ParseOptions::new(Dialect::Rego));
    assert_eq!(parsed.diagnostics[0].code().id, "E0034");
    let negs = format!("package a\nx := {}1\n", "-".repeat(5_000));
    assert!(parse_module(&negs, ParseOptions::new(Dialect::Rego)).has_errors());
    let templates = format!(
        "package a\nx := {}1{}\n",
        "$\"{".repeat(10_000),
        "}\"".repeat(10_000)
    );
    assert!(parse_module(&templates, ParseOptions::new(Dialect::Rego)).has_errors());
}
