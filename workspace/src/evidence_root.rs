//! Reading the evidence files a manifest cites (`uri`, `report_ref`,
//! `signature_ref`) from one directory, for `--verify-evidence`.
//!
//! INVARIANT: nothing outside the root is ever read. A reference is a
//! relative path (optionally `file:`); absolute paths, `..` that leaves the
//! root, symlinks that point out of it and URLs are refused with a reason,
//! never fetched: a check must not depend on what the network says, and a
//! manifest must not be able to make riskgate read `/etc/shadow`.

use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use riskgate_controls::trust::EvidenceStore;

/// Files larger than this are not read (a report, not a dataset).
pub const MAX_EVIDENCE_BYTES: u64 = 64 * 1024 * 1024;

/// A directory evidence references are resolved in.
#[derive(Debug, Clone)]
pub struct EvidenceRoot {
    root: PathBuf,
}

impl EvidenceRoot {
    /// The root at `dir`.
    ///
    /// # Errors
    /// When `dir` is not a readable directory.
    pub fn new(dir: &Path) -> std::io::Result<EvidenceRoot> {
        let root = dir.canonicalize()?;
        if !root.is_dir() {
            return Err(std::io::Error::other(format!(
                "{} is not a directory",
                dir.display()
            )));
        }
        Ok(EvidenceRoot { root })
    }

    /// The file `reference` names inside the root.
    ///
    /// # Errors
    /// Why the reference cannot be resolved there.
    pub fn resolve(&self, reference: &str) -> Result<PathBuf, String> {
        let path = local_path(reference)?;
        let joined = self.root.join(path);
        let real = joined
            .canonicalize()
            .map_err(|e| format!("{reference} not found under the evidence root ({e})"))?;
        if !real.starts_with(&self.root) {
            return Err(format!("{reference} leads outside the evidence root"));
        }
        Ok(real)
    }
}

/// The relative path of a local reference.
fn local_path(reference: &str) -> Result<&Path, String> {
    let text = reference
        .strip_prefix("file://")
        .or_else(|| reference.strip_prefix("file:"))
        .unwrap_or(reference);
    if let Some((scheme, _)) = text.split_once("://") {
        return Err(format!(
            "{reference} is a {scheme} URL; evidence is read from local files only"
        ));
    }
    let path = Path::new(text);
    if text.is_empty() {
        return Err("the reference is empty".to_owned());
    }
    if path.components().any(|c| {
        matches!(
            c,
            Component::RootDir | Component::Prefix(_) | Component::ParentDir
        )
    }) {
        return Err(format!(
            "{reference} is not a path inside the evidence root (absolute or with `..`)"
        ));
    }
    Ok(path)
}

impl EvidenceStore for EvidenceRoot {
    fn read(&self, reference: &str) -> Result<Vec<u8>, String> {
        let path = self.resolve(reference)?;
        let file = std::fs::File::open(&path).map_err(|e| format!("{reference}: {e}"))?;
        let mut bytes = Vec::new();
        file.take(MAX_EVIDENCE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{reference}: {e}"))?;
        if bytes.len() as u64 > MAX_EVIDENCE_BYTES {
            return Err(format!(
                "{reference} is larger than {} MiB",
                MAX_EVIDENCE_BYTES / 1024 / 1024
            ));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_stay_inside_the_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        let inner = dir.path().join("root");
        std::fs::create_dir_all(inner.join("reports")).expect("mkdir");
        std::fs::write(inner.join("reports/perf.json"), b"{}").expect("write");
        std::fs::write(dir.path().join("secret"), b"s").expect("write");
        let root = EvidenceRoot::new(&inner).expect("root");
        assert_eq!(root.read("reports/perf.json").as_deref(), Ok(&b"{}"[..]));
        assert_eq!(
            root.read("file:reports/perf.json").as_deref(),
            Ok(&b"{}"[..])
        );
        for escape in ["../secret", "/etc/passwd", "reports/../../secret"] {
            let error = root.read(escape).expect_err(escape);
            assert!(error.contains("not a path inside"), "{escape}: {error}");
        }
        let error = root
            .read("https://example.com/report.json")
            .expect_err("url");
        assert!(error.contains("local files only"), "{error}");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret"), inner.join("link"))
                .expect("symlink");
            let error = root.read("link").expect_err("symlink out");
            assert!(error.contains("outside the evidence root"), "{error}");
        }
    }
}
