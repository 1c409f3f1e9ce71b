//! `cargo xtask bench-webhook`: a closed-loop load generator for
//! `riskgate serve` on loopback.
//!
//! Builds the release binary, starts it with plain HTTP on a free port,
//! opens `--connections` keep-alive connections (one thread each), and for
//! `--duration` seconds sends the same AdmissionReview back to back,
//! timing every request. Prints req/s and latency percentiles. Written in
//! Rust (std only) so it needs no `wrk` install; it shares the machine's
//! cores with the server, so figures are a lower bound.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The heading of the webhook section of `docs/benchmarks.md`, which
/// `cargo xtask bench` keeps when it rewrites the file.
pub const SECTION: &str = "## Admission webhook";

/// Options of `cargo xtask bench-webhook`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Seconds of measured load (after one second of warm-up).
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// The AdmissionReview to send.
    #[arg(long, default_value = "examples/admission/support-chatbot.json")]
    review: PathBuf,
    /// Policy directory for the server (default: the embedded stdlib).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Extra arguments for `riskgate serve` (repeatable).
    #[arg(long = "serve-arg", allow_hyphen_values = true)]
    serve_args: Vec<String>,
    /// Use the existing release binary instead of building it.
    #[arg(long)]
    no_build: bool,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the benchmark.
pub fn run(args: &Args) -> Result<ExitCode> {
    let root = root();
    if !args.no_build {
        build_release(&root)?;
    }
    let review_path = root.join(&args.review);
    let body = std::fs::read(&review_path)
        .with_context(|| format!("cannot read {}", review_path.display()))?;
    let addr = free_address()?;
    let mut command = Command::new(root.join("target/release/riskgate"));
    command
        .args(["serve", "--insecure-http", "--address", "127.0.0.1"])
        .args(["--port", &addr.port().to_string(), "--log-level", "warn"])
        .args(&args.serve_args)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(policy) = &args.policy {
        command.arg("--policy").arg(root.join(policy));
    }
    let mut server = command.spawn().context("starting riskgate serve")?;
    let result = measure(addr, &body, args);
    let _ = server.kill();
    let _ = server.wait();
    let report = result?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// Builds the release binary `target/release/riskgate`.
pub(crate) fn build_release(root: &std::path::Path) -> Result<()> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "-p", "riskgate-cli"])
        .current_dir(root)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release failed");
    }
    Ok(())
}

/// A loopback address with a port that was free a moment ago.
pub(crate) fn free_address() -> Result<SocketAddr> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    Ok(SocketAddr::from(([127, 0, 0, 1], port)))
}

/// Waits (up to a minute) until something listens at `addr`.
pub(crate) fn wait_listening(addr: SocketAddr) -> Result<()> {
    let ready = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(addr).is_err() {
        if Instant::now() > ready {
            bail!("the server did not start listening on {addr}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// A keep-alive `POST /validate` of `body`.
pub(crate) fn validate_request(body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST /validate HTTP/1.1\r\nHost: riskgate\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

fn measure(addr: SocketAddr, body: &[u8], args: &Args) -> Result<String> {
    wait_listening(addr)?;
    let request = validate_request(body);
    let (first_status, first_body) = Client::connect(addr)?.send(&request)?;
    if first_status != 200 {
        bail!("the server answered {first_status}: {first_body}");
    }
    let decision = serde_json::from_str::<serde_json::Value>(&first_body)
        .ok()
        .and_then(|v| v.pointer("/response/allowed").and_then(|a| a.as_bool()))
        .map_or("?", |allowed| if allowed { "allowed" } else { "denied" });

    let warmup = Instant::now() + Duration::from_secs(1);
    let start = warmup;
    let end = start + Duration::from_secs(args.duration);
    let threads: Vec<_> = (0..args.connections)
        .map(|_| {
            let request = request.clone();
            std::thread::spawn(move || -> Result<(Vec<u32>, usize)> {
                let mut client = Client::connect(addr)?;
                let mut latencies = Vec::new();
                let mut errors = 0;
                loop {
                    let sent = Instant::now();
                    if sent >= end {
                        break;
                    }
                    let ok = matches!(client.send(&request), Ok((200, _)));
                    if sent >= start {
                        let micros = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
                        latencies.push(micros);
                        if !ok {
                            errors += 1;
                        }
                    }
                    if !ok {
                        client = Client::connect(addr)?;
                    }
                }
                Ok((latencies, errors))
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for thread in threads {
        let (mut l, e) = thread
            .join()
            .map_err(|_| anyhow::anyhow!("a load thread panicked"))??;
        latencies.append(&mut l);
        errors += e;
    }
    latencies.sort_unstable();
    let count = latencies.len();
    if count == 0 {
        bail!("no request completed");
    }
    let percentile = |p: f64| {
        let index = ((count as f64 * p).ceil() as usize)
            .saturating_sub(1)
            .min(count - 1);
        latencies.get(index).copied().unwrap_or(0) as f64 / 1000.0
    };
    let rate = count as f64 / args.duration as f64;
    Ok(format!(
        "review {} ({decision}, {} bytes), {} connections, {} s\n\
         requests {count}, errors {errors}, {rate:.0} req/s\n\
         latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, p99.9 {:.2}, max {:.2}",
        args.review.display(),
        body.len(),
        args.connections,
        args.duration,
        percentile(0.50),
        percentile(0.90),
        percentile(0.99),
        percentile(0.999),
        latencies.last().copied().unwrap_or(0) as f64 / 1000.0,
    ))
}

/// One keep-alive HTTP/1.1 connection.
pub(crate) struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    pub(crate) fn connect(addr: SocketAddr) -> Result<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Self {
            writer: stream.try_clone()?,
            reader: BufReader::new(stream),
        })
    }

    /// Sends one request and reads the response (Content-Length framed).
    pub(crate) fn send(&mut self, request: &[u8]) -> Result<(u16, String)> {
        self.writer.write_all(request)?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .context("no status line")?;
        let mut length = 0usize;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                bail!("connection closed");
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse()?;
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}
