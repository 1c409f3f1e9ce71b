//! End-to-end tests of `riskgate fmt` and `riskgate parse`: exit codes,
//! diffs and rendered diagnostics as a user sees them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use assert_cmd::Command;

const UNFORMATTED: &str =
    "package demo\nimport rego.v1\nallow if {input.user == \"alice\"; input.role==\"admin\"}\n";
const FORMATTED: &str = "package demo\n\nimport rego.v1\n\nallow if {\n\tinput.user == \"alice\"\n\tinput.role == \"admin\"\n}\n";
const THREE_ERRORS: &str = "package a\n\np if {\n\tx :=\n}\n\nq := [1, 2\n\nr := 3 +\n\ns := 4\n";

fn riskgate(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("riskgate").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("--color=never");
    cmd
}

fn temp_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn output_text(output: &std::process::Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn check_on_unformatted_file_exits_1_with_a_diff() {
    let dir = temp_with(&[("policy.rego", UNFORMATTED)]);
    let output = riskgate(dir.path())
        .args(["fmt", "--check", "policy.rego"])
        .output()
        .unwrap();
    insta::assert_snapshot!(output_text(&output));
    assert_eq!(output.status.code(), Some(1));
    // --check never writes.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("policy.rego")).unwrap(),
        UNFORMATTED
    );
}

#[test]
fn check_on_formatted_tree_exits_0_silently() {
    let dir = temp_with(&[
        ("a/policy.rego", FORMATTED),
        ("a/notes.txt", "not a policy"),
    ]);
    let output = riskgate(dir.path())
        .args(["fmt", "--check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", output_text(&output));
    assert!(output.stdout.is_empty());
}

#[test]
fn three_syntax_errors_are_all_reported_with_line_and_column() {
    let dir = temp_with(&[("broken.rego", THREE_ERRORS)]);
    let output = riskgate(dir.path())
        .args(["fmt", "--check", "broken.rego"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for position in ["broken.rego:4:5", "broken.rego:7:6", "broken.rego:9:8"] {
        assert!(
            stderr.contains(position),
            "missing {position} in:\n{stderr}"
        );
    }
    insta::assert_snapshot!(output_text(&output));
}

#[test]
fn write_rewrites_files_in_place_and_is_stable() {
    let dir = temp_with(&[("policy.rego", UNFORMATTED)]);
    let output = riskgate(dir.path())
        .args(["fmt", "--write", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", output_text(&output));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("policy.rego")).unwrap(),
        FORMATTED
    );
    let again = riskgate(dir.path())
        .args(["fmt", "--check", "."])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
}

#[test]
fn stdin_is_formatted_to_stdout() {
    let dir = temp_with(&[]);
    let output = riskgate(dir.path())
        .args(["fmt", "-"])
        .write_stdin(UNFORMATTED)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), FORMATTED);
}

#[test]
fn missing_file_is_a_clear_error() {
    let dir = temp_with(&[]);
    let output = riskgate(dir.path())
        .args(["fmt", "nope.rego"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("nope.rego: no such file or directory")
    );
}

#[test]
fn binary_garbage_is_rejected_without_panicking() {
    let dir = temp_with(&[]);
    std::fs::write(dir.path().join("junk.rego"), [0xff, 0xfe, 0x00, 0x9f]).unwrap();
    let output = riskgate(dir.path())
        .args(["parse", "junk.rego"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not valid UTF-8"));
}

#[test]
fn gate_declarations_are_rejected_in_rego_files() {
    let dir = temp_with(&[("c.rego", "package a\n\nrisk \"r.x\" {\n\ttitle: \"t\"\n}\n")]);
    let output = riskgate(dir.path())
        .args(["parse", "c.rego"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(output_text(&output));
}

#[test]
fn explain_prints_the_docs_of_a_code() {
    let dir = temp_with(&[]);
    let output = riskgate(dir.path())
        .args(["explain", "E0013"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(output_text(&output));
    let unknown = riskgate(dir.path())
        .args(["explain", "E9999"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn schema_prints_the_committed_modelrelease_schema() {
    let dir = temp_with(&[]);
    let output = riskgate(dir.path()).arg("schema").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema/modelrelease.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(printed, committed);
}
