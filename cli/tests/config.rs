//! `riskgate.toml` end to end: one file with every documented table, used
//! from a subdirectory by `check`, `fmt`, `lint` and `test`; errors are
//! printed once, with the file, line and column.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod support;

use std::path::Path;

use support::riskgate_in;

/// A custom control that mitigates a standard-library risk: it compiles
/// only with the standard library next to it (`with-stdlib`).
const CONTROL: &str = "package org.custom\n\nimport data.stdlib.lib\n\ncontrol \"C-ORG-01\" {\n\ttitle: \"Ethics board review is referenced\"\n\tmitigates: [\"fairness.disparate_impact\"]\n\n\tapplies if {\n\t\tlib.tier_in({\"high\", \"critical\"})\n\t}\n\n\trequire field \"ethics_review\" {\n\t\tpath: \"spec.ethics.review_ref\"\n\t}\n}\n";

/// A rule test, unformatted (`{1==1}`), with an unused import.
const TESTS: &str = "package org.custom_test\nimport data.lib.unused\ntest_one if {1==1}\n";

const CONFIG: &str = r#"
[check]
policy = "org"
with-stdlib = true
context = "admission"
format = "json"
strict = false

[fmt]
paths = ["org"]

[lint]
paths = "org"
select = ["L0002", "L0015"]
max-line-length = 40

[lint.severity]
unused-import = "hint"

[test]
paths = ["org"]
stdlib = true
"#;

/// A repository (it has `.git`) with the configuration at its root and a
/// `work/` subdirectory the commands run in.
fn repository(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in [".git", "org", "work"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    std::fs::write(dir.path().join("org/custom.gate"), CONTROL).unwrap();
    std::fs::write(dir.path().join("org/custom_test.rego"), TESTS).unwrap();
    std::fs::write(dir.path().join("riskgate.toml"), config).unwrap();
    dir
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn every_documented_table_is_used_by_its_command() {
    let repo = repository(CONFIG);
    let work = repo.path().join("work");
    let manifest = Path::new(support::ROOT)
        .join("examples/manifests/agent-with-waiver.yaml")
        .canonicalize()
        .unwrap();
    let manifest = manifest.to_str().unwrap();

    // [check]: the org policy next to the standard library, JSON, admission.
    let (code, stdout, stderr) =
        riskgate_in(&work, &["check", manifest, "--now", "2026-10-01T00:00:00Z"]);
    assert_eq!(code, 1, "{stderr}");
    let trace = json(&stdout);
    assert_eq!(trace["enforcement_point"], "admission");
    assert_eq!(trace["policy_source"], "embedded stdlib + ../org");
    let controls = trace["manifests"][0]["controls"].as_array().unwrap();
    assert!(controls.iter().any(|c| c["id"] == "C-ORG-01"));
    assert_eq!(controls.len(), 57);

    // [fmt]: `fmt --check` with no paths looks at org/ only.
    let (code, stdout, _) = riskgate_in(&work, &["fmt", "--check"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("custom_test.rego"), "{stdout}");
    assert!(!stdout.contains("custom.gate"), "{stdout}");

    // [lint]: paths, select, max-line-length and a severity by name.
    let (code, stdout, stderr) = riskgate_in(&work, &["lint", "-f", "json"]);
    let findings: std::collections::BTreeSet<(String, String)> = json(&stdout)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            ("L0002".to_owned(), "hint".to_owned()),
            ("L0015".to_owned(), "warning".to_owned()),
        ]
        .into(),
        "{stderr}"
    );
    assert_eq!(code, 1);

    // [test]: org/ with the standard library loaded.
    let (code, stdout, stderr) = riskgate_in(&work, &["test", "-f", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("data.org.custom_test.test_one"), "{stdout}");

    // --no-config: none of it.
    let (code, _, stderr) = riskgate_in(&work, &["--no-config", "lint"]);
    assert_eq!(code, 0, "an empty directory has nothing to lint: {stderr}");
}

#[test]
fn a_configuration_error_is_printed_once_with_its_position() {
    let repo = repository("[check]\ncontext = \"prod\"\n");
    let work = repo.path().join("work");
    for command in [
        &["check", "x.yaml"][..],
        &["fmt", "--check"],
        &["lint"],
        &["test"],
    ] {
        let (code, stdout, stderr) = riskgate_in(&work, command);
        assert_eq!(code, 2, "{command:?}");
        assert_eq!(stdout, "", "{command:?}");
        assert_eq!(
            stderr,
            "error: ../riskgate.toml:2:11: unknown variant `prod`, expected one of `ci`, `admission`, `audit`\n",
            "{command:?}"
        );
    }
    // Commands that take no settings are not stopped by it.
    let (code, stdout, _) = riskgate_in(&work, &["explain", "E4001"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, support::riskgate(&["explain", "E4001"]).1);
}
