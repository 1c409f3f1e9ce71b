//! Editor smoke test: headless neovim starts `riskgate lsp`, opens a policy
//! with a syntax error and must show the diagnostic. Skipped, with the
//! reason printed, when `nvim` is not installed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn neovim_shows_riskgate_diagnostic() {
    let Ok(version) = Command::new("nvim").arg("--version").output() else {
        println!(
            "SKIPPED neovim_shows_riskgate_diagnostic: `nvim` is not installed (apt-get install neovim)"
        );
        return;
    };
    assert!(version.status.success());
    let dir = tempfile::tempdir().unwrap();
    let nvim_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/nvim");
    let file = dir.path().join("broken.rego");
    std::fs::copy(nvim_dir.join("broken.rego"), &file).unwrap();
    let out = dir.path().join("diagnostics.txt");
    let mut child = Command::new("nvim")
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(nvim_dir.join("init.lua"))
        .env("RISKGATE_BIN", assert_cmd::cargo::cargo_bin("riskgate"))
        .env("RISKGATE_FILE", &file)
        .env("RISKGATE_OUT", &out)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("neovim did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let seen = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(
        seen.starts_with("4:") && seen.contains("unexpected end of line"),
        "neovim saw: {seen:?}"
    );
}
