//! `--workloads`: Deployments and InferenceServices checked through the
//! `ModelRelease` their annotation names, kept current by a watch of a fake
//! Kubernetes API server (hyper, in the test) that serves the example
//! manifests, with a GET for a release the watch has not seen.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::kube_api::{self, COLLECTION, FakeApi, Verb, example_api, stored_release};
use super::{Server, data, repo};

/// The clock the example manifests are written for.
const EXAMPLES_NOW: &str = "2026-10-01T00:00:00Z";
const TOKEN: &str = "test-token-1";
/// How long a test waits for something the webhook does asynchronously.
const PATIENCE: Duration = Duration::from_secs(20);

/// Polls `done` every 20 ms until it holds or [`PATIENCE`] runs out.
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn token_file() -> tempfile::NamedTempFile {
    kube_api::token_file(TOKEN)
}

/// A webhook checking `workloads` against the API at `api`, plus `args`.
fn webhook(api: &str, token: &tempfile::NamedTempFile, workloads: &str, args: &[&str]) -> Server {
    let token = token.path().display().to_string();
    let mut all = vec![
        "--workloads",
        workloads,
        "--kube-api-server",
        api,
        "--kube-token-file",
        &token,
    ];
    all.extend_from_slice(args);
    Server::start_at(EXAMPLES_NOW, &all)
}

/// [`webhook`], once its watch has stored the first list (`/readyz` 200).
fn synced_webhook(
    api: &str,
    token: &tempfile::NamedTempFile,
    workloads: &str,
    args: &[&str],
) -> Server {
    let server = webhook(api, token, workloads, args);
    assert!(
        eventually(|| server.get("/readyz").0 == 200),
        "the webhook never became ready: {}",
        server.logs()
    );
    server
}

/// An AdmissionReview for a workload with the given annotations.
fn workload_review(kind: &str, namespace: &str, name: &str, annotations: Value) -> Value {
    let (group, version, resource, api_version) = match kind {
        "Deployment" => ("apps", "v1", "deployments", "apps/v1"),
        _ => (
            "serving.kserve.io",
            "v1beta1",
            "inferenceservices",
            "serving.kserve.io/v1beta1",
        ),
    };
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": format!("u-{name}"),
            "kind": {"group": group, "version": version, "kind": kind},
            "resource": {"group": group, "version": version, "resource": resource},
            "name": name, "namespace": namespace, "operation": "CREATE",
            "userInfo": {"username": "deploy-bot"},
            "object": {"apiVersion": api_version, "kind": kind,
                       "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
                       "spec": {}},
            "dryRun": false
        }
    })
}

fn annotated(release: &str) -> Value {
    json!({"riskgate.dev/release": release})
}

/// `customer-care/chatbot` serving the failing example release.
fn chatbot(kind: &str) -> Value {
    workload_review(
        kind,
        "customer-care",
        "chatbot",
        annotated("support-chatbot"),
    )
}

