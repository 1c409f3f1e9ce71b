//! Which files a walk of a workspace picks up (policies by extension,
//! manifests by extension), which directories it skips, and the one walk
//! of a whole workspace (the language server's start-up scan).
//!
//! Hidden entries (`.git`, `.venv`) are skipped everywhere. A workspace
//! scan also skips directories that hold other tools' dependencies and
//! build output (`target`, `node_modules`): they can hold many thousands of
//! JSON files, none of them riskgate's. Paths named on a command line are
//! never skipped: naming them is asking for them.

use std::path::{Path, PathBuf};

/// Whether a file name has a manifest extension.
#[must_use]
pub fn is_manifest_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Whether the path has a policy extension.
#[must_use]
pub fn is_policy_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("rego" | "gate")
    )
}

/// Directory names a workspace scan does not enter.
pub const SKIPPED_DIRS: [&str; 2] = ["target", "node_modules"];

/// Whether a path's last component is hidden (`.name`, not `.` or `..`).
#[must_use]
pub fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// Every policy and manifest file under `root`, in name order, without
/// entering hidden directories or [`SKIPPED_DIRS`]; symbolic links are
/// not followed (a workspace may link to anywhere).
#[must_use]
pub fn workspace_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let skipped = entry.file_type().is_dir()
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| SKIPPED_DIRS.contains(&name));
            entry.depth() == 0 || !(is_hidden(entry.path()) || skipped)
        })
        .filter_map(Result::ok)
        .filter(|entry| {
            entry.file_type().is_file()
                && (is_policy_file(entry.path()) || is_manifest_file(entry.path()))
        })
        .map(walkdir::DirEntry::into_path)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workspace_scan_skips_hidden_and_dependency_directories() {
        let dir = tempfile::tempdir().expect("tempdir");
        for file in [
            "policies/a.gate",
            "releases/r.yaml",
            "releases/notes.txt",
            ".git/config.json",
            "target/debug/x.json",
            "web/node_modules/p/package.json",
            "models/target.yaml",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, "x").expect("write");
        }
        let found: Vec<String> = workspace_files(dir.path())
            .iter()
            .map(|p| {
                p.strip_prefix(dir.path())
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(
            found,
            ["models/target.yaml", "policies/a.gate", "releases/r.yaml"]
        );
    }
}
