//! `riskgate serve` end to end: the server runs as a child process on an
//! ephemeral loopback port and receives real AdmissionReview JSON over raw
//! HTTP/1.1 (so malformed, huge and slow requests can be sent too).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const NOW: &str = "2026-11-26T00:00:00Z";

use kube_api::{data, repo};

/// A running `riskgate serve`, killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Plain HTTP on loopback with a fixed clock, plus `args`.
    fn start(args: &[&str]) -> Server {
        let mut all = vec!["--insecure-http"];
        all.extend_from_slice(args);
        Self::start_raw(&all)
    }

    fn start_raw(args: &[&str]) -> Server {
        Self::launch(NOW, args)
    }

    /// Plain HTTP on loopback with the clock at `now`, plus `args`.
    fn start_at(now: &str, args: &[&str]) -> Server {
        let mut all = vec!["--insecure-http"];
        all.extend_from_slice(args);
        Self::launch(now, &all)
    }

    fn launch(now: &str, args: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("riskgate"))
            .args([
                "serve",
                "--address",
                "127.0.0.1",
                "--port",
                "0",
                "--now",
                now,
            ])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(log) = serde_json::from_str::<Value>(&line)
                    && log["message"] == "listening"
                {
                    let _ = tx.send(log["address"].as_str().unwrap().to_owned());
                }
                sink.lock().unwrap().push(line);
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => addr.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!("server did not start: {:?}", logs.lock().unwrap());
            }
        };
        Server { child, addr, logs }
    }

    fn post(&self, body: &[u8]) -> (u16, String) {
        request(self.addr, "POST", "/validate", body)
    }

    fn get(&self, path: &str) -> (u16, String) {
        request(self.addr, "GET", path, b"")
    }

    /// POSTs a review and returns its `response`.
    fn review(&self, review: &Value) -> Value {
        let (code, body) = self.post(review.to_string().as_bytes());
        assert_eq!(code, 200, "{body}");
        let reply: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(reply["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(reply["kind"], "AdmissionReview");
        reply["response"].clone()
    }

    fn logs(&self) -> String {
        self.logs.lock().unwrap().join("\n")
    }

    /// Whether a log line containing `needle` arrives within 10 s (log
    /// lines are read by another thread, after the response).
    fn logged(&self, needle: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.logs().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection; returns status and body.
fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: riskgate\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) and close before the whole body is sent.
    let _ = stream.write_all(body);
    read_response(&mut stream)
}

fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (code, body)
}

/// An AdmissionReview for a ModelRelease with `spec.rollback` = `rollback`.
fn release_review(uid: &str, rollback: Value) -> Value {
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": "riskgate.dev", "version": "v1alpha1", "kind": "ModelRelease"},
            "resource": {"group": "riskgate.dev", "version": "v1alpha1", "resource": "modelreleases"},
            "name": "scorer",
            "namespace": "lending",
            "operation": "CREATE",
            "userInfo": {"username": "alice"},
            "object": {
                "apiVersion": "riskgate.dev/v1alpha1",
                "kind": "ModelRelease",
                "metadata": {"name": "scorer", "namespace": "lending", "uid": "0b9e",
                             "resourceVersion": "7", "managedFields": [{"manager": "kubectl"}]},
                "spec": {"rollback": rollback}
            },
            "dryRun": false
        }
    })
}

fn complete() -> Value {
    json!({"procedure_ref": "runbooks/rollback.md", "last_drill_at": "2026-10-01T00:00:00Z"})
}

fn policy_a() -> String {
    data("policy-a").display().to_string()
}