#[test]
fn a_deployment_of_a_failing_release_is_denied_naming_both() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let review = std::fs::read(repo("examples/admission/support-chatbot-deployment.json")).unwrap();
    let (code, body) = server.post(&review);
    assert_eq!(code, 200, "{body}");
    let response = &serde_json::from_str::<Value>(&body).unwrap()["response"];
    assert_eq!(response["allowed"], false, "{response}");
    assert_eq!(response["status"]["code"], 403);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "riskgate denied Deployment customer-care/support-chatbot-api at admission: \
             ModelRelease customer-care/support-chatbot fails "
        ),
        "{message}"
    );
    assert!(message.contains("to pass, "), "{message}");
    let audit = &response["auditAnnotations"];
    assert_eq!(audit["decision"], "deny");
    assert_eq!(audit["release"], "customer-care/support-chatbot");
    assert!(audit["denied-by"].as_str().unwrap().contains("C-GOV-01"));
    // What kubectl shows, with the policy hash (it changes with the
    // standard library) masked.
    let version = audit["policy-version"].as_str().unwrap();
    insta::assert_snapshot!(
        serde_json::to_string_pretty(response)
            .unwrap()
            .replace(version, "<policy-version>")
    );

    // The release came from the watch's store, listed and watched with
    // the token as a bearer credential: no GET.
    let seen = api.seen();
    assert!(api.gets().is_empty(), "{seen:?}");
    assert_eq!(seen[0].verb, Verb::List, "{seen:?}");
    assert_eq!(seen[0].path, COLLECTION);
    assert!(
        seen.iter()
            .all(|s| s.authorization.as_deref() == Some(format!("Bearer {TOKEN}").as_str())),
        "{seen:?}"
    );
    let (_, metrics) = server.get("/metrics");
    for needle in [
        "riskgate_admission_decisions_total{kind=\"Deployment\",decision=\"deny\",dry_run=\"false\"} 1",
        "riskgate_release_store_hits_total 1",
    ] {
        assert!(metrics.contains(needle), "missing {needle}:\n{metrics}");
    }
    assert!(
        !metrics.contains("riskgate_release_fetches_total{"),
        "{metrics}"
    );
    assert!(server.logged("\"release\":\"customer-care/support-chatbot\""));
    assert!(server.logged("ModelRelease watch synced"));
}

#[test]
fn workloads_of_a_passing_release_are_allowed_and_dry_run_is_marked() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments,inferenceservices", &[]);
    // `namespace/name` in the workload's own namespace.
    let deployment = workload_review(
        "Deployment",
        "lending",
        "scorer-api",
        annotated("lending/credit-scorer"),
    );
    let response = server.review(&deployment);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["decision"], "allow");
    assert_eq!(
        response["auditAnnotations"]["release"],
        "lending/credit-scorer"
    );

    let mut isvc = workload_review(
        "InferenceService",
        "lending",
        "scorer",
        annotated("credit-scorer"),
    );
    isvc["request"]["dryRun"] = json!(true);
    let response = server.review(&isvc);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["dry-run"], "true");
    let (_, metrics) = server.get("/metrics");
    assert!(
        metrics.contains(
            "riskgate_admission_decisions_total{kind=\"InferenceService\",decision=\"allow\",dry_run=\"true\"} 1"
        ),
        "{metrics}"
    );
}

#[test]
fn an_inference_service_of_a_failing_release_is_denied() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "inferenceservices", &[]);
    let review = chatbot("InferenceService");
    let response = server.review(&review);
    assert_eq!(response["allowed"], false);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "riskgate denied InferenceService customer-care/chatbot at admission: \
             ModelRelease customer-care/support-chatbot fails "
        ),
        "{message}"
    );
}

#[test]
fn unannotated_workloads_are_allowed_unless_the_annotation_is_required() {
    let (api, token) = (example_api(None), token_file());
    let review = workload_review("Deployment", "lending", "web", json!({}));

    let server = webhook(&api.url(), &token, "deployments", &[]);
    let response = server.review(&review);
    assert_eq!(response["allowed"], true);
    assert_eq!(response["auditAnnotations"]["decision"], "pass-through");

    let strict = webhook(
        &api.url(),
        &token,
        "deployments",
        &["--require-release-annotation"],
    );
    let response = strict.review(&review);
    assert_eq!(response["allowed"], false);
    assert_eq!(
        response["status"]["message"],
        "riskgate denied Deployment lending/web: it has no riskgate.dev/release annotation \
         naming the ModelRelease it serves (--require-release-annotation)"
    );
    // Neither needed a release.
    assert!(api.gets().is_empty());
}

