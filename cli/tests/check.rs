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
    // No report file is left behind by a run that decided nothing.
    let output = check_releases(dir.path(), &["--format", "json", "-o", "report.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!dir.path().join("report.json").exists());
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

// ---- Robustness: bad inputs are errors of their own file only ----

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/manifests")
}

fn example(name: &str) -> String {
    std::fs::read_to_string(examples_dir().join(name)).unwrap()
}

const NOW: &str = "2026-10-01T00:00:00Z";

fn decisions(trace: &serde_json::Value) -> Vec<(String, String)> {
    trace["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["file"].as_str().unwrap().to_owned(),
                m["decision"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn broken_manifests_are_errors_and_the_others_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let good = example("credit-scorer-pass.yaml");
    let files: [(&str, Vec<u8>); 5] = [
        ("a-good.yaml", good.clone().into_bytes()),
        (
            "b-indentation.yaml",
            b"apiVersion: riskgate.dev/v1alpha1\nkind: ModelRelease\nmetadata:\n  name: x\n   namespace: y\n"
                .to_vec(),
        ),
        (
            "c-wrong-types.yaml",
            b"apiVersion: riskgate.dev/v1alpha1\nkind: ModelRelease\nmetadata: [1, 2]\nspec: 42\n"
                .to_vec(),
        ),
        (
            "d-binary.yaml",
            (0u8..=255).cycle().take(4096).collect::<Vec<u8>>(),
        ),
        ("e-huge.yaml", {
            let mut text = good.clone().into_bytes();
            let padding = b"# padding padding padding padding padding padding padding\n";
            while text.len() < 50 * 1024 * 1024 {
                text.extend_from_slice(padding);
            }
            text
        }),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let mut args: Vec<&str> = vec!["check", "--now", NOW, "--format", "json"];
    args.extend(files.iter().map(|(name, _)| *name));
    args.push("f-missing.yaml");
    let output = riskgate(dir.path()).args(&args).output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("f-missing.yaml: no such file"), "{err}");
    let trace: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        decisions(&trace),
        [
            ("a-good.yaml", "pass"),
            ("b-indentation.yaml", "error"),
            ("c-wrong-types.yaml", "error"),
            ("d-binary.yaml", "error"),
            ("e-huge.yaml", "error"),
        ]
        .map(|(f, d)| (f.to_owned(), d.to_owned()))
    );
    for manifest in trace["manifests"].as_array().unwrap().iter().skip(1) {
        let problem = &manifest["problems"][0];
        assert_eq!(problem["severity"], "error", "{manifest}");
        assert!(
            problem["code"].as_str().unwrap().starts_with('E'),
            "{problem}"
        );
    }
    let message = |i: usize| trace["manifests"][i]["problems"][0]["message"].to_string();
    // Schema errors carry the JSON pointer of the value they are about (as
    // docs/trace.md says); a file that cannot be read has none.
    let pointers: Vec<&str> = trace["manifests"][2]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pointer"].as_str().unwrap_or("(none)"))
        .collect();
    assert_eq!(
        pointers,
        ["/metadata", "/spec"],
        "{}",
        trace["manifests"][2]
    );
    assert!(
        trace["manifests"][3]["problems"][0]
            .get("pointer")
            .is_none()
    );
    assert!(message(3).contains("UTF-8"), "{}", message(3));
    assert!(message(4).contains("16 MiB"), "{}", message(4));

    // The pretty report says the same, with the file named.
    let mut args: Vec<&str> = vec!["check", "--now", NOW];
    args.extend(files.iter().map(|(name, _)| *name));
    let output = riskgate(dir.path()).args(&args).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    for name in ["b-indentation.yaml", "d-binary.yaml", "e-huge.yaml"] {
        assert!(text.contains(name), "missing {name}:\n{text}");
    }
}

// ---- Parallel checking keeps input order ----

#[test]
fn many_manifests_are_reported_in_input_order_without_a_progress_bar_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "credit-scorer-pass.yaml",
        "fraud-sod-violation.yaml",
        "support-chatbot-fail.yaml",
    ];
    let mut expected = Vec::new();
    for i in 0..60 {
        let source = names[i % names.len()];
        let file = format!("{i:03}-{source}");
        std::fs::write(dir.path().join(&file), example(source)).unwrap();
        expected.push(file);
    }
    let run = || {
        riskgate(dir.path())
            .args(["check", ".", "--now", NOW, "--format", "json"])
            .output()
            .unwrap()
    };
    let output = run();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    let trace: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let files: Vec<String> = decisions(&trace)
        .into_iter()
        .map(|(file, _)| file.trim_start_matches("./").to_owned())
        .collect();
    assert_eq!(files, expected);
    let denied = trace["summary"]["deny"].as_u64().unwrap();
    assert_eq!(denied, 40, "fraud and chatbot deny, credit passes");
    assert_eq!(run().stdout, output.stdout, "deterministic");
}

