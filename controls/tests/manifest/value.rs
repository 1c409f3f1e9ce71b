//! A manifest loaded from an already parsed value (what the webhook
//! receives) gets exactly the checks, diagnostics and pointers a file with
//! the same content gets; only source positions are absent.

use std::path::Path;

use riskgate_controls::manifest::{LoadedManifest, load_manifest_value, load_manifests};

/// Code, severity, message and pointer of every diagnostic.
fn findings(loaded: &LoadedManifest) -> Vec<(String, String, String, Option<String>)> {
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code().id.to_owned(),
                d.severity().as_str().to_owned(),
                d.message().to_owned(),
                d.pointer.clone(),
            )
        })
        .collect()
}

/// Every YAML file of `dir` that parses as one document, as JSON.
fn documents(dir: &Path) -> Vec<(String, serde_json::Value)> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let value: serde_json::Value = serde_yaml_ng::from_str(&text).ok()?;
            Some((path.file_name()?.to_string_lossy().into_owned(), value))
        })
        .collect()
}

#[test]
fn a_value_is_checked_like_the_same_json_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases = documents(&root.join("../examples/manifests"));
    cases.extend(documents(&root.join("tests/data/manifests/bad")));
    let with_findings = cases
        .iter()
        .filter(|(name, value)| {
            let text = serde_json::to_string(value).unwrap();
            let from_text = load_manifests(name, &text).remove(0);
            let from_value = load_manifest_value(name, value);
            assert_eq!(from_value.raw, from_text.raw, "{name}: raw value");
            assert_eq!(
                from_value.manifest.is_some(),
                from_text.manifest.is_some(),
                "{name}: typed view"
            );
            assert_eq!(findings(&from_value), findings(&from_text), "{name}");
            assert!(
                from_value.positions.line_col("").is_none(),
                "{name}: no positions"
            );
            !from_value.diagnostics.is_empty()
        })
        .count();
    assert!(cases.len() >= 15, "{} cases", cases.len());
    assert!(with_findings >= 8, "{with_findings} cases with findings");
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow() {
    let mut value = serde_json::json!("leaf");
    for _ in 0..150 {
        value = serde_json::json!([value]);
    }
    let object = serde_json::json!({
        "apiVersion": "riskgate.dev/v1alpha1",
        "kind": "ModelRelease",
        "metadata": {"name": "deep"},
        "spec": {"deep": value},
    });
    let loaded = load_manifest_value("admission:deep", &object);
    assert!(loaded.has_errors());
    assert!(
        loaded.diagnostics[0]
            .message()
            .contains("nested more than 100 levels"),
        "{:?}",
        findings(&loaded)
    );
}