#[test]
fn a_missing_release_denies_and_bad_references_are_refused_before_any_fetch() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let response = server.review(&workload_review(
        "Deployment",
        "lending",
        "scorer-api",
        annotated("credit-scorer-v9"),
    ));
    assert_eq!(response["allowed"], false);
    assert_eq!(
        response["status"]["message"],
        "riskgate denied Deployment lending/scorer-api: its ModelRelease lending/credit-scorer-v9 \
         (annotation riskgate.dev/release) does not exist; create the release first"
    );
    assert_eq!(
        response["auditAnnotations"]["release"],
        "lending/credit-scorer-v9"
    );
    // Not in the store: asked for once, in case it was just created.
    assert_eq!(api.gets().len(), 1);

    for (value, needle) in [
        (
            "customer-care/support-chatbot",
            "--allow-cross-namespace-releases",
        ),
        ("../../secrets/x", "is not a release name"),
    ] {
        let response = server.review(&workload_review(
            "Deployment",
            "lending",
            "scorer-api",
            annotated(value),
        ));
        assert_eq!(response["allowed"], false, "{value}");
        assert_eq!(
            response["auditAnnotations"]["decision"], "invalid",
            "{value}"
        );
        let message = response["status"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{value}: {message}");
    }
    assert_eq!(api.gets().len(), 1, "invalid references were fetched");
}

#[test]
fn api_server_errors_follow_the_failure_mode() {
    let token = token_file();
    let failing = example_api(Some(500));
    // An address nobody listens on.
    let down = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let review = workload_review(
        "Deployment",
        "lending",
        "scorer-api",
        annotated("credit-scorer"),
    );
    for api in [failing.url(), down] {
        let closed = webhook(&api, &token, "deployments", &[]);
        let response = closed.review(&review);
        assert_eq!(response["allowed"], false, "{api}: {response}");
        assert_eq!(response["status"]["code"], 500);
        let message = response["status"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(
                "riskgate could not evaluate Deployment lending/scorer-api: cannot read ModelRelease lending/credit-scorer: "
            ),
            "{message}"
        );
        assert!(
            message.ends_with("(failure mode closed: denied)"),
            "{message}"
        );
        assert_eq!(response["auditAnnotations"]["decision"], "error");
        assert_eq!(
            response["auditAnnotations"]["release"],
            "lending/credit-scorer"
        );

        let open = webhook(&api, &token, "deployments", &["--failure-mode", "open"]);
        let response = open.review(&review);
        assert_eq!(response["allowed"], true, "{api}: {response}");
        assert!(
            response["warnings"][0]
                .as_str()
                .unwrap()
                .ends_with("(failure mode open: allowed)"),
            "{response}"
        );
        let (_, metrics) = open.get("/metrics");
        assert!(
            metrics.contains("riskgate_release_fetches_total{result=\"error\"} 1"),
            "{metrics}"
        );
        // The watch fails too: retried, counted and logged, and the
        // webhook never reports ready.
        assert!(
            eventually(|| !open
                .get("/metrics")
                .1
                .contains("riskgate_release_watch_errors_total 0")),
            "{api}: no watch error counted"
        );
        assert!(open.logged("the ModelRelease watch failed; retrying"));
        assert_eq!(open.get("/readyz").0, 503);
        assert_eq!(open.get("/healthz").0, 200);
    }
    // The 500's Status message reaches the audit log.
    let closed = webhook(&failing.url(), &token, "deployments", &[]);
    let response = closed.review(&review);
    assert!(
        response["auditAnnotations"]["evaluation-error"]
            .as_str()
            .unwrap()
            .contains("500 Internal Server Error: etcdserver: request timed out"),
        "{response}"
    );
}

#[test]
fn kinds_not_configured_pass_through_without_a_fetch() {
    let (api, token) = (example_api(None), token_file());
    let server = webhook(&api.url(), &token, "deployments", &[]);
    let review = chatbot("InferenceService");
    let response = server.review(&review);
    assert_eq!(response["allowed"], true);
    assert_eq!(response["auditAnnotations"]["decision"], "pass-through");
    assert!(api.gets().is_empty());

    // Without --workloads, Deployments are unknown kinds, as before.
    let plain = Server::start_at(EXAMPLES_NOW, &[]);
    let response = plain.review(&chatbot("Deployment"));
    assert_eq!(response["allowed"], true);
    assert!(api.gets().is_empty());
    // Nor does it watch releases, or wait for them to be ready.
    assert_eq!(plain.get("/readyz"), (200, "ready\n".to_owned()));
}

