//! `riskgate check` end to end on a large corpus: the release binary on
//! 10,000 manifest files, copies of the five examples in a temporary
//! directory (`cargo bench -p riskgate-cli --bench check`, or `cargo xtask
//! bench --only check`). The target is one second on two cores.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: broken fixtures should abort"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

const MANIFESTS: usize = 10_000;

fn corpus(dir: &Path) {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/manifests");
    let mut sources: Vec<(String, String)> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    sources.sort();
    for i in 0..MANIFESTS {
        let (name, text) = &sources[i % sources.len()];
        std::fs::write(dir.join(format!("{i:05}-{name}")), text).unwrap();
    }
}

fn cli(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let releases = dir.path().join("releases");
    std::fs::create_dir(&releases).unwrap();
    corpus(&releases);
    let report = dir.path().join("trace.json");
    let run = || {
        let output = Command::new(env!("CARGO_BIN_EXE_riskgate"))
            .arg("check")
            .arg(&releases)
            .args([
                "--now",
                "2026-10-01T00:00:00Z",
                "--format",
                "json",
                "--output",
            ])
            .arg(&report)
            .output()
            .unwrap();
        // Three of the five examples are denied.
        assert_eq!(output.status.code(), Some(1), "{output:?}");
    };
    run();
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(trace["summary"]["manifests"], MANIFESTS);

    let mut group = c.benchmark_group("check/cli_10k_manifests");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("riskgate", |b| b.iter(run));
    group.finish();
}

criterion_group!(benches, cli);
criterion_main!(benches);
