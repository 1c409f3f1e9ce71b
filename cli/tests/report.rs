//! End-to-end tests of `riskgate report`: the portfolio view over the
//! example manifests, the forecast on crafted manifests, waivers, the
//! formats' safety against hostile manifest text, and exit codes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/kube_api.rs"]
mod kube_api;
mod support;

use std::path::Path;

use serde_json::Value;
use support::{ROOT, riskgate, riskgate_in};

const NOW: &str = "2026-10-01T00:00:00Z";

fn report(paths: &[&str], format: &str) -> String {
    let mut args = vec!["report", "--now", NOW, "--format", format];
    args.extend_from_slice(paths);
    let (code, stdout, stderr) = riskgate(&args);
    assert_eq!(code, 0, "stderr: {stderr}");
    stdout
}

fn json_report(dir: &Path, paths: &[&str]) -> Value {
    let mut args = vec!["report", "--now", NOW, "--format", "json"];
    args.extend_from_slice(paths);
    let (code, stdout, stderr) = riskgate_in(dir, &args);
    assert_eq!(code, 0, "stderr: {stderr}");
    serde_json::from_str(&stdout).unwrap()
}

/// The days on which `release`'s `control/requirement` changes, with the
/// new status.
fn changes(report: &Value, release: &str, requirement: &str) -> Vec<(u64, String)> {
    report["forecast"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["release"]["name"] == release
                && format!(
                    "{}/{}",
                    e["control"].as_str().unwrap(),
                    e["requirement"].as_str().unwrap_or("")
                ) == requirement
        })
        .map(|e| {
            (
                e["day"].as_u64().unwrap(),
                e["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A copy of an example manifest with `edits` (from, to) applied.
fn crafted(dir: &Path, example: &str, edits: &[(&str, &str)]) -> String {
    let mut text =
        std::fs::read_to_string(Path::new(ROOT).join("examples/manifests").join(example)).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{example} has no {from:?}");
        text = text.replacen(from, to, 1);
    }
    let name = format!("crafted-{example}");
    std::fs::write(dir.join(&name), text).unwrap();
    name
}

#[test]
fn markdown_report_over_the_examples() {
    insta::assert_snapshot!(report(&["examples/manifests"], "markdown"));
}

#[test]
fn json_report_over_the_examples_is_stable_and_byte_identical() {
    let first = report(&["examples/manifests"], "json");
    assert_eq!(first, report(&["examples/manifests"], "json"));
    insta::assert_snapshot!(first);
}

#[test]
fn a_monitor_heartbeat_going_stale_in_twelve_days_appears_at_day_twelve() {
    let dir = tempfile::tempdir().unwrap();
    // Weekly drift monitors: stale after twice their cadence. One last
    // ran 2 days and 18 hours before the clock (stale on day 12), the
    // other five days earlier (stale on day 7).
    let file = crafted(
        dir.path(),
        "credit-scorer-pass.yaml",
        &[(
            "psi_feature_top20, alert_op: \">=\", alert_threshold: 0.25, cadence: weekly, owner: credit-risk-analytics, channel: \"#credit-model-alerts\", last_run_at: 2026-09-28T06:00:00Z",
            "psi_feature_top20, alert_op: \">=\", alert_threshold: 0.25, cadence: weekly, owner: credit-risk-analytics, channel: \"#credit-model-alerts\", last_run_at: 2026-09-23T06:00:00Z",
        )],
    );
    let report = json_report(dir.path(), &[&file]);
    assert_eq!(
        changes(&report, "credit-scorer", "C-REL-01/score_drift"),
        [(12, "fail".to_owned())]
    );
    assert_eq!(
        changes(&report, "credit-scorer", "C-REL-01/feature_drift"),
        [(7, "fail".to_owned())]
    );
    let entry = report["forecast"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["requirement"] == "feature_drift")
        .unwrap();
    assert_eq!(entry["at"], "2026-10-08T00:00:00Z");
    assert!(
        entry["to_pass"]
            .as_str()
            .unwrap()
            .contains("get monitor mon-feature-psi running again"),
        "{entry}"
    );
    // The release passes today and is denied from the first failure on.
    let row = &report["releases"][0];
    assert_eq!(row["decision"], "pass");
    assert_eq!(row["next_decision"], "deny");
}

#[test]
fn a_waiver_expiry_is_forecast_on_its_day() {
    let dir = tempfile::tempdir().unwrap();
    // Keep every monitor fresh for the horizon (a 1000-day cadence)
    // so that only the waiver's expiry changes anything in C-SEC-01.
    let mut text =
        std::fs::read_to_string(Path::new(ROOT).join("examples/manifests/agent-with-waiver.yaml"))
            .unwrap();
    for cadence in ["daily", "hourly", "weekly", "1m"] {
        text = text.replace(&format!("cadence: {cadence},"), "cadence: 1000d,");
    }
    text = text.replace(
        "expires_at: 2026-12-15T00:00:00Z",
        "expires_at: 2026-10-20T12:00:00Z",
    );
    std::fs::write(dir.path().join("agent.yaml"), text).unwrap();
    let report = json_report(dir.path(), &["agent.yaml"]);
    assert_eq!(
        changes(&report, "refund-agent", "C-SEC-01/indirect_injection_asr"),
        [(20, "fail".to_owned())],
        "{:#}",
        report["forecast"]
    );
    let waiver = &report["waivers"][0];
    assert_eq!(waiver["state"], "in_force");
    assert_eq!(waiver["days_to_expiry"], 19);
    assert_eq!(waiver["covers"][0], "C-SEC-01/indirect_injection_asr");
}

#[test]
fn waivers_are_listed_with_their_state() {
    let report = json_report(Path::new(ROOT), &["examples/manifests"]);
    let waivers = report["waivers"].as_array().unwrap();
    let state = |release: &str| {
        waivers
            .iter()
            .find(|w| w["release"]["name"] == release)
            .map(|w| (w["state"].clone(), w["days_to_expiry"].clone()))
            .unwrap()
    };
    assert_eq!(state("refund-agent"), ("in_force".into(), 75.into()));
    assert_eq!(
        state("refund-agent-expired-waiver"),
        ("expired".into(), (-61).into())
    );
}

#[test]
fn kpis_and_coverage_count_what_the_decisions_say() {
    let dir = tempfile::tempdir().unwrap();
    // A high-tier release without its drift monitors fails C-REL-01.
    let file = crafted(
        dir.path(),
        "credit-scorer-pass.yaml",
        &[("metric: psi_score,", "metric: psi_score_retired,")],
    );
    std::fs::copy(
        Path::new(ROOT).join("examples/manifests/agent-with-waiver.yaml"),
        dir.path().join("agent.yaml"),
    )
    .unwrap();
    let report = json_report(dir.path(), &[&file, "agent.yaml"]);
    let kpi = report["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "drift_monitoring")
        .unwrap();
    assert_eq!(
        (kpi["numerator"].clone(), kpi["denominator"].clone()),
        (1.into(), 2.into())
    );
    assert_eq!(kpi["value"], 50.0);
    let rel01 = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "C-REL-01")
        .unwrap();
    assert_eq!(rel01["results"]["fail"], 1);
    assert_eq!(rel01["pass_rate"], 50.0);
}

#[test]
fn html_is_self_contained_and_escapes_manifest_text() {
    let dir = tempfile::tempdir().unwrap();
    let file = crafted(
        dir.path(),
        "support-chatbot-fail.yaml",
        &[(
            "name: support-chatbot",
            "name: \"<script>alert(1)</script>\"",
        )],
    );
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &["report", "--now", NOW, "-f", "html", "-o", "r.html", &file],
    );
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)"));
    // Nothing is loaded from anywhere: no external scripts, styles,
    // images or fonts.
    for needle in ["<link", " src=", "@import", "url(", "http://", "https://"] {
        assert!(!html.contains(needle), "the page references {needle:?}");
    }
    for element in [
        "id=\"summary\"",
        "id=\"forecast\"",
        "id=\"waivers\"",
        "id=\"families\"",
        "<svg role=\"img\"",
        "<table class=\"sortable\">",
    ] {
        assert!(html.contains(element), "missing {element}");
    }
    // The drill-down shows the manifest line a failure rests on.
    assert!(
        html.contains("class=\"hit\""),
        "no snippet in the drill-down"
    );
}

#[test]
fn csv_has_one_row_per_release_and_defuses_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let file = crafted(
        dir.path(),
        "support-chatbot-fail.yaml",
        &[("name: support-chatbot", "name: \"=HYPERLINK(1)\"")],
    );
    let (code, stdout, stderr) =
        riskgate_in(dir.path(), &["report", "--now", NOW, "-f", "csv", &file]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with("release,file,document,"));
    assert!(lines[1].starts_with("'=HYPERLINK(1),"), "{}", lines[1]);
}

