//! The embedded standard library: every file is embedded, parses cleanly,
//! is formatted, and covers the whole controls catalogue.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use riskgate_dsl::ast::{ControlMember, Item};
use riskgate_dsl::{Dialect, ParseOptions, parse_module};
use riskgate_stdlib_policies::POLICY_FILES;
use serde_yaml_ng::Value;

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn policies_dir() -> PathBuf {
    crate_dir().join("policies")
}

fn catalogue() -> Value {
    let text =
        std::fs::read_to_string(crate_dir().join("catalogue/controls-catalogue.yaml")).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

/// Declared risk ids and, per control, its `mitigates` list.
fn declarations() -> (BTreeSet<String>, Vec<(String, Vec<String>)>) {
    let mut risks = BTreeSet::new();
    let mut controls = Vec::new();
    for file in POLICY_FILES {
        let parsed = parse_module(file.source, ParseOptions::new(Dialect::for_path(file.path)));
        for item in &parsed.module.items {
            match item {
                Item::Risk(risk) => {
                    assert!(
                        risks.insert(risk.id.text.clone()),
                        "risk {} declared twice",
                        risk.id.text
                    );
                }
                Item::Control(control) => {
                    let mut mitigates = Vec::new();
                    for member in &control.members {
                        if let ControlMember::Field(field) = member
                            && field.name.text == "mitigates"
                            && let riskgate_dsl::ast::ExprKind::Array(items) = &field.value.kind
                        {
                            for item in items {
                                if let riskgate_dsl::ast::ExprKind::String(s) = &item.kind {
                                    mitigates.push(s.value.clone());
                                }
                            }
                        }
                    }
                    controls.push((control.id.text.clone(), mitigates));
                }
                Item::Rule(_) => {}
            }
        }
    }
    (risks, controls)
}

#[test]
fn every_file_in_the_directory_is_embedded_with_its_current_text() {
    let mut on_disk: Vec<String> = std::fs::read_dir(policies_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".gate") || n.ends_with(".rego"))
        .map(|n| format!("stdlib/{n}"))
        .collect();
    on_disk.sort();
    let embedded: Vec<String> = POLICY_FILES.iter().map(|f| f.path.to_owned()).collect();
    assert_eq!(
        embedded, on_disk,
        "POLICY_FILES in src/lib.rs must list every policy file, sorted"
    );
    for file in POLICY_FILES {
        let name = file.path.trim_start_matches("stdlib/");
        let text = std::fs::read_to_string(policies_dir().join(name)).unwrap();
        assert_eq!(file.source, text, "{} is stale", file.path);
    }
}

#[test]
fn every_file_parses_without_diagnostics_and_is_formatted() {
    for file in POLICY_FILES {
        let options = ParseOptions::new(Dialect::for_path(file.path));
        let parsed = parse_module(file.source, options);
        assert!(
            parsed.diagnostics.is_empty(),
            "{}: {:#?}",
            file.path,
            parsed.diagnostics
        );
        let formatted = riskgate_dsl::format::format_source(file.source, options).unwrap();
        assert!(
            formatted == file.source,
            "{} is not in canonical form: run `riskgate fmt --write`",
            file.path
        );
    }
}

#[test]
fn the_catalogue_has_56_controls_and_42_risks_and_all_are_declared() {
    let catalogue = catalogue();
    let controls: Vec<String> = catalogue["controls"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let risks: Vec<String> = catalogue["taxonomy"]
        .as_sequence()
        .unwrap()
        .iter()
        .flat_map(|f| f["risks"].as_sequence().unwrap().iter())
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(controls.len(), 56);
    assert_eq!(risks.len(), 42);
    assert_eq!(catalogue["taxonomy"].as_sequence().unwrap().len(), 10);

    let (declared_risks, declared_controls) = declarations();
    let declared_ids: BTreeSet<&str> = declared_controls
        .iter()
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(
        declared_ids.len(),
        declared_controls.len(),
        "duplicate control ids"
    );
    for id in &controls {
        assert!(
            declared_ids.contains(id.as_str()),
            "control {id} is not declared"
        );
    }
    for id in &risks {
        assert!(declared_risks.contains(id), "risk {id} is not declared");
    }
    assert_eq!(declared_ids.len(), 56);
    assert_eq!(declared_risks.len(), 42);
}

#[test]
fn every_mitigated_risk_is_declared() {
    let (risks, controls) = declarations();
    for (id, mitigates) in &controls {
        assert!(!mitigates.is_empty(), "{id} mitigates nothing");
        for risk in mitigates {
            assert!(
                risks.contains(risk),
                "{id} mitigates undeclared risk {risk}"
            );
        }
    }
}

#[test]
fn every_risk_is_mitigated_or_a_known_gap() {
    let (risks, controls) = declarations();
    let text = std::fs::read_to_string(crate_dir().join("catalogue-differences.yaml")).unwrap();
    let differences: Value = serde_yaml_ng::from_str(&text).unwrap();
    let gaps: Vec<String> = differences["known_gaps"]
        .as_sequence()
        .map(|s| {
            s.iter()
                .filter_map(|g| g["risk"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    for risk in &risks {
        let mitigated = controls.iter().any(|(_, m)| m.contains(risk));
        let gap = gaps.contains(risk);
        assert!(
            mitigated || gap,
            "no control mitigates {risk} and it is not a known gap"
        );
        assert!(
            !(mitigated && gap),
            "{risk} is listed as a known gap but is mitigated"
        );
    }
}

/// Names `prefix<name>` used in `text`, where the prefix is not part of a
/// longer identifier or path.
fn references(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        let tail = &rest[at + prefix.len()..];
        let name: String = tail
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            && !name.is_empty()
        {
            out.insert(name);
        }
        rest = tail;
    }
    out
}

/// Top-level rule names a module defines.
fn rule_names(path: &str) -> BTreeSet<String> {
    let file = POLICY_FILES.iter().find(|f| f.path == path).unwrap();
    let parsed = parse_module(file.source, ParseOptions::new(Dialect::for_path(path)));
    parsed
        .module
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Rule(rule) => Some(rule.head.reference.name.text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_helper_and_setting_the_controls_use_is_defined() {
    let helpers = rule_names("stdlib/lib.gate");
    let settings = rule_names("stdlib/config.rego");
    for file in POLICY_FILES {
        for name in references(file.source, "lib.") {
            if file.path != "stdlib/lib.gate" {
                assert!(
                    helpers.contains(&name),
                    "{} uses undefined lib.{name}",
                    file.path
                );
            }
        }
        for name in references(file.source, "lib.config.") {
            assert!(
                settings.contains(&name),
                "{} uses undefined setting {name}",
                file.path
            );
        }
        for name in references(file.source, "config.") {
            if file.path == "stdlib/lib.gate" {
                assert!(
                    settings.contains(&name),
                    "lib.gate uses undefined config.{name}"
                );
            }
        }
    }
}