#[test]
fn workload_checks_without_an_api_server_do_not_start() {
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("riskgate"))
        .args([
            "serve",
            "--insecure-http",
            "--port",
            "0",
            "--workloads",
            "deployments",
        ])
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env_remove("KUBERNETES_SERVICE_PORT")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--kube-api-server"), "{stderr}");

    // Plain http:// to the API server needs --insecure-http.
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("riskgate"))
        .args([
            "serve",
            "--tls-cert",
            "/nonexistent/tls.crt",
            "--tls-key",
            "/nonexistent/tls.key",
            "--workloads",
            "deployments",
            "--kube-api-server",
            "http://127.0.0.1:1",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--insecure-http"), "{stderr}");
}

#[test]
fn the_api_server_is_reached_over_https_trusting_only_the_given_ca() {
    let api = FakeApi::launch(&[stored_release("support-chatbot-fail.yaml")], None, true);
    let token = token_file();
    let review = chatbot("Deployment");
    let ca = data("tls/ca.pem").display().to_string();
    let server = synced_webhook(&api.url(), &token, "deployments", &["--kube-ca-file", &ca]);
    let response = server.review(&review);
    assert_eq!(response["allowed"], false);
    assert_eq!(
        response["auditAnnotations"]["decision"], "deny",
        "{response}"
    );
    let lists = api.count(Verb::List);
    assert!(lists >= 1);
    assert!(api.gets().is_empty());
    drop(server);

    // A certificate the CA file does not vouch for: an API error.
    let wrong = data("tls/cert2.pem").display().to_string();
    let server = webhook(
        &api.url(),
        &token,
        "deployments",
        &["--kube-ca-file", &wrong],
    );
    let response = server.review(&review);
    assert_eq!(
        response["auditAnnotations"]["decision"], "error",
        "{response}"
    );
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("TLS handshake with the API server failed"),
        "{message}"
    );
    // Neither the watch nor the GET got a request through.
    assert_eq!(server.get("/readyz").0, 503);
    assert!(api.gets().is_empty());
    assert_eq!(api.count(Verb::List), lists);
}

#[test]
fn updates_are_checked_only_when_the_spec_or_the_reference_changes() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let mut review = chatbot("Deployment");
    review["request"]["operation"] = json!("UPDATE");
    let old = review["request"]["object"].clone();
    review["request"]["oldObject"] = old.clone();
    // A label added by a controller: same spec, same release.
    review["request"]["object"]["metadata"]["labels"] = json!({"team": "care"});
    let response = server.review(&review);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["decision"], "pass-through");
    assert!(
        server
            .get("/metrics")
            .1
            .contains("riskgate_release_store_hits_total 0")
    );

    // A new image: the (failing) release is checked again.
    review["request"]["object"]["spec"] =
        json!({"template": {"spec": {"containers": [{"image": "v2"}]}}});
    assert_eq!(server.review(&review)["allowed"], false);
    // Pointing an unchanged spec at another release is checked too.
    let mut repoint = review.clone();
    repoint["request"]["object"] = old;
    repoint["request"]["object"]["metadata"]["annotations"] = annotated("support-chatbot-v2");
    let response = server.review(&repoint);
    assert_eq!(response["allowed"], false);
    assert!(
        response["status"]["message"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{response}"
    );
    // Only the release the store does not hold was asked for.
    assert_eq!(
        api.gets(),
        ["/apis/riskgate.dev/v1alpha1/namespaces/customer-care/modelreleases/support-chatbot-v2"]
    );
}

