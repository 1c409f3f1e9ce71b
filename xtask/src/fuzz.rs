//! `cargo xtask fuzz --minutes N`: runs every cargo-fuzz target in `fuzz/`
//! (libFuzzer, nightly) for N minutes each, seeded from the repository's
//! own policies, manifests and AdmissionReviews, and reports what crashed.
//!
//! The fuzz crate is its own workspace, so the project's build and CI stay
//! on stable and never compile it. Needs `cargo install cargo-fuzz` and a
//! nightly toolchain (`rustup toolchain install nightly`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

/// Each target and the repository directories that seed it.
pub const TARGETS: [(&str, &[&str]); 6] = [
    (
        "parse_format",
        &[
            "dsl/tests/data",
            "stdlib-policies/policies",
            "examples/policies",
        ],
    ),
    (
        "manifest",
        &["examples/manifests", "controls/tests/data/manifests"],
    ),
    ("admission", &["examples/admission", "cli/tests/data/serve"]),
    (
        "eval",
        &[
            "dsl/tests/data/ok",
            "examples/policies",
            "engine/tests/data/eval",
        ],
    ),
    ("overlay", &["examples/overlays"]),
    // Policies and manifests as bytes decode to scripts of opens and edits.
    ("lsp", &["lsp/tests/fixtures/ws"]),
];

/// Runs the targets (all, or `only`) for `minutes` each.
pub fn run(root: &Path, minutes: f64, only: &[String]) -> Result<()> {
    if !(minutes > 0.0 && minutes.is_finite()) {
        bail!("--minutes must be a positive number");
    }
    let seconds = (minutes * 60.0).round().max(1.0);
    let mut crashed = Vec::new();
    for (target, seeds) in TARGETS {
        if !only.is_empty() && !only.iter().any(|o| o == target) {
            continue;
        }
        let corpus = root.join("target/fuzz-corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .with_context(|| format!("creating {}", corpus.display()))?;
        let seed_dirs: Vec<PathBuf> = seeds
            .iter()
            .map(|s| root.join(s))
            .filter(|p| p.is_dir())
            .collect();
        println!("fuzzing {target} for {seconds} s");
        let status = Command::new("cargo")
            .current_dir(root)
            .args(["+nightly", "fuzz", "run", "--fuzz-dir", "fuzz", target])
            .arg(&corpus)
            .args(&seed_dirs)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .args(["-rss_limit_mb=4096", "-timeout=20", "-print_final_stats=1"])
            // The language server drops large analyses on a detached thread
            // (so an edit never waits for a free); one still running when
            // an input ends is reported as a leak, which it is not.
            .args((target == "lsp").then_some("-detect_leaks=0"))
            .status()
            .context("running cargo +nightly fuzz (cargo install cargo-fuzz)")?;
        if !status.success() {
            crashed.push(target);
        }
    }
    if !crashed.is_empty() {
        bail!(
            "crashes in {}: inputs are under fuzz/artifacts/; turn each into a regression test",
            crashed.join(", ")
        );
    }
    Ok(())
}
