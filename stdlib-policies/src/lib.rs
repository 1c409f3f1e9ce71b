//! The riskgate standard library of model-risk controls, embedded as policy
//! source text so the `riskgate` binary needs no files at run time.
//!
//! The library is filled in by the stdlib work (risk taxonomy and catalogue
//! controls as `.gate` files); until then it holds no policies.

/// One embedded policy file: its path relative to `stdlib-policies/policies`
/// and its source text.
#[derive(Debug, Clone, Copy)]
pub struct PolicyFile {
    /// Path used in diagnostics and traces, e.g. `stdlib/fairness.gate`.
    pub path: &'static str,
    /// The policy source.
    pub source: &'static str,
}

/// Every embedded policy file, in a stable order.
pub const POLICY_FILES: &[PolicyFile] = &[];
