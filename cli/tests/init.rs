//! `riskgate init`: the skeleton holds what the applicable controls read,
//! loads cleanly, and `riskgate check` explains each gap in it.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

#[allow(dead_code)] // shared helpers; these tests need only some
mod support;

use serde_json::Value;
use support::{riskgate, riskgate_in};

fn skeleton(args: &[&str]) -> String {
    let mut all = vec!["init"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = riskgate(&all);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn a_high_tier_credit_model_skeleton() {
    let text = skeleton(&[
        "--name",
        "credit-scorer",
        "--tier",
        "high",
        "--kind",
        "predictive",
        "--flag",
        "credit_decision,eu_market",
        "--environment",
        "production",
    ]);
    insta::assert_snapshot!(text);
}

#[test]
fn every_skeleton_loads_and_check_explains_every_gap() {
    let dir = tempfile::tempdir().unwrap();
    for tier in ["low", "medium", "high", "critical"] {
        for kind in ["predictive", "llm", "agent"] {
            let name = format!("{kind}-{tier}");
            let file = format!("{name}.yaml");
            let (code, _, stderr) = riskgate_in(
                dir.path(),
                &[
                    "init", "--name", &name, "--tier", tier, "--kind", kind, "-o", &file,
                ],
            );
            assert_eq!(code, 0, "{stderr}");
            assert_eq!(stderr, "", "{name}");
            let (code, stdout, _) = riskgate_in(
                dir.path(),
                &[
                    "check",
                    &file,
                    "--now",
                    "2026-10-01T00:00:00Z",
                    "--format",
                    "json",
                ],
            );
            let trace: Value = serde_json::from_str(&stdout).unwrap();
            let manifest = &trace["manifests"][0];
            assert_eq!(manifest["problems"], serde_json::json!([]), "{name}");
            assert_eq!(
                (code, manifest["decision"].as_str()),
                (1, Some("deny")),
                "{name}"
            );
            let text = std::fs::read_to_string(dir.path().join(&file)).unwrap();
            for control in manifest["controls"].as_array().unwrap() {
                for requirement in control["requirements"].as_array().unwrap() {
                    let failing = matches!(
                        requirement["status"].as_str(),
                        Some("fail" | "insufficient_data")
                    );
                    if failing {
                        assert!(
                            requirement["to_pass"].is_string(),
                            "{name}: {requirement:#}"
                        );
                    }
                    // Every control that applies is named in the skeleton.
                    if control["status"] != "not_applicable"
                        && requirement["status"] != "not_applicable"
                    {
                        let id = control["id"].as_str().unwrap();
                        let needs_fields = requirement["kind"] != "field"
                            || requirement["evidence"]
                                .as_array()
                                .is_some_and(|e| !e.is_empty());
                        if needs_fields && requirement["kind"] != "test" {
                            assert!(text.contains(id), "{name}: {id} not in the skeleton");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn the_skeleton_follows_the_tier() {
    let low = skeleton(&["--name", "m", "--tier", "low", "--kind", "predictive"]);
    let high = skeleton(&["--name", "m", "--tier", "high", "--kind", "predictive"]);
    assert!(high.contains("role: model_validator"), "{high}");
    assert!(!low.contains("role: model_validator"), "{low}");
    assert!(high.len() > low.len());
    let agent = skeleton(&["--name", "m", "--tier", "high", "--kind", "agent"]);
    assert!(agent.contains("tools:"), "{agent}");
    assert!(!high.contains("tools:"), "{high}");
}

#[test]
fn files_are_not_overwritten_and_near_miss_flags_warn() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("release.yaml"), "mine").unwrap();
    let args = [
        "init",
        "--name",
        "m",
        "--tier",
        "low",
        "--kind",
        "llm",
        "-o",
        "release.yaml",
    ];
    let (code, _, stderr) = riskgate_in(dir.path(), &args);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("release.yaml exists; pass --force to overwrite it"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("release.yaml")).unwrap(),
        "mine"
    );
    let mut forced = args.to_vec();
    forced.extend(["--force", "--flag", "credit_decisions"]);
    let (code, _, stderr) = riskgate_in(dir.path(), &forced);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("W2002"), "{stderr}");
    assert!(stderr.contains("credit_decision"), "{stderr}");
}
