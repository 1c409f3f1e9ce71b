//! `cargo xtask fault-campaign`: `riskgate serve` under abuse on
//! loopback, bounded in time, measured against the reliability targets of
//! docs/reliability.md.
//!
//! One server (release build, plain HTTP, `--policy` on a temporary
//! directory reloaded every 200 ms) takes a steady load of valid
//! AdmissionReviews, each with its own uid, while other threads at the
//! same time
//! - send malformed, truncated, wrong-version, wrong-kind, uid-less and
//!   non-UTF-8 reviews (each must get a 400),
//! - send 20 MB bodies (413),
//! - hold slowloris connections that never finish their headers or body
//!   (they must be cut off, with 408 where a body was started),
//! - hold hundreds of idle connections,
//! - swap the policy directory between two versions (an atomic rename,
//!   as a ConfigMap volume does), once through a broken version,
//! - poll `/healthz` and `/readyz`.
//!
//! Then a burst of concurrent connections each sends one valid review,
//! and a second server whose policy fails at evaluation is asked under
//! `--failure-mode closed` and `open`. The server's resident memory is
//! read from /proc after warm-up and again after the abuse has ended.
//!
//! Every figure has a target; the command prints the table and exits 1
//! when one is missed, so it is a check and not only a measurement.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::bench_webhook::{
    Client, build_release, free_address, validate_request as post, wait_listening,
};

/// Options of `cargo xtask fault-campaign`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Seconds of abuse under load (at least the server's 10 s read
    /// timeout plus a margin, so slow clients are seen cut off).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(14..=600))]
    duration: u64,
    /// Threads sending valid reviews back to back.
    #[arg(long, default_value_t = 4)]
    connections: usize,
    /// Idle connections held open during the load.
    #[arg(long, default_value_t = 300)]
    idle: usize,
    /// Concurrent connections of the burst.
    #[arg(long, default_value_t = 500)]
    burst: usize,
    /// Use the existing release binary instead of building it.
    #[arg(long)]
    no_build: bool,
    /// Run this `riskgate` binary instead of building the release one
    /// (a debug build checks the behaviour, not the figures).
    #[arg(long, value_name = "PATH", conflicts_with = "no_build")]
    binary: Option<PathBuf>,
}

/// Bytes of the oversized bodies.
const HUGE_BODY: usize = 20 * 1024 * 1024;
/// Slowloris connections kept open at once.
const SLOW_CLIENTS: usize = 20;
/// The server's default header and body read timeout.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// What a second round of the same abuse may add to the memory the first
/// left: the allocator keeps what the first round needed (it does not
/// return freed pages to the system at once), so the test of a leak is
/// growth under repetition, not a return to the warmed-up figure.
const MEMORY_SLACK_MIB: f64 = 4.0;

