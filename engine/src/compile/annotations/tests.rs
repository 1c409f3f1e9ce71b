#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use riskgate_dsl::LineIndex;

use crate::compile::{CompileOptions, Compiler};

/// The code and line:col of each compile error of `source`.
fn errors(source: &str) -> Vec<String> {
    let mut compiler = Compiler::new(CompileOptions::default());
    compiler.add_module("m.rego", source).unwrap();
    let index = LineIndex::new(source);
    compiler
        .compile()
        .unwrap_err()
        .iter()
        .map(|e| {
            let at = index.line_col(source, e.diagnostic.primary_span().start);
            format!(
                "{} {at}: {}",
                e.diagnostic.code().id,
                e.diagnostic.message()
            )
        })
        .collect()
}

#[test]
fn yaml_errors_point_at_the_comment_line() {
    let source = "package p\n\n# METADATA\n# title: ok\n# authors: [unclosed\np := 1\n";
    let found = errors(source);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("E0035 5:1: invalid METADATA YAML"),
        "{found:?}"
    );
}

#[test]
fn field_errors_point_at_their_key() {
    let source = "package p\n\n# METADATA\n# title: ok\n# entrypoint: maybe\np := 1\n";
    assert_eq!(
        errors(source),
        ["E0035 5:1: annotation `entrypoint` must be true or false"]
    );
}

#[test]
fn unknown_scopes_and_dangling_blocks_are_rejected() {
    let source = "package p\n\n# METADATA\n# scope: everything\np := 1\n\n# METADATA\n# title: nothing below\n";
    assert_eq!(
        errors(source),
        [
            "E0035 4:1: invalid annotation scope 'everything'; use rule, document, package or subpackages",
            "E0035 7:1: a METADATA block must be directly followed by a package or a rule",
        ]
    );
}

#[test]
fn indented_or_separated_comments_are_not_metadata() {
    // An indented `# METADATA` is an ordinary comment; a blank line ends a
    // block, so the YAML-looking comment below it is not parsed.
    let mut compiler = Compiler::new(CompileOptions::default());
    let source = "package p\n\n  # METADATA\n# title: [\np := 1\n\n# METADATA\n# title: t\n\n# not: [yaml\nq := rego.metadata.rule()\n";
    compiler.add_module("m.rego", source).unwrap();
    let policy = compiler.compile().unwrap();
    let out = policy
        .eval_query("x := data.p.q", &crate::eval::EvalOptions::default())
        .unwrap();
    assert_eq!(
        out.results[0].bindings["x"].to_json(),
        serde_json::json!({"scope": "rule", "title": "t"})
    );
}

#[test]
fn declarations_cannot_be_annotated() {
    let mut compiler = Compiler::new(CompileOptions::default());
    let source = "package p\n\n# METADATA\n# title: a control\ncontrol \"C-1\" {\n\ttitle: \"One\"\n\tapplies if input.x\n}\n";
    compiler.add_module("m.gate", source).unwrap();
    let found: Vec<String> = compiler
        .compile()
        .unwrap_err()
        .iter()
        .map(|e| e.diagnostic.message().to_owned())
        .collect();
    assert_eq!(
        found,
        ["a METADATA block must be directly followed by a package or a rule"]
    );
}
