//! `--workloads`: Deployments and InferenceServices checked through the
//! `ModelRelease` their annotation names, read from a fake Kubernetes API
//! server (hyper, in the test) that serves the example manifests.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response};
use serde_json::{Value, json};

use super::{Server, data, repo};

/// The clock the example manifests are written for.
const EXAMPLES_NOW: &str = "2026-10-01T00:00:00Z";
const TOKEN: &str = "test-token-1";

/// One request the fake API server received.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    authorization: Option<String>,
}

/// A fake API server: `GET .../namespaces/{ns}/modelreleases/{name}`
/// answers the stored release, or a Kubernetes `NotFound` Status; with
/// `fail_with` every request gets that status code instead.
struct FakeApi {
    addr: SocketAddr,
    tls: bool,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// HTTPS with the test certificate for `localhost` (signed by `tls/ca.pem`).
fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject as _;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = vec![CertificateDer::from_pem_file(data("tls/cert1.pem")).unwrap()];
    let key = PrivateKeyDer::from_pem_file(data("tls/key1.pem")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

impl FakeApi {
    fn start(releases: &[Value], fail_with: Option<u16>) -> FakeApi {
        Self::launch(releases, fail_with, false)
    }

    fn launch(releases: &[Value], fail_with: Option<u16>, tls: bool) -> FakeApi {
        let acceptor = tls.then(tls_acceptor);
        let releases: HashMap<String, Value> = releases
            .iter()
            .map(|r| {
                let path = format!(
                    "/apis/riskgate.dev/v1alpha1/namespaces/{}/modelreleases/{}",
                    r["metadata"]["namespace"].as_str().unwrap(),
                    r["metadata"]["name"].as_str().unwrap()
                );
                (path, r.clone())
            })
            .collect();
        let releases = Arc::new(releases);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let sink = Arc::clone(&seen);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let accept = async {
                    loop {
                        let (stream, _) = listener.accept().await.unwrap();
                        let (releases, sink) = (Arc::clone(&releases), Arc::clone(&sink));
                        let service = hyper::service::service_fn(move |request| {
                            let reply = answer(&request, &releases, fail_with);
                            sink.lock().unwrap().push(Seen {
                                path: request.uri().path().to_owned(),
                                authorization: request
                                    .headers()
                                    .get("authorization")
                                    .map(|v| v.to_str().unwrap().to_owned()),
                            });
                            async move { Ok::<_, Infallible>(reply) }
                        });
                        let http = hyper::server::conn::http1::Builder::new();
                        let acceptor = acceptor.clone();
                        tokio::spawn(async move {
                            match acceptor {
                                None => {
                                    let io = hyper_util::rt::TokioIo::new(stream);
                                    let _ = http.serve_connection(io, service).await;
                                }
                                Some(acceptor) => {
                                    let Ok(stream) = acceptor.accept(stream).await else {
                                        return;
                                    };
                                    let io = hyper_util::rt::TokioIo::new(stream);
                                    let _ = http.serve_connection(io, service).await;
                                }
                            }
                        });
                    }
                };
                tokio::select! {
                    () = accept => {}
                    _ = stopped => {}
                }
            });
        });
        FakeApi {
            addr,
            tls,
            seen,
            stop: Some(stop),
        }
    }

    fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://localhost:{}", self.addr.port())
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn answer<B>(
    request: &Request<B>,
    releases: &HashMap<String, Value>,
    fail_with: Option<u16>,
) -> Response<Full<Bytes>> {
    let path = request.uri().path();
    let name = path.rsplit('/').next().unwrap_or_default();
    let (code, body) = match (fail_with, releases.get(path)) {
        (Some(code), _) => (
            code,
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                   "message": "etcdserver: request timed out", "code": code}),
        ),
        (None, Some(release)) => (200, release.clone()),
        (None, None) => (
            404,
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                   "message": format!("modelreleases.riskgate.dev \"{name}\" not found"),
                   "reason": "NotFound",
                   "details": {"name": name, "group": "riskgate.dev", "kind": "modelreleases"},
                   "code": 404}),
        ),
    };
    let mut reply = Response::new(Full::new(Bytes::from(body.to_string())));
    *reply.status_mut() = hyper::StatusCode::from_u16(code).unwrap();
    reply
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    reply
}

