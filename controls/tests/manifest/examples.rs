//! Every example manifest loads without errors or warnings.

use std::path::Path;

use riskgate_controls::manifest::load_manifests;

use crate::common::render;

#[test]
fn example_manifests_load_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/manifests");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "json")
        })
        .collect();
    names.sort();
    let expected = [
        "agent-expired-waiver.yaml",
        "agent-with-waiver.yaml",
        "credit-scorer-pass.yaml",
        "fraud-sod-violation.yaml",
        "support-chatbot-fail.yaml",
    ];
    for name in expected {
        assert!(
            names.iter().any(|p| p.ends_with(name)),
            "missing example {name}"
        );
    }
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let loaded = load_manifests(&name, &text);
        assert_eq!(loaded.len(), 1, "{name}: one release per example");
        assert!(
            loaded[0].manifest.is_some() && loaded[0].diagnostics.is_empty(),
            "{name} does not load cleanly:\n{}",
            render(&text, &loaded)
        );
    }
}

#[test]
fn numeric_lists_load_as_metric_values_and_alert_bands() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/manifests/credit-scorer-pass.yaml"),
    )
    .unwrap();
    let banded = text.replace("value: 0.781", "value: [0.8, 1.25]").replacen(
        "alert_threshold: 0.25",
        "alert_threshold: [0.8, 1.25]",
        1,
    );
    assert_ne!(banded, text);
    let loaded = riskgate_controls::manifest::load_manifests("banded.yaml", &banded);
    let errors: Vec<String> = loaded[0]
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code().id, d.message()))
        .collect();
    assert_eq!(errors, Vec::<String>::new());
    assert!(loaded[0].manifest.is_some());
}

#[test]
fn facts_real_releases_have_load() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/manifests/credit-scorer-pass.yaml"),
    )
    .unwrap();
    let extended = text
        .replace(
            "    kill_switch: true\n",
            "    kill_switch: {enabled: true, description: \"feature flag credit.scorer.enabled, owned by SRE\"}\n",
        )
        .replace(
            "rate_limit: {requests_per_minute: 600, scope: per_client}",
            "rate_limit: {requests_per_minute: 600, requests_per_day: 50000, requests_per_session: 40, scope: per_client}",
        )
        .replace(
            "org_unit: consumer-lending}\n    technical_owner",
            "org_unit: consumer-lending, reporting_line: chief-lending-officer}\n    technical_owner",
        )
        .replace(
            "        role: train\n",
            "        role: train\n        personal_data: true\n        special_category_data: false\n",
        );
    for edited in [
        "kill_switch: {",
        "requests_per_day",
        "reporting_line",
        "personal_data",
    ] {
        assert!(extended.contains(edited), "{edited} was not applied");
    }
    let loaded = riskgate_controls::manifest::load_manifests("extended.yaml", &extended);
    let diagnostics: Vec<String> = loaded[0]
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code().id, d.message()))
        .collect();
    assert_eq!(diagnostics, Vec::<String>::new());
    let manifest = loaded[0].manifest.as_ref().unwrap();
    assert_eq!(
        serde_json::to_value(&manifest.spec.rollback).unwrap()["kill_switch"]["enabled"],
        true
    );
}
