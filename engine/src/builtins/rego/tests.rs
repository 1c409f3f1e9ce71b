//! Unit tests for `rego.parse_module`: what a policy reads from the AST.

use super::parse_module;
use crate::builtins::testing::{Want, check, context};
use crate::value::Value;

fn parse(source: &str) -> serde_json::Value {
    let args = [Value::String("x.rego".into()), Value::String(source.into())];
    match parse_module(&context(), &args) {
        Ok(value) => value.to_json(),
        Err(error) => panic!("parse failed: {}", error.message),
    }
}

const MODULE: &str =
    "package foo.bar\n\nimport data.a.b as c\n\np if { x := input.y[_]; x == 1 }\n";

#[test]
fn package_path_starts_with_data() {
    let module = parse(MODULE);
    assert_eq!(
        module["package"]["path"],
        serde_json::json!([
            {"type": "var", "value": "data"},
            {"type": "string", "value": "foo"},
            {"type": "string", "value": "bar"},
        ])
    );
}

#[test]
fn import_path_and_alias() {
    let module = parse(MODULE);
    assert_eq!(
        module["imports"][0],
        serde_json::json!({
            "path": {"type": "ref", "value": [
                {"type": "var", "value": "data"},
                {"type": "string", "value": "a"},
                {"type": "string", "value": "b"},
            ]},
            "alias": "c",
        })
    );
}

#[test]
fn rule_head_and_body() {
    let module = parse(MODULE);
    let rule = &module["rules"][0];
    assert_eq!(rule["head"]["name"], "p");
    assert_eq!(
        rule["head"]["value"],
        serde_json::json!({"type": "boolean", "value": true})
    );
    assert_eq!(
        rule["body"][0],
        serde_json::json!({"index": 0, "terms": [
            {"type": "ref", "value": [{"type": "var", "value": "assign"}]},
            {"type": "var", "value": "x"},
            {"type": "ref", "value": [
                {"type": "var", "value": "input"},
                {"type": "string", "value": "y"},
                {"type": "var", "value": "$0"},
            ]},
        ]})
    );
    assert_eq!(rule["body"][1]["index"], 1);
    assert_eq!(rule["body"][1]["terms"][0]["value"][0]["value"], "equal");
}

#[test]
fn default_and_else() {
    let module = parse("package p\n\ndefault d := 1\n\nf(x) := 1 if x > 0 else := 2\n");
    assert_eq!(module["rules"][0]["default"], true);
    assert_eq!(module["rules"][0]["head"]["assign"], true);
    let f = &module["rules"][1];
    assert_eq!(
        f["head"]["args"][0],
        serde_json::json!({"type": "var", "value": "x"})
    );
    assert_eq!(
        f["else"]["head"]["value"],
        serde_json::json!({"type": "number", "value": 2})
    );
}

#[test]
fn parse_errors_name_file_line_and_opa_wording() {
    check(&[
        (
            "rego.parse_module",
            &[r#""x.rego""#, r#""package foo.""#],
            Want::Err(
                "rego.parse_module: x.rego:1: rego_parse_error: unexpected eof token: expected ident",
            ),
        ),
        (
            "rego.parse_module",
            &[r#""y.rego""#, r#""package a\n\np if {\n  1 +\n}""#],
            Want::Err("y.rego:"),
        ),
        (
            "rego.parse_module",
            &["1", r#""package a""#],
            Want::TypeErr("rego.parse_module: operand 1 must be string but got number"),
        ),
    ]);
}
