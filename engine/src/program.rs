//! What compiling produces and evaluating reads: the rule tree, the
//! symbols queries are resolved against, the source files and the options
//! they were compiled with, shared behind an `Arc` as a [`Policy`].
//!
//! Invariant: this module depends on neither the compiler nor the
//! evaluator; both depend on it (and `policy.rs` adds the query API on top
//! of both), so the three never form an import circle.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::ir::Tree;

/// How to compile.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Accept Rego v0 syntax.
    pub v0_compatible: bool,
    /// OPA strict mode (reserved; strict checks are lints in riskgate).
    pub strict: bool,
    /// Opt in to `rand.intn`, as a pseudo-random function of this seed and
    /// its arguments (the same seed and arguments give the same number).
    /// Without it `rand.intn` is refused, as random numbers would make
    /// decisions non-deterministic.
    pub rand_seed: Option<u64>,
    /// Opt in to `http.send` and `net.lookup_ip_addr`, for the hosts the
    /// policy allows. Without it both are refused, as network answers
    /// would make decisions non-reproducible.
    pub net: Option<Arc<crate::net::NetPolicy>>,
}

/// Rule heads of every module, gathered before lowering.
#[derive(Debug, Default)]
pub(crate) struct Symbols {
    /// Package path → first segments of the rules it defines.
    pub(crate) rule_names: BTreeMap<Vec<Arc<str>>, BTreeSet<String>>,
    /// Absolute function path → arity.
    pub(crate) functions: BTreeMap<Vec<Arc<str>>, usize>,
    /// [`CompileOptions::rand_seed`]: `rand.intn` resolves to the seeded
    /// builtin.
    pub(crate) rand_seed: Option<u64>,
    /// [`CompileOptions::net`]: `http.send` and `net.lookup_ip_addr`
    /// resolve to the network builtins.
    pub(crate) net: Option<Arc<crate::net::NetPolicy>>,
}

/// A source file of a policy.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name the module was added under.
    pub name: Arc<str>,
    /// Its text.
    pub text: Arc<str>,
}

/// Everything compiling produces and evaluation reads.
#[derive(Debug)]
pub(crate) struct Program {
    pub(crate) tree: Tree,
    pub(crate) symbols: Symbols,
    pub(crate) files: Vec<SourceFile>,
    pub(crate) options: CompileOptions,
}

/// A compiled set of modules. Cheap to clone; `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) inner: Arc<Program>,
}

impl Policy {
    pub(crate) fn new(inner: Program) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The source files the policy was compiled from.
    #[must_use]
    pub fn files(&self) -> &[SourceFile] {
        &self.inner.files
    }
}
