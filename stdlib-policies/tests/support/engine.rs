//! Shared by the integration tests: the embedded standard library compiled
//! once, the fixed evaluation clock, and the example manifests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use riskgate_controls::manifest::load_manifests;
use riskgate_controls::trace::{EnforcementPoint, ManifestTrace};
use riskgate_controls::{CheckOptions, ControlsOptions, ManifestInput, PolicySet};
use riskgate_engine::Value;

/// The evaluation clock of every test: 2026-10-01T00:00:00Z (the clock the
/// examples are written for; see examples/README.md).
pub const NOW: &str = "2026-10-01T00:00:00Z";
/// [`NOW`] in nanoseconds since the Unix epoch.
pub const NOW_NS: i64 = 1_790_812_800_000_000_000;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The embedded standard library, compiled once per test binary.
pub fn stdlib() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| compile(None))
}

/// The embedded standard library compiled with compile-time overlay data.
pub fn compile(data: Option<Value>) -> PolicySet {
    let files: Vec<(&str, &str)> = riskgate_stdlib_policies::POLICY_FILES
        .iter()
        .map(|f| (f.path, f.source))
        .collect();
    let options = ControlsOptions {
        data,
        ..ControlsOptions::default()
    };
    match PolicySet::compile(&files, &options) {
        Ok(set) => set,
        Err(diagnostics) => panic!(
            "the standard library does not compile: {:?}",
            diagnostics
                .iter()
                .map(|d| format!("{}: {}", d.file, d.diagnostic.message()))
                .collect::<Vec<_>>()
        ),
    }
}

/// Check options at the CI enforcement point and the fixed clock.
pub fn ci_options(data: Option<Value>) -> CheckOptions {
    let mut options = CheckOptions::new(EnforcementPoint::Ci, NOW_NS);
    options.data = data;
    options
}

/// An example manifest's path relative to the repository root, e.g.
/// `examples/manifests/credit-scorer-pass.yaml`.
pub fn example_path(file: &str) -> String {
    format!("examples/manifests/{file}")
}

/// An example manifest's text.
pub fn example_text(file: &str) -> String {
    std::fs::read_to_string(repo_root().join(example_path(file))).unwrap()
}

/// An example manifest as JSON.
pub fn example_json(file: &str) -> serde_json::Value {
    serde_yaml_ng::from_str(&example_text(file)).unwrap()
}

/// Checks an example file exactly as `riskgate check` does (with source
/// positions), at the fixed clock.
pub fn check_example(set: &PolicySet, file: &str, options: &CheckOptions) -> ManifestTrace {
    let name = example_path(file);
    let text = example_text(file);
    let loaded = load_manifests(&name, &text);
    assert_eq!(loaded.len(), 1, "{name} has one document");
    set.check_loaded(&loaded[0], &text, options)
}

/// Checks a manifest given as JSON (no source positions).
pub fn check_json(
    set: &PolicySet,
    name: &str,
    manifest: &serde_json::Value,
    options: &CheckOptions,
) -> ManifestTrace {
    let value = Value::from_json(manifest);
    set.check(&ManifestInput::new(name, 0, &value), options)
}

/// Reads a YAML overlay file as data.
pub fn overlay(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    let json: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
    Value::from_json(&json)
}