#[test]
fn history_makes_a_trend() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(ROOT).join("examples/manifests");
    let examples = examples.to_str().unwrap();
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "report",
            "--now",
            "2026-09-25T00:00:00Z",
            "-f",
            "json",
            "-o",
            "old.json",
            examples,
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = riskgate_in(
        dir.path(),
        &["report", "--now", NOW, "--history", "old.json", examples],
    );
    assert_eq!(code, 0, "{stderr}");
    let trend = &stdout[stdout.find("## Trend").expect("a trend section")..];
    assert!(trend.contains("`2026-09-25T00:00:00Z`") && trend.contains("`2026-10-01T00:00:00Z`"));
}

#[test]
fn horizon_zero_skips_the_forecast() {
    let (code, stdout, stderr) = riskgate(&[
        "report",
        "--now",
        NOW,
        "--horizon",
        "0",
        "-f",
        "json",
        "examples/manifests",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["forecast"], serde_json::json!([]));
    assert_eq!(report["horizon_days"], 0);
    // Everything else is still there.
    assert_eq!(report["summary"]["releases"], 5);
}

#[test]
fn errors_exit_two_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = riskgate_in(dir.path(), &["report", "--now", NOW, "missing.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.yaml"), "{stderr}");

    std::fs::write(dir.path().join("old.json"), "{\"not\": \"a report\"}").unwrap();
    let examples = Path::new(ROOT).join("examples/manifests");
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "report",
            "--history",
            "old.json",
            examples.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("old.json: not a riskgate report"),
        "{stderr}"
    );

    // One unreadable input: the others are still reported, exit 2.
    std::fs::write(dir.path().join("broken.yaml"), "apiVersion: [").unwrap();
    std::fs::copy(
        examples.join("credit-scorer-pass.yaml"),
        dir.path().join("ok.yaml"),
    )
    .unwrap();
    let (code, stdout, _) = riskgate_in(
        dir.path(),
        &[
            "report",
            "--now",
            NOW,
            "-f",
            "csv",
            "ok.yaml",
            "broken.yaml",
            "gone.yaml",
        ],
    );
    assert_eq!(code, 2);
    assert!(stdout.contains("credit-scorer,ok.yaml"), "{stdout}");
    assert!(stdout.contains("broken.yaml,0,,,unknown,error"), "{stdout}");
}

