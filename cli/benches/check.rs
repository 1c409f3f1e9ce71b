//! `riskgate check` end to end on a large corpus: the release binary on
//! 10,000 manifest files, copies of the five examples in a temporary
//! directory (`cargo bench -p riskgate-cli --bench check`, or `cargo xtask
//! bench --only check`), once writing the JSON trace and once the default
//! `pretty` report (streamed). The target is one second and 150 MB peak
//! memory on two cores.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: broken fixtures should abort"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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

/// One run of the release binary on the corpus in `format`; returns its
/// peak resident memory in KiB: `VmHWM` (the kernel's high-water mark)
/// sampled every 5 ms until it exits, so a peak within the last few
/// milliseconds may be missed. Linux only; 0 elsewhere.
fn run(releases: &Path, format: &str, report: &Path) -> u64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_riskgate"))
        .arg("check")
        .arg(releases)
        .args([
            "--now",
            "2026-10-01T00:00:00Z",
            "--format",
            format,
            "--output",
        ])
        .arg(report)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|status| high_water_mark_kib(&status))
        {
            peak_kib = peak_kib.max(kib);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // Three of the five examples are denied.
    assert_eq!(status.code(), Some(1), "riskgate check --format {format}");
    peak_kib
}

fn high_water_mark_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes the peak memory of each variant where `cargo xtask bench` reads
/// it (criterion itself measures time only).
fn record_peak_rss(peaks: &[(&str, u64)]) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.parent()?.to_path_buf())
        });
    let Some(target) = target else {
        return;
    };
    let dir = target.join("criterion/check/cli_10k_manifests");
    let entries: Vec<String> = peaks
        .iter()
        .map(|(variant, kib)| format!("\"{variant}\": {kib}"))
        .collect();
    let json = format!("{{\"peak_rss_kib\": {{{}}}}}\n", entries.join(", "));
    let written =
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join("memory.json"), json));
    if let Err(error) = written {
        eprintln!("cannot record peak memory: {error}");
    }
}

fn cli(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let releases = dir.path().join("releases");
    std::fs::create_dir(&releases).unwrap();
    corpus(&releases);
    let trace_file = dir.path().join("trace.json");
    let pretty_file = dir.path().join("report.txt");
    // `riskgate`: the JSON trace (its parts spooled until the summary is known);
    // `riskgate_pretty`: the default report, written as batches finish.
    let peaks = [
        ("riskgate", run(&releases, "json", &trace_file)),
        ("riskgate_pretty", run(&releases, "pretty", &pretty_file)),
    ];
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&trace_file).unwrap()).unwrap();
    assert_eq!(trace["summary"]["manifests"], MANIFESTS);
    record_peak_rss(&peaks);

    let mut group = c.benchmark_group("check/cli_10k_manifests");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("riskgate", |b| {
        b.iter(|| run(&releases, "json", &trace_file));
    });
    group.bench_function("riskgate_pretty", |b| {
        b.iter(|| run(&releases, "pretty", &pretty_file));
    });
    group.finish();
}

criterion_group!(benches, cli);
criterion_main!(benches);
