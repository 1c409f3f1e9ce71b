//! JSON Schema (drafts 4, 6 and 7, and the 2020-12 subset `schemars`
//! emits): the one schema compiler and the one validation walk of the
//! workspace.
//!
//! [`compile`] turns a schema document into a [`Compiled`] tree, rejecting
//! malformed keywords with gojsonschema's messages (what OPA reports).
//! [`validate`] walks any [`Instance`] (JSON, or the controls' positioned
//! YAML nodes) and returns structured [`Violation`]s: an instance JSON
//! Pointer, the subschema that failed and a [`ViolationKind`]. Callers turn
//! violations into their own messages: the `json.match_schema` builtin into
//! gojsonschema's, the manifest loader into riskgate diagnostics with
//! positions.
//!
//! The module is always built; the engine's `jsonschema` cargo feature only
//! decides whether the `json.*_schema` builtins are registered.
//!
//! Invariants:
//! - Violations come in gojsonschema's order. A failed `anyOf`/`oneOf`
//!   keeps every branch's violations and progress, so a caller picks the
//!   branch that explains the failure; the walk itself never chooses.
//! - References are local (`#/...`) and resolved at compile time; chains
//!   of references and combinators that do not descend into the instance
//!   stop after [`MAX_SCHEMA_HOPS`], so no schema loops forever.
//! - No I/O and no panics: every schema and instance gives either a
//!   compile error or a list of violations.

mod canonical;
mod compile;
mod format;
mod instance;
mod validate;

pub use canonical::{big_float, float};
pub use compile::{Compiled, Literal, Schema, compile};
pub use format::{FormatCheck, common_formats};
pub use instance::{Instance, JsonType};
pub use validate::{Branch, Options, Violation, ViolationKind, furthest, validate};

/// How many `$ref`s and combinator branches are applied to one instance
/// value, one inside the other, before the walk gives up on that value.
pub const MAX_SCHEMA_HOPS: usize = 64;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn violations_of(schema: &serde_json::Value, document: &serde_json::Value) -> Vec<String> {
        let compiled = compile(schema).expect("schema compiles");
        validate(&compiled, document, &Options::default())
            .iter()
            .map(|v| format!("{} {:?}", v.pointer, v.kind))
            .collect()
    }

    #[test]
    fn violations_name_the_instance_pointer_and_what_failed() {
        let schema = json!({
            "properties": {"a": {"type": "integer"}, "b~/c": {"minimum": 2}},
            "required": ["z"]
        });
        let found = violations_of(&schema, &json!({"a": "x", "b~/c": 1}));
        assert_eq!(
            found,
            [
                r#" Required { property: "z" }"#,
                "/a Type { expected: [Integer], found: String }",
                "/b~0~1c Minimum { limit: 2.0, exclusive: false }",
            ]
        );
    }

    #[test]
    fn a_failed_any_of_keeps_every_branch_and_the_furthest_is_found() {
        let schema = json!({"anyOf": [
            {"type": "string"},
            {"type": "object", "required": ["a", "b"], "properties": {"a": {"type": "string"}}}
        ]});
        let compiled = compile(&schema).expect("schema compiles");
        let violations = validate(&compiled, &json!({"a": 1}), &Options::default());
        let [violation] = violations.as_slice() else {
            panic!("one violation expected: {violations:?}");
        };
        let ViolationKind::AnyOf { branches } = &violation.kind else {
            panic!("anyOf expected: {violation:?}");
        };
        assert_eq!(branches.len(), 2);
        let best = furthest(branches).map(|b| b.violations.len());
        assert_eq!(best, Some(2), "the object branch got further");
    }

    #[test]
    fn undeclared_properties_are_reported_only_when_asked_and_do_not_fail() {
        let schema = json!({"anyOf": [{"properties": {"a": {}}}, {"type": "null"}]});
        let compiled = compile(&schema).expect("schema compiles");
        let document = json!({"a": 1, "b": 2});
        assert!(validate(&compiled, &document, &Options::default()).is_empty());
        let options = Options {
            report_undeclared_properties: true,
            ..Options::default()
        };
        let found: Vec<String> = validate(&compiled, &document, &options)
            .iter()
            .map(|v| format!("{} {:?} {}", v.pointer, v.kind, v.kind.fails()))
            .collect();
        assert_eq!(found, [r#" UndeclaredProperty { property: "b" } false"#]);
    }

    #[test]
    fn schemas_that_only_refer_to_themselves_end() {
        for schema in [
            json!({"$ref": "#"}),
            json!({"anyOf": [{"$ref": "#"}]}),
            json!({"definitions": {"a": {"allOf": [{"$ref": "#/definitions/a"}]}}, "$ref": "#/definitions/a"}),
        ] {
            let compiled = compile(&schema).expect("schema compiles");
            let _ = validate(&compiled, &json!({"x": [1]}), &Options::default());
            let _ = compiled.resolve(compiled.root());
        }
    }
}
