#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::render;
use crate::value::Value;

fn vars(json: &str) -> Value {
    Value::from_json(&serde_json::from_str(json).unwrap())
}

fn ok(template: &str, json: &str) -> String {
    render(template, vars(json)).unwrap_or_else(|e| panic!("{template}: {e}"))
}

fn err(template: &str, json: &str) -> String {
    render(template, vars(json)).unwrap_err().to_string()
}

#[test]
fn fields_variables_and_missing_keys() {
    assert_eq!(ok("{{.a.b}}-{{$.a.b}}", r#"{"a": {"b": 2.5}}"#), "2.5-2.5");
    assert_eq!(
        ok(
            "{{$x := .a}}{{$x.b}}{{$x = 3}}{{$x}}",
            r#"{"a": {"b": "y"}}"#
        ),
        "y3"
    );
    assert_eq!(
        ok(
            "[{{.nope}}] [{{.a.nope}}] [{{.n}}]",
            r#"{"a": {}, "n": null}"#
        ),
        "[<undefined>] [<undefined>] [<undefined>]"
    );
}

#[test]
fn values_print_like_go() {
    let json = r#"{"v": [1, "two", null, true, {"b": [], "a": {"k": 1}}]}"#;
    assert_eq!(
        ok("{{.v}}", json),
        "[1 two <nil> true map[a:map[k:1] b:[]]]"
    );
    assert_eq!(
        ok("{{printf \"%v|%d|%s|%05.1f\" .v 7 \"s\" 3.14159}}", json),
        "[1 two <nil> true map[a:map[k:1] b:[]]]|7|s|003.1"
    );
    assert_eq!(
        ok(r#"{{print 1 2 "a" "b" 3}}|{{println 1 "a"}}"#, "{}"),
        "1 2ab3|1 a\n"
    );
}

#[test]
fn nested_range_and_if() {
    let json = r#"{"teams": {"b": ["y"], "a": ["x", "z"]}, "empty": []}"#;
    let template = "{{range $team, $people := .teams}}{{$team}}:{{range $i, $p := $people}}{{if $i}},{{end}}{{$p}}{{end}};{{end}}";
    assert_eq!(ok(template, json), "a:x,z;b:y;");
    assert_eq!(ok("{{range .empty}}x{{else}}none{{end}}", json), "none");
    assert_eq!(ok("{{range .missing}}x{{else}}none{{end}}", json), "none");
    assert_eq!(ok("{{range .teams.a}}{{.}}{{end}}", json), "xz");
    let control = "{{range $i, $v := .n}}{{if eq $v 3}}{{break}}{{end}}{{if eq $v 1}}{{continue}}{{end}}{{$v}}{{end}}";
    assert_eq!(ok(control, r#"{"n": [0, 1, 2, 3, 4]}"#), "02");
}

#[test]
fn conditions_follow_go_truthiness() {
    let t = "{{if .a}}A{{else if .b}}B{{else if not .c}}C{{else}}D{{end}}";
    assert_eq!(ok(t, r#"{"a": 0, "b": "", "c": []}"#), "C");
    assert_eq!(ok(t, r#"{"a": {}, "b": [0], "c": 1}"#), "B");
    assert_eq!(ok(t, r#"{"a": 0, "b": false, "c": true}"#), "D");
    assert_eq!(
        ok(
            "{{with .u}}{{.name}}{{else with .v}}v{{else}}none{{end}}",
            r#"{"u": {"name": "ann"}}"#
        ),
        "ann"
    );
    assert_eq!(ok("{{with .u}}{{.name}}{{else}}none{{end}}", "{}"), "none");
    assert_eq!(
        ok(
            "{{and 1 0 2}} {{or 0 \"\" 3}} {{and 1 2}} {{or 0 false}}",
            "{}"
        ),
        "0 3 2 false"
    );
}

#[test]
fn pipelines_and_comparisons() {
    assert_eq!(ok("{{.n | printf \"%03d\"}}", r#"{"n": 7}"#), "007");
    assert_eq!(ok("{{\"a\" | printf \"%s-%s\" \"b\" | len}}", "{}"), "3");
    assert_eq!(
        ok(
            "{{(index .m \"k\").x}} {{index .l 1}} {{len .l}}",
            r#"{"m": {"k": {"x": 5}}, "l": [1, 2]}"#
        ),
        "5 2 2"
    );
    assert_eq!(
        ok(
            "{{eq .a 1 2 3}} {{ne .a 3}} {{lt .a 3}} {{le 3 .a}} {{gt \"b\" \"a\"}} {{ge 2.5 3}}",
            r#"{"a": 3}"#
        ),
        "true false false true true false"
    );
    assert_eq!(ok("{{eq .missing nil}}", "{}"), "true");
}

#[test]
fn trimming_and_comments() {
    let t = "a  \n {{- .x -}} \n\t b {{/* note */}}c{{- /* trimmed */ -}}  d{{-3}}";
    assert_eq!(ok(t, r#"{"x": 1}"#), "a1b cd-3");
}

#[test]
fn errors_name_the_problem_and_line() {
    assert_eq!(
        err("x\n{{foo .a}}", "{}"),
        "template: template:2: function \"foo\" not defined"
    );
    assert_eq!(
        err("{{if .a}}x", "{}"),
        "template: template:1: unexpected EOF"
    );
    assert_eq!(
        err("{{end}}", "{}"),
        "template: template:1: unexpected {{end}}"
    );
    assert_eq!(
        err("{{$y}}", "{}"),
        "template: template:1: undefined variable \"$y\""
    );
    assert_eq!(
        err("{{if 1}}{{$x := 1}}{{end}}{{$x}}", "{}"),
        "template: template:1: undefined variable \"$x\""
    );
    assert_eq!(err("{{.a", "{}"), "template: template:1: unclosed action");
    assert_eq!(
        err("{{break}}", "{}"),
        "template: template:1: {{break}} outside {{range}}"
    );
    assert_eq!(
        err("{{.a.b}}", r#"{"a": "s"}"#),
        "template: template:1: can't evaluate field b in type string"
    );
    assert_eq!(
        err("{{lt .a \"x\"}}", r#"{"a": 1}"#),
        "template: template:1: error calling lt: incompatible types for comparison"
    );
    assert_eq!(
        err("{{range .a}}{{end}}", r#"{"a": 1}"#),
        "template: template:1: range can't iterate over 1"
    );
    assert_eq!(
        err("{{template \"x\"}}", "{}"),
        "template: template:1: {{template}} is not supported"
    );
    assert_eq!(
        err("{{index .l 5}}", r#"{"l": []}"#),
        "template: template:1: error calling index: index out of range: 5"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep_ifs = "{{if 1}}".repeat(100_000);
    assert_eq!(
        err(&deep_ifs, "{}"),
        "template: template:1: template nesting too deep"
    );
    let deep_parens = format!("{{{{{}1{}}}}}", "(".repeat(100_000), ")".repeat(100_000));
    assert_eq!(
        err(&deep_parens, "{}"),
        "template: template:1: unclosed left paren, or parentheses nested too deep"
    );
    let fine = format!("{}x{}", "{{if 1}}".repeat(50), "{{end}}".repeat(50));
    assert_eq!(ok(&fine, "{}"), "x");
}
