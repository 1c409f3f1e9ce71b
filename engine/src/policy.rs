//! A compiled, shareable policy and its query entry points.

use std::sync::Arc;

use crate::compile::compile_query;
use crate::errors::FileDiagnostic;
use crate::eval::{EvalError, EvalOptions, Evaluator, QueryOutput, TraceEvent};
pub use crate::program::{Policy, SourceFile};
use crate::value::Value;

impl Policy {
    /// Evaluates a Rego query (`data.x.allow = y`) and returns every
    /// solution with its bindings and expression values.
    ///
    /// # Errors
    /// Query compile errors ([`EvalError::Query`]) and evaluation errors.
    pub fn eval_query(&self, query: &str, options: &EvalOptions) -> Result<QueryOutput, EvalError> {
        let (body, slots, vars) = compile_query(query, &self.inner.symbols, &self.inner.options)
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
        let mut evaluator = Evaluator::new(&self.inner, options, "");
        evaluator.value_at(&rule_path(path))
    }

    /// Like [`Policy::eval_rule`], also returning the trace events of the
    /// evaluation (whatever [`EvalOptions::trace`] says). The evaluation
    /// starts with an empty memo, so every rule it depends on is traced.
    ///
    /// # Errors
    /// Evaluation errors.
    pub fn eval_rule_traced(
        &self,
        path: &str,
        options: &EvalOptions,
    ) -> Result<(Option<Value>, Vec<TraceEvent>), EvalError> {
        let options = EvalOptions {
            trace: true,
            ..options.clone()
        };
        let mut evaluator = Evaluator::new(&self.inner, &options, "");
        let value = evaluator.value_at(&rule_path(path))?;
        Ok((value, evaluator.take_trace()))
    }

    /// A session evaluating several rules over the same `input` and
    /// `data`: rule values computed for one are reused by the next (the
    /// memo is shared), and so are the results of function calls with the
    /// same arguments, while the limits apply to each evaluation. A session
    /// reports no `print` output.
    #[must_use]
    pub fn session(&self, options: &EvalOptions) -> Session<'_> {
        let mut evaluator = Evaluator::new(&self.inner, options, "");
        evaluator.memoise_calls();
        Session { evaluator }
    }
}

/// Several rule evaluations over the same inputs, sharing rule values
/// ([`Policy::session`]). Not `Sync`: one session per thread.
pub struct Session<'p> {
    evaluator: Evaluator<'p>,
}

impl Session<'_> {
    /// The value of the document at a dotted `data` path, as
    /// [`Policy::eval_rule`]; the step limit starts afresh for each call.
    ///
    /// # Errors
    /// Evaluation errors.
    pub fn eval_rule(&mut self, path: &str) -> Result<Option<Value>, EvalError> {
        self.evaluator.reset_steps();
        match self.evaluator.rule_node(path) {
            Some(node) => self.evaluator.rule_value(node),
            None => self.evaluator.value_at(&rule_path(path)),
        }
    }
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").finish_non_exhaustive()
    }
}

/// `data.a.b` → `["a", "b"]`.
fn rule_path(path: &str) -> Vec<Arc<str>> {
    path.split('.')
        .skip_while(|s| *s == "data")
        .filter(|s| !s.is_empty())
        .map(Arc::from)
        .collect()
}
