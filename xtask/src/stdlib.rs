//! The model-risk standard library: generation from the controls catalogue,
//! the catalogue consistency check, and the generated catalogue docs.

pub mod catalogue;
pub mod check;
pub mod docs;
pub mod encoding;
pub mod gate;
pub mod generate;
pub mod rego;

use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The vendored catalogue.
pub fn catalogue_path() -> PathBuf {
    workspace_root().join("stdlib-policies/catalogue/controls-catalogue.yaml")
}

/// The policy directory.
pub fn policies_dir() -> PathBuf {
    workspace_root().join("stdlib-policies/policies")
}

/// The reviewed differences between the policies and the catalogue.
pub fn differences_path() -> PathBuf {
    workspace_root().join("stdlib-policies/catalogue-differences.yaml")
}

/// The generated catalogue documentation.
pub fn catalogue_doc_path() -> PathBuf {
    workspace_root().join("docs/catalogue.md")
}