// ---- --explain full: rule evaluation traces ----

#[test]
fn explain_full_adds_rule_traces_to_failing_derived_requirements() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = examples_dir().join("fraud-sod-violation.yaml");
    let run = |explain: &str, format: &str| {
        riskgate(dir.path())
            .arg("check")
            .arg(&manifest)
            .args(["--now", NOW, "--explain", explain, "--format", format])
            .output()
            .unwrap()
    };
    let short = stdout(&run("short", "json"));
    assert!(!short.contains("\"explanation\""), "{short}");
    let output = run("full", "json");
    let trace: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let explained: Vec<&serde_json::Value> = trace["manifests"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["requirements"].as_array().unwrap())
        .filter(|r| r.get("explanation").is_some())
        .collect();
    assert!(
        !explained.is_empty(),
        "no explanation in:\n{}",
        stdout(&output)
    );
    for requirement in &explained {
        assert_ne!(requirement["status"], "pass");
        let lines: Vec<&str> = requirement["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert!(lines[0].contains(" => "), "{lines:?}");
        assert!(
            lines
                .iter()
                .any(|l| l.contains("Enter") && l.contains("stdlib/")),
            "{lines:?}"
        );
    }
    let pretty = stdout(&run("full", "pretty"));
    assert!(pretty.contains("rules evaluated:"), "{pretty}");
    assert!(!stdout(&run("short", "pretty")).contains("rules evaluated:"));
    let markdown = stdout(&run("full", "markdown"));
    assert!(markdown.contains("Rules evaluated for"), "{markdown}");
}

// ---- Custom controls next to the standard library ----

const CUSTOM: &str = "package org.custom\n\nimport data.stdlib.lib\n\ncontrol \"C-ORG-01\" {\n\ttitle: \"Ethics board review is referenced\"\n\tmitigates: [\"fairness.disparate_impact\"]\n\n\tapplies if {\n\t\tlib.tier_in({\"high\", \"critical\"})\n\t}\n\n\trequire field \"ethics_review\" {\n\t\tpath: \"spec.ethics.review_ref\"\n\t}\n}\n";

