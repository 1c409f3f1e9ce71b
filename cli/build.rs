//! Embeds the git commit in `riskgate --version`.
//!
//! `RISKGATE_GIT_HASH` wins when set (container and release builds from a
//! source tarball pass it in); otherwise `git rev-parse --short HEAD`; without
//! git or outside a checkout the hash is `unknown`. No dependencies.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=RISKGATE_GIT_HASH");
    let hash = std::env::var("RISKGATE_GIT_HASH")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .or_else(git_hash)
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=RISKGATE_GIT_HASH={}", hash.trim());
    for path in git_paths_to_watch() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn git_hash() -> Option<String> {
    git(&["rev-parse", "--short=12", "HEAD"])
}

/// HEAD and the ref it points to, so a new commit rebuilds the version.
fn git_paths_to_watch() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(head) = git(&["rev-parse", "--git-path", "HEAD"]) {
        paths.push(PathBuf::from(head));
    }
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git(&["rev-parse", "--git-path", &reference])
    {
        paths.push(PathBuf::from(path));
    }
    if let Some(packed) = git(&["rev-parse", "--git-path", "packed-refs"]) {
        paths.push(PathBuf::from(packed));
    }
    // Paths from `--git-path` are relative to the current directory.
    paths
        .into_iter()
        .map(|p| std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p))
        .filter(|p| p.exists())
        .collect()
}
