//! Runs OPA's v1 conformance cases (`tests/conformance/opa-v1`) and checks
//! that no case listed in `tests/conformance/baseline.txt` regresses.
//!
//! `RISKGATE_UPDATE_BASELINE=1` rewrites the baseline with the cases that
//! pass now. `RISKGATE_CONFORMANCE_FILTER=substr` runs only matching notes
//! and prints why each failing one failed. The case model and judging rules
//! live in `riskgate-conformance`, shared with `cargo xtask conformance`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test harness: a broken fixture should abort loudly"
)]
use std::path::{Path, PathBuf};
use std::time::Instant;

use riskgate_conformance::{Riskgate, load_suite, run_suite};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

/// This binary is one test, `opa_conformance`. Test runners list tests
/// before running them (`--list`, as libtest and cargo-nextest do), so
/// answer that protocol; ignored-only listings are empty.
fn listing_requested() -> bool {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        if !args.iter().any(|a| a == "--ignored") {
            println!("opa_conformance: test");
        }
        return true;
    }
    false
}

fn main() {
    if listing_requested() {
        return;
    }
    let filter = std::env::var("RISKGATE_CONFORMANCE_FILTER").ok();
    let verbose = filter.is_some() || std::env::var("RISKGATE_CONFORMANCE_VERBOSE").is_ok();
    let cases = load_suite(&root().join("opa-v1")).expect("conformance suite");
    let start = Instant::now();
    let report = run_suite(&Riskgate, &cases, filter.as_deref());
    if verbose {
        for (note, want) in &report.message_mismatches {
            println!("MESSAGE {note}: want {want:?}");
        }
        for (note, why) in report.folders.values().flat_map(|f| &f.failures) {
            println!("FAIL {note}: {why}");
        }
    }
    println!("{:<45} {:>6} {:>6}", "folder", "passed", "total");
    for (folder, stats) in &report.folders {
        let mark = if stats.passed == stats.total {
            ""
        } else {
            "  *"
        };
        println!("{folder:<45} {:>6} {:>6}{mark}", stats.passed, stats.total);
    }
    println!(
        "passed {} of {} ({} not run); error messages matched {} of {}; {:.1}s",
        report.passed.len(),
        report.total,
        report.skipped,
        report.messages_matched,
        report.messages_checked,
        start.elapsed().as_secs_f64()
    );
    if filter.is_some() {
        return;
    }
    let baseline_path = root().join("baseline.txt");
    if std::env::var("RISKGATE_UPDATE_BASELINE").is_ok_and(|v| v == "1") {
        let text: String = report.passed.iter().map(|n| format!("{n}\n")).collect();
        std::fs::write(&baseline_path, text).unwrap();
        println!("baseline updated: {} cases", report.passed.len());
        return;
    }
    let baseline = std::fs::read_to_string(&baseline_path).unwrap_or_default();
    let regressions: Vec<&str> = baseline
        .lines()
        .filter(|l| !l.is_empty() && !report.passed.contains(*l))
        .collect();
    if !regressions.is_empty() {
        eprintln!("{} baseline cases now fail:", regressions.len());
        for r in &regressions {
            eprintln!("  {r}");
        }
        std::process::exit(1);
    }
}