#[test]
fn example_review_is_denied_with_a_readable_message() {
    let server = Server::start(&[]);
    let review = std::fs::read(repo("examples/admission/support-chatbot.json")).unwrap();
    let (code, body) = server.post(&review);
    assert_eq!(code, 200);
    let response = &serde_json::from_str::<Value>(&body).unwrap()["response"];
    assert_eq!(response["uid"], "8c5a6f1e-0c55-4b8e-9d0e-2f1b3c4d5e6f");
    assert_eq!(response["allowed"], false);
    assert_eq!(response["status"]["code"], 403);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "riskgate denied ModelRelease customer-care/support-chatbot at admission:"
        ),
        "{message}"
    );
    assert!(message.contains("to pass, "), "{message}");
    assert!(message.len() <= 1500, "{}", message.len());
    assert_eq!(response["auditAnnotations"]["decision"], "deny");
}

#[test]
fn allowed_warned_and_denied_releases() {
    let server = Server::start(&["--policy", &policy_a()]);

    let allowed = server.review(&release_review("u-allow", complete()));
    assert_eq!(allowed["uid"], "u-allow");
    assert_eq!(allowed["allowed"], true);
    assert!(allowed.get("status").is_none());
    assert!(allowed.get("warnings").is_none());
    assert_eq!(allowed["auditAnnotations"]["decision"], "allow");

    let warned = server.review(&release_review(
        "u-warn",
        json!({"procedure_ref": "runbooks/rollback.md"}),
    ));
    assert_eq!(warned["allowed"], true);
    assert_eq!(
        warned["warnings"],
        json!(["riskgate C-T-DRILL: to pass, set spec.rollback.last_drill_at"])
    );
    assert_eq!(warned["auditAnnotations"]["warned-by"], "C-T-DRILL");

    let denied = server.review(&release_review("u-deny", json!({})));
    assert_eq!(denied["allowed"], false);
    let message = denied["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "riskgate denied ModelRelease lending/scorer at admission: 1 control fails: \
             C-T-ROLLBACK (Rollback procedure referenced): to pass, set spec.rollback.procedure_ref. Policy "
        ),
        "{message}"
    );
    // The warn-level control still warns on a denied release.
    assert_eq!(denied["warnings"].as_array().unwrap().len(), 1);
    assert_eq!(denied["auditAnnotations"]["denied-by"], "C-T-ROLLBACK");
}

#[test]
fn dry_run_gets_the_same_decision_and_is_marked() {
    let server = Server::start(&["--policy", &policy_a()]);
    let mut review = release_review("u-dry", json!({}));
    review["request"]["dryRun"] = json!(true);
    let response = server.review(&review);
    assert_eq!(response["allowed"], false);
    assert_eq!(response["auditAnnotations"]["dry-run"], "true");
    let (_, metrics) = server.get("/metrics");
    assert!(
        metrics.contains(
            "riskgate_admission_decisions_total{kind=\"ModelRelease\",decision=\"deny\",dry_run=\"true\"} 1"
        ),
        "{metrics}"
    );
}

#[test]
fn malformed_and_wrong_version_reviews_are_rejected() {
    let server = Server::start(&["--policy", &policy_a()]);
    let (code, body) = server.post(b"{\"apiVersion\": ");
    assert_eq!(code, 400);
    assert!(body.starts_with("malformed AdmissionReview JSON"), "{body}");

    let mut review = release_review("u", json!({}));
    review["apiVersion"] = json!("admission.k8s.io/v1beta1");
    let (code, body) = server.post(review.to_string().as_bytes());
    assert_eq!(code, 400);
    assert!(body.contains("admissionReviewVersions"), "{body}");

    let (code, _) =
        server.post(b"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}");
    assert_eq!(code, 400);
    assert_eq!(server.get("/validate").0, 405);
    assert_eq!(server.get("/nope").0, 404);
    // The server is still healthy afterwards.
    assert_eq!(
        server.review(&release_review("u2", complete()))["allowed"],
        true
    );
}

