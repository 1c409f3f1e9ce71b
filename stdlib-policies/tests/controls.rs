//! Per-control tests of the standard library, as data.
//!
//! `tests/controls/bases.yaml` names base manifests (examples, optionally
//! edited) that pass every control; each other `tests/controls/*.yaml` file
//! is a list of cases:
//!
//! ```yaml
//! - control: C-PERF-01          # the control under test
//!   base: credit                # a base from bases.yaml
//!   name: AUC below the minimum # optional, for messages
//!   metrics: {auc: 0.62}        # edits, applied in the order listed below
//!   expect: fail                # the control's status
//!   requirement: auc_overall    # optional: this requirement has status
//!   requirement_status: fail    #   `requirement_status` (default `expect`)
//! ```
//!
//! Edits, applied in this order: `patch` (a JSON merge patch of the whole
//! manifest, RFC 7386), `set` (JSON pointer -> value; `-` appends),
//! `remove` (JSON pointers), `metrics` (name -> value on every evaluation
//! reporting it; `null` removes the metric), `drop_monitors` (by metric),
//! `drop_documents` (by kind), `drop_approvals` (by role).
//!
//! Every control must have a passing and a failing case, and every control
//! with an `applies` condition a `not_applicable` case; the stdlib is
//! compiled once and cases run on all cores.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::expect_used
)]

#[path = "support/engine.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use riskgate_controls::trace::{ManifestTrace, Status};
use serde::Deserialize;
use serde_json::Value as Json;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Base {
    file: String,
    #[serde(flatten)]
    edits: Edits,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Edits {
    #[serde(default)]
    patch: Option<Json>,
    #[serde(default)]
    set: BTreeMap<String, Json>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    metrics: BTreeMap<String, Json>,
    #[serde(default)]
    drop_monitors: Vec<String>,
    #[serde(default)]
    drop_documents: Vec<String>,
    #[serde(default)]
    drop_approvals: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    control: String,
    base: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(flatten)]
    edits: Edits,
    expect: Status,
    #[serde(default)]
    requirement: Option<String>,
    #[serde(default)]
    requirement_status: Option<Status>,
}

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/controls")
}

fn merge_patch(target: &mut Json, patch: &Json) {
    let Json::Object(entries) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Json::Object(serde_json::Map::new());
    }
    let object = target.as_object_mut().unwrap();
    for (key, value) in entries {
        if value.is_null() {
            object.remove(key);
        } else {
            merge_patch(object.entry(key.clone()).or_insert(Json::Null), value);
        }
    }
}

fn set_pointer(root: &mut Json, pointer: &str, value: Json) {
    let (parent, last) = pointer.rsplit_once('/').expect("a JSON pointer");
    let parent = root
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no parent for {pointer}"));
    match parent {
        Json::Object(map) => {
            map.insert(last.to_owned(), value);
        }
        Json::Array(items) if last == "-" => items.push(value),
        Json::Array(items) => {
            let i: usize = last.parse().unwrap();
            items[i] = value;
        }
        _ => panic!("{pointer}: parent is a scalar"),
    }
}

fn remove_pointer(root: &mut Json, pointer: &str) {
    let (parent, last) = pointer.rsplit_once('/').expect("a JSON pointer");
    match root.pointer_mut(parent) {
        Some(Json::Object(map)) => {
            assert!(map.remove(last).is_some(), "{pointer} does not exist");
        }
        Some(Json::Array(items)) => {
            items.remove(last.parse::<usize>().unwrap());
        }
        _ => panic!("{pointer} does not exist"),
    }
}

fn list_mut<'a>(root: &'a mut Json, key: &str) -> &'a mut Vec<Json> {
    root["spec"][key]
        .as_array_mut()
        .unwrap_or_else(|| panic!("spec.{key} is not a list"))
}

fn apply(root: &mut Json, edits: &Edits) {
    if let Some(patch) = &edits.patch {
        merge_patch(root, patch);
    }
    for (pointer, value) in &edits.set {
        set_pointer(root, pointer, value.clone());
    }
    for pointer in &edits.remove {
        remove_pointer(root, pointer);
    }
    for (name, value) in &edits.metrics {
        let mut found = false;
        for evaluation in list_mut(root, "evaluations") {
            let metrics = evaluation["metrics"].as_array_mut().unwrap();
            let before = metrics.len();
            if value.is_null() {
                metrics.retain(|m| m["name"] != *name);
                found |= metrics.len() != before;
            } else {
                for metric in metrics.iter_mut().filter(|m| m["name"] == *name) {
                    metric["value"] = value.clone();
                    found = true;
                }
            }
        }
        assert!(found, "no evaluation reports metric {name}");
    }
    let mut drop = |key: &str, field: &str, values: &[String]| {
        for value in values {
            let list = list_mut(root, key);
            let before = list.len();
            list.retain(|item| item[field] != *value);
            assert_ne!(before, list.len(), "no {key} entry with {field} {value}");
        }
    };
    drop("monitors", "metric", &edits.drop_monitors);
    drop("documents", "kind", &edits.drop_documents);
    drop("approvals", "role", &edits.drop_approvals);
}

