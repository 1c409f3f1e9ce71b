//! `riskgate audit`: one pass over the releases of a (fake) cluster
//! reached through a kubeconfig, with the status, reports and events it
//! writes.

#![allow(clippy::unwrap_used, reason = "tests")]

#[path = "support/kube_api.rs"]
mod kube_api;
mod support;

use kube_api::{FakeApi, Verb, example_api, kubeconfig};
use serde_json::{Value, json};

/// The clock the example manifests are written for.
const EXAMPLES_NOW: &str = "2026-10-01T00:00:00Z";

fn audit(config: &tempfile::NamedTempFile, args: &[&str]) -> (i32, String, String) {
    let path = config.path().display().to_string();
    let mut all = vec!["audit", "--kubeconfig", &path, "--now", EXAMPLES_NOW];
    all.extend_from_slice(args);
    support::riskgate(&all)
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap()
}

/// The parts of a stored object that the server (not riskgate) sets
/// vary by run; the rest is what the snapshot pins.
fn without_server_fields(mut object: Value) -> Value {
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("resourceVersion");
    }
    object
}

#[test]
fn an_audit_writes_status_and_reports_for_every_release_and_says_what_fails() {
    let api = example_api(None);
    let config = kubeconfig(&api);
    let (code, stdout, stderr) = audit(&config, &[]);
    assert_eq!(code, 1, "a release is not compliant\n{stdout}\n{stderr}");
    insta::assert_snapshot!("audit_text", stdout);

    let chatbot = api.release("customer-care", "support-chatbot").unwrap();
    insta::assert_snapshot!("chatbot_status", pretty(&chatbot["status"]));
    let scorer = api.release("lending", "credit-scorer").unwrap();
    assert_eq!(
        scorer["status"]["conditions"][0]["status"], "True",
        "{:#}",
        scorer["status"]
    );

    let reports = api.objects("/apis/openreports.io/v1alpha1/");
    let paths: Vec<&str> = reports.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/apis/openreports.io/v1alpha1/namespaces/customer-care/reports/riskgate-support-chatbot",
            "/apis/openreports.io/v1alpha1/namespaces/lending/reports/riskgate-credit-scorer",
        ]
    );
    insta::assert_snapshot!(
        "chatbot_report",
        pretty(&without_server_fields(reports[0].1.clone()))
    );

    // Writes are server-side applies by the `riskgate` field manager,
    // authenticated with the kubeconfig's token.
    let patches: Vec<_> = api
        .seen()
        .into_iter()
        .filter(|s| s.verb == Verb::Patch)
        .collect();
    assert_eq!(patches.len(), 4, "{patches:?}");
    for patch in &patches {
        assert_eq!(
            patch.content_type.as_deref(),
            Some("application/apply-patch+yaml")
        );
        assert!(
            patch.query.contains("fieldManager=riskgate"),
            "{}",
            patch.query
        );
        assert_eq!(patch.authorization.as_deref(), Some("Bearer audit-token"));
    }
    // One event per release: both changed from "never audited".
    let events = api.objects("/apis/events.k8s.io/v1/");
    let reasons: Vec<(&str, &str)> = events
        .iter()
        .map(|(_, e)| {
            (
                e["regarding"]["name"].as_str().unwrap(),
                e["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(reasons.len(), 2, "{events:#?}");
    assert!(
        reasons.contains(&("support-chatbot", "NonCompliant")),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("credit-scorer", "Compliant")),
        "{reasons:?}"
    );
}

/// `time` (RFC 3339) moved by `seconds`, as riskgate writes times.
fn shift(time: &str, seconds: i64) -> String {
    let time =
        chrono::DateTime::parse_from_rfc3339(time).unwrap() + chrono::Duration::seconds(seconds);
    time.to_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[test]
fn a_release_flips_to_non_compliant_exactly_at_its_next_review_and_not_before() {
    let api = example_api(None);
    let config = kubeconfig(&api);
    let path = config.path().display().to_string();
    let at = |now: &str| support::riskgate(&["audit", "--kubeconfig", &path, "--now", now]);
    assert_eq!(at(EXAMPLES_NOW).0, 1);
    let first = api.release("lending", "credit-scorer").unwrap()["status"].clone();
    assert_eq!(first["conditions"][0]["status"], "True");
    // The example's monitors last reported just before its clock: their
    // heartbeats go stale a minute later, and the status says when.
    let next = first["nextReview"].as_str().unwrap().to_owned();
    assert_eq!(next, "2026-10-01T00:01:01Z");
    let events = || api.objects("/apis/events.k8s.io/v1/").len();
    assert_eq!(events(), 2);

    // A second before: the same result, the same transition time, no event.
    let (code, stdout, _) = at(&shift(&next, -1));
    assert_eq!(code, 1, "{stdout}");
    let before = api.release("lending", "credit-scorer").unwrap()["status"].clone();
    assert_eq!(before["conditions"], first["conditions"]);
    assert_eq!(before["lastEvaluated"], json!(shift(&next, -1)));
    assert_eq!(events(), 2, "no new events");

    // At the instant: not compliant, a new transition time, one event.
    let (code, stdout, _) = at(&next);
    assert_eq!(code, 1, "{stdout}");
    let after = api.release("lending", "credit-scorer").unwrap()["status"].clone();
    assert_eq!(after["conditions"][0]["status"], "False", "{after:#}");
    assert_eq!(after["conditions"][0]["lastTransitionTime"], json!(next));
    assert!(
        after["failingControls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["requirement"] == "monitors_stale"),
        "{after:#}"
    );
    assert_eq!(events(), 3, "one event for the change");
    assert!(
        stdout.contains("lending/credit-scorer  NOT COMPLIANT"),
        "{stdout}"
    );
}

#[test]
fn a_dry_run_writes_nothing_and_json_carries_the_objects() {
    let api = example_api(None);
    let config = kubeconfig(&api);
    let (code, stdout, stderr) = audit(&config, &["--dry-run", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    let releases = out["releases"].as_array().unwrap();
    assert_eq!(releases.len(), 2);
    assert_eq!(releases[0]["release"], "customer-care/support-chatbot");
    assert_eq!(releases[0]["compliant"], false);
    assert_eq!(releases[0]["report"]["kind"], "Report");
    assert_eq!(releases[0]["written"], json!([]));
    assert_eq!(api.count(Verb::Patch) + api.count(Verb::Post), 0);
    assert_eq!(
        api.release("lending", "credit-scorer").unwrap()["status"],
        json!({"observedGeneration": 1}),
        "the status is untouched"
    );
}

#[test]
fn the_older_policy_report_api_and_one_namespace_can_be_chosen() {
    let api = example_api(None);
    let config = kubeconfig(&api);
    let (code, stdout, stderr) = audit(
        &config,
        &["--report-api", "policyreport", "--namespace", "lending"],
    );
    assert_eq!(
        code, 0,
        "the one release audited is compliant\n{stdout}\n{stderr}"
    );
    let reports = api.objects("/apis/wgpolicyk8s.io/v1alpha2/");
    assert_eq!(reports.len(), 1, "{reports:?}");
    let report = &reports[0].1;
    assert_eq!(report["kind"], "PolicyReport");
    assert!(
        report.get("source").is_none(),
        "PolicyReport has no top-level source"
    );
    assert_eq!(report["scope"]["name"], "credit-scorer");
    assert!(
        api.release("customer-care", "support-chatbot").unwrap()["status"]
            .get("conditions")
            .is_none()
    );
}

#[test]
fn an_unreachable_cluster_or_a_bad_kubeconfig_is_a_clear_error() {
    let api = FakeApi::start(&[], Some(403));
    let config = kubeconfig(&api);
    let (code, stdout, stderr) = audit(&config, &[]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("cannot list ModelReleases: riskgate may not list modelreleases (403"),
        "{stderr}"
    );

    let broken = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(broken.path(), "clusters: [").unwrap();
    let path = broken.path().display().to_string();
    let (code, _, stderr) = support::riskgate(&["audit", "--kubeconfig", &path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
}

#[test]
fn a_failed_write_is_reported_on_its_release_and_the_others_are_still_written() {
    // A cluster without the OpenReports CRD.
    let api = example_api(None);
    api.refuse_writes_under("/apis/openreports.io/", 404);
    let config = kubeconfig(&api);
    let (code, stdout, _) = audit(&config, &[]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains(
            "error: could not write Report: the API server does not serve reports.openreports.io (is the CRD installed?)"
        ),
        "{stdout}"
    );
    // Every status was still written.
    for (namespace, name) in [
        ("customer-care", "support-chatbot"),
        ("lending", "credit-scorer"),
    ] {
        let release = api.release(namespace, name).unwrap();
        assert!(release["status"].get("conditions").is_some(), "{name}");
    }
    // Without reports and events, only the statuses are written.
    let quiet = example_api(None);
    let config = kubeconfig(&quiet);
    let (code, stdout, _) = audit(&config, &["--report-api", "none", "--no-events"]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(quiet.count(Verb::Post), 0);
    assert_eq!(quiet.count(Verb::Patch), 2);
    // A scheduled job treats non-compliance as a result, not a failure.
    assert_eq!(audit(&config, &["--dry-run", "--exit-zero"]).0, 0);
}

/// Replaces what lies between `<!-- {name}:begin -->` and `<!-- {name}:end -->`.
fn splice(doc: &str, name: &str, body: &str) -> String {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let (head, rest) = doc.split_once(&begin).unwrap();
    let (_, tail) = rest.split_once(&end).unwrap();
    format!("{head}{begin}\n{body}{end}{tail}")
}

/// docs/audit.md shows the status and report the audit writes for an
/// example release; `RISKGATE_UPDATE_DOCS=1` regenerates them.
#[test]
fn the_audit_docs_show_what_the_audit_writes() {
    let api = example_api(None);
    let config = kubeconfig(&api);
    let (_, stdout, stderr) = audit(
        &config,
        &[
            "--dry-run",
            "--format",
            "json",
            "--namespace",
            "customer-care",
            "--max-results",
            "2",
        ],
    );
    let out: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let release = &out["releases"][0];
    let block = |value: &Value| format!("```json\n{}\n```\n", pretty(value));
    let path = std::path::Path::new(support::ROOT).join("docs/audit.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let fresh = splice(
        &splice(&doc, "status", &block(&release["status"])),
        "report",
        &block(&without_server_fields(release["report"].clone())),
    );
    if std::env::var_os("RISKGATE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    assert!(
        doc == fresh,
        "docs/audit.md is stale: run RISKGATE_UPDATE_DOCS=1 cargo test -p riskgate-cli --test audit"
    );
}

/// Each applicable control's status as `riskgate check` reports it.
fn check_statuses(manifest: &str, now: &str) -> (String, Vec<(String, String)>) {
    let (_, stdout, stderr) = support::riskgate(&[
        "check",
        manifest,
        "--context",
        "admission",
        "--now",
        now,
        "-f",
        "json",
    ]);
    let out: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let trace = &out["manifests"][0];
    let statuses = trace["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "not_applicable")
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (trace["decision"].as_str().unwrap().to_owned(), statuses)
}

/// Each applicable control's status as the audit's report states it.
fn audit_statuses(config: &tempfile::NamedTempFile, now: &str) -> (String, Vec<(String, String)>) {
    let path = config.path().display().to_string();
    let (_, stdout, stderr) = support::riskgate(&[
        "audit",
        "--kubeconfig",
        &path,
        "--now",
        now,
        "--dry-run",
        "--format",
        "json",
        "--max-results",
        "1000",
    ]);
    let out: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let release = &out["releases"][0];
    let mut statuses: Vec<(String, String)> = release["report"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["policy"].as_str().unwrap().to_owned(),
                r["properties"]["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    statuses.sort();
    (release["admission"].as_str().unwrap().to_owned(), statuses)
}

#[test]
fn a_waiver_expires_at_the_same_instant_in_check_and_audit() {
    // The example's waiver of C-SEC-01, made to expire 30 s after the
    // examples' clock (while its compensating monitors are still fresh).
    let expiry = "2026-10-01T00:00:30Z";
    let text = std::fs::read_to_string(
        std::path::Path::new(support::ROOT).join("examples/manifests/agent-with-waiver.yaml"),
    )
    .unwrap()
    .replace(
        "expires_at: 2026-12-15T00:00:00Z",
        &format!("expires_at: {expiry}"),
    );
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("agent.yaml");
    std::fs::write(&manifest, &text).unwrap();
    let mut release = kube_api::stored_release("agent-with-waiver.yaml");
    for waiver in release["spec"]["waivers"].as_array_mut().unwrap() {
        waiver["expires_at"] = json!(expiry);
    }
    let api = FakeApi::start(&[release], None);
    let config = kubeconfig(&api);
    let manifest = manifest.display().to_string();
    for (now, decision, sec01) in [
        ("2026-10-01T00:00:29Z", "pass", "waived"),
        (expiry, "deny", "fail"),
    ] {
        let from_check = check_statuses(&manifest, now);
        let from_audit = audit_statuses(&config, now);
        assert_eq!(from_check, from_audit, "at {now}");
        assert_eq!(from_audit.0, decision, "at {now}");
        assert!(
            from_audit
                .1
                .contains(&("C-SEC-01".to_owned(), sec01.to_owned())),
            "at {now}: {:?}",
            from_audit.1
        );
    }
}