#[test]
fn the_store_answers_found_releases_and_only_misses_are_fetched() {
    let (api, token) = (example_api(None), token_file());
    // The deprecated flag is still accepted, and has no effect.
    let server = synced_webhook(
        &api.url(),
        &token,
        "deployments",
        &["--release-cache-ttl", "60"],
    );
    assert!(server.logged("--release-cache-ttl is deprecated and has no effect"));
    let found = workload_review("Deployment", "lending", "a", annotated("credit-scorer"));
    let missing = workload_review("Deployment", "lending", "b", annotated("credit-scorer-v9"));
    for _ in 0..2 {
        assert_eq!(server.review(&found)["allowed"], true);
        assert_eq!(server.review(&missing)["allowed"], false);
    }
    // A missing release is asked for every time: it may have just been
    // created.
    let gets = api.gets();
    assert_eq!(gets.len(), 2, "{gets:?}");
    assert!(
        gets.iter().all(|p| p.ends_with("/credit-scorer-v9")),
        "{gets:?}"
    );
    let (_, metrics) = server.get("/metrics");
    for needle in [
        "riskgate_release_store_hits_total 2",
        "riskgate_release_fetches_total{result=\"not_found\"} 2",
    ] {
        assert!(metrics.contains(needle), "missing {needle}:\n{metrics}");
    }
}

/// `lending/credit-scorer` with `spec.rollback` removed, which the
/// standard library denies.
fn unrolled_credit_scorer() -> Value {
    let mut release = stored_release("credit-scorer-pass.yaml");
    release["spec"].as_object_mut().unwrap().remove("rollback");
    release
}

#[test]
fn watch_events_reach_the_next_request_without_a_get() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let scorer = workload_review("Deployment", "lending", "a", annotated("credit-scorer"));
    assert_eq!(server.review(&scorer)["allowed"], true);

    // ADDED, then MODIFIED: once the change is seen, so is the new
    // release (events arrive in order), and both come from the store.
    let mut fresh = stored_release("credit-scorer-pass.yaml");
    fresh["metadata"]["name"] = json!("credit-scorer-v2");
    api.apply(fresh);
    api.apply(unrolled_credit_scorer());
    assert!(
        eventually(|| server.review(&scorer)["allowed"] == false),
        "the modified release was never seen"
    );
    let response = server.review(&scorer);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "riskgate denied Deployment lending/a at admission: ModelRelease lending/credit-scorer fails "
        ),
        "{message}"
    );
    let fresh = workload_review("Deployment", "lending", "b", annotated("credit-scorer-v2"));
    assert_eq!(server.review(&fresh)["allowed"], true);
    assert!(api.gets().is_empty(), "{:?}", api.gets());
    assert_eq!(api.count(Verb::List), 1, "the watch listed again");

    // DELETED: the release leaves the store, and the GET that follows
    // finds it missing.
    api.delete("lending", "credit-scorer-v2");
    assert!(
        eventually(|| server.review(&fresh)["allowed"] == false),
        "the deleted release was never denied"
    );
    let response = server.review(&fresh);
    assert_eq!(
        response["status"]["message"],
        "riskgate denied Deployment lending/b: its ModelRelease lending/credit-scorer-v2 \
         (annotation riskgate.dev/release) does not exist; create the release first"
    );
    let gets = api.gets();
    assert!(!gets.is_empty(), "{gets:?}");
    assert!(
        gets.iter().all(|p| p.ends_with("/credit-scorer-v2")),
        "{gets:?}"
    );
}

#[test]
fn a_release_the_watch_has_not_announced_yet_is_found_with_a_get() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let mut fresh = stored_release("credit-scorer-pass.yaml");
    fresh["metadata"]["name"] = json!("credit-scorer-v2");
    api.create_unannounced(fresh);
    let response = server.review(&workload_review(
        "Deployment",
        "lending",
        "b",
        annotated("credit-scorer-v2"),
    ));
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(
        api.gets(),
        ["/apis/riskgate.dev/v1alpha1/namespaces/lending/modelreleases/credit-scorer-v2"]
    );
    let (_, metrics) = server.get("/metrics");
    assert!(
        metrics.contains("riskgate_release_fetches_total{result=\"found\"} 1"),
        "{metrics}"
    );
}

