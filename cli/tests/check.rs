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

#[test]
fn evaluation_is_not_wired_yet_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("release.yaml"), "kind: ModelRelease\n").unwrap();
    let output = riskgate(dir.path())
        .args(["check", "release.yaml", "--now", "2026-03-01T12:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot evaluate manifests yet"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
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
fn check_stays_hidden_until_the_engine_is_wired() {
    let output = riskgate(Path::new(".")).arg("--help").output().unwrap();
    assert!(!stdout(&output).contains("check"));
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
    assert!(!help.contains("--replay-trace"));
}