/// `(file, decision, failing controls)` of each release in a JSON report.
fn decisions(report: &Value) -> Vec<(String, String, String)> {
    report["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["release"]["file"].as_str().unwrap().to_owned(),
                r["decision"].as_str().unwrap().to_owned(),
                r["failing_controls"].to_string(),
            )
        })
        .collect()
}

#[test]
fn from_cluster_reports_the_releases_as_admission_sees_them() {
    let api = kube_api::example_api(None);
    let config = kube_api::kubeconfig(&api);
    let config = config.path().to_str().unwrap();
    let cluster = |extra: &[&str]| {
        let mut args = vec![
            "report",
            "--now",
            NOW,
            "-f",
            "json",
            "--from-cluster",
            "--kubeconfig",
            config,
        ];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = riskgate(&args);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str::<Value>(&stdout).unwrap()
    };

    // The same decisions as the example files, named as the audit names
    // them.
    let from_cluster = cluster(&[]);
    let from_files = json_report(
        Path::new(ROOT),
        &[
            "examples/manifests/support-chatbot-fail.yaml",
            "examples/manifests/credit-scorer-pass.yaml",
        ],
    );
    let renamed: Vec<_> = decisions(&from_files)
        .into_iter()
        .map(|(file, decision, failing)| {
            let name = if file.contains("chatbot") {
                "cluster:customer-care/support-chatbot"
            } else {
                "cluster:lending/credit-scorer"
            };
            (name.to_owned(), decision, failing)
        })
        .collect();
    let mut found = decisions(&from_cluster);
    found.sort();
    let mut expected = renamed;
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(from_cluster["summary"], from_files["summary"]);
    assert_eq!(
        from_cluster["forecast"].as_array().unwrap().len(),
        from_files["forecast"].as_array().unwrap().len()
    );

    // One namespace; files and the cluster together.
    let lending = cluster(&["-n", "lending"]);
    assert_eq!(
        decisions(&lending)
            .into_iter()
            .map(|d| d.0)
            .collect::<Vec<_>>(),
        ["cluster:lending/credit-scorer"]
    );
    let both = cluster(&["examples/manifests/agent-expired-waiver.yaml"]);
    assert_eq!(both["summary"]["releases"], 3);

    // It only reads: lists with the kubeconfig's token, writes nothing.
    let seen = api.seen();
    assert!(
        seen.iter().all(|s| s.verb == kube_api::Verb::List),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .all(|s| s.authorization.as_deref() == Some("Bearer audit-token"))
    );
}

#[test]
fn from_cluster_errors_are_clear() {
    let forbidden = kube_api::FakeApi::start(&[], Some(403));
    let config = kube_api::kubeconfig(&forbidden);
    let config_path = config.path().to_str().unwrap();
    let (code, _, stderr) = riskgate(&["report", "--from-cluster", "--kubeconfig", config_path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot list ModelReleases"), "{stderr}");

    let empty = kube_api::FakeApi::start(&[], None);
    let config = kube_api::kubeconfig(&empty);
    let config_path = config.path().to_str().unwrap();
    let (code, _, stderr) = riskgate(&[
        "report",
        "--from-cluster",
        "--kubeconfig",
        config_path,
        "-n",
        "lending",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no ModelReleases in namespace lending"),
        "{stderr}"
    );

    // Cluster flags without --from-cluster are a usage error.
    let (code, _, stderr) =
        riskgate(&["report", "--kubeconfig", config_path, "examples/manifests"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--from-cluster"), "{stderr}");
}
