//! The embedded standard library as files an editor can open.
//!
//! Go-to-definition must land somewhere a generic LSP client can show, and
//! every client can open a `file://` URI. The stdlib's sources are written
//! once per version into the user's cache directory, read-only, and the
//! server keeps them as library documents: navigable, never diagnosed or
//! renamed.

use std::path::{Path, PathBuf};

use lsp_types::Url;
use sha2::{Digest, Sha256};

/// One materialised stdlib file.
#[derive(Debug, Clone)]
pub struct LibraryFile {
    /// Where the editor opens it.
    pub uri: Url,
    /// Its source text.
    pub source: &'static str,
}

/// Writes the stdlib under `cache_root` (unless an identical copy is there)
/// and returns its files. The directory name carries a digest of the
/// sources, so a new riskgate version never shows an old copy.
///
/// # Errors
/// When the directory or a file cannot be written.
pub fn materialize(cache_root: &Path) -> std::io::Result<Vec<LibraryFile>> {
    let files = riskgate_stdlib_policies::POLICY_FILES;
    let mut digest = Sha256::new();
    for file in files {
        digest.update(file.path.as_bytes());
        digest.update([0]);
        digest.update(file.source.as_bytes());
        digest.update([0]);
    }
    let hash = digest.finalize();
    let short: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
    let dir = cache_root.join(format!("stdlib-{}-{short}", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let relative = file.path.strip_prefix("stdlib/").unwrap_or(file.path);
        let path = dir.join(relative);
        write_read_only(&path, file.source)?;
        let uri = Url::from_file_path(&path).map_err(|()| {
            std::io::Error::other(format!("{} is not an absolute path", path.display()))
        })?;
        out.push(LibraryFile {
            uri,
            source: file.source,
        });
    }
    Ok(out)
}

/// Where riskgate keeps cached files: `$XDG_CACHE_HOME/riskgate`, else
/// `~/.cache/riskgate`, else the temporary directory.
#[must_use]
pub fn default_cache_root() -> PathBuf {
    let from_env = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    from_env("XDG_CACHE_HOME")
        .or_else(|| from_env("HOME").map(|home| home.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("riskgate")
}

fn write_read_only(path: &Path, source: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|existing| existing == source) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if path.exists() {
        let mut permissions = std::fs::metadata(path)?.permissions();
        #[expect(
            clippy::permissions_set_readonly_false,
            reason = "only to replace a damaged copy of our own cache file"
        )]
        permissions.set_readonly(false);
        std::fs::set_permissions(path, permissions)?;
    }
    std::fs::write(path, source)?;
    let mut permissions = std::fs::metadata(path)?.permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(path, permissions)
}
