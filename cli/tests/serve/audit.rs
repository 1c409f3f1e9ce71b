//! `serve --audit`: the continuous audit, against the fake API server:
//! every release audited once the watch lists it, a changed release
//! re-audited (and not re-audited by its own status write), every release
//! re-audited once on a policy reload, and only the Lease holder writing.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Server;
use super::kube_api::{FakeApi, Verb, example_api, stored_release, token_file};

/// The clock the example manifests are written for.
const EXAMPLES_NOW: &str = "2026-10-01T00:00:00Z";
const LEASE: &str = "/apis/coordination.k8s.io/v1/namespaces/riskgate-system/leases/riskgate-audit";

/// `riskgate serve --audit` as `identity`, plus `args`.
fn auditor(
    api: &FakeApi,
    token: &tempfile::NamedTempFile,
    identity: &str,
    args: &[&str],
) -> Server {
    auditor_at(EXAMPLES_NOW, api, token, identity, args)
}

/// [`auditor`] with the clock at `now`.
fn auditor_at(
    now: &str,
    api: &FakeApi,
    token: &tempfile::NamedTempFile,
    identity: &str,
    args: &[&str],
) -> Server {
    let token = token.path().display().to_string();
    let url = api.url();
    let mut all = vec![
        "--audit",
        "--kube-api-server",
        &url,
        "--kube-token-file",
        &token,
        "--audit-lease-namespace",
        "riskgate-system",
        "--audit-identity",
        identity,
    ];
    all.extend_from_slice(args);
    Server::start_at(now, &all)
}

/// Waits up to 20 s for `done`.
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}

/// The status PATCHes so far, by release name.
fn status_writes(api: &FakeApi, name: &str) -> Vec<super::kube_api::Seen> {
    api.seen()
        .into_iter()
        .filter(|s| {
            s.verb == Verb::Patch && s.path.ends_with(&format!("/modelreleases/{name}/status"))
        })
        .collect()
}

fn audited(api: &FakeApi, namespace: &str, name: &str) -> bool {
    api.release(namespace, name)
        .is_some_and(|r| r["status"].get("conditions").is_some())
}

fn both_audited(api: &FakeApi) -> bool {
    audited(api, "lending", "credit-scorer") && audited(api, "customer-care", "support-chatbot")
}

#[test]
fn every_release_is_audited_and_a_changed_one_again_but_not_after_its_own_write() {
    let api = example_api(None);
    let token = token_file("token-a");
    let server = auditor(&api, &token, "replica-a", &[]);
    assert!(eventually(|| both_audited(&api)), "{}", server.logs());
    let chatbot = api.release("customer-care", "support-chatbot").unwrap();
    assert_eq!(chatbot["status"]["conditions"][0]["status"], "False");
    assert_eq!(chatbot["status"]["observedGeneration"], 1);
    // Each status write is a watch event of its own; none re-audits.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(status_writes(&api, "support-chatbot").len(), 1);
    assert_eq!(status_writes(&api, "credit-scorer").len(), 1);

    // A new generation is audited again, the other release is not.
    let mut changed = chatbot.clone();
    changed["spec"]["identity"]["version"] = json!("9.9.9");
    api.apply(changed);
    assert!(
        eventually(|| {
            api.release("customer-care", "support-chatbot").unwrap()["status"]["observedGeneration"]
                == 2
        }),
        "{}",
        server.logs()
    );
    assert_eq!(
        status_writes(&api, "support-chatbot").len(),
        2,
        "{}",
        server.logs()
    );
    assert_eq!(status_writes(&api, "credit-scorer").len(), 1);
    // Reports and events as in the one-shot audit; the events name the
    // Lease holder as the reporting instance.
    assert_eq!(api.objects("/apis/openreports.io/v1alpha1/").len(), 2);
    // (Events are sent after the writes.)
    assert!(eventually(
        || api.objects("/apis/events.k8s.io/v1/").len() >= 2
    ));
    for (_, event) in &api.objects("/apis/events.k8s.io/v1/") {
        assert_eq!(event["reportingController"], "riskgate-audit", "{event}");
        assert_eq!(event["reportingInstance"], "replica-a", "{event}");
    }
    // The metrics follow the writes.
    let metrics_show =
        |line: &str| eventually(|| server.get("/metrics").1.lines().any(|l| l == line));
    assert!(
        metrics_show(
            "riskgate_audit_next_review_timestamp_seconds{namespace=\"lending\",name=\"credit-scorer\"} 1790812861"
        ),
        "{}",
        server.get("/metrics").1
    );
    let (_, metrics) = server.get("/metrics");
    for line in [
        "riskgate_audit_releases{compliance=\"compliant\",admission=\"pass\",tier=\"high\"} 1",
        "riskgate_audit_releases{compliance=\"non_compliant\",admission=\"deny\",tier=\"low\"} 1",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "{line} not in\n{metrics}"
        );
    }
    // The first pass and the change's (the first may be split by when
    // the watch's events arrive).
    let passes = || {
        server
            .get("/metrics")
            .1
            .lines()
            .find_map(|l| {
                l.strip_prefix("riskgate_audit_duration_seconds_count ")?
                    .parse::<u64>()
                    .ok()
            })
            .unwrap_or(0)
    };
    assert!(eventually(|| passes() >= 2), "{metrics}");
}