#[test]
fn ten_megabyte_bodies_are_refused() {
    let server = Server::start(&["--policy", &policy_a()]);
    let big = vec![b' '; 10 * 1024 * 1024];
    let (code, body) = server.post(&big);
    assert_eq!(code, 413, "{body}");

    // Without Content-Length (chunked), the limit applies while reading.
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let _ = stream.write_all(
        b"POST /validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    );
    let chunk = vec![b' '; 256 * 1024];
    for _ in 0..40 {
        if stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .and_then(|()| stream.write_all(&chunk))
            .and_then(|()| stream.write_all(b"\r\n"))
            .is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    assert_eq!(read_response(&mut stream).0, 413);
    assert_eq!(server.get("/healthz"), (200, "ok\n".to_owned()));
}

#[test]
fn slow_clients_are_cut_off_without_blocking_others() {
    let server = Server::start(&["--policy", &policy_a(), "--read-timeout-ms", "500"]);
    // Headers that never finish.
    let mut slow_headers = TcpStream::connect(server.addr).unwrap();
    slow_headers
        .write_all(b"POST /validate HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // A body that never finishes.
    let mut slow_body = TcpStream::connect(server.addr).unwrap();
    slow_body
        .write_all(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"api")
        .unwrap();
    // Others are served meanwhile.
    assert_eq!(
        server.review(&release_review("u", complete()))["allowed"],
        true
    );

    let started = Instant::now();
    for stream in [&mut slow_headers, &mut slow_body] {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
    }
    let (code, body) = read_response(&mut slow_body);
    assert_eq!(code, 408, "{body}");
    let mut rest = Vec::new();
    let closed = slow_headers.read_to_end(&mut rest);
    assert!(closed.is_ok() || started.elapsed() < Duration::from_secs(10));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn policy_errors_deny_when_closed_and_warn_when_open() {
    let policy = data("policy-error").display().to_string();
    let closed = Server::start(&["--policy", &policy]);
    let response = closed.review(&release_review("u-c", complete()));
    assert_eq!(response["allowed"], false);
    assert_eq!(
        response["auditAnnotations"]["evaluation-errors"],
        "C-T-BROKEN"
    );
    let message = response["status"]["message"].as_str().unwrap();
    assert!(message.contains("C-T-BROKEN"), "{message}");

    let open = Server::start(&["--policy", &policy, "--failure-mode", "open"]);
    let response = open.review(&release_review("u-o", complete()));
    assert_eq!(response["allowed"], true);
    assert_eq!(response["auditAnnotations"]["decision"], "error");
    assert_eq!(
        response["warnings"],
        json!(["riskgate could not evaluate 1 control (failure mode open: allowed): C-T-BROKEN"])
    );
}

#[test]
fn the_evaluation_deadline_applies_under_both_failure_modes() {
    let policy = data("policy-slow").display().to_string();
    for (mode, allowed) in [("closed", false), ("open", true)] {
        let server = Server::start(&[
            "--policy",
            &policy,
            "--eval-timeout-ms",
            "100",
            "--failure-mode",
            mode,
        ]);
        let started = Instant::now();
        let response = server.review(&release_review("u", complete()));
        assert!(started.elapsed() < Duration::from_secs(3), "{mode}");
        assert_eq!(response["allowed"], allowed, "{mode}: {response}");
        assert!(
            response["auditAnnotations"]
                .as_object()
                .unwrap()
                .keys()
                .any(|k| k.starts_with("evaluation-error")),
            "{mode}: {response}"
        );
    }
}

#[test]
fn reviews_beyond_the_concurrency_bound_wait_and_get_503_at_their_deadline() {
    let policy = data("policy-slow").display().to_string();
    let server = Arc::new(Server::start(&[
        "--policy",
        &policy,
        "--eval-timeout-ms",
        "1000",
        "--max-concurrent-reviews",
        "1",
    ]));
    let send = |uid: &'static str| {
        let server = Arc::clone(&server);
        std::thread::spawn(move || {
            server.post(release_review(uid, complete()).to_string().as_bytes())
        })
    };
    // `late` starts first (its deadline runs from its first byte) but
    // finishes its body only after `holder` has taken the only slot,
    // which it keeps until its own, later deadline: `late` waits for a
    // slot until its deadline passes.
    let body = release_review("late", complete()).to_string();
    let mut late = TcpStream::connect(server.addr).unwrap();
    late.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        late,
        "POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    late.write_all(&body.as_bytes()[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(150));
    let holder = send("holder");
    std::thread::sleep(Duration::from_millis(250));
    late.write_all(&body.as_bytes()[10..]).unwrap();
    let (code, text) = read_response(&mut late);
    assert_eq!(code, 503, "{text}");
    assert!(text.contains("--max-concurrent-reviews"), "{text}");

    // The holder is answered for its own uid (a deny: its control ran out
    // of time).
    let (code, body) = holder.join().unwrap();
    assert_eq!(code, 200, "{body}");
    let reply: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(reply["response"]["uid"], "holder");
    assert_eq!(server.get("/healthz"), (200, "ok\n".to_owned()));
}

#[test]
fn other_kinds_pass_through_unless_configured() {
    let deployment = json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": "u-dep",
            "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
            "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
            "name": "web", "namespace": "default", "operation": "CREATE",
            "object": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
        }
    });
    let server = Server::start(&["--policy", &policy_a()]);
    let response = server.review(&deployment);
    assert_eq!(response["allowed"], true);
    assert_eq!(response["auditAnnotations"]["decision"], "pass-through");

    let strict = Server::start(&["--policy", &policy_a(), "--unknown-kinds", "deny"]);
    let response = strict.review(&deployment);
    assert_eq!(response["allowed"], false);
    assert!(
        response["status"]["message"]
            .as_str()
            .unwrap()
            .contains("apps/Deployment")
    );
}

