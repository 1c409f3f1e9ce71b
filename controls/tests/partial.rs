//! A manifest with a value that does not load (a wrong type) is still
//! evaluated: controls that do not depend on the value keep their result,
//! those that do are `error` citing the load error, and the decision is
//! `error`. The examples are edited in one place and compared with their
//! clean result.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::LazyLock;

use riskgate_controls::manifest::load_manifests;
use riskgate_controls::trace::{Decision, EnforcementPoint, ManifestTrace, Status};
use riskgate_controls::{CheckOptions, ControlsOptions, PolicySet};

/// 2026-10-01T00:00:00Z, the examples' clock.
const NOW_NS: i64 = 1_790_812_800_000_000_000;

static STDLIB: LazyLock<PolicySet> = LazyLock::new(|| {
    let files: Vec<(&str, &str)> = riskgate_stdlib_policies::POLICY_FILES
        .iter()
        .map(|file| (file.path, file.source))
        .collect();
    PolicySet::compile(&files, &ControlsOptions::default()).unwrap()
});

fn example(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/manifests")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn check(name: &str, text: &str) -> ManifestTrace {
    let loaded = load_manifests(name, text);
    assert_eq!(loaded.len(), 1);
    let options = CheckOptions::new(EnforcementPoint::Ci, NOW_NS);
    STDLIB.check_loaded(&loaded[0], text, &options)
}

/// `example` with `from` replaced by `to` exactly once.
fn edited(name: &str, from: &str, to: &str) -> String {
    let text = example(name);
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` is not unique in {name}"
    );
    text.replacen(from, to, 1)
}

fn statuses(trace: &ManifestTrace) -> BTreeMap<&str, Status> {
    trace
        .controls
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect()
}

/// What changed between the clean and the broken manifest, as a reader of
/// the report sees it: the problems, then every control whose status
/// moved, with the messages of its `error` requirements.
fn changes(clean: &ManifestTrace, broken: &ManifestTrace) -> String {
    let mut out = String::new();
    for problem in &broken.problems {
        let at = problem
            .location
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let _ = writeln!(out, "problem {} at {at}: {}", problem.code, problem.message);
    }
    let before = statuses(clean);
    for control in &broken.controls {
        let was = before[control.id.as_str()];
        if was == control.status {
            continue;
        }
        let _ = writeln!(
            out,
            "{}: {} -> {}",
            control.id,
            was.as_str(),
            control.status.as_str()
        );
        for requirement in &control.requirements {
            if requirement.status == Status::Error {
                let _ = writeln!(out, "  {}: {}", requirement.id, requirement.message);
                let _ = writeln!(
                    out,
                    "    to pass: {}",
                    requirement.to_pass.as_deref().unwrap_or("-")
                );
            }
        }
    }
    out
}

/// Every control either kept its clean status or became `error`.
fn assert_only_errors_added(clean: &ManifestTrace, broken: &ManifestTrace) {
    let before = statuses(clean);
    assert_eq!(before.len(), broken.controls.len());
    for control in &broken.controls {
        let was = before[control.id.as_str()];
        assert!(
            control.status == was || control.status == Status::Error,
            "{} moved from {} to {}",
            control.id,
            was.as_str(),
            control.status.as_str()
        );
    }
}

#[test]
fn a_wrong_type_in_one_slice_errors_only_the_controls_that_read_it() {
    let name = "credit-scorer-pass.yaml";
    let clean = check(name, &example(name));
    assert_eq!(clean.decision, Decision::Pass);
    let text = edited(name, "value: 0.772, n: 20115", "value: 0.772, n: \"20115\"");
    let broken = check(name, &text);

    assert_eq!(broken.decision, Decision::Error);
    assert_only_errors_added(&clean, &broken);
    let errors: Vec<_> = broken
        .controls
        .iter()
        .filter(|c| c.status == Status::Error)
        .collect();
    assert!(!errors.is_empty(), "no control depends on the slice");
    assert!(
        errors.len() * 4 < broken.controls.len(),
        "{} of {} controls are errors: the rest should be evaluated",
        errors.len(),
        broken.controls.len()
    );
    for control in &errors {
        let cited = control.requirements.iter().any(|r| {
            r.evidence
                .iter()
                .any(|e| e.pointer.ends_with("/slices/0/n") && e.location.is_some())
        });
        assert!(cited, "{} does not cite the broken value", control.id);
    }
    insta::assert_snapshot!(changes(&clean, &broken));
}

#[test]
fn a_document_that_is_not_a_release_is_not_evaluated() {
    let name = "credit-scorer-pass.yaml";
    let text = edited(
        name,
        "apiVersion: riskgate.dev/v1alpha1",
        "apiVersion: riskgate.dev/v2",
    );
    let trace = check(name, &text);
    assert_eq!(trace.decision, Decision::Error);
    assert!(trace.controls.is_empty());
    assert!(trace.problems.iter().any(|p| p.severity == "error"));
}

#[test]
fn a_broken_waiver_never_waives() {
    let name = "agent-with-waiver.yaml";
    let clean = check(name, &example(name));
    assert_eq!(statuses(&clean)["C-SEC-01"], Status::Waived);
    let text = edited(
        name,
        "expires_at: 2026-12-15T00:00:00Z",
        "expires_at: [2026, 12, 15]",
    );
    let broken = check(name, &text);
    assert_eq!(broken.decision, Decision::Error);
    let status = statuses(&broken)["C-SEC-01"];
    assert!(
        matches!(status, Status::Fail | Status::Error),
        "C-SEC-01 is {}",
        status.as_str()
    );
    for control in &broken.controls {
        for requirement in &control.requirements {
            assert!(
                requirement.waiver.is_none(),
                "{}/{} is waived by a waiver that did not load",
                control.id,
                requirement.id
            );
        }
    }
}

#[test]
fn many_broken_values_are_each_cited() {
    let name = "credit-scorer-pass.yaml";
    let clean = check(name, &example(name));
    let mut text = example(name);
    let mut pointers = 0;
    for n in ["21400", "5120", "3310", "20115", "28095"] {
        let from = format!("n: {n}}}");
        pointers += text.matches(&from).count();
        text = text.replace(&from, &format!("n: \"{n}\"}}"));
    }
    assert!(pointers > 8, "only {pointers} values edited");
    let broken = check(name, &text);
    assert_eq!(broken.decision, Decision::Error);
    assert_only_errors_added(&clean, &broken);
    let problem_pointers: Vec<&str> = broken
        .problems
        .iter()
        .filter_map(|p| p.pointer.as_deref())
        .collect();
    assert_eq!(problem_pointers.len(), pointers);
    for control in broken.controls.iter().filter(|c| c.status == Status::Error) {
        for requirement in control
            .requirements
            .iter()
            .filter(|r| r.status == Status::Error)
        {
            assert!(!requirement.evidence.is_empty());
            for evidence in &requirement.evidence {
                assert!(
                    problem_pointers.contains(&evidence.pointer.as_str()),
                    "{}: {} is not a broken value",
                    control.id,
                    evidence.pointer
                );
            }
        }
    }
}
