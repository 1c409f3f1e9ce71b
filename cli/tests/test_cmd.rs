//! End-to-end tests of `riskgate test`: rule tests, exit codes, formats,
//! coverage and golden trace cases.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::path::Path;

mod support;

use support::{ROOT, copy_dir, riskgate, riskgate_in};

const NOW: [&str; 2] = ["--now", "2026-11-26T00:00:00Z"];

#[test]
fn example_policies_pass_with_full_coverage() {
    let (code, stdout, stderr) =
        riskgate(&["test", "examples/policies", "--coverage", NOW[0], NOW[1]]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn json_reports_tests_golden_cases_and_coverage() {
    let (code, stdout, _) = riskgate(&["test", "examples/policies", "--coverage", "-f", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["summary"]["total"], 8);
    assert_eq!(json["summary"]["passed"], 8);
    assert_eq!(json["golden"].as_array().unwrap().len(), 2);
    let files = json["coverage"]["files"].as_object().unwrap();
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    // Test files are not measured.
    assert_eq!(
        names,
        [
            "examples/policies/admission.rego",
            "examples/policies/rollback.gate"
        ]
    );
    assert_eq!(json["coverage"]["coverage"], 100.0);
    let first = &json["tests"][0];
    assert_eq!(
        first["full_name"],
        "data.examples.admission_test.test_allows_an_approved_release_with_a_digest"
    );
    assert_eq!(first["location"]["row"], 15);
}

#[test]
fn failures_exit_1_with_locations_prints_and_traces() {
    let (code, stdout, _) = riskgate(&[
        "test",
        "cli/tests/fixtures/test/failing",
        "-v",
        "--coverage",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn without_verbose_only_failures_are_listed() {
    let (code, stdout, _) = riskgate(&["test", "cli/tests/fixtures/test/failing"]);
    assert_eq!(code, 1);
    assert!(!stdout.contains("PASS"), "{stdout}");
    assert!(stdout.contains(
        "FAIL data.fixtures.limits_test.test_big_model_is_flagged (cli/tests/fixtures/test/failing/limits_test.rego:9:1)"
    ));
    assert!(
        stdout.contains("4 tests: 1 passed, 2 failed, 1 errors"),
        "{stdout}"
    );
}

#[test]
fn run_selects_tests_by_regex() {
    let (code, stdout, _) = riskgate(&[
        "test",
        "cli/tests/fixtures/test/failing",
        "--run",
        "small_model",
        "-v",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("1 tests: 1 passed, 0 failed, 0 errors"),
        "{stdout}"
    );
}

#[test]
fn junit_lists_failures_and_errors() {
    let (code, stdout, _) = riskgate(&["test", "cli/tests/fixtures/test/failing", "-f", "junit"]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&stdout).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("tests"), Some("4"));
    assert_eq!(root.attribute("failures"), Some("2"));
    assert_eq!(root.attribute("errors"), Some("1"));
    let failed: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .filter_map(|n| n.parent().and_then(|p| p.attribute("name")))
        .collect();
    assert_eq!(
        failed,
        ["test_big_model_is_flagged", "test_value_is_not_true"]
    );
}

#[test]
fn bench_times_passing_tests() {
    let (code, stdout, _) = riskgate(&[
        "test",
        "examples/policies",
        "--bench",
        "--run",
        "rollback_test",
        "-f",
        "json",
    ]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for test in json["tests"].as_array().unwrap() {
        assert!(test["bench"]["runs"].as_u64().unwrap() >= 10, "{test}");
    }
}

#[test]
fn golden_cases_fail_on_drift_and_update_rewrites_them() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    copy_dir(&Path::new(ROOT).join("examples/policies"), &policies);
    let manifest = policies.join("golden/credit-scorer/manifest.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("risk_tier: high", "risk_tier: low")).unwrap();

    let (code, stdout, _) = riskgate_in(dir.path(), &["test", "policies"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("FAIL golden policies/golden/credit-scorer"),
        "{stdout}"
    );
    let changed = |sign: &str, text: &str| {
        stdout
            .lines()
            .any(|l| l.trim_start().starts_with(sign) && l.contains(text))
    };
    assert!(changed("-", "\"status\": \"pass\""), "{stdout}");
    assert!(changed("+", "\"status\": \"not_applicable\""), "{stdout}");

    let (code, stdout, _) = riskgate_in(dir.path(), &["test", "policies", "--update"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("UPDATED golden policies/golden/credit-scorer"),
        "{stdout}"
    );
    let (code, _, _) = riskgate_in(dir.path(), &["test", "policies"]);
    assert_eq!(code, 0);
    // The clock of the case is kept.
    let expected =
        std::fs::read_to_string(policies.join("golden/credit-scorer/expected.trace.json")).unwrap();
    assert!(expected.contains("\"evaluated_at\": \"2026-11-26T00:00:00Z\""));
}

#[test]
fn a_golden_case_without_expected_trace_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("cases/new");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::copy(
        Path::new(ROOT).join("examples/manifests/credit-scorer-pass.yaml"),
        case.join("manifest.yaml"),
    )
    .unwrap();
    let (code, stdout, _) = riskgate_in(dir.path(), &["test", "cases"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("ERROR golden cases/new"), "{stdout}");
    assert!(stdout.contains("riskgate test --update"), "{stdout}");
    // Without policies the case runs against the standard library.
    let (code, _, _) = riskgate_in(dir.path(), &["test", "cases", "--update"]);
    assert_eq!(code, 0);
    let trace = std::fs::read_to_string(case.join("expected.trace.json")).unwrap();
    assert!(trace.contains("C-FAIR-01"));
}

#[test]
fn compile_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.rego"),
        "package p\n\ntest_x if undefined_fn(1)\n",
    )
    .unwrap();
    let (code, _, stderr) = riskgate_in(dir.path(), &["test", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did not compile"), "{stderr}");
}
