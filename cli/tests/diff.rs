//! End-to-end tests of `riskgate diff`.

#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

const OLD: &str = "cli/tests/fixtures/diff/old";
const NEW: &str = "cli/tests/fixtures/diff/new";

/// `riskgate ARGS` over the example manifests at a fixed clock.
fn riskgate(args: &[&str]) -> (i32, String, String) {
    let fixed = [
        "--now",
        "2026-11-26T00:00:00Z",
        "--manifests",
        "examples/manifests",
    ];
    let all: Vec<&str> = args.iter().chain(&fixed).copied().collect();
    support::riskgate(&all)
}

#[test]
fn raising_a_threshold_lists_exactly_the_manifests_it_breaks() {
    let (code, stdout, stderr) = riskgate(&["diff", OLD, NEW, "-f", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let changed: Vec<(&str, &str, &str)> = json["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["file"].as_str().unwrap(),
                c["old_decision"].as_str().unwrap(),
                c["new_decision"].as_str().unwrap(),
            )
        })
        .collect();
    // credit-scorer has AUC 0.781: passes 0.75, fails 0.8. The fraud model
    // (0.943) passes both; the others have no AUC and fail both.
    assert_eq!(
        changed,
        [("examples/manifests/credit-scorer-pass.yaml", "pass", "deny")]
    );
    assert_eq!(json["unchanged"], 4);
}

#[test]
fn pretty_and_markdown_show_both_traces_key_lines() {
    let (code, stdout, _) = riskgate(&["diff", OLD, NEW]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("pretty", stdout);
    let (code, stdout, _) = riskgate(&["diff", OLD, NEW, "-f", "markdown"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("markdown", stdout);
}

#[test]
fn the_same_policies_change_nothing() {
    let (code, stdout, _) = riskgate(&["diff", OLD, OLD]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("0 changed (0 decisions), 5 unchanged"),
        "{stdout}"
    );
}

#[test]
fn bad_versions_are_errors() {
    let (code, _, stderr) = riskgate(&["diff", "no/such/dir", NEW]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a directory"), "{stderr}");
    let (code, _, stderr) = riskgate(&["diff", "git:HEAD", NEW]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected git:REF:PATH"), "{stderr}");
}