#[test]
fn health_readiness_and_metrics() {
    let server = Server::start(&["--policy", &policy_a()]);
    assert_eq!(server.get("/healthz"), (200, "ok\n".to_owned()));
    assert_eq!(server.get("/readyz"), (200, "ready\n".to_owned()));
    server.review(&release_review("u", json!({})));
    let (code, metrics) = server.get("/metrics");
    assert_eq!(code, 200);
    for needle in [
        "riskgate_http_requests_total{path=\"/validate\",code=\"200\"} 1",
        "riskgate_admission_decisions_total{kind=\"ModelRelease\",decision=\"deny\",dry_run=\"false\"} 1",
        "riskgate_admission_duration_seconds_count 1",
        "riskgate_policy_info{version=\"",
        "riskgate_in_flight_requests 0",
    ] {
        assert!(metrics.contains(needle), "missing {needle}:\n{metrics}");
    }
    assert!(server.logged("\"message\":\"admission decision\""));
}

#[test]
fn hot_reload_swaps_policies_without_failing_requests() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("release.gate");
    std::fs::copy(data("policy-a/release.gate"), &policy).unwrap();
    let server = Arc::new(Server::start(&[
        "--policy",
        &dir.path().display().to_string(),
        "--reload-interval",
        "0.05",
    ]));
    let review = release_review("u", json!({"procedure_ref": "r", "last_drill_at": NOW}));
    assert_eq!(server.review(&review)["allowed"], true);

    // A bounded stream of requests while the policy changes under it.
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(AtomicUsize::new(0));
    let sent = Arc::new(AtomicUsize::new(0));
    let load = {
        let (server, stop, failures, sent, review) = (
            Arc::clone(&server),
            Arc::clone(&stop),
            Arc::clone(&failures),
            Arc::clone(&sent),
            review.clone(),
        );
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) && sent.load(Ordering::SeqCst) < 2000 {
                let (code, body) = server.post(review.to_string().as_bytes());
                let ok = code == 200
                    && serde_json::from_str::<Value>(&body)
                        .is_ok_and(|r| r["response"]["allowed"].is_boolean());
                if !ok {
                    failures.fetch_add(1, Ordering::SeqCst);
                }
                sent.fetch_add(1, Ordering::SeqCst);
            }
        })
    };

    let wait_for = |allowed: bool| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if server.review(&review)["allowed"] == allowed {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    };
    // Version B requires a kill switch: the same release is now denied.
    std::fs::copy(data("policy-b/release.gate"), &policy).unwrap();
    assert!(wait_for(false), "policy B never took effect");
    // A broken policy is refused; B keeps serving.
    std::fs::write(&policy, "package broken\n\nthis is not rego {\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.logs().contains("policy reload failed") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        server.logs().contains("policy reload failed"),
        "{}",
        server.logs()
    );
    assert_eq!(server.review(&review)["allowed"], false);
    // Fixing it again brings A back.
    std::fs::copy(data("policy-a/release.gate"), &policy).unwrap();
    assert!(wait_for(true), "policy A never came back");

    stop.store(true, Ordering::SeqCst);
    load.join().unwrap();
    assert!(sent.load(Ordering::SeqCst) > 10);
    assert_eq!(failures.load(Ordering::SeqCst), 0);
    let (_, metrics) = server.get("/metrics");
    assert!(
        metrics.contains("riskgate_policy_reloads_total{result=\"error\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("riskgate_policy_reloads_total{result=\"success\"} 2"),
        "{metrics}"
    );
}

