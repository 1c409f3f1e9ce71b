//! End-to-end tests of `riskgate check`: arguments, exit codes, output
//! destinations and formats. Until the engine is wired in, rendering is
//! exercised by replaying saved traces (`tests/data/traces/*.json`, kept
//! current from the renderer fixtures by a unit test).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn riskgate(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("riskgate").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    cmd
}

fn trace_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/traces")
        .join(format!("{name}.json"))
}

fn replay(name: &str, extra: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    riskgate(dir.path())
        .arg("check")
        .arg("--replay-trace")
        .arg(trace_file(name))
        .args(extra)
        .output()
        .unwrap()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn exit_codes_follow_the_decisions() {
    let cases: [(&str, &[&str], i32); 7] = [
        ("passing", &[], 0),
        ("warning", &[], 0),
        ("warning", &["--strict"], 1),
        ("denied", &[], 1),
        ("denied", &["--strict"], 1),
        ("load_error", &[], 2),
        ("everything", &[], 2),
    ];
    for (trace, extra, code) in cases {
        let output = replay(trace, extra);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{trace} {extra:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn json_format_reprints_the_trace_byte_for_byte() {
    let output = replay("everything", &["--format", "json"]);
    let want = std::fs::read_to_string(trace_file("everything")).unwrap();
    assert_eq!(stdout(&output), want);
}

#[test]
fn default_format_is_pretty_without_colour_when_piped() {
    let output = replay("denied", &[]);
    let text = stdout(&output);
    assert!(
        text.starts_with("DENY credit-scoring · examples/credit.yaml\n"),
        "{text}"
    );
    assert!(!text.contains('\x1b'));
    let coloured = stdout(&replay("denied", &["--color", "always"]));
    assert!(coloured.contains("\x1b[1;31mDENY\x1b[0m"));
    // Machine formats never get colour codes.
    let sarif = stdout(&replay(
        "denied",
        &["--color", "always", "--format", "sarif"],
    ));
    assert!(!sarif.contains('\x1b'));
}

#[test]
fn pretty_shows_snippets_of_manifests_found_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("examples/credit.yaml");
    std::fs::create_dir_all(manifest.parent().unwrap()).unwrap();
    let mut text = "# line\n".repeat(12);
    text.push_str("          value: 0.74\n");
    std::fs::write(&manifest, text).unwrap();
    let output = riskgate(dir.path())
        .args(["check", "--replay-trace"])
        .arg(trace_file("denied"))
        .output()
        .unwrap();
    assert!(
        stdout(&output)
            .contains("          13 |           value: 0.74\n             |                  ^\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let output = riskgate(dir.path())
        .args([
            "check",
            "--format",
            "junit",
            "--output",
            "report.xml",
            "--replay-trace",
        ])
        .arg(trace_file("warning"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let report = std::fs::read_to_string(dir.path().join("report.xml")).unwrap();
    assert!(report.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
}

#[test]
fn redact_removes_values_from_every_format() {
    for format in ["pretty", "json", "sarif", "junit", "github", "markdown"] {
        let output = replay(
            "everything",
            &["--redact", "--explain", "full", "--format", format],
        );
        let text = stdout(&output);
        assert!(!text.is_empty(), "{format}");
        assert!(!text.contains("0.74"), "{format} leaks a value:\n{text}");
    }
}

const POLICY: &str = "package demo\n\nrisk \"ops.rollback\" {\n\ttitle: \"No rollback\"\n\tfamily: \"operational\"\n}\n\ncontrol \"C-DEMO-01\" {\n\ttitle: \"Rollback procedure is referenced\"\n\tmitigates: [\"ops.rollback\"]\n\n\trequire field \"rollback_procedure\" {\n\t\tpath: \"spec.rollback.procedure_ref\"\n\t}\n}\n";

const GOOD: &str = "apiVersion: riskgate.dev/v1alpha1\nkind: ModelRelease\nmetadata:\n  name: good\nspec:\n  rollback:\n    procedure_ref: runbooks/rollback.md\n";

const BAD: &str = "apiVersion: riskgate.dev/v1alpha1\nkind: ModelRelease\nmetadata:\n  name: bad\nspec:\n  rollback:\n    previous_version: \"1.0\"\n";

fn policy_dir(manifests: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policy")).unwrap();
    std::fs::write(dir.path().join("policy/demo.gate"), POLICY).unwrap();
    std::fs::create_dir(dir.path().join("releases")).unwrap();
    for (name, text) in manifests {
        std::fs::write(dir.path().join("releases").join(name), text).unwrap();
    }
    dir
}

fn check_releases(dir: &Path, extra: &[&str]) -> std::process::Output {
    riskgate(dir)
        .args([
            "check",
            "releases",
            "--policy",
            "policy",
            "--now",
            "2026-03-01T12:00:00Z",
        ])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_failing_release_denies_with_location_and_hint() {
    let dir = policy_dir(&[("bad.yaml", BAD)]);
    let output = check_releases(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "DENY",
        "C-DEMO-01",
        "rollback_procedure",
        "policy/demo.gate:12:2",
        "spec.rollback.procedure_ref",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn a_passing_release_exits_0() {
    let dir = policy_dir(&[("good.yaml", GOOD)]);
    let output = check_releases(dir.path(), &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("PASS"));
}

#[test]
fn a_malformed_manifest_is_an_error_but_the_others_are_still_reported() {
    let dir = policy_dir(&[
        ("a-good.yaml", GOOD),
        (
            "b-broken.yaml",
            "apiVersion: riskgate.dev/v1alpha1\nkind: ModelRelease\nspec:\n  rollback: [\n",
        ),
        ("c-bad.yaml", BAD),
    ]);
    let output = check_releases(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let trace: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let decisions: Vec<(&str, &str)> = trace["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["file"].as_str().unwrap(), m["decision"].as_str().unwrap()))
        .collect();
    assert_eq!(
        decisions,
        [
            ("releases/a-good.yaml", "pass"),
            ("releases/b-broken.yaml", "error"),
            ("releases/c-bad.yaml", "deny"),
        ]
    );
    let problem = &trace["manifests"][1]["problems"][0];
    assert_eq!(problem["location"]["file"], "releases/b-broken.yaml");
}

#[test]
fn traces_are_byte_identical_across_runs() {
    let dir = policy_dir(&[("good.yaml", GOOD), ("bad.yaml", BAD)]);
    let first = check_releases(dir.path(), &["--format", "json"]);
    let second = check_releases(dir.path(), &["--format", "json"]);
    assert_eq!(first.stdout, second.stdout);
    assert!(!first.stdout.is_empty());
}

#[test]
fn policy_compile_errors_are_rendered_and_exit_2() {
    let dir = policy_dir(&[("good.yaml", GOOD)]);
    std::fs::write(
        dir.path().join("policy/demo.gate"),
        POLICY.replace(
            "mitigates: [\"ops.rollback\"]",
            "mitigates: [\"ops.unknown\"]",
        ),
    )
    .unwrap();
    let output = check_releases(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("ops.unknown"), "{err}");
    assert!(err.contains("policies did not compile"), "{err}");
}

#[test]
fn input_and_usage_errors_exit_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::write(dir.path().join("empty/readme.txt"), "not a manifest").unwrap();
    let cases: [(&[&str], &str); 7] = [
        (&["check"], "required arguments were not provided"),
        (
            &["check", "missing.yaml"],
            "missing.yaml: no such file or directory",
        ),
        (&["check", "empty"], "no manifests found in empty"),
        (&["check", "nothing/*.yaml"], "no files match this pattern"),
        (
            &["check", "x.yaml", "--now", "yesterday"],
            "not an RFC 3339 timestamp",
        ),
        (
            &["check", "x.yaml", "--context", "prod"],
            "invalid value 'prod'",
        ),
        (
            &["check", "x.yaml", "--format", "html"],
            "invalid value 'html'",
        ),
    ];
    for (args, message) in cases {
        let output = riskgate(dir.path()).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn policy_must_be_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("release.yaml"), "kind: ModelRelease\n").unwrap();
    let output = riskgate(dir.path())
        .args(["check", "release.yaml", "--policy", "nope"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--policy nope: not a directory"));
}

#[test]
fn check_is_documented_in_help() {
    let output = riskgate(Path::new(".")).arg("--help").output().unwrap();
    assert!(stdout(&output).contains("check"));
    let output = riskgate(Path::new("."))
        .args(["check", "--help"])
        .output()
        .unwrap();
    let help = stdout(&output);
    for flag in [
        "--policy",
        "--overlay",
        "--context",
        "--now",
        "--format",
        "--output",
        "--strict",
        "--explain",
        "--redact",
        "--include",
        "--exclude",
        "--list-controls",
        "--color",
    ] {
        assert!(help.contains(flag), "check --help lacks {flag}");
    }
    assert!(help.contains("--replay-trace"));
}
