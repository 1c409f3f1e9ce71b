//! Reading the local files a manifest references as evidence (a model
//! card, a validation report, a signature bundle), resolved against the
//! manifest's directory.
//!
//! A reference is local when it has no URL scheme (`docs/card.md`) or the
//! `file:` scheme (`file:docs/card.md`); anything else (`https://`,
//! `s3://`, `docs://`) lives elsewhere and is reported as [`NotLocal`],
//! never fetched. A local file must stay inside the root: a `..`
//! component, an absolute path or a symlink that leads out of the root is
//! refused, so a manifest cannot make riskgate read `/etc/passwd` into an
//! evidence pack.
//!
//! [`NotLocal`]: EvidenceFileError::NotLocal

use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

/// Evidence files larger than this are refused by default.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why an evidence reference could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvidenceFileError {
    /// The reference has a URL scheme other than `file:`.
    #[error("{reference}: not a local file (`{scheme}:` reference)")]
    NotLocal {
        /// The reference as written.
        reference: String,
        /// Its scheme, without the colon.
        scheme: String,
    },
    /// No file at the resolved path (or it is not a regular file).
    #[error("{reference}: not found at {}", path.display())]
    NotFound {
        /// The reference as written.
        reference: String,
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The reference leads out of the root.
    #[error("{reference}: outside {} ({why})", root.display())]
    EscapesRoot {
        /// The reference as written.
        reference: String,
        /// The root it must stay in.
        root: PathBuf,
        /// `..`, an absolute path, or a symlink out of the root.
        why: &'static str,
    },
    /// The file is larger than the limit.
    #[error("{reference}: {size} bytes, over the limit of {limit}")]
    TooLarge {
        /// The reference as written.
        reference: String,
        /// The file's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file exists but could not be read.
    #[error("{reference}: cannot read {}: {source}", path.display())]
    Io {
        /// The reference as written.
        reference: String,
        /// The resolved path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl EvidenceFileError {
    /// A stable lower-case name of the kind (`not_local`, `not_found`,
    /// `escapes_root`, `too_large`, `unreadable`), for machine-readable
    /// listings such as an evidence pack's `pack.json`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotLocal { .. } => "not_local",
            Self::NotFound { .. } => "not_found",
            Self::EscapesRoot { .. } => "escapes_root",
            Self::TooLarge { .. } => "too_large",
            Self::Io { .. } => "unreadable",
        }
    }
}

/// The directory local evidence references are resolved against (the
/// manifest's directory).
#[derive(Debug, Clone)]
pub struct EvidenceRoot {
    /// As given, for messages.
    root: PathBuf,
    /// With symlinks resolved, to tell whether a file stays inside.
    canonical: PathBuf,
    max_file_bytes: u64,
}

/// `--verify-evidence` reads cited files through the same confined root
/// as packs do.
impl riskgate_controls::trust::EvidenceStore for EvidenceRoot {
    fn read(&self, reference: &str) -> Result<Vec<u8>, String> {
        EvidenceRoot::read(self, reference).map_err(|error| error.to_string())
    }
}