#[cfg(unix)]
#[test]
fn shutdown_drains_in_flight_requests() {
    let mut server = Server::start(&["--policy", &policy_a()]);
    let body = release_review("u-drain", complete()).to_string();
    let (first, rest) = body.as_bytes().split_at(20);
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(first).unwrap();
    // Give the server time to start reading the request.
    std::thread::sleep(Duration::from_millis(200));
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(200));
    stream.write_all(rest).unwrap();
    let (code, reply) = read_response(&mut stream);
    assert_eq!(code, 200, "{reply}");
    assert!(reply.contains("u-drain"));
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success());
    assert!(server.logged("draining in-flight requests"));
}

/// A TLS GET of `/healthz` trusting the test CA; returns the status and
/// the certificate the server presented.
fn tls_get(addr: SocketAddr) -> (u16, Vec<u8>) {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::CertificateDer;
    use tokio_rustls::rustls::pki_types::pem::PemObject as _;

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(data("tls/ca.pem")).unwrap())
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connection =
        rustls::ClientConnection::new(Arc::new(config), "localhost".try_into().unwrap()).unwrap();
    let tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    let _ = tls.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let presented = tls.conn.peer_certificates().unwrap()[0].to_vec();
    (code, presented)
}

fn pem_der(path: &Path) -> Vec<u8> {
    use tokio_rustls::rustls::pki_types::CertificateDer;
    use tokio_rustls::rustls::pki_types::pem::PemObject as _;
    CertificateDer::from_pem_file(path).unwrap().to_vec()
}

