//! `riskgate import mlflow` against a real MLflow tracking server: the
//! server comes from `scripts/mlflow-test-server.sh` (a venv with a pinned
//! `mlflow` from PyPI, SQLite store in a temporary directory), a Python
//! script logs a run with overall and per-slice metrics, a dataset input
//! and parameters, an MLflow 3 logged model with dataset-bound metrics
//! (one from a second, validation run) and registers the logged model as
//! a model version, then riskgate
//! imports that version into a copy of the passing credit-scorer example
//! and `riskgate check` evaluates it with the embedded standard library;
//! then the signed import is verified and tampered with, and
//! `examples/evidence/mlflow/run.sh` runs against the same server.
//!
//! Set `RISKGATE_MLFLOW_VENV` to the venv (default `target/mlflow-venv`,
//! created by `scripts/mlflow-test-server.sh install`). Without mlflow the
//! test prints why it is skipped and passes, unless
//! `RISKGATE_REQUIRE_MLFLOW=1` (set by `.ci/run`), where it fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)] // shared helpers; this test needs only one
mod support;

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{ROOT, riskgate_in};

fn venv() -> PathBuf {
    std::env::var_os("RISKGATE_MLFLOW_VENV")
        .map_or_else(|| Path::new(ROOT).join("target/mlflow-venv"), PathBuf::from)
}

/// The server process group; stopped when the test ends, however it ends.
struct Server {
    child: Child,
    uri: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        // `mlflow server` starts worker processes; the script ran it in a
        // process group of its own, so stop the whole group.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether `GET /health` answers 200.
fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    use std::io::Write;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200")
}

