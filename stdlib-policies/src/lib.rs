//! The riskgate model-risk standard library, embedded as policy source text
//! so the `riskgate` binary needs no files at run time.
//!
//! The policies live in `stdlib-policies/policies/`: the risk taxonomy
//! (`taxonomy.gate`, 10 families and 42 risks), one file of controls per
//! family (56 controls in all), the helper rules that compute derived
//! metrics (`lib.gate`), and organisation-level settings as data
//! (`config.rego`, package `stdlib.config`, read as `lib.config` with an
//! overlay's `riskgate.config` merged over it). They were generated once from
//! the controls catalogue (`cargo xtask stdlib-gen`) and are maintained as
//! code; `cargo xtask stdlib-check` keeps them consistent with the catalogue.

pub mod catalogue;

/// One embedded policy file: its path relative to `stdlib-policies/policies`
/// and its source text.
#[derive(Debug, Clone, Copy)]
pub struct PolicyFile {
    /// Path used in diagnostics and traces, e.g. `stdlib/fairness.gate`.
    pub path: &'static str,
    /// The policy source.
    pub source: &'static str,
}

macro_rules! policy_files {
    ($($name:literal),* $(,)?) => {
        &[$(PolicyFile {
            path: concat!("stdlib/", $name),
            source: include_str!(concat!("../policies/", $name)),
        }),*]
    };
}

/// Every embedded policy file, in a stable order (sorted by path).
pub const POLICY_FILES: &[PolicyFile] = policy_files![
    "config.rego",
    "data.gate",
    "fairness.gate",
    "governance.gate",
    "lib.gate",
    "performance.gate",
    "privacy.gate",
    "reliability.gate",
    "robustness.gate",
    "safety.gate",
    "security.gate",
    "taxonomy.gate",
    "transparency.gate",
];