#[test]
fn tls_serves_and_reloads_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    std::fs::copy(data("tls/cert1.pem"), &cert).unwrap();
    std::fs::copy(data("tls/key1.pem"), &key).unwrap();
    let server = Server::start_raw(&[
        "--policy",
        &policy_a(),
        "--tls-cert",
        &cert.display().to_string(),
        "--tls-key",
        &key.display().to_string(),
        "--reload-interval",
        "0.05",
    ]);
    let (code, presented) = tls_get(server.addr);
    assert_eq!(code, 200);
    assert_eq!(presented, pem_der(&data("tls/cert1.pem")));
    // Plain HTTP on the TLS port gets nothing useful.
    assert_eq!(server.get("/healthz").0, 0);

    // A mismatched pair (new cert, old key) is refused; cert 1 keeps serving.
    std::fs::copy(data("tls/cert2.pem"), &cert).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.logs().contains("certificate reload failed") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        server.logs().contains("certificate reload failed"),
        "{}",
        server.logs()
    );
    assert_eq!(tls_get(server.addr).1, pem_der(&data("tls/cert1.pem")));

    // The matching key arrives: new handshakes get cert 2.
    std::fs::copy(data("tls/key2.pem"), &key).unwrap();
    let expected = pem_der(&data("tls/cert2.pem"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while tls_get(server.addr).1 != expected {
        assert!(Instant::now() < deadline, "certificate 2 never served");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_deployment_manifest_arguments_start_a_server() {
    let text = std::fs::read_to_string(repo("deploy/deployment.yaml")).unwrap();
    let deployment: Value = serde_yaml_ng::from_str(&text).unwrap();
    let args: Vec<String> = deployment
        .pointer("/spec/template/spec/containers/0/args")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(args[0], "serve");
    let cert = data("tls/cert1.pem").display().to_string();
    let key = data("tls/key1.pem").display().to_string();
    let args: Vec<String> = args[1..]
        .iter()
        .filter(|a| !a.starts_with("--port="))
        .map(|a| {
            if a.starts_with("--tls-cert=") {
                format!("--tls-cert={cert}")
            } else if a.starts_with("--tls-key=") {
                format!("--tls-key={key}")
            } else {
                a.clone()
            }
        })
        .collect();
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    // In a cluster the API server, token and CA come from the pod; here
    // they are given (nothing is fetched at start-up).
    let ca = format!("--kube-ca-file={}", data("tls/ca.pem").display());
    let token = tempfile::NamedTempFile::new().unwrap();
    let token_arg = format!("--kube-token-file={}", token.path().display());
    assert!(args.iter().any(|a| a.starts_with("--workloads=")));
    args.extend(["--kube-api-server=https://127.0.0.1:1", &ca, &token_arg]);
    let server = Server::start_raw(&args);
    assert_eq!(tls_get(server.addr).0, 200);
}

#[test]
fn cached_decisions_keep_each_requests_uid_and_dry_run() {
    let server = Server::start(&["--policy", &policy_a(), "--decision-cache-ttl", "60"]);
    let first = server.review(&release_review("u-1", json!({})));
    let mut review = release_review("u-2", json!({}));
    review["request"]["dryRun"] = json!(true);
    let second = server.review(&review);
    assert_eq!(second["uid"], "u-2");
    assert_eq!(second["auditAnnotations"]["dry-run"], "true");
    assert!(first["auditAnnotations"].get("dry-run").is_none());
    assert_eq!(first["status"], second["status"]);
    // A different release is evaluated, not served from the cache.
    assert_eq!(
        server.review(&release_review("u-3", complete()))["allowed"],
        true
    );
}

/// A ConfigMap volume: files are links into a hidden `..data` directory
/// that the kubelet swaps atomically on update.
#[cfg(unix)]
#[test]
fn policies_load_and_reload_from_a_configmap_style_volume() {
    let dir = tempfile::tempdir().unwrap();
    let version = |name: &str, source: &str| {
        let target = dir.path().join(name);
        std::fs::create_dir(&target).unwrap();
        std::fs::copy(data(source), target.join("release.gate")).unwrap();
        let tmp = dir.path().join("..data_tmp");
        std::os::unix::fs::symlink(name, &tmp).unwrap();
        std::fs::rename(&tmp, dir.path().join("..data")).unwrap();
    };
    version("..2026_11_26_a", "policy-a/release.gate");
    std::os::unix::fs::symlink("..data/release.gate", dir.path().join("release.gate")).unwrap();
    let server = Server::start(&[
        "--policy",
        &dir.path().display().to_string(),
        "--reload-interval",
        "0.05",
    ]);
    let review = release_review("u", json!({"procedure_ref": "r", "last_drill_at": NOW}));
    assert_eq!(server.review(&review)["allowed"], true);
    version("..2026_11_26_b", "policy-b/release.gate");
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.review(&review)["allowed"] != false {
        assert!(
            Instant::now() < deadline,
            "the swapped ConfigMap was not picked up"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[path = "serve/audit.rs"]
mod audit;
#[path = "support/kube_api.rs"]
mod kube_api;
#[path = "serve/workloads.rs"]
mod workloads;

#[test]
fn unsigned_approvals_do_not_admit_a_release_when_signatures_are_required() {
    let text = std::fs::read_to_string(repo("examples/manifests/credit-scorer-pass.yaml")).unwrap();
    let object: Value = serde_yaml_ng::from_str(&text).unwrap();
    let mut review = release_review("u-signed", json!({}));
    review["request"]["name"] = json!("credit-scorer");
    review["request"]["object"] = object;
    // The example's evidence is current on this day.
    let day = "2026-10-01T00:00:00Z";
    let open = Server::start_at(day, &[]);
    assert_eq!(open.review(&review)["allowed"], true);
    let evidence = tempfile::tempdir().unwrap();
    let root = evidence.path().display().to_string();
    let strict = Server::start_at(
        day,
        &["--evidence-root", &root, "--require-signed-approvals"],
    );
    let response = strict.review(&review);
    assert_eq!(response["allowed"], false, "{response:#}");
    let message = response["status"]["message"].as_str().unwrap();
    assert!(message.contains("C-GOV-03"), "{message}");
}

/// A release whose model card (approved 2026-11-06) passes the 30-day
/// maximum age of `policy-expiry` at [`NOW`] and goes stale on day 11.
fn expiring_review(uid: &str) -> Value {
    let mut review = release_review(uid, complete());
    review["request"]["object"]["spec"] = json!({
        "documents": [{"kind": "model_card", "uri": "docs://scorer/model-card.md",
                       "approved_at": "2026-11-06T00:00:00Z"}]
    });
    review
}

#[test]
fn warn_within_warns_an_allowed_release_with_check_s_sentence() {
    let policy = data("policy-expiry").display().to_string();
    let server = Server::start(&["--policy", &policy, "--warn-within", "14d"]);
    let response = server.review(&expiring_review("u-expiring"));
    assert_eq!(response["allowed"], true, "{response}");
    assert_eq!(response["auditAnnotations"]["decision"], "allow");
    let warning = "C-T-CARD model_card: stops passing in 11 days (2026-12-07): document model_card \
                   (docs://scorer/model-card.md) is out of date: it is 31 days old (maximum 30 days)";
    assert_eq!(
        response["warnings"],
        json!([format!("riskgate: {warning}")])
    );

    // `riskgate check --warn-within` says the same words.
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("release.json");
    let object = &expiring_review("u")["request"]["object"];
    std::fs::write(&manifest, object.to_string()).unwrap();
    let output = Command::new(assert_cmd::cargo::cargo_bin("riskgate"))
        .args(["check", "--context", "admission", "--format", "json"])
        .args(["--now", NOW, "--warn-within", "14d", "--policy", &policy])
        .arg(&manifest)
        .output()
        .unwrap();
    let trace: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(trace["manifests"][0]["expiring"][0]["warning"], warning);

    // Outside a shorter window, nothing to warn about.
    let short = Server::start(&["--policy", &policy, "--warn-within", "7d"]);
    let response = short.review(&expiring_review("u-short"));
    assert_eq!(response["allowed"], true, "{response}");
    assert!(response.get("warnings").is_none(), "{response}");
    // Without the flag (the default), nothing is forecast.
    let off = Server::start(&["--policy", &policy]);
    assert!(
        off.review(&expiring_review("u-off"))
            .get("warnings")
            .is_none()
    );
}

#[test]
fn warn_within_rejects_a_bad_duration_at_start() {
    let output = Command::new(assert_cmd::cargo::cargo_bin("riskgate"))
        .args(["serve", "--insecure-http", "--warn-within", "fortnight"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--warn-within") && stderr.contains("try 14d"),
        "{stderr}"
    );
}
