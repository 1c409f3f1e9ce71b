//! Compiling a policy set for the authoring commands (`test`, `graph`,
//! `diff`): policy files from disk, optionally with the embedded standard
//! library, compile errors rendered on stderr.

use std::path::PathBuf;
use std::sync::Arc;

use riskgate_engine::FileDiagnostic;
use riskgate_engine::controls::{ControlsOptions, PolicySet};

use crate::policy_files::{self, PolicySource};
use crate::render::Renderer;

/// Reads every policy file under `paths` (files or directories).
pub fn read_all(paths: &[PathBuf]) -> anyhow::Result<Vec<PolicySource>> {
    let mut sources = Vec::new();
    for path in policy_files::collect(paths) {
        sources.push(policy_files::read(&path?)?);
    }
    Ok(sources)
}

/// The embedded standard library as policy sources.
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

/// The policy set did not compile; its diagnostics were printed.
#[derive(Debug)]
pub struct CompileFailed(pub usize);

impl std::fmt::Display for CompileFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the policies did not compile ({} error{})",
            self.0,
            if self.0 == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for CompileFailed {}

/// Compiles `sources` into a policy set, rendering compile errors.
pub fn compile(sources: &[PolicySource], renderer: &Renderer) -> anyhow::Result<PolicySet> {
    let files: Vec<(&str, &str)> = sources
        .iter()
        .map(|s| (s.name.as_str(), &*s.text))
        .collect();
    PolicySet::compile(&files, &ControlsOptions::default()).map_err(|diagnostics| {
        let count = diagnostics.len();
        for FileDiagnostic { file, diagnostic } in diagnostics {
            let text = sources
                .iter()
                .find(|s| *s.name == *file)
                .map_or_else(|| Arc::from(""), |s| Arc::clone(&s.text));
            renderer.emit(&file, &text, vec![diagnostic]);
        }
        CompileFailed(count).into()
    })
}