#[test]
fn readiness_waits_for_the_first_list_and_requests_are_served_meanwhile() {
    let (api, token) = (example_api(None), token_file());
    api.hold_lists(true);
    let server = webhook(&api.url(), &token, "deployments", &[]);
    assert!(eventually(|| api.count(Verb::List) >= 1), "no LIST arrived");
    assert_eq!(
        server.get("/readyz"),
        (
            503,
            "waiting for the first list of ModelReleases\n".to_owned()
        )
    );
    assert_eq!(server.get("/healthz"), (200, "ok\n".to_owned()));
    // Not synced yet: the release is read with a GET, never denied as
    // missing for want of a list.
    let response = server.review(&workload_review(
        "Deployment",
        "lending",
        "a",
        annotated("credit-scorer"),
    ));
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(api.gets().len(), 1);

    api.hold_lists(false);
    assert!(
        eventually(|| server.get("/readyz") == (200, "ready\n".to_owned())),
        "never ready after the list: {}",
        server.logs()
    );
}

#[test]
fn warnings_and_invalid_releases_name_the_release() {
    let release = |name: &str, spec: Value| {
        json!({"apiVersion": "riskgate.dev/v1alpha1", "kind": "ModelRelease",
               "metadata": {"name": name, "namespace": "lending", "uid": "x", "resourceVersion": "3"},
               "spec": spec, "status": {}})
    };
    let api = FakeApi::start(
        &[
            release(
                "undrilled",
                json!({"rollback": {"procedure_ref": "runbooks/rollback.md"}}),
            ),
            release("broken", json!({"rollback": "not an object"})),
        ],
        None,
    );
    let token = token_file();
    let policy = super::policy_a();
    let server = synced_webhook(&api.url(), &token, "deployments", &["--policy", &policy]);

    let response = server.review(&workload_review(
        "Deployment",
        "lending",
        "api",
        annotated("undrilled"),
    ));
    assert_eq!(response["allowed"], true);
    assert_eq!(
        response["warnings"],
        json!([
            "riskgate C-T-DRILL on ModelRelease lending/undrilled: to pass, set spec.rollback.last_drill_at"
        ])
    );
    assert_eq!(response["auditAnnotations"]["decision"], "warn");

    let response = server.review(&workload_review(
        "Deployment",
        "lending",
        "api",
        annotated("broken"),
    ));
    assert_eq!(response["allowed"], false);
    assert_eq!(response["auditAnnotations"]["decision"], "invalid");
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "riskgate denied Deployment lending/api at admission: ModelRelease lending/broken: the release is invalid"
        ),
        "{message}"
    );
}

/// The artifact digest of `lending/credit-scorer`.
const APPROVED: &str = "sha256:4f1c9a7e2b8d6035c1e94a7f0b3d52e8a6c9f01d7b2e4a85c3f6d9e0a1b2c3d4";
/// A digest no example release approved.
const OTHER: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000bad";

/// `lending/scorer-api`, a Deployment of `credit-scorer` (which passes)
/// running `containers`, with `annotations` added to the release one.
fn scorer_deployment(containers: Value, annotations: Value) -> Value {
    let mut all = annotated("credit-scorer");
    all.as_object_mut()
        .unwrap()
        .extend(annotations.as_object().unwrap().clone());
    let mut review = workload_review("Deployment", "lending", "scorer-api", all);
    review["request"]["object"]["spec"] = json!({"template": {"spec": {"containers": containers}}});
    review
}

fn image(digest: &str) -> String {
    format!("registry.example.com/lending/credit-scorer@{digest}")
}

#[test]
fn a_workload_running_the_approved_digest_is_allowed() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    // The digest as people write it, in upper case, after a tag, next to
    // a sidecar pinned to something else: one match is enough.
    let review = scorer_deployment(
        json!([
            {"name": "model", "image": format!("registry.example.com/scorer:3.2.0@{}", APPROVED.to_uppercase())},
            {"name": "envoy", "image": format!("envoy@{OTHER}")}
        ]),
        json!({}),
    );
    let response = server.review(&review);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["warnings"], Value::Null, "{response}");
    assert_eq!(response["auditAnnotations"]["decision"], "allow");
    assert_eq!(response["auditAnnotations"]["artifact"], "matched");
}

