//! Reads the stdlib `.gate` files from the repository into the shared
//! model of `riskgate_stdlib_policies::catalogue` (risks, controls, their
//! fields, `applies` alternatives and requirements). Used by the
//! consistency check and the catalogue docs.

use std::path::Path;

use anyhow::{Context, Result};
pub use riskgate_stdlib_policies::catalogue::{
    AppliesAlt, GateControl, GateRequirement, Lit, Stdlib, lib_call, lit,
};

/// Parses every `.gate` file of `dir` (sorted by name). Any diagnostic is an
/// error.
pub fn load(dir: &Path) -> Result<Stdlib> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".gate"))
        .collect();
    names.sort();
    let mut sources = Vec::new();
    for name in names {
        let source = std::fs::read_to_string(dir.join(&name))?;
        sources.push((name, source));
    }
    Ok(riskgate_stdlib_policies::catalogue::load(
        sources.iter().map(|(n, s)| (n.as_str(), s.as_str())),
    )?)
}