#[test]
fn with_stdlib_adds_custom_controls_to_the_standard_library() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("org")).unwrap();
    std::fs::write(dir.path().join("org/custom.gate"), CUSTOM).unwrap();
    let manifest = examples_dir().join("agent-with-waiver.yaml");
    let check = |extra: &[&str]| {
        riskgate(dir.path())
            .arg("check")
            .arg(&manifest)
            .args(["--now", NOW, "--policy", "org", "--format", "json"])
            .args(extra)
            .output()
            .unwrap()
    };
    // Alone, the custom policy names a risk it does not declare.
    let alone = check(&[]);
    assert_eq!(alone.status.code(), Some(2));
    assert!(stderr(&alone).contains("fairness.disparate_impact"));

    let output = check(&["--with-stdlib"]);
    let trace: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(trace["policy_source"], "embedded stdlib + org");
    let controls = trace["manifests"][0]["controls"].as_array().unwrap();
    assert_eq!(controls.len(), 57, "56 stdlib controls and the custom one");
    let custom = controls.iter().find(|c| c["id"] == "C-ORG-01").unwrap();
    assert_eq!(custom["status"], "fail", "{custom}");
    assert_eq!(custom["risks"][0], "fairness.disparate_impact");
    assert_eq!(custom["policy"]["file"], "org/custom.gate");
    assert!(controls.iter().any(|c| c["id"] == "C-FAIR-01"));

    let listed = riskgate(dir.path())
        .args([
            "check",
            "--list-controls",
            "--policy",
            "org",
            "--with-stdlib",
        ])
        .output()
        .unwrap();
    assert_eq!(listed.status.code(), Some(0));
    assert!(stdout(&listed).contains("C-ORG-01"));
    assert!(stdout(&listed).contains("57 controls"));

    let usage = riskgate(dir.path())
        .args(["check", "x.yaml", "--with-stdlib"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    assert!(stderr(&usage).contains("--policy"), "{}", stderr(&usage));
}

// ---- riskgate explain CONTROL|RISK ----

#[test]
fn explain_documents_stdlib_controls_and_risks() {
    let dir = tempfile::tempdir().unwrap();
    let explain = |key: &str| {
        riskgate(dir.path())
            .args(["explain", key])
            .output()
            .unwrap()
    };
    for key in ["C-FAIR-01", "c-fair-01", "adverse-impact-ratio"] {
        let output = explain(key);
        assert_eq!(output.status.code(), Some(0), "{key}");
        let text = stdout(&output);
        for expected in [
            "# C-FAIR-01 Favourable-outcome rate",
            "severity **medium**",
            "**Mitigates:** `fairness.disparate_impact`",
            "**Applies to:** tier medium, high, critical",
            "**Enforcement:** ci deny · admission deny · audit record",
            "29 CFR 1607.4(D) four-fifths rule",
            "| test `adverse_impact_ratio` | `adverse_impact_ratio` | >= 0.8, min_over_slices, min_n 30, max age default 365 · high 180 · critical 180 days |",
            "## Risks",
            "Waivers:",
        ] {
            assert!(
                text.contains(expected),
                "{key}: missing {expected:?} in\n{text}"
            );
        }
    }
    let risk = stdout(&explain("fairness.disparate_impact"));
    assert!(risk.starts_with("# fairness.disparate_impact "), "{risk}");
    assert!(risk.contains("Family `fairness`"), "{risk}");
    assert!(risk.contains("- `C-FAIR-01` "), "{risk}");
    // Diagnostic codes still work, and unknown keys say what is accepted.
    assert!(stdout(&explain("E0013")).starts_with("# E0013"));
    let unknown = explain("C-NOPE-99");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("controls like C-FAIR-01"));
}

/// A control that would run for minutes ends as `error` at the step or time
/// limit, naming it and how to raise it; the other controls of the release
/// are still decided.
#[test]
fn evaluation_limits_end_a_runaway_control_with_an_error_naming_the_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = root.join("tests/data/serve/policy-slow");
    let manifest = root.join("../examples/manifests/credit-scorer-pass.yaml");
    for (flags, named) in [
        (["--max-steps", "100000"], "max steps"),
        (["--timeout", "500ms"], "timeout"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let output = riskgate(dir.path())
            .args([
                "check",
                "--with-stdlib",
                "-f",
                "json",
                "--now",
                "2026-10-01T00:00:00Z",
            ])
            .arg("--policy")
            .arg(&policy)
            .args(flags)
            .arg(&manifest)
            .output()
            .unwrap();
        // Fail closed: the control cannot pass, so the release is denied.
        assert_eq!(
            output.status.code(),
            Some(1),
            "{named}: {}",
            stderr(&output)
        );
        let trace: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        let controls = trace["manifests"][0]["controls"].as_array().unwrap();
        let slow = controls.iter().find(|c| c["id"] == "C-T-SLOW").unwrap();
        assert_eq!(slow["status"], "error", "{named}");
        assert!(slow.to_string().contains(named), "{named}: {slow}");
        assert!(
            slow.to_string().contains("raise the limit"),
            "{named}: {slow}"
        );
        let decided = controls.iter().filter(|c| c["status"] == "pass").count();
        assert!(
            decided > 10,
            "{named}: the stdlib controls are still decided"
        );
    }
}