#[test]
fn only_the_lease_holder_writes() {
    let api = example_api(None);
    let (token_a, token_b) = (token_file("token-a"), token_file("token-b"));
    let a = auditor(&api, &token_a, "replica-a", &[]);
    let b = auditor(&api, &token_b, "replica-b", &[]);
    assert!(
        eventually(|| both_audited(&api)),
        "{}\n{}",
        a.logs(),
        b.logs()
    );
    std::thread::sleep(Duration::from_millis(500));
    let lease = api.objects(LEASE);
    assert_eq!(lease.len(), 1, "{lease:?}");
    let holder = lease[0].1["spec"]["holderIdentity"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = if holder == "replica-a" {
        "token-a"
    } else {
        "token-b"
    };
    let writes: Vec<_> = api
        .seen()
        .into_iter()
        .filter(|s| s.verb == Verb::Patch && !s.path.starts_with("/apis/coordination.k8s.io/"))
        .collect();
    assert!(!writes.is_empty());
    for write in &writes {
        assert_eq!(
            write.authorization.as_deref(),
            Some(format!("Bearer {token}").as_str()),
            "{} wrote, but {holder} holds the lease",
            write.path
        );
    }
    // Each release was written once, by the holder alone.
    assert_eq!(status_writes(&api, "support-chatbot").len(), 1);
}

#[test]
fn a_policy_reload_re_audits_every_release_once() {
    let policies = tempfile::tempdir().unwrap();
    let source = super::repo("stdlib-policies/policies");
    for entry in std::fs::read_dir(&source).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), policies.path().join(entry.file_name())).unwrap();
    }
    let dir = policies.path().display().to_string();
    let api = example_api(None);
    let token = token_file("token-a");
    let server = auditor(
        &api,
        &token,
        "replica-a",
        &["--policy", &dir, "--reload-interval", "0.2"],
    );
    assert!(eventually(|| both_audited(&api)), "{}", server.logs());
    let version = |name: &str, namespace: &str| {
        api.release(namespace, name).unwrap()["status"]["policyVersion"].clone()
    };
    let before = version("credit-scorer", "lending");
    // A new policy version (a comment changes the content hash).
    let file = policies.path().join("governance.gate");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n# tightened\n");
    // Atomically, so that no reload reads half a file.
    let staged = policies.path().join("governance.gate.new");
    std::fs::write(&staged, text).unwrap();
    std::fs::rename(&staged, &file).unwrap();
    assert!(
        eventually(|| version("credit-scorer", "lending") != before
            && version("support-chatbot", "customer-care") != before),
        "{}",
        server.logs()
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(status_writes(&api, "credit-scorer").len(), 2);
    assert_eq!(
        status_writes(&api, "support-chatbot").len(),
        2,
        "{}",
        server.logs()
    );
    assert!(matches!(
        version("credit-scorer", "lending"),
        Value::String(_)
    ));
}

#[test]
fn admission_and_the_audit_agree_on_a_waiver_at_the_instant_it_expires() {
    // The example's waiver of C-SEC-01, made to expire 30 s after the
    // examples' clock (while its compensating monitors are still fresh).
    let expiry = "2026-10-01T00:00:30Z";
    let mut release = stored_release("agent-with-waiver.yaml");
    for waiver in release["spec"]["waivers"].as_array_mut().unwrap() {
        waiver["expires_at"] = json!(expiry);
    }
    let mut review = super::release_review("u-waiver", Value::Null);
    review["request"]["name"] = release["metadata"]["name"].clone();
    review["request"]["namespace"] = release["metadata"]["namespace"].clone();
    review["request"]["object"] = release.clone();
    for (now, admitted) in [("2026-10-01T00:00:29Z", true), (expiry, false)] {
        let api = FakeApi::start(std::slice::from_ref(&release), None);
        let token = token_file("token-a");
        let server = auditor_at(now, &api, &token, "replica-a", &[]);
        let response = server.review(&review);
        assert_eq!(response["allowed"], admitted, "at {now}: {response}");
        assert!(
            eventually(|| audited(&api, "customer-care", "refund-agent")),
            "{}",
            server.logs()
        );
        let status = api.release("customer-care", "refund-agent").unwrap()["status"].clone();
        let condition = &status["conditions"][1];
        assert_eq!(condition["type"], "Admitted");
        assert_eq!(
            condition["status"],
            if admitted { "True" } else { "False" },
            "at {now}: {status:#}"
        );
        let waived = status["waivers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["control"] == "C-SEC-01");
        assert_eq!(waived, admitted, "at {now}: {status:#}");
    }
}