/// An example manifest as the API server returns it: with the metadata
/// and status the server adds.
fn stored_release(file: &str) -> Value {
    let text = std::fs::read_to_string(repo(&format!("examples/manifests/{file}"))).unwrap();
    let mut release: Value = serde_yaml_ng::from_str(&text).unwrap();
    let metadata = release["metadata"].as_object_mut().unwrap();
    metadata.insert(
        "uid".to_owned(),
        json!("5f0c1d2e-aaaa-bbbb-cccc-000000000001"),
    );
    metadata.insert("resourceVersion".to_owned(), json!("48213"));
    metadata.insert(
        "creationTimestamp".to_owned(),
        json!("2026-09-30T12:00:00Z"),
    );
    metadata.insert(
        "managedFields".to_owned(),
        json!([{"manager": "kubectl", "operation": "Apply"}]),
    );
    release["status"] = json!({"observedGeneration": 1});
    release
}

/// The examples: `lending/credit-scorer` passes at admission,
/// `customer-care/support-chatbot` is denied.
fn example_api(fail_with: Option<u16>) -> FakeApi {
    FakeApi::start(
        &[
            stored_release("credit-scorer-pass.yaml"),
            stored_release("support-chatbot-fail.yaml"),
        ],
        fail_with,
    )
}

fn token_file() -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), format!("{TOKEN}\n")).unwrap();
    file
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
    let server = webhook(&api.url(), &token, "deployments", &[]);
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

    // The release was read with the token as a bearer credential.
    let seen = api.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        seen[0].path,
        "/apis/riskgate.dev/v1alpha1/namespaces/customer-care/modelreleases/support-chatbot"
    );
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let (_, metrics) = server.get("/metrics");
    for needle in [
        "riskgate_admission_decisions_total{kind=\"Deployment\",decision=\"deny\",dry_run=\"false\"} 1",
        "riskgate_release_fetches_total{result=\"found\"} 1",
    ] {
        assert!(metrics.contains(needle), "missing {needle}:\n{metrics}");
    }
    assert!(server.logged("\"release\":\"customer-care/support-chatbot\""));
}

#[test]
fn workloads_of_a_passing_release_are_allowed_and_dry_run_is_marked() {
    let (api, token) = (example_api(None), token_file());
    let server = webhook(&api.url(), &token, "deployments,inferenceservices", &[]);
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
    let server = webhook(&api.url(), &token, "inferenceservices", &[]);
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
    // Neither needed the API server.
    assert!(api.seen().is_empty());
}

#[test]
fn a_missing_release_denies_and_bad_references_are_refused_before_any_fetch() {
    let (api, token) = (example_api(None), token_file());
    let server = webhook(&api.url(), &token, "deployments", &[]);
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
    assert_eq!(api.seen().len(), 1);

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
    assert_eq!(api.seen().len(), 1, "invalid references were fetched");
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
    assert!(api.seen().is_empty());

    // Without --workloads, Deployments are unknown kinds, as before.
    let plain = Server::start_at(EXAMPLES_NOW, &[]);
    let response = plain.review(&chatbot("Deployment"));
    assert_eq!(response["allowed"], true);
    assert!(api.seen().is_empty());
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
    let server = webhook(&api.url(), &token, "deployments", &["--kube-ca-file", &ca]);
    let response = server.review(&review);
    assert_eq!(response["allowed"], false);
    assert_eq!(
        response["auditAnnotations"]["decision"], "deny",
        "{response}"
    );
    assert_eq!(api.seen().len(), 1);

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
    assert_eq!(api.seen().len(), 1);
}

#[test]
fn updates_are_checked_only_when_the_spec_or_the_reference_changes() {
    let (api, token) = (example_api(None), token_file());
    let server = webhook(&api.url(), &token, "deployments", &[]);
    let mut review = chatbot("Deployment");
    review["request"]["operation"] = json!("UPDATE");
    let old = review["request"]["object"].clone();
    review["request"]["oldObject"] = old.clone();
    // A label added by a controller: same spec, same release.
    review["request"]["object"]["metadata"]["labels"] = json!({"team": "care"});
    let response = server.review(&review);
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["decision"], "pass-through");
    assert!(api.seen().is_empty());

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
    assert_eq!(api.seen().len(), 2);
}

#[test]
fn the_release_cache_saves_fetches_of_found_releases_only() {
    let (api, token) = (example_api(None), token_file());
    let server = webhook(
        &api.url(),
        &token,
        "deployments",
        &["--release-cache-ttl", "60"],
    );
    let found = workload_review("Deployment", "lending", "a", annotated("credit-scorer"));
    let missing = workload_review("Deployment", "lending", "b", annotated("credit-scorer-v9"));
    for _ in 0..2 {
        assert_eq!(server.review(&found)["allowed"], true);
        assert_eq!(server.review(&missing)["allowed"], false);
    }
    let paths: Vec<String> = api.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.ends_with("/credit-scorer"))
            .count(),
        1
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
    let server = webhook(&api.url(), &token, "deployments", &["--policy", &policy]);

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
