use crate::builtins::lookup;
use crate::builtins::testing::{Want::*, check, context, parse_arg};
use crate::value::Value;

#[test]
fn opa_extensions_and_errors() {
    check(&[
        (
            "json.patch",
            &[
                r#"{"foo": {"$set": ["a", "b", "c"]}}"#,
                r#"[{"op": "remove", "path": "foo/b"}]"#,
            ],
            Json(r#"{"foo": ["a", "c"]}"#),
        ),
        (
            "json.patch",
            &[
                r#"{"foo": {"$set": ["a", "b", "c"]}}"#,
                r#"[{"op": "add", "path": "foo/d", "value": "d"}]"#,
            ],
            Json(r#"{"foo": ["a", "b", "c", "d"]}"#),
        ),
        (
            "json.patch",
            &[
                r#"{"foo": {"$set": ["a", "b", "c"]}}"#,
                r#"[{"op": "add", "path": "foo/d", "value": "e"}]"#,
            ],
            Undef("json.patch: set element"),
        ),
        (
            "json.patch",
            &[
                r#"{"foo": {"$set": ["a", "b"]}, "bar": {"$set": ["c", "d"]}}"#,
                r#"[{"op": "move", "from": "foo/a", "path": "bar/a"}]"#,
            ],
            Json(r#"{"bar": ["a", "c", "d"], "foo": ["b"]}"#),
        ),
        (
            "json.patch",
            &[
                r#"{"$set": [[1]]}"#,
                r#"[{"op": "add", "path": [[1], 1], "value": 2}]"#,
            ],
            Json("[[1, 2]]"),
        ),
        (
            "json.patch",
            &[
                "[1, 2, 3]",
                r#"[{"op": "add", "path": "1.2", "value": "foo"}]"#,
            ],
            Undef("invalid array index"),
        ),
        (
            "json.patch",
            &["{}", r#"{"op": "add"}"#],
            TypeErr("json.patch: operand 2 must be array but got object"),
        ),
        (
            "json.patch",
            &["{}", r#"[{"op": "add", "path": 1, "value": 1}]"#],
            Undef("number is not valid value for 'path'"),
        ),
    ]);
}

/// Runs the RFC 6902 suite vendored with the OPA conformance cases.
#[test]
fn json_patch_suite() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/conformance/opa-v1/jsonpatch/json-patch-tests.json"
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let trailing_comma = regex::Regex::new(r",(\s*[\]}])").unwrap();
    let builtin = lookup("json.patch").unwrap();
    let mut failures = Vec::new();
    let mut ran = 0;
    for module in file["cases"][0]["modules"].as_array().unwrap() {
        let module = module.as_str().unwrap();
        let Some((_, body)) = module.split_once("cases :=") else {
            continue;
        };
        let cases: serde_json::Value =
            serde_json::from_str(&trailing_comma.replace_all(body, "$1")).unwrap();
        for case in cases.as_array().unwrap() {
            if case["opa_disabled"] == true || case["disabled"] == true {
                continue;
            }
            ran += 1;
            let doc = parse_arg(&case["doc"].to_string());
            let patch = parse_arg(&case["patch"].to_string());
            let got = (builtin.func)(&context(), &[doc, patch]);
            let ok = match (case.get("expected"), case.get("error"), &got) {
                (Some(expected), _, Ok(value)) => value.to_json() == *expected,
                (None, Some(_), Result::Err(_)) => true,
                (None, None, Ok(_)) => true,
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{}: got {:?}",
                    case["comment"],
                    got.map(|v: Value| v.to_json())
                ));
            }
        }
    }
    assert!(ran > 100, "ran only {ran} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
