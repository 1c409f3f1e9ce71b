//! Golden tests of the examples: each `examples/manifests/*.yaml` checked
//! in-process against the embedded standard library at the CI enforcement
//! point and the fixed clock (`support::NOW`), its trace compared with
//! `tests/golden/<name>.trace.json`. `RISKGATE_UPDATE_GOLDEN=1` rewrites the
//! golden files; the decision table below is asserted separately, so an
//! update cannot silently flip a decision.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

#[path = "support/engine.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use riskgate_controls::trace::{Decision, ManifestTrace, Status};

/// Per example: the decision, and every control that is neither `pass` nor
/// `not_applicable`, with its status (the story each example tells).
type Expectation = (&'static str, Decision, &'static [(&'static str, Status)]);

const EXPECTED: &[Expectation] = &[
    ("credit-scorer-pass.yaml", Decision::Pass, &[]),
    (
        "support-chatbot-fail.yaml",
        Decision::Deny,
        &[
            ("C-GOV-01", Status::Fail),
            ("C-GOV-06", Status::Fail),
            ("C-GOV-09", Status::Fail),
            ("C-PERF-01", Status::Fail),
            ("C-SAFE-02", Status::Fail),
            ("C-SEC-01", Status::Fail),
        ],
    ),
    (
        "agent-with-waiver.yaml",
        Decision::Pass,
        &[("C-SEC-01", Status::Waived)],
    ),
    (
        "agent-expired-waiver.yaml",
        Decision::Deny,
        &[("C-SEC-01", Status::Fail)],
    ),
    (
        "fraud-sod-violation.yaml",
        Decision::Deny,
        &[("C-GOV-03", Status::Fail)],
    ),
];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn trace(file: &str) -> ManifestTrace {
    support::check_example(support::stdlib(), file, &support::ci_options(None))
}

fn notable(trace: &ManifestTrace) -> BTreeMap<String, Status> {
    trace
        .controls
        .iter()
        .filter(|c| !matches!(c.status, Status::Pass | Status::NotApplicable))
        .map(|c| (c.id.clone(), c.status))
        .collect()
}

#[test]
fn every_example_is_in_the_decision_table() {
    let mut on_disk: Vec<String> =
        std::fs::read_dir(support::repo_root().join("examples/manifests"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
    on_disk.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|(f, _, _)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(listed, on_disk);
}

#[test]
fn examples_have_their_documented_decisions() {
    for (file, decision, controls) in EXPECTED {
        let trace = trace(file);
        assert!(trace.problems.is_empty(), "{file}: {:?}", trace.problems);
        assert_eq!(trace.decision, *decision, "{file}");
        let expected: BTreeMap<String, Status> = controls
            .iter()
            .map(|(id, status)| ((*id).to_owned(), *status))
            .collect();
        assert_eq!(notable(&trace), expected, "{file}: controls not passing");
        assert_eq!(
            trace.controls.len(),
            56,
            "{file}: every stdlib control is reported"
        );
    }
}

#[test]
fn the_fraud_release_is_denied_for_segregation_of_duties() {
    let trace = trace("fraud-sod-violation.yaml");
    let gov03 = trace.controls.iter().find(|c| c.id == "C-GOV-03").unwrap();
    let sod = gov03
        .requirements
        .iter()
        .find(|r| r.id == "sod_violations")
        .unwrap();
    assert_eq!(sod.status, Status::Fail);
    assert_eq!(sod.actual, Some(serde_json::json!(1)));
    assert!(gov03.requirements.iter().all(|r| r.waiver.is_none()));
}

#[test]
fn the_valid_waiver_is_cited_and_the_expired_one_is_a_finding() {
    let waived = trace("agent-with-waiver.yaml");
    let sec01 = waived.controls.iter().find(|c| c.id == "C-SEC-01").unwrap();
    let req = sec01
        .requirements
        .iter()
        .find(|r| r.id == "indirect_injection_asr")
        .unwrap();
    assert_eq!(req.status, Status::Waived);
    assert_eq!(req.waiver.as_ref().unwrap().id, "WVR-2026-019");
    assert_eq!(
        req.actual,
        Some(serde_json::json!(0.045)),
        "the failing value is kept"
    );
    assert!(waived.findings.is_empty(), "{:?}", waived.findings);

    let expired = trace("agent-expired-waiver.yaml");
    let codes: Vec<&str> = expired.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["W3001"]);
    let sec01 = expired
        .controls
        .iter()
        .find(|c| c.id == "C-SEC-01")
        .unwrap();
    let req = sec01
        .requirements
        .iter()
        .find(|r| r.id == "indirect_injection_asr")
        .unwrap();
    assert_eq!(req.status, Status::Fail);
    assert!(
        req.to_pass
            .as_deref()
            .unwrap_or_default()
            .contains("WVR-2026-019"),
        "the hint names the ignored waiver: {:?}",
        req.to_pass
    );
}

#[test]
fn example_traces_match_the_golden_files() {
    let update = std::env::var_os("RISKGATE_UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for (file, _, _) in EXPECTED {
        let json = serde_json::to_string_pretty(&trace(file)).unwrap() + "\n";
        let path = golden_dir().join(file.replace(".yaml", ".trace.json"));
        if update {
            std::fs::write(&path, &json).unwrap();
            continue;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != json {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "golden traces differ: {stale:?}; review the change and rerun with RISKGATE_UPDATE_GOLDEN=1"
    );
}
