//! `riskgate import` end to end: the worked examples under
//! `examples/evidence/` (commands in `commands.txt`) give the committed
//! manifests byte for byte, those manifests load and are checked against
//! the embedded standard library, the worked pipeline
//! (`examples/evidence/pipeline/run.sh`: import, sign, verify, tamper)
//! reproduces its committed outputs, and bad input is a located error with
//! exit code 2. The MLflow importer has its own test against a real
//! server (`import_mlflow.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)] // shared helpers; this test needs only some
mod support;

use std::path::Path;

use support::{ROOT, copy_dir, files_in, riskgate, riskgate_in};

fn examples() -> Vec<(String, Vec<String>)> {
    let commands =
        std::fs::read_to_string(Path::new(ROOT).join("examples/evidence/commands.txt")).unwrap();
    commands
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (dir, command) = line.split_once(':').unwrap();
            (
                dir.to_owned(),
                command.split_whitespace().map(str::to_owned).collect(),
            )
        })
        .collect()
}

#[test]
fn examples_import_to_the_committed_manifests_and_check() {
    let examples = examples();
    assert_eq!(examples.len(), 4);
    for (dir, command) in examples {
        let source = Path::new(ROOT).join("examples/evidence").join(&dir);
        let work = tempfile::tempdir().unwrap();
        copy_dir(&source, work.path());
        // The committed result (if any) is what the import must produce, not an input.
        let _ = std::fs::remove_file(work.path().join("imported.yaml"));
        let args: Vec<&str> = command.iter().map(String::as_str).collect();
        let (code, _, stderr) = riskgate_in(work.path(), &args);
        assert_eq!(code, 0, "{dir}: {stderr}");
        let produced = std::fs::read_to_string(work.path().join("imported.yaml")).unwrap();
        let committed_path = source.join("imported.yaml");
        if std::env::var_os("RISKGATE_UPDATE_EXAMPLES").is_some() {
            std::fs::write(&committed_path, &produced).unwrap();
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert_eq!(
            produced, committed,
            "examples/evidence/{dir}/imported.yaml is stale: run RISKGATE_UPDATE_EXAMPLES=1 cargo test -p riskgate-cli --test import"
        );
        // Checked with the standard library: the manifest loads (exit 2
        // would be a manifest error), and checking twice gives the same trace.
        let check = [
            "check",
            "imported.yaml",
            "--format",
            "json",
            "--now",
            "2026-10-03T00:00:00Z",
        ];
        let (code, first, stderr) = riskgate_in(work.path(), &check);
        assert!(code == 0 || code == 1, "{dir}: {stderr}");
        let (_, second, _) = riskgate_in(work.path(), &check);
        assert_eq!(first, second, "{dir}: check is not deterministic");
        let trace: serde_json::Value = serde_json::from_str(&first).unwrap();
        assert!(
            trace["manifests"][0]["controls"]
                .as_array()
                .is_some_and(|c| !c.is_empty())
        );
    }
}

/// The pipeline example: `run.sh` exits 1 as soon as a step's exit code
/// is not the one it expects (the genuine release passes, both tampered
/// ones are denied), and what it prints and writes must be the committed
/// `transcript.txt` and files, byte for byte.
#[test]
fn the_evidence_pipeline_example_passes_and_its_tampered_variants_are_denied() {
    let source = Path::new(ROOT).join("examples/evidence/pipeline");
    let work = tempfile::tempdir().unwrap();
    copy_dir(&source, work.path());
    // The committed outputs are what the run must produce, not inputs.
    for output in ["release.yaml", "reports/eval.dsse.json", "transcript.txt"] {
        std::fs::remove_file(work.path().join(output)).unwrap();
    }
    for output in ["approvals", "tampered"] {
        std::fs::remove_dir_all(work.path().join(output)).unwrap();
    }
    let run = std::process::Command::new("sh")
        .arg("run.sh")
        .current_dir(work.path())
        .env("RISKGATE", assert_cmd::cargo::cargo_bin("riskgate"))
        .env("NO_COLOR", "1")
        // `check` wraps its report to `COLUMNS`; the transcript is at the default width.
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let transcript = String::from_utf8(run.stdout).unwrap();
    assert!(
        run.status.success(),
        "run.sh failed: {}\n{transcript}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(transcript.contains("PASS review-sentiment · release.yaml"));
    assert!(transcript.contains("error[E5004]") && transcript.contains("error[E5002]"));
    std::fs::write(work.path().join("transcript.txt"), &transcript).unwrap();

    let produced = files_in(work.path());
    if std::env::var_os("RISKGATE_UPDATE_EXAMPLES").is_some() {
        for (name, bytes) in &produced {
            let path = source.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
    let committed = files_in(&source);
    assert_eq!(
        produced.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "examples/evidence/pipeline has other files than run.sh leaves"
    );
    for (name, bytes) in &produced {
        assert!(
            committed[name] == *bytes,
            "examples/evidence/pipeline/{name} is stale: run RISKGATE_UPDATE_EXAMPLES=1 cargo test -p riskgate-cli --test import\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn model_card_reads_the_eval_results_folder_next_to_it() {
    let text =
        std::fs::read_to_string(Path::new(ROOT).join("examples/evidence/model-card/imported.yaml"))
            .unwrap();
    assert!(text.contains("id: imdb"), "{text}");
    assert!(text.contains("name: imdb_accuracy"), "{text}");
}

#[test]
fn a_bad_source_is_a_located_error_with_exit_code_2() {
    let (code, stdout, stderr) = riskgate(&[
        "import",
        "model-card",
        "import/tests/data/model_card/bad-metric.md",
    ]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("E6002"), "{stderr}");
    assert!(stderr.contains("bad-metric.md:9:20"), "{stderr}");
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let (code, _, stderr) = riskgate(&["import", "lm-eval", "no/such/results.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read no/such/results.json"),
        "{stderr}"
    );
}

#[test]
fn into_updates_the_manifest_in_place_and_keeps_comments() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("credit.yaml");
    std::fs::copy(
        Path::new(ROOT).join("import/tests/data/into/credit.yaml"),
        &manifest,
    )
    .unwrap();
    let data = Path::new(ROOT).join("import/tests/data/mapped");
    let (code, stdout, stderr) = riskgate_in(
        dir.path(),
        &[
            "import",
            "mapped",
            "--mapping",
            data.join("csv-map.yaml").to_str().unwrap(),
            data.join("metrics.csv").to_str().unwrap(),
            "--now",
            "2026-10-02T08:00:00Z",
            "--into",
            "credit.yaml",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(
        text.contains("# four-fifths rule") && text.contains("# trailing comment"),
        "{text}"
    );
    assert!(text.contains("value: 0.812"), "{text}");
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn into_a_broken_manifest_leaves_it_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("broken.yaml");
    let broken = "apiVersion: riskgate.dev/v1alpha1\nkind: ModelRelease\nmetadata: {name: x}\nspec:\n  classification: {risk_tier: severe}\n";
    std::fs::write(&manifest, broken).unwrap();
    let results =
        Path::new(ROOT).join("import/tests/data/lm_eval/results_2026-09-30T12-00-00.json");
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "import",
            "lm-eval",
            results.to_str().unwrap(),
            "--into",
            "broken.yaml",
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("E6005"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), broken);
}

#[test]
fn a_bad_slice_pattern_is_a_usage_error() {
    let (code, _, stderr) = riskgate(&[
        "import",
        "mlflow",
        "--tracking-uri",
        "http://127.0.0.1:9",
        "--model",
        "m",
        "--version",
        "1",
        "--slice-pattern",
        "{metric}/{attr}",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--slice-pattern"), "{stderr}");
}

#[test]
fn an_unreachable_tracking_server_is_e6004() {
    let (code, _, stderr) = riskgate(&[
        "import",
        "mlflow",
        "--tracking-uri",
        "http://127.0.0.1:9",
        "--model",
        "m",
        "--version",
        "1",
        "--timeout",
        "5s",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("E6004"), "{stderr}");
}
