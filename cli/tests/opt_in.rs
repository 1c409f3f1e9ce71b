//! End-to-end tests of the opt-in builtins of `eval` and `test`:
//! `--allow-net` lets `http.send` and `net.lookup_ip_addr` reach the hosts
//! listed (here a loopback server), `--seed` makes `rand.intn` answer.
//! Without the flags both stay refused, naming the flag to use.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::mpsc;

mod support;

use support::riskgate;

/// A loopback HTTP server that answers each request with `body` as JSON
/// and sends the request line and headers it saw down the channel.
fn server(body: &'static str) -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (seen, requests) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut request_body = vec![0; length];
            reader.read_exact(&mut request_body).ok();
            head.push_str(&String::from_utf8_lossy(&request_body));
            seen.send(head).ok();
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).ok();
        }
    });
    (port, requests)
}

fn value(stdout: &str) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(stdout).unwrap();
    doc["result"][0]["expressions"][0]["value"].clone()
}

#[test]
fn http_send_reaches_an_allowed_host_and_sends_the_request() {
    let (port, requests) = server(r#"{"approved": true}"#);
    let query = format!(
        r#"http.send({{"method": "post", "url": "http://127.0.0.1:{port}/check?id=7", "headers": {{"x-team": "risk"}}, "body": {{"model": "m"}}}})"#
    );
    let allow = format!("127.0.0.1:{port}");
    let (code, stdout, stderr) = riskgate(&["eval", "--allow-net", &allow, &query]);
    assert_eq!(code, 0, "{stderr}");
    let response = value(&stdout);
    assert_eq!(response["status_code"], 200);
    assert_eq!(response["body"], serde_json::json!({"approved": true}));
    let request = requests.recv().unwrap();
    assert!(
        request.starts_with("POST /check?id=7 HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(request.contains("x-team: risk\r\n"), "{request}");
    assert!(request.ends_with(r#"{"model":"m"}"#), "{request}");
}

#[test]
fn http_send_is_refused_without_the_flag_and_for_hosts_not_listed() {
    let (port, requests) = server("{}");
    let query = format!(r#"http.send({{"method": "get", "url": "http://127.0.0.1:{port}/"}})"#);

    let (code, stdout, _) = riskgate(&["eval", &query]);
    assert_eq!(code, 2);
    assert!(
        stdout.contains("builtin http.send is not supported") && stdout.contains("--allow-net"),
        "{stdout}"
    );

    let (code, stdout, _) = riskgate(&[
        "eval",
        "--strict-builtin-errors",
        "--allow-net",
        "example.com,*.example.org",
        &query,
    ]);
    assert_eq!(code, 2);
    assert!(
        stdout.contains("host 127.0.0.1 is not allowed (allow it with --allow-net 127.0.0.1)"),
        "{stdout}"
    );
    assert!(
        requests.try_recv().is_err(),
        "a refused request reached the server"
    );
}

#[test]
fn https_urls_are_a_clear_error() {
    let (code, stdout, _) = riskgate(&[
        "eval",
        "--strict-builtin-errors",
        "--allow-net",
        "127.0.0.1",
        r#"http.send({"method": "get", "url": "https://127.0.0.1:1/"})"#,
    ]);
    assert_eq!(code, 2);
    assert!(
        stdout.contains("only http:// URLs are supported by --allow-net"),
        "{stdout}"
    );
}

#[test]
fn lookups_answer_for_allowed_hosts() {
    let (code, stdout, stderr) = riskgate(&[
        "eval",
        "--allow-net",
        "localhost",
        r#"net.lookup_ip_addr("localhost")"#,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let addresses = value(&stdout);
    assert!(
        addresses
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "127.0.0.1" || a == "::1"),
        "{addresses}"
    );
}

#[test]
fn bad_flag_values_are_usage_errors() {
    let (code, _, stderr) = riskgate(&["eval", "--allow-net", "127.0.0.1:http", "1"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("invalid value '127.0.0.1:http' for '--allow-net <HOST,...>'")
            && stderr.contains("bad port"),
        "{stderr}"
    );
    let (code, _, stderr) = riskgate(&["eval", "--allow-net", "a*.example.com", "1"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("expected `*`, HOST, HOST:PORT or *.DOMAIN"),
        "{stderr}"
    );
    let (code, _, stderr) = riskgate(&["eval", "--seed", "many", "1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--seed <N>"), "{stderr}");
    let (code, _, stderr) = riskgate(&["eval", "--net-timeout", "2s", "1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--allow-net"), "{stderr}");
}

#[test]
fn a_seed_makes_rand_intn_answer_the_same_number_every_run() {
    let query = r#"[rand.intn("a", 1000), rand.intn("b", 1000)]"#;
    let (code, stdout, _) = riskgate(&["eval", query]);
    assert_eq!(code, 2);
    assert!(stdout.contains("opt in with --seed"), "{stdout}");

    let numbers = |seed: &str| {
        let (code, stdout, stderr) = riskgate(&["eval", "--seed", seed, query]);
        assert_eq!(code, 0, "{stderr}");
        value(&stdout)
    };
    let first = numbers("42");
    assert_eq!(first, numbers("42"));
    assert!(
        first
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n.as_u64().unwrap() < 1000)
    );
    let seeds: std::collections::BTreeSet<String> = (0..8)
        .map(|seed| numbers(&seed.to_string()).to_string())
        .collect();
    assert!(seeds.len() > 1, "every seed gave {first}");
}

#[test]
fn riskgate_test_takes_the_same_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dice_test.rego"),
        "package dice\n\nroll := rand.intn(\"roll\", 6)\n\ntest_roll_in_range if {\n\troll >= 0\n\troll < 6\n}\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();

    let (code, _, stderr) = riskgate(&["test", path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("opt in with --seed"), "{stderr}");

    let (code, stdout, stderr) = riskgate(&["test", "--seed", "1", path]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("1 tests: 1 passed"), "{stdout}");
}
