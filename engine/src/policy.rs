//! A compiled, shareable policy and its query entry points.

use std::sync::Arc;

use crate::compile::{CompileOptions, FileDiagnostic, Symbols, compile_query};
use crate::eval::{EvalError, EvalOptions, Evaluator, QueryOutput};
use crate::ir::Tree;
use crate::value::Value;

/// A source file of a policy.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name the module was added under.
    pub name: Arc<str>,
    /// Its text.
    pub text: Arc<str>,
}

#[derive(Debug)]
pub(crate) struct PolicyInner {
    pub(crate) tree: Tree,
    pub(crate) symbols: Symbols,
    pub(crate) files: Vec<SourceFile>,
    pub(crate) options: CompileOptions,
}

/// A compiled set of modules. Cheap to clone; `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Policy {
    inner: Arc<PolicyInner>,
}

impl Policy {
    pub(crate) fn new(inner: PolicyInner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The source files the policy was compiled from.
    #[must_use]
    pub fn files(&self) -> &[SourceFile] {
        &self.inner.files
    }

    /// Evaluates a Rego query (`data.x.allow = y`) and returns every
    /// solution with its bindings and expression values.
    ///
    /// # Errors
    /// Query compile errors ([`EvalError::Query`]) and evaluation errors.
    pub fn eval_query(&self, query: &str, options: &EvalOptions) -> Result<QueryOutput, EvalError> {
        let (body, slots, vars) = compile_query(query, &self.inner.symbols, self.inner.options)
            .map_err(|diags| {
                EvalError::Query(
                    diags
                        .into_iter()
                        .map(|diagnostic| FileDiagnostic {
                            file: Arc::from(""),
                            diagnostic,
                        })
                        .collect(),
                )
            })?;
        let mut evaluator = Evaluator::new(&self.inner, options, query);
        evaluator.run_query(&body, slots, &vars)
    }

    /// The value of the document at a dotted `data` path (`data.x.allow`),
    /// or `None` when it is undefined.
    ///
    /// # Errors
    /// Evaluation errors.
    pub fn eval_rule(&self, path: &str, options: &EvalOptions) -> Result<Option<Value>, EvalError> {
        let keys: Vec<Arc<str>> = path
            .split('.')
            .skip_while(|s| *s == "data")
            .filter(|s| !s.is_empty())
            .map(Arc::from)
            .collect();
        let mut evaluator = Evaluator::new(&self.inner, options, "");
        evaluator.value_at(&keys)
    }
}
