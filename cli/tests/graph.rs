//! End-to-end tests of `riskgate graph`.

#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

use support::riskgate;

#[test]
fn mermaid_of_a_small_policy() {
    let (code, stdout, _) = riskgate(&["graph", "examples/policies", "--format", "mermaid"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
}

#[test]
fn dot_of_a_small_policy() {
    let (code, stdout, _) = riskgate(&["graph", "examples/policies", "--format", "dot"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
}

#[test]
fn the_stdlib_graph_shows_every_risk_and_control() {
    let (code, json, _) = riskgate(&["graph", "--format", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let nodes = json["nodes"].as_array().unwrap();
    let ids = |kind: &str| -> Vec<String> {
        nodes
            .iter()
            .filter(|n| n["kind"] == kind)
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let risks = ids("risk");
    let controls = ids("control");
    assert_eq!(risks.len(), 42);
    assert_eq!(controls.len(), 56);
    let (code, mermaid, _) = riskgate(&["graph", "--format", "mermaid"]);
    assert_eq!(code, 0);
    assert!(mermaid.starts_with("flowchart LR\n"));
    for id in risks.iter().chain(&controls) {
        assert!(mermaid.contains(&format!("\"{id}<br/>")), "{id} missing");
    }
    // Every risk of the stdlib is mitigated: each has an outgoing edge.
    let edges = json["edges"].as_array().unwrap();
    for risk in &risks {
        assert!(
            edges.iter().any(|e| e["from"]["id"] == risk.as_str()),
            "{risk} has no control"
        );
    }
}

#[test]
fn coverage_reports_gaps_and_fails_on_them() {
    let (code, stdout, _) = riskgate(&["graph", "--coverage", "--format", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["gaps"]["risks_without_controls"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // The standard library ships without test rules.
    assert_eq!(
        json["gaps"]["families_without_tests"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    let (code, _, _) = riskgate(&["graph", "--fail-on-gaps"]);
    assert_eq!(code, 1);

    let (code, stdout, _) = riskgate(&["graph", "examples/policies", "--fail-on-gaps"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.ends_with("no coverage gaps\n"), "{stdout}");

    let (code, stdout, _) = riskgate(&["graph", "cli/tests/fixtures/diff/old", "--fail-on-gaps"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("risk families without tests: 1\n  performance\n"),
        "{stdout}"
    );
}
