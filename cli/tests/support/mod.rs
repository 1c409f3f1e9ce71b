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

/// Copies the directory tree `from` into `to` (created if missing).
#[allow(dead_code, reason = "not every test binary copies fixtures")]
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