impl EvidenceRoot {
    /// Evidence resolved against `dir`, up to [`DEFAULT_MAX_FILE_BYTES`]
    /// per file.
    ///
    /// # Errors
    /// When `dir` does not exist or cannot be resolved.
    pub fn new(dir: &Path) -> std::io::Result<Self> {
        // `Path::new("m.yaml").parent()` is "", the current directory.
        let root = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        Ok(Self {
            canonical: root.canonicalize()?,
            root: root.to_path_buf(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        })
    }

    /// The same root with another per-file size limit.
    #[must_use]
    pub fn with_max_file_bytes(mut self, limit: u64) -> Self {
        self.max_file_bytes = limit;
        self
    }

    /// The directory as given.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// The path of a local reference relative to the root, normalised
    /// (`./a//b.md` is `a/b.md`): also the name the file has in an
    /// evidence pack.
    ///
    /// # Errors
    /// [`EvidenceFileError::NotLocal`] for a URL, and
    /// [`EvidenceFileError::EscapesRoot`] for `..` or an absolute path.
    pub fn relative_path(&self, reference: &str) -> Result<PathBuf, EvidenceFileError> {
        let path = local_path(reference)?;
        let mut relative = PathBuf::new();
        for component in Path::new(path).components() {
            match component {
                Component::Normal(part) => relative.push(part),
                Component::CurDir => {}
                Component::ParentDir => return Err(self.escapes(reference, "`..` component")),
                Component::RootDir | Component::Prefix(_) => {
                    return Err(self.escapes(reference, "absolute path"));
                }
            }
        }
        if relative.as_os_str().is_empty() {
            return Err(EvidenceFileError::NotFound {
                reference: reference.to_owned(),
                path: self.root.clone(),
            });
        }
        Ok(relative)
    }

    /// Reads the file `reference` names.
    ///
    /// # Errors
    /// Every [`EvidenceFileError`]: not local, not found, outside the root
    /// (also through a symlink), over the size limit, unreadable.
    pub fn read(&self, reference: &str) -> Result<Vec<u8>, EvidenceFileError> {
        let path = self.root.join(self.relative_path(reference)?);
        let io = |source| EvidenceFileError::Io {
            reference: reference.to_owned(),
            path: path.clone(),
            source,
        };
        let not_found = || EvidenceFileError::NotFound {
            reference: reference.to_owned(),
            path: path.clone(),
        };
        let canonical = match path.canonicalize() {
            Ok(canonical) => canonical,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(not_found()),
            Err(error) => return Err(io(error)),
        };
        if !canonical.starts_with(&self.canonical) {
            return Err(self.escapes(reference, "symlink out of the directory"));
        }
        let metadata = std::fs::metadata(&canonical).map_err(io)?;
        if !metadata.is_file() {
            return Err(not_found());
        }
        if metadata.len() > self.max_file_bytes {
            return Err(self.too_large(reference, metadata.len()));
        }
        // The file may grow between the size check and the read.
        let mut bytes = Vec::new();
        std::fs::File::open(&canonical)
            .and_then(|file| {
                file.take(self.max_file_bytes.saturating_add(1))
                    .read_to_end(&mut bytes)
            })
            .map_err(io)?;
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > self.max_file_bytes {
            return Err(self.too_large(reference, size));
        }
        Ok(bytes)
    }

    fn escapes(&self, reference: &str, why: &'static str) -> EvidenceFileError {
        EvidenceFileError::EscapesRoot {
            reference: reference.to_owned(),
            root: self.root.clone(),
            why,
        }
    }

    fn too_large(&self, reference: &str, size: u64) -> EvidenceFileError {
        EvidenceFileError::TooLarge {
            reference: reference.to_owned(),
            size,
            limit: self.max_file_bytes,
        }
    }
}

/// The path part of a local reference: the reference itself, or what
/// follows `file:` (`file:a.md`, `file:///abs/a.md` is the absolute
/// `/abs/a.md`).
fn local_path(reference: &str) -> Result<&str, EvidenceFileError> {
    match url_scheme(reference) {
        None => Ok(reference),
        Some(scheme) if scheme.eq_ignore_ascii_case("file") => {
            let rest = reference.get(scheme.len() + 1..).unwrap_or_default();
            // `file://host/path` and `file:///path` are absolute; keep the
            // leading `/` so the caller refuses them as such.
            Ok(rest.strip_prefix("//").map_or(rest, |after| {
                after
                    .find('/')
                    .map_or(after, |slash| after.get(slash..).unwrap_or(after))
            }))
        }
        Some(scheme) => Err(EvidenceFileError::NotLocal {
            reference: reference.to_owned(),
            scheme: scheme.to_owned(),
        }),
    }
}

/// The URL scheme of `reference` (RFC 3986: a letter, then letters,
/// digits, `+`, `-` or `.`, then `:`). A single letter before `:\` or
/// `:/` is a Windows drive, not a scheme.
fn url_scheme(reference: &str) -> Option<&str> {
    let (scheme, rest) = reference.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let drive = scheme.len() == 1 && (rest.starts_with('\\') || rest.starts_with('/'));
    (valid && !drive).then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_with_files() -> (tempfile::TempDir, EvidenceRoot) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("release/docs")).unwrap();
        std::fs::write(dir.path().join("release/docs/card.md"), "# card\n").unwrap();
        std::fs::write(dir.path().join("outside.txt"), "secret").unwrap();
        let root = EvidenceRoot::new(&dir.path().join("release")).unwrap();
        (dir, root)
    }

    #[test]
    fn reads_relative_and_file_references() {
        let (_dir, root) = root_with_files();
        for reference in ["docs/card.md", "./docs//card.md", "file:docs/card.md"] {
            assert_eq!(root.read(reference).unwrap(), b"# card\n", "{reference}");
        }
        assert_eq!(
            root.relative_path("./docs//card.md").unwrap(),
            Path::new("docs/card.md")
        );
    }

    #[test]
    fn urls_are_not_local() {
        let (_dir, root) = root_with_files();
        for (reference, scheme) in [
            ("https://example.com/card.md", "https"),
            ("docs://card.md", "docs"),
            ("s3+v2://b/k", "s3+v2"),
        ] {
            match root.read(reference) {
                Err(EvidenceFileError::NotLocal { scheme: s, .. }) => assert_eq!(s, scheme),
                other => panic!("{reference}: {other:?}"),
            }
        }
    }

    #[test]
    fn references_cannot_leave_the_root() {
        let (dir, root) = root_with_files();
        let absolute = dir.path().join("outside.txt").display().to_string();
        for reference in [
            "../outside.txt".to_owned(),
            "docs/../../outside.txt".to_owned(),
            absolute.clone(),
            format!("file://{absolute}"),
        ] {
            let error = root.read(&reference).unwrap_err();
            assert_eq!(error.kind(), "escapes_root", "{reference}: {error}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_root_is_refused() {
        let (dir, root) = root_with_files();
        std::os::unix::fs::symlink(
            dir.path().join("outside.txt"),
            dir.path().join("release/link.txt"),
        )
        .unwrap();
        let error = root.read("link.txt").unwrap_err();
        assert_eq!(error.kind(), "escapes_root", "{error}");
    }

    #[test]
    fn missing_directories_and_large_files_are_errors() {
        let (_dir, root) = root_with_files();
        assert_eq!(root.read("docs/none.md").unwrap_err().kind(), "not_found");
        assert_eq!(root.read("docs").unwrap_err().kind(), "not_found");
        let small = root.clone().with_max_file_bytes(3);
        let error = small.read("docs/card.md").unwrap_err();
        assert_eq!(
            error.to_string(),
            "docs/card.md: 7 bytes, over the limit of 3"
        );
    }

    #[test]
    fn drive_letters_are_paths_not_schemes() {
        assert_eq!(url_scheme("C:\\evidence\\a.md"), None);
        assert_eq!(url_scheme("c:/evidence/a.md"), None);
        assert_eq!(url_scheme("docs/a:b.md"), None);
        assert_eq!(url_scheme("urn:isbn:1"), Some("urn"));
    }
}