/// Runs the campaign.
pub fn run(args: &Args) -> Result<ExitCode> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let binary = match &args.binary {
        Some(binary) => binary.clone(),
        None => {
            if !args.no_build {
                build_release(&root)?;
            }
            root.join("target/release/riskgate")
        }
    };
    let data = root.join("cli/tests/data/serve");
    let review: Value = serde_json::from_slice(
        &std::fs::read(root.join("examples/admission/support-chatbot.json"))
            .context("reading examples/admission/support-chatbot.json")?,
    )?;
    let policies = tempfile::tempdir()?;
    let live = policies.path().join("live");
    swap_policy(&live, &data.join("policy-a/release.gate"))?;

    let mut results = Results::default();
    {
        let server = Server::start(
            &binary,
            &[
                "--policy",
                &live.display().to_string(),
                "--reload-interval",
                "0.2",
            ],
        )?;
        campaign(&server, &review, &live, &data, args, &mut results)?;
    }
    {
        let policy = data.join("policy-error").display().to_string();
        for (mode, allowed) in [("closed", false), ("open", true)] {
            let server = Server::start(&binary, &["--policy", &policy, "--failure-mode", mode])?;
            let mut client = Client::connect(server.addr)?;
            let mut right = 0;
            let total = 50;
            for i in 0..total {
                let uid = format!("error-{mode}-{i}");
                let (status, body) = client.send(&post(&with_uid(&review, &uid)))?;
                let response = parse_response(status, &body, &uid);
                if response.is_some_and(|r| {
                    r["allowed"] == allowed
                        && r["auditAnnotations"]
                            .as_object()
                            .is_some_and(|a| a.keys().any(|k| k.starts_with("evaluation-error")))
                }) {
                    right += 1;
                }
            }
            results.failure_modes.push((mode, right, total));
        }
    }
    let (table, met) = results.table(args);
    println!("{table}");
    Ok(if met {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The main phase: load plus abuse, then the burst and the memory reading.
fn campaign(
    server: &Server,
    review: &Value,
    live: &Path,
    data: &Path,
    args: &Args,
    results: &mut Results,
) -> Result<()> {
    let addr = server.addr;
    // Warm up, then take the baseline.
    let mut client = Client::connect(addr)?;
    for i in 0..200 {
        client.send(&post(&with_uid(review, &format!("warm-{i}"))))?;
    }
    std::thread::sleep(Duration::from_millis(500));
    results.rss_baseline = server.rss_mib();

    let stop = Arc::new(AtomicBool::new(false));
    let counters = Arc::new(Counters::default());
    let mut threads: Vec<std::thread::JoinHandle<()>> = Vec::new();
    for worker in 0..args.connections {
        let (stop, counters, review) = (Arc::clone(&stop), Arc::clone(&counters), review.clone());
        threads.push(std::thread::spawn(move || {
            valid_load(addr, worker, &review, &stop, &counters)
        }));
    }
    {
        let (stop, counters, review) = (Arc::clone(&stop), Arc::clone(&counters), review.clone());
        threads.push(std::thread::spawn(move || {
            malformed_load(addr, &review, &stop, &counters)
        }));
    }
    {
        let (stop, counters) = (Arc::clone(&stop), Arc::clone(&counters));
        threads.push(std::thread::spawn(move || {
            huge_bodies(addr, &stop, &counters)
        }));
    }
    {
        let (stop, counters) = (Arc::clone(&stop), Arc::clone(&counters));
        threads.push(std::thread::spawn(move || {
            health_polls(addr, &stop, &counters)
        }));
    }
    let slow = std::thread::spawn(move || slow_clients(addr));
    let idle: Vec<TcpStream> = (0..args.idle)
        .filter_map(|_| TcpStream::connect(addr).ok())
        .collect();
    results.idle_opened = idle.len();

    // Swap the policy while all of that runs: A → B → broken → A → B ...
    let end = Instant::now() + Duration::from_secs(args.duration);
    let versions = [
        data.join("policy-b/release.gate"),
        data.join("policy-a/release.gate"),
    ];
    let broken = live.with_file_name("broken.gate");
    std::fs::write(&broken, "package broken\n\nthis is not rego {\n")?;
    let mut swaps = 0usize;
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(700));
        let next = if swaps == 3 {
            &broken
        } else {
            &versions[swaps % 2]
        };
        swap_policy(live, next)?;
        swaps += 1;
    }
    results.policy_swaps = swaps;
    stop.store(true, Ordering::SeqCst);
    for thread in threads {
        thread
            .join()
            .map_err(|_| anyhow::anyhow!("a campaign thread panicked"))?;
    }
    results.slow = slow
        .join()
        .map_err(|_| anyhow::anyhow!("the slow-client thread panicked"))??;
    results.idle_still_open = idle.iter().filter(|s| still_open(s)).count();
    drop(idle);
    results.counters = Arc::try_unwrap(counters).unwrap_or_default();
    results.burst = burst(addr, review, args.burst);
    // Abuse over, memory settled (connections closed, idle threads ended).
    results.rss_after = server.settled_rss_mib();
    // The same again: what the allocator kept from the first round must
    // serve the second, so memory does not grow with repeated abuse.
    let again = burst(addr, review, args.burst);
    results.burst = (results.burst.0 + again.0, results.burst.1 + again.1);
    results.rss_again = server.settled_rss_mib();
    let mut client = Client::connect(addr)?;
    let (status, body) = client.send(&post(&with_uid(review, "after")))?;
    results.after_ok = parse_response(status, &body, "after").is_some();
    let (_, metrics) = client.send(&get("/metrics"))?;
    results.reload_errors = metric(&metrics, "riskgate_policy_reloads_total{result=\"error\"}");
    results.reload_successes = metric(
        &metrics,
        "riskgate_policy_reloads_total{result=\"success\"}",
    );
    results.server_alive = server.alive();
    Ok(())
}

/// Counts shared by the load threads.
#[derive(Debug, Default)]
struct Counters {
    valid_sent: AtomicUsize,
    valid_failed: AtomicUsize,
    wrong_uid: AtomicUsize,
    malformed_sent: AtomicUsize,
    malformed_not_400: AtomicUsize,
    huge_sent: AtomicUsize,
    huge_not_413: AtomicUsize,
    health_polls: AtomicUsize,
    health_not_ok: AtomicUsize,
}