#[test]
fn a_deployment_running_another_digest_is_denied_naming_both() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let review = scorer_deployment(json!([{"name": "model", "image": image(OTHER)}]), json!({}));
    let response = server.review(&review);
    assert_eq!(response["allowed"], false, "{response}");
    assert_eq!(response["status"]["code"], 403);
    assert_eq!(response["auditAnnotations"]["decision"], "deny");
    assert_eq!(response["auditAnnotations"]["artifact"], "mismatched");
    assert_eq!(
        response["auditAnnotations"]["release"],
        "lending/credit-scorer"
    );
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.contains(APPROVED) && message.contains(OTHER),
        "{message}"
    );
    insta::assert_snapshot!(message);
    let (_, metrics) = server.get("/metrics");
    assert!(
        metrics.contains(
            "riskgate_admission_decisions_total{kind=\"Deployment\",decision=\"deny\",dry_run=\"false\"} 1"
        ),
        "{metrics}"
    );

    // Rolling the comparison out: a warning instead, and the release's
    // own verdict.
    let lenient = synced_webhook(
        &api.url(),
        &token,
        "deployments",
        &["--mismatched-artifacts", "warn"],
    );
    let response = lenient.review(&review);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["decision"], "warn");
    insta::assert_snapshot!(
        "mismatch_warning",
        response["warnings"][0].as_str().unwrap()
    );
    let off = synced_webhook(
        &api.url(),
        &token,
        "deployments",
        &["--mismatched-artifacts", "allow"],
    );
    let response = off.review(&review);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["warnings"], Value::Null, "{response}");
}

#[test]
fn the_decision_cache_never_admits_another_image_of_the_same_workload() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(
        &api.url(),
        &token,
        "deployments",
        &["--decision-cache-ttl", "60"],
    );
    let approved = scorer_deployment(
        json!([{"name": "model", "image": image(APPROVED)}]),
        json!({}),
    );
    let other = scorer_deployment(json!([{"name": "model", "image": image(OTHER)}]), json!({}));
    assert_eq!(server.review(&approved)["allowed"], true);
    assert_eq!(server.review(&other)["allowed"], false);
    assert_eq!(server.review(&approved)["allowed"], true);
}

#[test]
fn an_inference_service_serving_another_oci_digest_is_denied() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "inferenceservices", &[]);
    let mut review = workload_review(
        "InferenceService",
        "lending",
        "scorer",
        annotated("credit-scorer"),
    );
    let model = |uri: String| json!({"predictor": {"model": {"modelFormat": {"name": "xgboost"}, "storageUri": uri}}});
    review["request"]["object"]["spec"] = model(format!(
        "oci://registry.example.com/models/credit-scorer@{OTHER}"
    ));
    let response = server.review(&review);
    assert_eq!(response["allowed"], false, "{response}");
    insta::assert_snapshot!(response["status"]["message"].as_str().unwrap());

    review["request"]["object"]["spec"] = model(format!(
        "oci://registry.example.com/models/credit-scorer:3.2.0@{APPROVED}"
    ));
    let response = server.review(&review);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["artifact"], "matched");
}