fn bases() -> BTreeMap<String, Json> {
    let text = std::fs::read_to_string(cases_dir().join("bases.yaml")).unwrap();
    let bases: BTreeMap<String, Base> = serde_yaml_ng::from_str(&text).unwrap();
    bases
        .into_iter()
        .map(|(name, base)| {
            let mut manifest = support::example_json(&base.file);
            apply(&mut manifest, &base.edits);
            (name, manifest)
        })
        .collect()
}

fn cases() -> Vec<(String, Case)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter(|p| !p.ends_with("bases.yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let cases: Vec<Case> =
            serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        for (i, case) in cases.into_iter().enumerate() {
            out.push((format!("{stem}.yaml#{i}"), case));
        }
    }
    out
}

fn run(manifest: &Json) -> ManifestTrace {
    support::check_json(
        support::stdlib(),
        "case.yaml",
        manifest,
        &support::ci_options(None),
    )
}

/// Checks one case; `Err` explains a mismatch.
fn check_case(label: &str, case: &Case, bases: &BTreeMap<String, Json>) -> Result<(), String> {
    let mut manifest = bases
        .get(&case.base)
        .unwrap_or_else(|| panic!("{label}: unknown base {}", case.base))
        .clone();
    apply(&mut manifest, &case.edits);
    let trace = run(&manifest);
    let name = case.name.as_deref().unwrap_or("");
    let Some(control) = trace.controls.iter().find(|c| c.id == case.control) else {
        return Err(format!("{label} {name}: no control {}", case.control));
    };
    let summary = || {
        control
            .requirements
            .iter()
            .filter(|r| r.status != Status::Pass)
            .map(|r| format!("{} {}: {}", r.id, r.status.as_str(), r.message))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if control.status != case.expect {
        return Err(format!(
            "{label} {} {name}: status {}, expected {} ({})",
            case.control,
            control.status.as_str(),
            case.expect.as_str(),
            summary()
        ));
    }
    if let Some(id) = &case.requirement {
        let want = case.requirement_status.unwrap_or(case.expect);
        match control.requirements.iter().find(|r| &r.id == id) {
            Some(r) if r.status == want => {}
            Some(r) => {
                return Err(format!(
                    "{label} {} {name}: requirement {id} is {}, expected {} ({})",
                    case.control,
                    r.status.as_str(),
                    want.as_str(),
                    r.message
                ));
            }
            None => return Err(format!("{label} {}: no requirement {id}", case.control)),
        }
    }
    Ok(())
}

#[test]
fn bases_pass_every_control() {
    for (name, manifest) in bases() {
        let trace = run(&manifest);
        let bad: Vec<String> = trace
            .controls
            .iter()
            .filter(|c| !matches!(c.status, Status::Pass | Status::NotApplicable))
            .map(|c| format!("{} {}", c.id, c.status.as_str()))
            .collect();
        assert!(bad.is_empty(), "base {name}: {bad:?}");
        assert!(
            trace.findings.is_empty(),
            "base {name}: {:?}",
            trace.findings
        );
    }
}

#[test]
fn control_cases() {
    let bases = bases();
    let cases = cases();
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let chunk = cases.len().div_ceil(threads).max(1);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|chunk| {
                let bases = &bases;
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|(label, case)| check_case(label, case, bases).err())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_control_has_passing_failing_and_not_applicable_cases() {
    let set = support::stdlib();
    let mut seen: BTreeMap<&str, BTreeSet<Status>> = BTreeMap::new();
    let cases = cases();
    for (_, case) in &cases {
        seen.entry(case.control.as_str())
            .or_default()
            .insert(case.expect);
    }
    let mut missing = Vec::new();
    for control in &set.controls().controls {
        let statuses = seen.get(control.id.as_str()).cloned().unwrap_or_default();
        let mut want = vec![Status::Pass, Status::Fail];
        if control.applies_rule.is_some() {
            want.push(Status::NotApplicable);
        }
        for status in want {
            if !statuses.contains(&status) {
                missing.push(format!("{} has no {} case", control.id, status.as_str()));
            }
        }
    }
    assert_eq!(set.controls().controls.len(), 56);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