#[test]
fn limit_flags_reject_nonsense_with_an_example() {
    let dir = tempfile::tempdir().unwrap();
    let output = riskgate(dir.path())
        .args(["check", "--timeout", "soon", "x.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("try 500ms"), "{}", stderr(&output));
}

/// Large corpora are reported while they are checked, in batches; the
/// streamed `pretty`, `github` and `json` reports are byte for byte what
/// rendering the whole run's trace gives (`--replay-trace` of its JSON),
/// across several batches and in input order.
#[test]
fn streamed_reports_of_a_large_corpus_match_the_whole_trace() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let mut examples: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    examples.sort();
    // More files than one batch of the parallel check (256).
    for copy in 0..60 {
        for example in &examples {
            let stem = example.file_stem().unwrap().to_string_lossy();
            std::fs::copy(example, corpus.join(format!("{copy:02}-{stem}.yaml"))).unwrap();
        }
    }
    assert!(examples.len() * 60 > 256, "the corpus spans batches");
    let now = ["--now", "2026-10-01T00:00:00Z"];
    let json = riskgate(dir.path())
        .args(["check", "corpus", "--format", "json", "-o", "trace.json"])
        .args(now)
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(1), "{}", stderr(&json));
    for format in ["pretty", "github"] {
        let streamed = riskgate(dir.path())
            .args(["check", "corpus", "--format", format])
            .args(now)
            .output()
            .unwrap();
        let replayed = riskgate(dir.path())
            .args(["check", "--replay-trace", "trace.json", "--format", format])
            .output()
            .unwrap();
        assert_eq!(streamed.status.code(), replayed.status.code(), "{format}");
        assert!(
            stdout(&streamed) == stdout(&replayed),
            "{format}: the streamed report differs from the whole trace's"
        );
        assert!(stdout(&streamed).contains("00-agent-expired-waiver.yaml"));
    }
    // The JSON trace is streamed too (its parts spooled, the summary
    // first): it reads back as a trace of every file and renders to itself.
    let written = std::fs::read_to_string(dir.path().join("trace.json")).unwrap();
    let trace: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(trace["summary"]["manifests"], examples.len() * 60);
    assert_eq!(
        trace["manifests"].as_array().unwrap().len(),
        examples.len() * 60
    );
    let replayed = riskgate(dir.path())
        .args(["check", "--replay-trace", "trace.json", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        stdout(&replayed) == written,
        "the streamed JSON trace is not canonical"
    );
}

// ---- --warn-within: what holds now and stops passing in the window ----

fn warn_within(manifest: &str, window: &str, format: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    riskgate(dir.path())
        .arg("check")
        .arg(examples_dir().join(manifest))
        .args(["--now", NOW, "--warn-within", window, "--format", format])
        .output()
        .unwrap()
}

/// `(day, control requirement, warning)` of each release's `expiring`.
fn expiring(output: &std::process::Output) -> Vec<(u64, String, String)> {
    let trace: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    trace["manifests"][0]["expiring"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|e| {
                    (
                        e["day"].as_u64().unwrap(),
                        format!(
                            "{} {}",
                            e["control"].as_str().unwrap(),
                            e["requirement"].as_str().unwrap_or("")
                        ),
                        e["warning"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn warn_within_prints_what_stops_passing_in_the_window_after_each_release() {
    let output = warn_within("credit-scorer-pass.yaml", "14d", "pretty");
    // A warning never changes the decision or the exit code.
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output).replace(&examples_dir().display().to_string(), "<examples>");
    insta::assert_snapshot!("check_warn_within_14d", text);
}

#[test]
fn warn_within_lists_only_the_window_in_json() {
    let within = expiring(&warn_within("credit-scorer-pass.yaml", "14d", "json"));
    assert!(!within.is_empty());
    assert!(within.iter().all(|(day, _, _)| *day <= 14), "{within:?}");
    // The evaluation's AUC goes stale on day 62: outside 14 days, inside 90.
    assert!(
        !within
            .iter()
            .any(|(_, id, _)| id == "C-PERF-01 auc_overall")
    );
    let longer = expiring(&warn_within("credit-scorer-pass.yaml", "90d", "json"));
    let auc = longer
        .iter()
        .find(|(_, id, _)| id == "C-PERF-01 auc_overall")
        .expect("the AUC evaluation goes stale within 90 days");
    assert_eq!(auc.0, 62);
    assert!(
        auc.2
            .starts_with("C-PERF-01 auc_overall: stops passing in 62 days (2026-12-02): "),
        "{}",
        auc.2
    );
    // Without the flag the trace has no `expiring` key at all.
    let dir = tempfile::tempdir().unwrap();
    let plain = riskgate(dir.path())
        .arg("check")
        .arg(examples_dir().join("credit-scorer-pass.yaml"))
        .args(["--now", NOW, "--format", "json"])
        .output()
        .unwrap();
    assert!(!stdout(&plain).contains("\"expiring\""));
}

#[test]
fn warn_within_names_a_waiver_that_expires_in_the_window() {
    let output = warn_within("agent-with-waiver.yaml", "14d", "json");
    let trace: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let waived = trace["manifests"][0]["expiring"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["from"] == "waived")
        .expect("a waived requirement whose waiver expires");
    assert_eq!(waived["control"], "C-SEC-01");
    assert_eq!(waived["requirement"], "indirect_injection_asr");
    assert_eq!(waived["day"], 1);
    assert_eq!(waived["at"], "2026-10-02T00:00:00Z");
    assert_eq!(waived["to"], "fail");
    assert!(
        waived["warning"]
            .as_str()
            .unwrap()
            .starts_with("C-SEC-01 indirect_injection_asr: waiver expires in 1 day (2026-10-02): ")
    );
}

#[test]
fn warn_within_rejects_a_bad_duration_as_a_usage_error() {
    let output = warn_within("credit-scorer-pass.yaml", "14", "pretty");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("try 14d"), "{}", stderr(&output));
}

#[test]
fn warn_within_has_its_own_markdown_section() {
    let output = warn_within("agent-with-waiver.yaml", "1d", "markdown");
    let text = stdout(&output);
    let section = text
        .split_once("**Expiring soon**\n\n")
        .map(|(_, rest)| rest)
        .expect("an Expiring soon section");
    assert!(
        section.contains(
            "- C-SEC-01 indirect\\_injection\\_asr: waiver expires in 1 day (2026-10-02): "
        ),
        "{section}"
    );
}

#[test]
fn warn_within_sentences_are_redacted_like_the_requirement() {
    let dir = tempfile::tempdir().unwrap();
    let output = riskgate(dir.path())
        .arg("check")
        .arg(examples_dir().join("agent-with-waiver.yaml"))
        .args(["--now", NOW, "--warn-within", "14d", "--format", "json"])
        .arg("--redact")
        .output()
        .unwrap();
    let trace: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let waived = trace["manifests"][0]["expiring"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["requirement"] == "indirect_injection_asr")
        .unwrap();
    // Unredacted, the sentence quotes the measured 0.045.
    for field in ["warning", "message", "to_pass"] {
        let text = waived[field].as_str().unwrap();
        assert!(
            !text.contains("0.045") && text.contains("[redacted]"),
            "{field}: {text}"
        );
    }
}
