//! Reading and compiling policy sets.
//!
//! `check` and the webhook use the embedded standard library unless
//! `--policy` directories are given, adjusted by an `--overlay` file
//! ([`PolicyInputs`], [`compile_with_overlay`]); the authoring commands
//! (`test`, `graph`, `diff`) compile policy files from disk, optionally with
//! the standard library ([`read_all`], [`stdlib`], [`compile`]). A set that
//! does not compile is a [`PolicyErrors`]: the diagnostics with the sources
//! they point into, for the caller to render.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use riskgate_controls::{ControlsOptions, PolicySet};
use riskgate_engine::{CompileOptions, FileDiagnostic, Value};
use sha2::{Digest, Sha256};

use crate::policy_files::{self, PolicySource};

/// Reads every policy file under `paths` (files or directories).
///
/// # Errors
/// When a path does not exist or a file cannot be read.
pub fn read_all(paths: &[PathBuf]) -> anyhow::Result<Vec<PolicySource>> {
    let mut sources = Vec::new();
    for path in policy_files::collect(paths) {
        sources.push(policy_files::read(&path?)?);
    }
    Ok(sources)
}

/// The embedded standard library as policy sources.
#[must_use]
pub fn stdlib() -> Vec<PolicySource> {
    riskgate_stdlib_policies::POLICY_FILES
        .iter()
        .map(|file| PolicySource {
            name: file.path.to_owned(),
            path: None,
            text: Arc::from(file.source),
        })
        .collect()
}

/// Compiles `sources` into a policy set.
///
/// # Errors
/// The diagnostics when the set does not compile.
pub fn compile(sources: &[PolicySource]) -> Result<PolicySet, PolicyErrors> {
    compile_with_options(sources, &CompileOptions::default())
}

/// [`compile`] with compiler options (e.g. the opt-in builtins of
/// `--allow-net` and `--seed`).
///
/// # Errors
/// As [`compile`].
pub fn compile_with_options(
    sources: &[PolicySource],
    options: &CompileOptions,
) -> Result<PolicySet, PolicyErrors> {
    let files: Vec<(&str, &str)> = sources
        .iter()
        .map(|s| (s.name.as_str(), &*s.text))
        .collect();
    let options = ControlsOptions {
        compile: options.clone(),
        ..ControlsOptions::default()
    };
    compile_files(&files, options)
}

fn compile_files(
    files: &[(&str, &str)],
    options: ControlsOptions,
) -> Result<PolicySet, PolicyErrors> {
    PolicySet::compile(files, &options).map_err(|diagnostics| {
        let sources = files
            .iter()
            .filter(|(name, _)| diagnostics.iter().any(|d| *d.file == **name))
            .map(|(name, text)| ((*name).to_owned(), Arc::from(*text)))
            .collect();
        PolicyErrors {
            diagnostics,
            sources,
        }
    })
}

/// An overlay file (org data: thresholds, disabled or added controls).
#[derive(Debug, Clone)]
pub struct OverlayInput {
    /// The path as given.
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// The policy files and overlay of a run, read but not compiled.
pub struct PolicyInputs {
    /// Policy files from `--policy`; empty means the embedded stdlib.
    pub policies: Vec<PolicySource>,
    /// The `--policy` directories as given.
    pub dirs: Vec<PathBuf>,
    /// The `--overlay` file.
    pub overlay: Option<OverlayInput>,
}

impl PolicyInputs {
    /// Reads every policy file under `dirs` and the overlay.
    ///
    /// # Errors
    /// When a directory or file cannot be read.
    pub fn read(dirs: &[PathBuf], overlay: Option<&Path>) -> anyhow::Result<Self> {
        Ok(Self {
            policies: read_policies(dirs)?,
            dirs: dirs.to_vec(),
            overlay: overlay.map(read_overlay).transpose()?,
        })
    }

    /// Where the policies come from: `embedded stdlib` or the directories.
    #[must_use]
    pub fn source(&self) -> String {
        policy_source(&self.dirs, false)
    }

