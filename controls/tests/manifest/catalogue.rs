//! The catalogue is authoritative on field names: every `requires_fields`
//! path must exist in the manifest schema.

use std::collections::BTreeSet;
use std::path::Path;

use riskgate_controls::manifest::{
    DOCUMENT_KINDS, ROLES, USE_CASE_FLAGS, json_schema, load_documents,
};
use riskgate_engine::Value;
use serde_json::Value as Json;

fn vendored() -> BTreeSet<(String, String)> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/catalogue-requires-fields.txt");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (control, path) = line.split_once(' ').unwrap();
            (control.to_owned(), path.to_owned())
        })
        .collect()
}

/// Follows `$ref`s and the non-null branch of optional fields.
fn resolve<'a>(schema: &'a Json, root: &'a Json) -> &'a Json {
    let mut schema = schema;
    loop {
        if let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
            let name = reference.strip_prefix("#/$defs/").unwrap();
            schema = &root["$defs"][name];
        } else if let Some(branches) = schema.get("anyOf").and_then(Json::as_array) {
            let non_null: Vec<_> = branches
                .iter()
                .filter(|b| b.get("type") != Some(&Json::from("null")))
                .collect();
            // Alternatives (`true` or `{enabled, description}`) are a leaf
            // here: no catalogue path steps into them.
            if non_null.len() != 1 {
                return schema;
            }
            schema = non_null[0];
        } else {
            return schema;
        }
    }
}

/// Whether `spec.<path>` names a field; `*` steps into list items.
fn exists(root: &Json, path: &str) -> bool {
    let mut schema = resolve(&root["properties"]["spec"], root);
    for segment in path.split('.') {
        schema = if segment == "*" {
            match schema.get("items") {
                Some(items) => resolve(items, root),
                None => return false,
            }
        } else {
            match schema.get("properties").and_then(|p| p.get(segment)) {
                Some(property) => resolve(property, root),
                None => return false,
            }
        };
    }
    true
}

#[test]
fn every_requires_fields_path_exists_in_the_schema() {
    let schema = json_schema();
    let paths = vendored();
    assert!(paths.len() >= 70, "vendored list looks truncated");
    let missing: Vec<_> = paths
        .iter()
        .filter(|(_, path)| !exists(&schema, path))
        .collect();
    assert!(
        missing.is_empty(),
        "paths missing from the schema: {missing:?}"
    );
    assert!(
        !exists(&schema, "classification.no_such_field"),
        "the check can fail"
    );
}

fn shared_catalogue() -> Option<Value> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/stdlib/controls-catalogue.yaml");
    let text = std::fs::read_to_string(path).ok()?;
    let documents = load_documents(&text);
    assert_eq!(documents.len(), 1);
    assert!(
        documents[0].diagnostics.is_empty(),
        "{:?}",
        documents[0].diagnostics
    );
    documents.into_iter().next()?.value
}

fn get<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(&Value::string(key)).unwrap_or(&Value::Null)
}

fn array(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.to_vec(),
        _ => Vec::new(),
    }
}

fn keys(value: &Value) -> BTreeSet<String> {
    match value {
        Value::Object(map) => map
            .keys()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect(),
        _ => BTreeSet::new(),
    }
}

#[test]
fn vendored_paths_and_vocabularies_match_the_shared_catalogue() {
    let Some(catalogue) = shared_catalogue() else {
        eprintln!("shared catalogue not present; checked the vendored copy only");
        return;
    };
    let mut from_catalogue = BTreeSet::new();
    for control in array(get(&catalogue, "controls")) {
        let id = get(&control, "id").as_str().unwrap().to_owned();
        for path in array(get(&control, "requires_fields")) {
            from_catalogue.insert((id.clone(), path.as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(
        from_catalogue,
        vendored(),
        "tests/data/catalogue-requires-fields.txt is stale; update it from the catalogue"
    );
    let vocabularies = get(&catalogue, "vocabularies");
    let set = |items: &[&str]| {
        items
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        keys(get(vocabularies, "use_case_flags")),
        set(USE_CASE_FLAGS)
    );
    assert_eq!(keys(get(vocabularies, "roles")), set(ROLES));
    assert_eq!(
        keys(get(vocabularies, "document_types")),
        set(DOCUMENT_KINDS)
    );
    let tiers: BTreeSet<String> = array(get(vocabularies, "risk_tiers"))
        .iter()
        .map(|t| get(t, "id").as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tiers, set(&["low", "medium", "high", "critical"]));
    let kinds: BTreeSet<String> = array(get(vocabularies, "model_kinds"))
        .iter()
        .map(|t| get(t, "id").as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, set(&["predictive", "llm", "agent"]));
}