fn start_server(store: &Path) -> Server {
    use std::os::unix::process::CommandExt;
    let port = free_port();
    let child = Command::new(Path::new(ROOT).join("scripts/mlflow-test-server.sh"))
        .args(["serve", &port.to_string()])
        .arg(store)
        .env("RISKGATE_MLFLOW_VENV", venv())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("start mlflow server");
    let server = Server {
        child,
        uri: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while !healthy(port) {
        assert!(
            Instant::now() < deadline,
            "mlflow server did not become healthy in 120 s"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    server
}

/// Runs the example's training job (`log_run.py`) against the server at
/// `uri`; what it logged, as it prints it.
fn log_run(python: &Path, uri: &str, dir: &Path, extra: &[&str]) -> serde_json::Value {
    let seed = Command::new(python)
        .arg(Path::new(ROOT).join("examples/evidence/mlflow/log_run.py"))
        .args([uri, "credit-scorer"])
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        seed.status.success(),
        "seeding failed: {}",
        String::from_utf8_lossy(&seed.stderr)
    );
    let stdout = String::from_utf8_lossy(&seed.stdout);
    serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
}

/// The example pipeline's CI key (examples/evidence/pipeline/keys: example
/// keys, published so anyone can rerun it).
fn ci_key() -> String {
    Path::new(ROOT)
        .join("examples/evidence/pipeline/keys/ci.pem")
        .display()
        .to_string()
}

/// The organisation's trust overlay: the CI key signs evaluations, and
/// only signed metrics count.
fn trust_overlay() -> String {
    let public =
        std::fs::read_to_string(Path::new(ROOT).join("examples/evidence/pipeline/keys/ci.pub"))
            .unwrap();
    let indented: String = public
        .lines()
        .map(|l| format!("            {l}\n"))
        .collect();
    format!(
        "riskgate:\n  config:\n    trust:\n      require_signed_evaluations: true\n      keys:\n        ci:\n          signs: [evaluation]\n          public_key: |\n{indented}"
    )
}

/// `(code, pointer)` of every finding of `check --verify-evidence` on `file`.
fn verified_findings(dir: &Path, file: &str) -> Vec<(String, String)> {
    let (code, trace, stderr) = riskgate_in(
        dir,
        &[
            "check",
            file,
            "--overlay",
            "trust.yaml",
            "--verify-evidence",
            "--evidence-root",
            ".",
            "--format",
            "json",
            "--now",
            "2026-12-02T00:00:00Z",
        ],
    );
    assert!(code == 0 || code == 1, "check failed to run: {stderr}");
    let trace: serde_json::Value = serde_json::from_str(&trace).unwrap();
    trace
        .pointer("/manifests/0/findings")
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["pointer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// MLflow run → import with `--sign-key` → `check --verify-evidence`: the
/// imported metrics verify, hand-written ones do not count, and an edited
/// metric or a report reused for another artifact is denied.
fn verify_the_signed_import(dir: &Path, manifest: &str, run_id: &str) {
    std::fs::write(dir.join("trust.yaml"), trust_overlay()).unwrap();
    let index_of = |id: &str| {
        let loaded = riskgate_controls::manifest::load_manifests("m.yaml", manifest);
        let spec = loaded[0].raw.as_ref().unwrap().to_json()["spec"].clone();
        spec["evaluations"]
            .as_array()
            .unwrap()
            .iter()
            .position(|e| e["id"] == id)
            .unwrap()
    };
    let imported = format!(
        "/spec/evaluations/{}",
        index_of(&format!("mlflow-{run_id}"))
    );
    let verification = |findings: &[(String, String)], code: &str, at: &str| {
        findings
            .iter()
            .any(|(c, p)| c == code && (p == at || p.starts_with(&format!("{at}/"))))
    };

    let findings = verified_findings(dir, "credit-scorer.yaml");
    let imported_findings: Vec<_> = findings
        .iter()
        .filter(|(code, pointer)| code.starts_with("E50") && pointer.contains("/evaluations/"))
        .collect();
    assert!(
        imported_findings.is_empty() && !verification(&findings, "W5003", &imported),
        "the signed import should verify: {findings:?}"
    );
    // The example's hand-written evaluations have no signed report.
    let hand_written = format!("/spec/evaluations/{}", index_of("performance-2026q3"));
    assert!(
        verification(&findings, "W5003", &hand_written),
        "an unsigned evaluation should not count: {findings:?}"
    );

    // The author improves an imported metric: the signed report disagrees.
    assert_eq!(manifest.matches("value: 0.812").count(), 1, "{manifest}");
    std::fs::write(
        dir.join("better-claim.yaml"),
        manifest.replace("value: 0.812", "value: 0.9"),
    )
    .unwrap();
    let findings = verified_findings(dir, "better-claim.yaml");
    assert!(verification(&findings, "E5004", &imported), "{findings:?}");

    // The same signed reports cited by a release of another artifact.
    let digest = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("digest: "))
        .map(|d| d.trim_matches('"').to_owned())
        .unwrap();
    let other = format!("sha256:{}", "0".repeat(64));
    std::fs::write(
        dir.join("other-artifact.yaml"),
        manifest.replace(&digest, &other),
    )
    .unwrap();
    let findings = verified_findings(dir, "other-artifact.yaml");
    assert!(verification(&findings, "E5002", &imported), "{findings:?}");
}

/// `examples/evidence/mlflow/run.sh` against a server of its own, seeded
/// as its README says: it exits 1 as soon as a step's exit code is not the
/// one it expects, and what it prints, with the server's run id replaced
/// by `<run_id>`, must be the committed `transcript.txt`.
fn run_the_example(python: &Path) {
    let examples = Path::new(ROOT).join("examples/evidence");
    let work = tempfile::tempdir().unwrap();
    let server = start_server(&work.path().join("store"));
    let seeded = log_run(python, &server.uri, work.path(), &[]);
    support::copy_dir(&examples.join("mlflow"), &work.path().join("mlflow"));
    support::copy_dir(
        &examples.join("pipeline/keys"),
        &work.path().join("pipeline/keys"),
    );
    let run = Command::new("sh")
        .arg("run.sh")
        .current_dir(work.path().join("mlflow"))
        .env("MLFLOW_TRACKING_URI", &server.uri)
        .env("RISKGATE", assert_cmd::cargo::cargo_bin("riskgate"))
        .env("NO_COLOR", "1")
        // `check` wraps its report to `COLUMNS`; the transcript is at the default width.
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let mut transcript = String::from_utf8(run.stdout).unwrap();
    assert!(
        run.status.success(),
        "run.sh failed: {}\n{transcript}",
        String::from_utf8_lossy(&run.stderr)
    );
    transcript = transcript.replace(seeded["run_id"].as_str().unwrap(), "<run_id>");
    assert!(
        transcript.contains("PASS credit-scorer · release.yaml"),
        "{transcript}"
    );
    assert!(
        transcript.contains("error[E5004]") && transcript.contains("warning[W5003]"),
        "{transcript}"
    );
    let committed = examples.join("mlflow/transcript.txt");
    if std::env::var_os("RISKGATE_UPDATE_EXAMPLES").is_some() {
        std::fs::write(&committed, &transcript).unwrap();
    }
    assert!(
        std::fs::read_to_string(&committed).is_ok_and(|t| t == transcript),
        "examples/evidence/mlflow/transcript.txt is stale: run RISKGATE_UPDATE_EXAMPLES=1 cargo test -p riskgate-cli --test import_mlflow\n{transcript}"
    );
}

#[test]
fn import_a_registered_model_version_and_check_it() {
    let python = venv().join("bin/python");
    let has_mlflow = python.is_file()
        && Command::new(&python)
            .args(["-c", "import mlflow"])
            .status()
            .is_ok_and(|s| s.success());
    if !has_mlflow {
        if std::env::var("RISKGATE_REQUIRE_MLFLOW").is_ok_and(|v| v == "1") {
            panic!(
                "RISKGATE_REQUIRE_MLFLOW=1 but {} has no mlflow (scripts/mlflow-test-server.sh install)",
                python.display()
            );
        }
        eprintln!(
            "skipped: no mlflow in {} (run scripts/mlflow-test-server.sh install)",
            venv().display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("store"));

    let seeded = log_run(&python, &server.uri, dir.path(), &["--with-validation"]);
    let run_id = seeded["run_id"].as_str().unwrap();
    let version = seeded["version"].as_str().unwrap();

    let manifest = dir.path().join("credit-scorer.yaml");
    std::fs::copy(
        Path::new(ROOT).join("examples/manifests/credit-scorer-pass.yaml"),
        &manifest,
    )
    .unwrap();
    let before = std::fs::read_to_string(&manifest).unwrap();
    // The run tested the example's artifact; the import is told so.
    let digest = before
        .lines()
        .find_map(|l| l.trim().strip_prefix("digest: "))
        .map(|d| d.trim_matches('"').to_owned())
        .unwrap();
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "import",
            "mlflow",
            "--tracking-uri",
            &server.uri,
            "--model",
            "credit-scorer",
            "--version",
            version,
            "--slice-pattern",
            "{metric}/{attr}/{value}",
            "--suite",
            "performance",
            "--now",
            "2026-12-01T00:00:00Z",
            "--artifact-digest",
            &digest,
            "--into",
            "credit-scorer.yaml",
            // CI signs what it read from MLflow, before anyone can edit it.
            "--sign-key",
            &ci_key(),
            "--keyid",
            "ci",
            "--report-dir",
            "reports",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let after = std::fs::read_to_string(&manifest).unwrap();
    // The user's text is kept: every line of the example is still there.
    for line in before.lines().filter(|l| l.trim_start().starts_with('#')) {
        assert!(after.contains(line), "lost {line:?}");
    }
    let evaluation_id = format!("mlflow-{run_id}");
    assert!(after.contains(&format!("- id: {evaluation_id}")), "{after}");
    assert!(after.contains("name: sex=female"), "{after}");
    assert!(after.contains("name: credit-oot"), "{after}");
    assert!(
        after.contains("mlflow.riskgate.dev/param.max_depth"),
        "{after}"
    );

    // MLflow 3: each logged-model metric is bound to the dataset snapshot
    // it was computed on, with the digest MLflow recorded for it.
    let loaded = riskgate_controls::manifest::load_manifests("credit-scorer.yaml", &after);
    let spec = loaded[0].raw.as_ref().unwrap().to_json()["spec"].clone();
    let evaluation = |id: &str| {
        spec["evaluations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("no evaluation {id}: {after}"))
            .clone()
    };
    let metric = |evaluation: &serde_json::Value, name: &str| {
        evaluation["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .map(|m| m["value"].clone())
    };
    let oot_digest = spec["data"]["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "credit-oot")
        .map(|d| d["digest"].clone())
        .unwrap();
    assert!(oot_digest.as_str().is_some_and(|d| !d.is_empty()));
    let bound = evaluation(&format!("mlflow-{run_id}-credit-oot"));
    assert_eq!(metric(&bound, "ks"), Some(serde_json::json!(0.41)));
    assert_eq!(bound["dataset"]["digest"], oot_digest);
    assert_eq!(bound["source"]["run_id"], run_id);
    let model_id = seeded["model_id"].as_str().unwrap();
    assert!(
        bound["source"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/models/{model_id}"))),
        "{bound}"
    );
    // The run's own copy of that metric is not a second measurement.
    assert_eq!(metric(&evaluation(&evaluation_id), "ks"), None);
    assert_eq!(
        metric(&evaluation(&evaluation_id), "auc"),
        Some(serde_json::json!(0.812))
    );
    // The validation run's metric keeps its own run and dataset.
    let validation_run = seeded["validation_run_id"].as_str().unwrap();
    let validation = evaluation(&format!("mlflow-{validation_run}-credit-validation"));
    assert_eq!(metric(&validation, "auc"), Some(serde_json::json!(0.805)));
    assert_eq!(validation["dataset"]["digest"], seeded["validation_digest"]);
    assert_eq!(validation["source"]["run_id"], validation_run);

    // The stdlib evaluates the result; the trace cites the MLflow run for
    // the evidence it read from the imported evaluation.
    let (code, trace, stderr) = riskgate_in(
        dir.path(),
        &[
            "check",
            "credit-scorer.yaml",
            "--format",
            "json",
            "--now",
            "2026-12-02T00:00:00Z",
        ],
    );
    assert!(code == 0 || code == 1, "check failed to run: {stderr}");
    let trace: serde_json::Value = serde_json::from_str(&trace).unwrap();
    let sources: Vec<&serde_json::Value> = trace
        .pointer("/manifests/0/controls")
        .and_then(|c| c.as_array())
        .into_iter()
        .flatten()
        .flat_map(|control| control["requirements"].as_array().into_iter().flatten())
        .flat_map(|requirement| requirement["evidence"].as_array().into_iter().flatten())
        .filter_map(|evidence| evidence.get("source"))
        .collect();
    assert!(
        sources
            .iter()
            .any(|s| s["kind"] == "mlflow" && s["run_id"] == run_id),
        "no evidence cites the MLflow run: {sources:?}"
    );

    verify_the_signed_import(dir.path(), &after, run_id);
    run_the_example(&python);

    // A version that does not exist is a clear error, not a panic.
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "import",
            "mlflow",
            "--tracking-uri",
            &server.uri,
            "--model",
            "credit-scorer",
            "--version",
            "99",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("E6004") && stderr.contains("RESOURCE_DOES_NOT_EXIST"),
        "{stderr}"
    );
}