    /// A short content hash of the policy files and the overlay, so a
    /// running webhook can say which policy version decided: the first
    /// twelve hex digits of [`policy_digest`].
    #[must_use]
    pub fn version(&self) -> String {
        let digest = policy_digest(&self.policies, false, self.overlay.as_ref());
        digest
            .trim_start_matches("sha256:")
            .chars()
            .take(12)
            .collect()
    }
}

/// The policy set did not compile.
#[derive(Debug)]
pub struct PolicyErrors {
    /// Every diagnostic, in the compiler's order.
    pub diagnostics: Vec<FileDiagnostic>,
    /// The text of each file a diagnostic points into.
    sources: Vec<(String, Arc<str>)>,
}

impl PolicyErrors {
    /// The text of `file` (empty when no diagnostic points into it).
    #[must_use]
    pub fn source(&self, file: &str) -> Arc<str> {
        self.sources
            .iter()
            .find(|(name, _)| name == file)
            .map_or_else(|| Arc::from(""), |(_, text)| Arc::clone(text))
    }
}

impl std::fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.diagnostics.len();
        write!(
            f,
            "the policies did not compile ({count} error{})",
            if count == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for PolicyErrors {}

/// Compiles the policy files (the embedded stdlib when `policies` is
/// empty, or with them when `with_stdlib`) with the overlay as
/// compile-time data.
///
/// # Errors
/// The diagnostics when the set does not compile.
pub fn compile_with_overlay(
    policies: &[PolicySource],
    with_stdlib: bool,
    overlay: Option<Value>,
) -> Result<PolicySet, PolicyErrors> {
    let files = compiled_files(policies, with_stdlib);
    let options = ControlsOptions {
        data: overlay,
        ..ControlsOptions::default()
    };
    compile_files(&files, options)
}

/// `sha256:<hex>` over every policy file that decides (the embedded
/// standard library when `policies` is empty or `with_stdlib`) and the
/// overlay: names and texts, length-prefixed, in compile order. Packs and
/// decision attestations record it, the webhook shows its prefix.
#[must_use]
pub fn policy_digest(
    policies: &[PolicySource],
    with_stdlib: bool,
    overlay: Option<&OverlayInput>,
) -> String {
    let mut hash = Sha256::new();
    let overlay = overlay.map(|overlay| ("overlay", overlay.text.as_str()));
    for (name, text) in compiled_files(policies, with_stdlib)
        .into_iter()
        .chain(overlay)
    {
        for part in [name, text] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
    }
    riskgate_controls::digest::format_sha256(&hash.finalize())
}

/// The overlay as data merged under `data` (YAML or JSON).
///
/// # Errors
/// When the overlay is not YAML or JSON, or not a mapping.
pub fn overlay_data(overlay: Option<&OverlayInput>) -> anyhow::Result<Option<Value>> {
    let Some(overlay) = overlay else {
        return Ok(None);
    };
    let json: serde_json::Value = serde_yaml_ng::from_str(&overlay.text)
        .with_context(|| format!("--overlay {}: not valid YAML or JSON", overlay.name))?;
    if !json.is_object() {
        anyhow::bail!(
            "--overlay {}: must be a mapping (e.g. `riskgate: {{config: ...}}`)",
            overlay.name
        );
    }
    Ok(Some(Value::from_json(&json)))
}

/// `embedded stdlib`, or the `--policy` directories joined.
#[must_use]
pub fn policy_source(dirs: &[PathBuf], with_stdlib: bool) -> String {
    let joined = dirs
        .iter()
        .map(|dir| dir.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if dirs.is_empty() {
        "embedded stdlib".to_string()
    } else if with_stdlib {
        format!("embedded stdlib + {joined}")
    } else {
        joined
    }
}

/// Reads every policy file (`.rego`, `.gate`) under the directories.
///
/// # Errors
/// When a path is not a directory or a file cannot be read.
pub fn read_policies(dirs: &[PathBuf]) -> anyhow::Result<Vec<PolicySource>> {
    let mut policies = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            anyhow::bail!("--policy {}: not a directory", dir.display());
        }
        for path in policy_files::collect(std::slice::from_ref(dir)) {
            policies.push(policy_files::read(&path?)?);
        }
    }
    Ok(policies)
}

/// Reads the `--overlay` file.
///
/// # Errors
/// When the file cannot be read.
pub fn read_overlay(path: &Path) -> anyhow::Result<OverlayInput> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--overlay {}: cannot read", path.display()))?;
    Ok(OverlayInput {
        name: path.display().to_string(),
        text,
    })
}

/// The files a run compiles, in compile order: the embedded standard
/// library (when `policies` is empty, or with them when `with_stdlib`),
/// then `policies`; what [`compile_with_overlay`] compiles and
/// [`policy_digest`] hashes, and what an evidence pack holds.
#[must_use]
pub fn compiled_files(policies: &[PolicySource], with_stdlib: bool) -> Vec<(&str, &str)> {
    let stdlib = policies.is_empty() || with_stdlib;
    riskgate_stdlib_policies::POLICY_FILES
        .iter()
        .filter(|_| stdlib)
        .map(|file| (file.path, file.source))
        .chain(
            policies
                .iter()
                .map(|source| (source.name.as_str(), &*source.text)),
        )
        .collect()
}
