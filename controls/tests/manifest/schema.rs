//! The committed JSON Schema stays in sync with the types.

use std::path::Path;

fn schema_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema/modelrelease.schema.json")
}

#[test]
fn committed_schema_is_current() {
    let generated =
        serde_json::to_string_pretty(&riskgate_controls::manifest::json_schema()).unwrap() + "\n";
    let path = schema_path();
    if std::env::var_os("RISKGATE_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/schema/modelrelease.schema.json is stale; regenerate with \
         RISKGATE_UPDATE_SCHEMA=1 cargo test -p riskgate-controls --test manifest"
    );
}

/// Manifest validation compiles this schema with the engine's JSON Schema
/// compiler, and skips the schema checks if it does not compile.
#[test]
fn the_schema_compiles_for_validation() {
    let schema = riskgate_controls::manifest::json_schema();
    if let Err(error) = riskgate_engine::jsonschema::compile(&schema) {
        panic!("the ModelRelease schema does not compile: {error}");
    }
}