/// Valid reviews back to back on one keep-alive connection, each with its
/// own uid; a failure is any answer but a 200 AdmissionReview for that uid.
fn valid_load(
    addr: SocketAddr,
    worker: usize,
    review: &Value,
    stop: &AtomicBool,
    counters: &Counters,
) {
    let mut client = Client::connect(addr).ok();
    let mut n = 0usize;
    while !stop.load(Ordering::SeqCst) {
        let uid = format!("load-{worker}-{n}");
        n += 1;
        counters.valid_sent.fetch_add(1, Ordering::SeqCst);
        let answer = client
            .as_mut()
            .map(|c| c.send(&post(&with_uid(review, &uid))));
        match answer {
            Some(Ok((status, body))) => {
                if parse_response(status, &body, &uid).is_none() {
                    counters.valid_failed.fetch_add(1, Ordering::SeqCst);
                    if status == 200 {
                        counters.wrong_uid.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
            _ => {
                counters.valid_failed.fetch_add(1, Ordering::SeqCst);
                client = Client::connect(addr).ok();
            }
        }
    }
}

/// Bad reviews, each on a fresh connection; every one must get a 400.
fn malformed_load(addr: SocketAddr, review: &Value, stop: &AtomicBool, counters: &Counters) {
    let valid = review.to_string().into_bytes();
    let mut bodies: Vec<Vec<u8>> = vec![
        b"{}".to_vec(),
        b"[1, 2, 3]".to_vec(),
        b"\xff\xfe\x00garbage".to_vec(),
        b"".to_vec(),
    ];
    for (pointer, value) in [
        ("/apiVersion", Value::from("admission.k8s.io/v1beta1")),
        ("/kind", Value::from("NotAReview")),
        ("/request/uid", Value::Null),
        ("/request", Value::from(42)),
    ] {
        let mut bad = review.clone();
        if let Some(slot) = bad.pointer_mut(pointer) {
            *slot = value;
        }
        bodies.push(bad.to_string().into_bytes());
    }
    let mut n = 0usize;
    while !stop.load(Ordering::SeqCst) {
        // Every prefix length in turn: truncated JSON is never valid.
        let truncated = valid
            .get(..(n * 97) % valid.len().max(1))
            .unwrap_or_default()
            .to_vec();
        let body = if n.is_multiple_of(2) {
            truncated
        } else {
            bodies
                .get((n / 2) % bodies.len())
                .cloned()
                .unwrap_or_default()
        };
        n += 1;
        counters.malformed_sent.fetch_add(1, Ordering::SeqCst);
        if one_shot(addr, &body) != 400 {
            counters.malformed_not_400.fetch_add(1, Ordering::SeqCst);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// 20 MB bodies; each must be refused with 413 without reading it all.
fn huge_bodies(addr: SocketAddr, stop: &AtomicBool, counters: &Counters) {
    let body = vec![b' '; HUGE_BODY];
    while !stop.load(Ordering::SeqCst) {
        counters.huge_sent.fetch_add(1, Ordering::SeqCst);
        if one_shot(addr, &body) != 413 {
            counters.huge_not_413.fetch_add(1, Ordering::SeqCst);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `/healthz` and `/readyz` every 100 ms; both must answer 200 throughout
/// (the server always has a policy to serve: a failed reload keeps the
/// last good one).
fn health_polls(addr: SocketAddr, stop: &AtomicBool, counters: &Counters) {
    while !stop.load(Ordering::SeqCst) {
        for path in ["/healthz", "/readyz"] {
            counters.health_polls.fetch_add(1, Ordering::SeqCst);
            let ok = Client::connect(addr)
                .and_then(|mut c| c.send(&get(path)))
                .is_ok_and(|(status, _)| status == 200);
            if !ok {
                counters.health_not_ok.fetch_add(1, Ordering::SeqCst);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What happened to the slowloris clients.
#[derive(Debug, Default)]
struct Slow {
    /// Connections opened.
    opened: usize,
    /// Cut off by the server within the read timeout plus 3 s.
    cut_in_time: usize,
    /// Of those that had started a body, answered 408.
    body_408: usize,
    /// Of those that had started a body.
    with_body: usize,
}

/// Half of the clients never finish their headers, half never finish a
/// body, each trickling a byte a second; all must be cut off in time.
fn slow_clients(addr: SocketAddr) -> Result<Slow> {
    let mut slow = Slow::default();
    let mut streams = Vec::new();
    for i in 0..SLOW_CLIENTS {
        let Ok(mut stream) = TcpStream::connect(addr) else {
            continue;
        };
        let with_body = i % 2 == 1;
        let start: &[u8] = if with_body {
            b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"api"
        } else {
            b"POST /validate HTTP/1.1\r\nHost: x\r\n"
        };
        if stream.write_all(start).is_ok() {
            stream.set_read_timeout(Some(Duration::from_millis(50)))?;
            streams.push((stream, with_body, Instant::now(), None::<Duration>, 0u16));
        }
    }
    slow.opened = streams.len();
    let limit = READ_TIMEOUT + Duration::from_secs(3);
    let give_up = Instant::now() + READ_TIMEOUT + Duration::from_secs(6);
    while Instant::now() < give_up && streams.iter().any(|s| s.3.is_none()) {
        for (stream, with_body, opened, closed, status) in &mut streams {
            if closed.is_some() {
                continue;
            }
            let trickle: &[u8] = if *with_body { b"a" } else { b"X" };
            let mut buffer = [0u8; 512];
            let ended = match stream.read(&mut buffer) {
                Ok(0) => true,
                Ok(n) => {
                    let head =
                        String::from_utf8_lossy(buffer.get(..n).unwrap_or_default()).into_owned();
                    *status = head
                        .split_whitespace()
                        .nth(1)
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    true
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    stream.write_all(trickle).is_err()
                }
                Err(_) => true,
            };
            if ended {
                *closed = Some(opened.elapsed());
            }
        }
        std::thread::sleep(Duration::from_millis(900));
    }
    for (_, with_body, _, closed, status) in &streams {
        if closed.is_some_and(|d| d <= limit) {
            slow.cut_in_time += 1;
        }
        if *with_body {
            slow.with_body += 1;
            if *status == 408 {
                slow.body_408 += 1;
            }
        }
    }
    Ok(slow)
}

/// `(ok, total)`: `count` connections opened at once, each sending one
/// valid review when all are open.
fn burst(addr: SocketAddr, review: &Value, count: usize) -> (usize, usize) {
    let gate = Arc::new(std::sync::Barrier::new(count));
    let threads: Vec<_> = (0..count)
        .map(|i| {
            let (gate, review) = (Arc::clone(&gate), review.clone());
            std::thread::spawn(move || {
                let client = Client::connect(addr);
                gate.wait();
                let uid = format!("burst-{i}");
                client
                    .and_then(|mut c| c.send(&post(&with_uid(&review, &uid))))
                    .is_ok_and(|(status, body)| parse_response(status, &body, &uid).is_some())
            })
        })
        .collect();
    let ok = threads
        .into_iter()
        .map(|t| t.join().unwrap_or(false))
        .filter(|ok| *ok)
        .count();
    (ok, count)
}

/// Everything measured.
#[derive(Debug, Default)]
struct Results {
    counters: Counters,
    slow: Slow,
    idle_opened: usize,
    idle_still_open: usize,
    burst: (usize, usize),
    policy_swaps: usize,
    reload_successes: Option<f64>,
    reload_errors: Option<f64>,
    rss_baseline: Option<f64>,
    rss_after: Option<f64>,
    rss_again: Option<f64>,
    after_ok: bool,
    server_alive: bool,
    failure_modes: Vec<(&'static str, usize, usize)>,
}

impl Results {
    /// The Markdown table and whether every target is met.
    fn table(&self, args: &Args) -> (String, bool) {
        let c = &self.counters;
        let n = |a: &AtomicUsize| a.load(Ordering::SeqCst);
        let mut rows: Vec<(String, String, String, bool)> = Vec::new();
        let mut row = |what: &str, measured: String, target: &str, met: bool| {
            rows.push((what.to_owned(), measured, target.to_owned(), met));
        };
        row(
            &format!(
                "valid reviews during the load ({} threads, {} policy swaps)",
                args.connections, self.policy_swaps
            ),
            format!("{} sent, {} failed", n(&c.valid_sent), n(&c.valid_failed)),
            "0 failed",
            n(&c.valid_sent) > 0 && n(&c.valid_failed) == 0,
        );
        row(
            "answers carrying another request's uid",
            n(&c.wrong_uid).to_string(),
            "0",
            n(&c.wrong_uid) == 0,
        );
        let reloads = self.reload_successes.unwrap_or(0.0);
        let reload_errors = self.reload_errors.unwrap_or(0.0);
        // Every swap but the broken one applies; only the broken one is
        // refused (a swap never shows a half-written policy).
        row(
            "policy reloads (one swap is to a broken policy)",
            format!("{reloads:.0} applied, {reload_errors:.0} refused"),
            "all applied but the broken one, which is refused",
            reload_errors == 1.0 && reloads == self.policy_swaps.saturating_sub(1) as f64,
        );
        row(
            "malformed, truncated, wrong-version, wrong-kind, uid-less, non-UTF-8 reviews",
            format!(
                "{} sent, {} not answered 400",
                n(&c.malformed_sent),
                n(&c.malformed_not_400)
            ),
            "all 400",
            n(&c.malformed_sent) > 0 && n(&c.malformed_not_400) == 0,
        );
        row(
            "20 MB bodies",
            format!(
                "{} sent, {} not answered 413",
                n(&c.huge_sent),
                n(&c.huge_not_413)
            ),
            "all 413",
            n(&c.huge_sent) > 0 && n(&c.huge_not_413) == 0,
        );
        let s = &self.slow;
        row(
            "slowloris clients (a byte a second)",
            format!(
                "{} of {} cut off within {} s; {} of {} with a body got 408",
                s.cut_in_time,
                s.opened,
                (READ_TIMEOUT + Duration::from_secs(3)).as_secs(),
                s.body_408,
                s.with_body
            ),
            "all cut off in time; 408 for bodies",
            s.opened > 0 && s.cut_in_time == s.opened && s.body_408 == s.with_body,
        );
        row(
            "idle connections held during the load",
            format!(
                "{} opened, {} still open after {} s",
                self.idle_opened, self.idle_still_open, args.duration
            ),
            "valid load unaffected (above)",
            self.idle_opened == args.idle,
        );
        let (ok, total) = self.burst;
        row(
            &format!(
                "two bursts of {} concurrent connections, one review each",
                total / 2
            ),
            format!("{ok} of {total} answered"),
            "all answered",
            total > 0 && ok == total,
        );
        row(
            "health polls (/healthz, /readyz) during the load",
            format!(
                "{} polls, {} not 200",
                n(&c.health_polls),
                n(&c.health_not_ok)
            ),
            "all 200",
            n(&c.health_polls) > 0 && n(&c.health_not_ok) == 0,
        );
        let mib =
            |value: Option<f64>| value.map_or_else(|| "?".to_owned(), |v| format!("{v:.1} MiB"));
        row(
            "resident memory: warmed up → after the abuse and a burst → after a second burst",
            format!(
                "{} → {} → {}",
                mib(self.rss_baseline),
                mib(self.rss_after),
                mib(self.rss_again)
            ),
            &format!("the second round adds ≤ {MEMORY_SLACK_MIB:.0} MiB"),
            match (self.rss_after, self.rss_again) {
                (Some(first), Some(second)) => second <= first + MEMORY_SLACK_MIB,
                _ => false,
            },
        );
        row(
            "server after the campaign",
            format!(
                "{}, {}",
                if self.server_alive {
                    "running"
                } else {
                    "exited"
                },
                if self.after_ok {
                    "answers a valid review"
                } else {
                    "does not answer"
                }
            ),
            "running and answering",
            self.server_alive && self.after_ok,
        );
        for (mode, right, total) in &self.failure_modes {
            let expected = if *mode == "closed" {
                "denied"
            } else {
                "allowed with a warning"
            };
            row(
                &format!("policy failing at evaluation, --failure-mode {mode}"),
                format!("{right} of {total} {expected}, with the error annotated"),
                &format!("all {expected}"),
                right == total,
            );
        }
        let mut out =
            String::from("| check | measured | target | met |\n| --- | --- | --- | --- |\n");
        let mut all = true;
        for (what, measured, target, met) in rows {
            all &= met;
            let _ = writeln!(
                out,
                "| {what} | {measured} | {target} | {} |",
                if met { "yes" } else { "no" }
            );
        }
        (out, all)
    }
}

/// A running `riskgate serve`, killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(binary: &Path, args: &[&str]) -> Result<Self> {
        let addr = free_address()?;
        let child = Command::new(binary)
            .args(["serve", "--insecure-http", "--address", "127.0.0.1"])
            .args(["--port", &addr.port().to_string(), "--log-level", "error"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let server = Self { child, addr };
        wait_listening(addr)?;
        Ok(server)
    }

    /// Resident memory, MiB (Linux).
    fn rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }

    /// Resident memory once it has stopped falling (sampled every second
    /// for at most 15 s).
    fn settled_rss_mib(&self) -> Option<f64> {
        let mut last = self.rss_mib()?;
        for _ in 0..15 {
            std::thread::sleep(Duration::from_secs(1));
            let now = self.rss_mib()?;
            if now >= last {
                return Some(now);
            }
            last = now;
        }
        Some(last)
    }

    fn alive(&self) -> bool {
        Path::new(&format!("/proc/{}", self.child.id())).exists()
            && std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
                .is_ok_and(|s| !s.contains("State:\tZ"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Points `live` at a fresh copy of `policy`, as the kubelet updates a
/// ConfigMap volume: the new version is written to its own directory and
/// a symbolic link is renamed over `live` in one step, so the server
/// never sees a half-written or missing policy. Old versions stay until
/// the campaign's temporary directory goes (a reload may still be
/// reading one).
#[cfg(unix)]
fn swap_policy(live: &Path, policy: &Path) -> Result<()> {
    let parent = live.parent().context("the live policy has a parent")?;
    let version = tempfile::Builder::new()
        .prefix("version")
        .tempdir_in(parent)?
        .keep();
    std::fs::copy(policy, version.join("release.gate"))?;
    let link = parent.join("live.next");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&version, &link)?;
    std::fs::rename(&link, live)?;
    Ok(())
}

#[cfg(not(unix))]
fn swap_policy(_: &Path, _: &Path) -> Result<()> {
    anyhow::bail!("the fault campaign swaps policies with symbolic links (Unix only)")
}

fn with_uid(review: &Value, uid: &str) -> Vec<u8> {
    let mut review = review.clone();
    if let Some(slot) = review.pointer_mut("/request/uid") {
        *slot = Value::from(uid);
    }
    review.to_string().into_bytes()
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: riskgate\r\n\r\n").into_bytes()
}

/// The `response` of a 200 AdmissionReview answer for `uid`.
fn parse_response(status: u16, body: &str, uid: &str) -> Option<Value> {
    if status != 200 {
        return None;
    }
    let reply: Value = serde_json::from_str(body).ok()?;
    let response = reply.get("response")?;
    (reply["kind"] == "AdmissionReview"
        && response["uid"] == uid
        && response["allowed"].is_boolean())
    .then(|| response.clone())
}

/// The status of one POST on its own connection (0: no answer). The
/// server may answer and close before the whole body is sent (a 413), so
/// a failed body write is not a failure.
fn one_shot(addr: SocketAddr, body: &[u8]) -> u16 {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return 0;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
    let head = format!(
        "POST /validate HTTP/1.1\r\nHost: riskgate\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return 0;
    }
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    String::from_utf8_lossy(raw.get(..raw.len().min(64)).unwrap_or_default())
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// Whether the server has left the connection open.
fn still_open(stream: &TcpStream) -> bool {
    let _ = stream.set_nonblocking(true);
    let mut byte = [0u8; 1];
    matches!(stream.peek(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

/// A counter or gauge's value in Prometheus text.
fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{metric, parse_response, with_uid};

    #[test]
    fn an_answer_counts_only_for_its_own_uid() {
        let review = json!({"request": {"uid": "old"}});
        let sent: serde_json::Value = serde_json::from_slice(&with_uid(&review, "u-1")).unwrap();
        assert_eq!(sent["request"]["uid"], "u-1");
        let answer =
            json!({"kind": "AdmissionReview", "response": {"uid": "u-1", "allowed": false}})
                .to_string();
        assert!(parse_response(200, &answer, "u-1").is_some());
        assert!(parse_response(200, &answer, "u-2").is_none());
        assert!(parse_response(500, &answer, "u-1").is_none());
        assert!(parse_response(200, "not json", "u-1").is_none());
    }

    #[test]
    fn metrics_are_read_by_their_full_name_and_labels() {
        let text = "# HELP x\nriskgate_policy_reloads_total{result=\"success\"} 19\nriskgate_policy_reloads_total{result=\"error\"} 1\n";
        assert_eq!(
            metric(text, "riskgate_policy_reloads_total{result=\"error\"}"),
            Some(1.0)
        );
        assert_eq!(
            metric(text, "riskgate_policy_reloads_total{result=\"success\"}"),
            Some(19.0)
        );
        assert_eq!(metric(text, "riskgate_other"), None);
    }
}
