//! Helpers shared by the CLI end-to-end tests.

use std::collections::BTreeMap;
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

/// Every file under `dir`, by its path relative to `dir` (with `/`), with
/// its bytes: a tree to compare with another.
#[allow(dead_code, reason = "not every test binary compares trees")]
pub fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("under the root");
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(name, std::fs::read(&path).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}
