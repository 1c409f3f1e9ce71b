//! `riskgate check` in-process: the embedded standard library (every
//! control) against the example release manifests
//! (`cargo bench -p riskgate-controls --bench check`, or `cargo xtask bench`,
//! which writes `docs/benchmarks.md`).
//!
//! The policy set is compiled once outside the measured loop; each
//! iteration loads nothing and checks one already-loaded manifest, as the
//! CLI does per document.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: broken fixtures should abort"
)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use riskgate_controls::manifest::{self, LoadedManifest};
use riskgate_controls::trace::EnforcementPoint;
use riskgate_controls::{CheckOptions, ControlsOptions, PolicySet};

/// 2026-10-01T00:00:00Z, the examples' fixed clock.
const NOW_NS: i64 = 1_790_812_800_000_000_000;

fn stdlib() -> PolicySet {
    let files: Vec<(&str, &str)> = riskgate_stdlib_policies::POLICY_FILES
        .iter()
        .map(|file| (file.path, file.source))
        .collect();
    PolicySet::compile(&files, &ControlsOptions::default()).unwrap()
}

/// Every example manifest: (file stem, text, loaded document).
fn examples() -> Vec<(String, String, LoadedManifest)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/manifests");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let loaded = manifest::load_manifests(&name, &text)
                .into_iter()
                .next()
                .unwrap();
            assert!(!loaded.has_errors(), "{name} does not load");
            (name, text, loaded)
        })
        .collect()
}

fn check(c: &mut Criterion) {
    let set = stdlib();
    assert_eq!(set.controls().controls.len(), 56, "the full stdlib");
    let options = CheckOptions::new(EnforcementPoint::Ci, NOW_NS);
    let examples = examples();
    assert_eq!(examples.len(), 5, "the five example manifests");

    // (a) the headline figure: one manifest, every control.
    let mut group = c.benchmark_group("check/stdlib_one_manifest");
    let (_, text, loaded) = examples
        .iter()
        .find(|(name, _, _)| name == "credit-scorer-pass")
        .unwrap();
    group.bench_function("credit-scorer-pass", |b| {
        b.iter(|| black_box(set.check_loaded(loaded, text, &options)));
    });
    group.finish();

    // (b) every example manifest.
    let mut group = c.benchmark_group("check/stdlib_each_manifest");
    for (name, text, loaded) in &examples {
        group.bench_function(name.as_str(), |b| {
            b.iter(|| black_box(set.check_loaded(loaded, text, &options)));
        });
    }
    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
