//! Finding and reading policy files named on the command line.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use riskgate_dsl::{Dialect, ParseOptions};

pub use crate::walk::is_policy_file;

/// A policy source read from disk or stdin.
pub struct PolicySource {
    /// The name shown in diagnostics (`-` for stdin).
    pub name: String,
    /// Where to write it back, if it came from a file.
    pub path: Option<PathBuf>,
    /// The text.
    pub text: Arc<str>,
}

impl PolicySource {
    /// Parse options for this file: `.gate` files allow declarations.
    pub fn parse_options(&self, v0_compatible: bool) -> ParseOptions {
        ParseOptions::new(Dialect::for_path(&self.name)).with_v0_compatible(v0_compatible)
    }
}

/// Expands files and directories into policy files (`.rego`, `.gate`),
/// sorted for stable output. `-` means stdin. With no paths, the current
/// directory is searched.
pub fn collect(paths: &[PathBuf]) -> Vec<anyhow::Result<PathBuf>> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut found = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" || path.is_file() {
            found.push(Ok(path.clone()));
        } else if path.is_dir() {
            // Symbolic links are followed: a Kubernetes ConfigMap volume
            // holds links to files in a hidden `..data` directory.
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|entry| !crate::walk::is_hidden(entry.path()) || entry.depth() == 0)
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_file() && is_policy_file(entry.path()))
                .map(walkdir::DirEntry::into_path)
                .collect();
            files.sort();
            found.extend(files.into_iter().map(Ok));
        } else {
            found.push(Err(anyhow::anyhow!(
                "{}: no such file or directory",
                path.display()
            )));
        }
    }
    found
}

/// Reads one policy source; `-` reads stdin.
pub fn read(path: &Path) -> anyhow::Result<PolicySource> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading policy from stdin")?;
        return Ok(PolicySource {
            name: "-".to_string(),
            path: None,
            text: Arc::from(text),
        });
    }
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{}: not valid UTF-8 text", path.display()))?;
    Ok(PolicySource {
        name: path.display().to_string(),
        path: Some(path.to_path_buf()),
        text: Arc::from(text),
    })
}
