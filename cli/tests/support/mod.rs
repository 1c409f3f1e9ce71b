//! Helpers shared by the CLI end-to-end tests.

use std::path::Path;

use assert_cmd::Command;

/// The repository root (tests name fixtures relative to it).
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// Runs `riskgate` in `dir` without colours; returns exit code, stdout and stderr.
pub fn riskgate_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("riskgate")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs `riskgate` at the repository root.
pub fn riskgate(args: &[&str]) -> (i32, String, String) {
    riskgate_in(Path::new(ROOT), args)
}