#[test]
fn unpinned_workloads_are_warned_and_denied_with_the_strict_flag() {
    let (api, token) = (example_api(None), token_file());
    let review = scorer_deployment(
        json!([{"name": "model", "image": "registry.example.com/lending/credit-scorer:3.2.0"}]),
        json!({}),
    );
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let response = server.review(&review);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["decision"], "warn");
    assert_eq!(response["auditAnnotations"]["artifact"], "unpinned");
    insta::assert_snapshot!(
        "unpinned_warning",
        response["warnings"][0].as_str().unwrap()
    );

    let strict = synced_webhook(
        &api.url(),
        &token,
        "deployments",
        &["--unpinned-artifacts", "deny"],
    );
    let response = strict.review(&review);
    assert_eq!(response["allowed"], false, "{response}");
    assert_eq!(response["auditAnnotations"]["artifact"], "unpinned");
    insta::assert_snapshot!(
        "unpinned_denial",
        response["status"]["message"].as_str().unwrap()
    );

    // An unpinned InferenceService model is the same finding.
    let mut isvc = workload_review(
        "InferenceService",
        "lending",
        "scorer",
        annotated("credit-scorer"),
    );
    isvc["request"]["object"]["spec"] =
        json!({"predictor": {"xgboost": {"storageUri": "s3://models/credit-scorer/3.2.0"}}});
    let strict = synced_webhook(
        &api.url(),
        &token,
        "inferenceservices",
        &["--unpinned-artifacts", "deny"],
    );
    let response = strict.review(&isvc);
    assert_eq!(response["allowed"], false, "{response}");
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("predictor.xgboost storageUri runs s3://models/credit-scorer/3.2.0"),
        "{message}"
    );
}

#[test]
fn the_model_container_annotation_names_the_container_compared() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &[]);
    let containers = json!([
        {"name": "model", "image": "registry.example.com/lending/credit-scorer:3.2.0"},
        {"name": "envoy", "image": format!("envoy@{OTHER}")}
    ]);
    // Without it, the unpinned container may be the model: a warning, not
    // a mismatch with the sidecar.
    let response = server.review(&scorer_deployment(containers.clone(), json!({})));
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["artifact"], "unpinned");

    // Named, the sidecar is the model, and it is not the approved one.
    let named = scorer_deployment(
        containers.clone(),
        json!({"riskgate.dev/model-container": "envoy"}),
    );
    let response = server.review(&named);
    assert_eq!(response["allowed"], false, "{response}");
    assert_eq!(response["auditAnnotations"]["artifact"], "mismatched");
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("container envoy runs {OTHER}")),
        "{message}"
    );

    // A name the workload does not run is refused before any release is
    // read.
    let response = server.review(&scorer_deployment(
        containers,
        json!({"riskgate.dev/model-container": "scorer"}),
    ));
    assert_eq!(response["allowed"], false, "{response}");
    assert_eq!(response["status"]["code"], 400);
    assert_eq!(response["auditAnnotations"]["decision"], "invalid");
    insta::assert_snapshot!(
        "unknown_model_container",
        response["status"]["message"].as_str().unwrap()
    );
    assert!(
        server
            .get("/metrics")
            .1
            .contains("riskgate_release_store_hits_total 2")
    );

    // An UPDATE that only changes the annotation changes what is compared:
    // it is checked, not passed through.
    let mut update = named;
    update["request"]["operation"] = json!("UPDATE");
    let mut old = update["request"]["object"].clone();
    old["metadata"]["annotations"] = annotated("credit-scorer");
    update["request"]["oldObject"] = old;
    let response = server.review(&update);
    assert_eq!(response["allowed"], false, "{response}");
    assert_eq!(response["auditAnnotations"]["artifact"], "mismatched");
}
#[test]
fn warn_within_warns_a_workload_about_its_release_within_the_caps() {
    let (api, token) = (example_api(None), token_file());
    let server = synced_webhook(&api.url(), &token, "deployments", &["--warn-within", "14d"]);
    let deployment = workload_review(
        "Deployment",
        "lending",
        "scorer-api",
        annotated("credit-scorer"),
    );
    let response = server.review(&deployment);
    assert_eq!(response["allowed"], true, "{response}");
    let warnings = response["warnings"].as_array().unwrap();
    // The example's monitors go stale within days: eleven warnings, cut
    // to the ten a response carries, each at most 256 bytes.
    assert_eq!(warnings.len(), 10, "{response}");
    assert!(
        warnings.iter().all(|w| w.as_str().unwrap().len() <= 256),
        "{response}"
    );
    assert!(
        warnings[0].as_str().unwrap().starts_with(
            "riskgate on ModelRelease lending/credit-scorer: C-GOV-13 monitors_stale: stops passing in 1 day (2026-10-02): "
        ),
        "{response}"
    );
}
