//! The evaluator: a backtracking tree-walker over the IR.
//!
//! Evaluation is written in continuation-passing style: evaluating a term
//! or a literal calls a continuation once per solution, with the solution's
//! bindings in place; bindings are undone when the continuation returns.
//! A continuation returns `Ok(true)` to stop the enumeration early (used by
//! `not`, `every` and existence checks). Rule values are materialised
//! (complete values, sets and objects) and memoised per evaluation; the memo
//! is scoped to the active `with` modifiers.
//!
//! Limits: every literal and every enumerated element costs a step; nested
//! evaluation depth is bounded by [`EvalLimits::max_depth`], and the Rust
//! stack grows on the heap as needed, so deep policies can never overflow it.

mod data;
mod intrinsics;
mod term;
mod trace;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use riskgate_dsl::{LineIndex, Span};

use crate::builtins::BuiltinContext;
use crate::errors::FileDiagnostic;
use crate::ir::{
    Body, Callee, Literal, LiteralKind, Loc, NodeId, Slot, With, WithTarget, WithValue,
};
use crate::program::Program;
use crate::value::Value;

pub use trace::{TraceEvent, TraceOp};

/// Bounds on one evaluation.
#[derive(Debug, Clone)]
pub struct EvalLimits {
    /// Maximum number of evaluation steps (literals and enumerated elements).
    pub max_steps: u64,
    /// Maximum nesting of literals and rule calls.
    pub max_depth: u32,
    /// Maximum bytes of `print` output collected.
    pub max_output_bytes: usize,
    /// Maximum elements of one array, set or object a comprehension
    /// builds: the step limit bounds time, this bounds memory (a
    /// comprehension can keep every element it enumerates).
    pub max_collection_len: usize,
    /// Stop when this instant has passed.
    pub deadline: Option<Instant>,
    /// Stop when this flag becomes true.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for EvalLimits {
    fn default() -> Self {
        Self {
            max_steps: 50_000_000,
            max_depth: 10_000,
            max_output_bytes: 1 << 20,
            max_collection_len: 1_000_000,
            deadline: None,
            cancel: None,
        }
    }
}

/// Inputs of one evaluation.
#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    /// The `input` document.
    pub input: Option<Value>,
    /// Base documents under `data` (an object).
    pub data: Option<Value>,
    /// The evaluation clock for `time.now_ns()`.
    pub now_ns: i64,
    /// Limits.
    pub limits: EvalLimits,
    /// Builtin errors abort evaluation instead of making the call undefined.
    pub strict_builtin_errors: bool,
    /// Record a trace of rule and statement evaluation
    /// ([`QueryOutput::trace`]).
    pub trace: bool,
}

/// Which limit was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// [`EvalLimits::max_steps`].
    Steps,
    /// [`EvalLimits::max_depth`].
    Depth,
    /// [`EvalLimits::max_output_bytes`].
    Output,
    /// [`EvalLimits::max_collection_len`].
    Size,
    /// [`EvalLimits::deadline`].
    Deadline,
    /// [`EvalLimits::cancel`].
    Cancelled,
}

impl std::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LimitKind::Steps => "too many evaluation steps (max steps)",
            LimitKind::Depth => "nesting too deep (max depth)",
            LimitKind::Output => "too much print output",
            LimitKind::Size => "collection too large (max collection size)",
            LimitKind::Deadline => "deadline passed (timeout)",
            LimitKind::Cancelled => "evaluation cancelled",
        })
    }
}

/// Where in the policy text an error happened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorLocation {
    /// File name (empty for the query).
    pub file: Arc<str>,
    /// Byte span.
    pub span: Span,
    /// 1-based row.
    pub row: u32,
    /// 1-based column.
    pub col: u32,
}

impl std::fmt::Display for ErrorLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let file = if self.file.is_empty() {
            "query"
        } else {
            &self.file
        };
        write!(f, "{file}:{}:{}", self.row, self.col)
    }
}

/// Why an evaluation failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EvalError {
    /// The query does not compile.
    #[error("query does not compile: {}", .0.first().map(ToString::to_string).unwrap_or_default())]
    Query(Vec<FileDiagnostic>),
    /// A rule or function produced conflicting values.
    #[error("{location}: eval_conflict_error: {message}")]
    Conflict {
        /// OPA's message.
        message: String,
        /// Where.
        location: ErrorLocation,
    },
    /// A builtin failed (strict builtin errors).
    #[error("{location}: {code}: {message}")]
    Builtin {
        /// `eval_builtin_error` or `eval_type_error`.
        code: &'static str,
        /// The builtin's message.
        message: String,
        /// Where.
        location: ErrorLocation,
    },
    /// A limit was exceeded.
    #[error("{location}: evaluation limit exceeded: {kind}")]
    Limit {
        /// Which one.
        kind: LimitKind,
        /// Where evaluation was.
        location: ErrorLocation,
    },
    /// Any other runtime error.
    #[error("{location}: {code}: {message}")]
    Other {
        /// OPA's code.
        code: &'static str,
        /// The message.
        message: String,
        /// Where.
        location: ErrorLocation,
    },
}

impl EvalError {
    /// OPA's error code string.
    #[must_use]
    pub fn opa_code(&self) -> &'static str {
        match self {
            EvalError::Query(d) => d
                .first()
                .map_or("rego_compile_error", FileDiagnostic::opa_code),
            EvalError::Conflict { .. } => "eval_conflict_error",
            EvalError::Builtin { code, .. } | EvalError::Other { code, .. } => code,
            EvalError::Limit { .. } => "eval_cancel_error",
        }
    }

    /// The error as diagnostics with file names: the query's compile
    /// errors, or one runtime diagnostic (`R0xxx`) at the error location.
    #[must_use]
    pub fn diagnostics(&self) -> Vec<FileDiagnostic> {
        use crate::codes;
        use riskgate_dsl::Diagnostic;
        let (code, location) = match self {
            EvalError::Query(d) => return d.clone(),
            EvalError::Conflict { location, .. } => (&codes::EVAL_CONFLICT, location),
            EvalError::Builtin { location, .. } => (&codes::EVAL_BUILTIN, location),
            EvalError::Limit { location, .. } => (&codes::EVAL_LIMIT, location),
            EvalError::Other { location, .. } => (&codes::EVAL_ERROR, location),
        };
        vec![FileDiagnostic {
            file: location.file.clone(),
            diagnostic: Diagnostic::new(code, self.message()).with_primary(location.span, ""),
        }]
    }

    /// The location of a runtime error (`None` for query compile errors).
    #[must_use]
    pub fn location(&self) -> Option<&ErrorLocation> {
        match self {
            EvalError::Query(_) => None,
            EvalError::Conflict { location, .. }
            | EvalError::Builtin { location, .. }
            | EvalError::Limit { location, .. }
            | EvalError::Other { location, .. } => Some(location),
        }
    }

    /// The message without the code.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            EvalError::Query(d) => d
                .first()
                .map(|d| d.diagnostic.message().to_owned())
                .unwrap_or_default(),
            EvalError::Conflict { message, .. }
            | EvalError::Builtin { message, .. }
            | EvalError::Other { message, .. } => message.clone(),
            EvalError::Limit { kind, .. } => format!("evaluation limit exceeded: {kind}"),
        }
    }
}

/// The value of one query expression in one solution.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpressionValue {
    /// The value (`true` for assignments and comparisons that hold).
    pub value: Value,
    /// The expression's text.
    pub text: String,
    /// 1-based row in the query.
    pub row: u32,
    /// 1-based column in the query.
    pub col: u32,
}

/// One solution of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    /// Values of the query's named variables.
    pub bindings: BTreeMap<String, Value>,
    /// Values of the query's expressions, in source order.
    pub expressions: Vec<ExpressionValue>,
}

/// Every solution of a query plus the output of `print`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryOutput {
    /// Solutions, in evaluation order.
    pub results: Vec<QueryResult>,
    /// Lines printed by `print`.
    pub prints: Vec<String>,
    /// Trace events, when [`EvalOptions::trace`] is set.
    pub trace: Vec<TraceEvent>,
}

impl QueryOutput {
    /// The `opa eval -f json` form: `{"result": [...]}` (no `result` key when
    /// there are no solutions).
    #[must_use]
    pub fn to_opa_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        if !self.results.is_empty() {
            let results = self
                .results
                .iter()
                .map(|r| {
                    let mut obj = serde_json::Map::new();
                    obj.insert(
                        "expressions".into(),
                        r.expressions
                            .iter()
                            .map(|e| {
                                serde_json::json!({
                                    "value": e.value.to_json(),
                                    "text": e.text,
                                    "location": {"row": e.row, "col": e.col},
                                })
                            })
                            .collect(),
                    );
                    if !r.bindings.is_empty() {
                        obj.insert(
                            "bindings".into(),
                            r.bindings
                                .iter()
                                .map(|(k, v)| (k.clone(), v.to_json()))
                                .collect::<serde_json::Map<_, _>>()
                                .into(),
                        );
                    }
                    serde_json::Value::Object(obj)
                })
                .collect();
            out.insert("result".into(), results);
        }
        serde_json::Value::Object(out)
    }
}

/// Result of a continuation: `Ok(true)` stops the enumeration.
pub(crate) type R = Result<bool, EvalError>;

/// A replacement installed by `with` for a function.
#[derive(Debug, Clone)]
pub(crate) enum Mock {
    Value(Value),
    Function(Callee),
}

/// The documents and replacements visible to evaluation; swapped by `with`.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub(crate) input: Option<Value>,
    pub(crate) data: Value,
    /// `data` paths replaced by `with` (rules at or below are hidden).
    pub(crate) overridden: Vec<Vec<Arc<str>>>,
    pub(crate) mocks: Vec<(Arc<str>, Mock)>,
    pub(crate) cache: NodeMemo,
    /// Results of user function calls by function node and arguments, when
    /// calls are memoised ([`Evaluator::memoise_calls`]); `None` in the
    /// environments `with` installs.
    pub(crate) calls: Option<CallMemo>,
}

/// Materialised values of rule-tree nodes (`None` inside: undefined), by
/// node id: a vector, since ids are dense and lookups are on every rule
/// reference.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeMemo(Vec<Option<Option<Value>>>);

impl NodeMemo {
    pub(crate) fn get(&self, node: NodeId) -> Option<&Option<Value>> {
        self.0.get(node)?.as_ref()
    }

    pub(crate) fn insert(&mut self, node: NodeId, value: Option<Value>) {
        if self.0.len() <= node {
            self.0.resize(node + 1, None);
        }
        if let Some(cell) = self.0.get_mut(node) {
            *cell = Some(value);
        }
    }
}

/// Function results by function node, then by argument values.
pub(crate) type CallMemo = HashMap<NodeId, BTreeMap<Vec<Value>, Option<Value>>>;

pub(crate) struct Evaluator<'p> {
    pub(crate) policy: &'p Program,
    pub(crate) env: Env,
    pub(crate) frames: Vec<Vec<Option<Value>>>,
    /// Emptied frames kept for reuse: a frame per rule and function
    /// evaluation would otherwise be an allocation each.
    spare_frames: Vec<Vec<Option<Value>>>,
    /// Emptied accumulators of [`Evaluator::eval_seq`], kept for reuse.
    spare_values: Vec<Vec<Value>>,
    pub(crate) ctx: BuiltinContext,
    pub(crate) strict: bool,
    pub(crate) limits: EvalLimits,
    steps: u64,
    depth: u32,
    pub(crate) prints: Vec<String>,
    print_bytes: usize,
    query: &'p str,
    pub(crate) tracer: Option<trace::Tracer>,
}

impl<'p> Evaluator<'p> {
    pub(crate) fn new(policy: &'p Program, options: &EvalOptions, query: &'p str) -> Self {
        Self {
            policy,
            env: Env {
                input: options.input.clone(),
                data: options.data.clone().unwrap_or_else(Value::empty_object),
                overridden: Vec::new(),
                mocks: Vec::new(),
                cache: NodeMemo::default(),
                calls: None,
            },
            frames: Vec::new(),
            spare_frames: Vec::new(),
            spare_values: Vec::new(),
            ctx: BuiltinContext {
                now_ns: options.now_ns,
                rand_seed: policy.symbols.rand_seed,
                net: policy.symbols.net.clone(),
            },
            strict: options.strict_builtin_errors,
            limits: options.limits.clone(),
            steps: 0,
            depth: 0,
            prints: Vec::new(),
            print_bytes: 0,
            query,
            tracer: options.trace.then(trace::Tracer::default),
        }
    }

    /// Memoises user function calls in the base environment: a function
    /// called again with the same arguments returns its first result
    /// without evaluating its body. Only for sessions, which report no
    /// `print` output (a memoised call would print once), and not when
    /// tracing, where every call is shown.
    pub(crate) fn memoise_calls(&mut self) {
        if self.tracer.is_none() {
            self.env.calls = Some(CallMemo::new());
        }
    }

    /// Starts the step count afresh (a new evaluation in a session).
    pub(crate) fn reset_steps(&mut self) {
        self.steps = 0;
    }

    /// The trace events recorded so far (empty when not tracing).
    pub(crate) fn take_trace(&mut self) -> Vec<TraceEvent> {
        self.tracer
            .as_mut()
            .map(|t| std::mem::take(&mut t.events))
            .unwrap_or_default()
    }

    /// Resolves a location to file name and row/column.
    pub(crate) fn location(&self, loc: Loc) -> ErrorLocation {
        let (file, text): (Arc<str>, &str) = match self.policy.files.get(loc.file as usize) {
            Some(f) => (f.name.clone(), &f.text),
            None => (Arc::from(""), self.query),
        };
        let lc = LineIndex::new(text).line_col(text, loc.span.start);
        ErrorLocation {
            file,
            span: loc.span,
            row: lc.line,
            col: lc.col,
        }
    }

    pub(crate) fn error(
        &self,
        code: &'static str,
        message: impl Into<String>,
        loc: Loc,
    ) -> EvalError {
        EvalError::Other {
            code,
            message: message.into(),
            location: self.location(loc),
        }
    }

    pub(crate) fn conflict(&self, message: impl Into<String>, loc: Loc) -> EvalError {
        EvalError::Conflict {
            message: message.into(),
            location: self.location(loc),
        }
    }

    pub(crate) fn limit(&self, kind: LimitKind, loc: Loc) -> EvalError {
        EvalError::Limit {
            kind,
            location: self.location(loc),
        }
    }

    /// Charges `n` steps and checks the time and cancellation limits.
    pub(crate) fn charge(&mut self, n: u64, loc: Loc) -> Result<(), EvalError> {
        let before = self.steps;
        self.steps = self.steps.saturating_add(n);
        if self.steps > self.limits.max_steps {
            return Err(self.limit(LimitKind::Steps, loc));
        }
        if before >> 10 != self.steps >> 10 {
            if let Some(deadline) = self.limits.deadline
                && Instant::now() >= deadline
            {
                return Err(self.limit(LimitKind::Deadline, loc));
            }
            if let Some(cancel) = &self.limits.cancel
                && cancel.load(Ordering::Relaxed)
            {
                return Err(self.limit(LimitKind::Cancelled, loc));
            }
        }
        Ok(())
    }

    /// Runs `f` one level deeper, growing the stack when needed.
    pub(crate) fn deeper<T>(
        &mut self,
        loc: Loc,
        f: impl FnOnce(&mut Self) -> Result<T, EvalError>,
    ) -> Result<T, EvalError> {
        if self.depth >= self.limits.max_depth {
            return Err(self.limit(LimitKind::Depth, loc));
        }
        self.depth += 1;
        let result = stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || f(self));
        self.depth -= 1;
        result
    }

    pub(crate) fn push_print(&mut self, line: String, loc: Loc) -> Result<(), EvalError> {
        self.print_bytes += line.len();
        if self.print_bytes > self.limits.max_output_bytes {
            return Err(self.limit(LimitKind::Output, loc));
        }
        self.prints.push(line);
        Ok(())
    }

    pub(crate) fn get(&self, slot: Slot) -> Option<&Value> {
        self.frames.last()?.get(slot as usize)?.as_ref()
    }

    pub(crate) fn bind(&mut self, slot: Slot, value: Value) {
        if let Some(cell) = self
            .frames
            .last_mut()
            .and_then(|f| f.get_mut(slot as usize))
        {
            *cell = Some(value);
        }
    }

    pub(crate) fn unbind(&mut self, slot: Slot) {
        if let Some(cell) = self
            .frames
            .last_mut()
            .and_then(|f| f.get_mut(slot as usize))
        {
            *cell = None;
        }
    }

    /// Runs `f` in a fresh frame of `slots` variables.
    pub(crate) fn in_frame<T>(
        &mut self,
        slots: u32,
        f: impl FnOnce(&mut Self) -> Result<T, EvalError>,
    ) -> Result<T, EvalError> {
        let mut frame = self.spare_frames.pop().unwrap_or_default();
        frame.resize(slots as usize, None);
        self.frames.push(frame);
        let result = f(self);
        if let Some(mut frame) = self.frames.pop() {
            frame.clear();
            self.spare_frames.push(frame);
        }
        result
    }

    pub(crate) fn run_query(
        &mut self,
        body: &Body,
        slots: u32,
        vars: &[(String, u32)],
    ) -> Result<QueryOutput, EvalError> {
        let mut results = Vec::new();
        let mut order: Vec<usize> = (0..body.literals.len()).collect();
        order.sort_by_key(|i| body.literals.get(*i).map(|l| l.loc.span.start));
        let query = self.query;
        let index = LineIndex::new(query);
        if let Some(tracer) = &mut self.tracer {
            let mut names = vec![String::new(); slots as usize];
            for (name, slot) in vars {
                if let Some(cell) = names.get_mut(*slot as usize) {
                    cell.clone_from(name);
                }
            }
            tracer.names.push(Arc::from(names));
        }
        self.in_frame(slots, |ev| {
            let mut values: Vec<Option<Value>> = vec![None; body.literals.len()];
            ev.eval_query_literals(&body.literals, 0, &mut values, &mut |ev, values| {
                let bindings = vars
                    .iter()
                    .filter_map(|(name, slot)| ev.get(*slot).map(|v| (name.clone(), v.clone())))
                    .collect();
                let expressions = order
                    .iter()
                    .filter_map(|i| {
                        let lit = body.literals.get(*i)?;
                        let lc = index.line_col(query, lit.loc.span.start);
                        Some(ExpressionValue {
                            value: values
                                .get(*i)
                                .cloned()
                                .flatten()
                                .unwrap_or(Value::Bool(true)),
                            text: lit.loc.span.text(query).to_owned(),
                            row: lc.line,
                            col: lc.col,
                        })
                    })
                    .collect();
                results.push(QueryResult {
                    bindings,
                    expressions,
                });
                Ok(false)
            })
        })?;
        Ok(QueryOutput {
            results,
            prints: std::mem::take(&mut self.prints),
            trace: self.tracer.take().map(|t| t.events).unwrap_or_default(),
        })
    }

    fn eval_query_literals(
        &mut self,
        lits: &[Literal],
        index: usize,
        values: &mut Vec<Option<Value>>,
        k: &mut dyn FnMut(&mut Self, &[Option<Value>]) -> R,
    ) -> R {
        let Some(lit) = lits.get(index) else {
            return k(self, values);
        };
        // As in `opa eval`, a query of one expression that does not iterate
        // reports a `false` value instead of failing.
        let capture = lits.len() == 1 && self.frames.last().is_some_and(Vec::is_empty);
        if let (LiteralKind::Expr(term), true) = (&lit.kind, lit.with.is_empty()) {
            if self.tracer.is_some() {
                self.trace(TraceOp::Eval, lit.loc, None);
            }
            return self.eval_term(term, &mut |ev, v| {
                if v == Value::Bool(false) && !capture {
                    return Ok(false);
                }
                if let Some(slot) = values.get_mut(index) {
                    *slot = Some(v);
                }
                ev.eval_query_literals(lits, index + 1, values, k)
            });
        }
        self.eval_literal(lit, &mut |ev| {
            ev.eval_query_literals(lits, index + 1, values, k)
        })
    }

    /// Evaluates a body from literal `index` on.
    pub(crate) fn eval_body(
        &mut self,
        lits: &[Literal],
        index: usize,
        k: &mut dyn FnMut(&mut Self) -> R,
    ) -> R {
        let Some(lit) = lits.get(index) else {
            return k(self);
        };
        self.eval_literal(lit, &mut |ev| ev.eval_body(lits, index + 1, k))
    }

    /// Whether a body has at least one solution.
    pub(crate) fn body_holds(&mut self, body: &Body) -> Result<bool, EvalError> {
        let mut found = false;
        self.eval_body(&body.literals, 0, &mut |_| {
            found = true;
            Ok(true)
        })?;
        Ok(found)
    }

    fn eval_literal(&mut self, lit: &Literal, k: &mut dyn FnMut(&mut Self) -> R) -> R {
        if self.tracer.is_some() {
            return self.eval_literal_traced(lit, k);
        }
        self.charge(1, lit.loc)?;
        self.deeper(lit.loc, |ev| {
            if lit.with.is_empty() {
                ev.eval_kind(&lit.kind, lit.loc, k)
            } else {
                ev.eval_with(lit, k)
            }
        })
    }

    fn eval_literal_traced(&mut self, lit: &Literal, k: &mut dyn FnMut(&mut Self) -> R) -> R {
        self.charge(1, lit.loc)?;
        self.trace(TraceOp::Eval, lit.loc, None);
        let mut found = false;
        let r = self.deeper(lit.loc, |ev| {
            let k = &mut |ev: &mut Self| {
                found = true;
                k(ev)
            };
            if lit.with.is_empty() {
                ev.eval_kind(&lit.kind, lit.loc, k)
            } else {
                ev.eval_with(lit, k)
            }
        })?;
        if !found {
            self.trace(TraceOp::Fail, lit.loc, None);
        }
        Ok(r)
    }

    fn eval_kind(&mut self, kind: &LiteralKind, loc: Loc, k: &mut dyn FnMut(&mut Self) -> R) -> R {
        match kind {
            LiteralKind::True => k(self),
            LiteralKind::Expr(term) => self.eval_term(term, &mut |ev, v| {
                if v == Value::Bool(false) {
                    Ok(false)
                } else {
                    k(ev)
                }
            }),
            LiteralKind::Unify(a, b) => self.unify(a, b, k),
            LiteralKind::Not(inner) => {
                let mut found = false;
                self.eval_kind(inner, loc, &mut |_| {
                    found = true;
                    Ok(true)
                })?;
                if found { Ok(false) } else { k(self) }
            }
            LiteralKind::SomeIn {
                key,
                value,
                collection,
            } => self.eval_term(collection, &mut |ev, coll| {
                let entries = term::entries(&coll);
                for (ck, cv) in entries {
                    ev.charge(1, loc)?;
                    let stop = match key {
                        Some(key) => {
                            ev.unify_value(key, &ck, &mut |ev| ev.unify_value(value, &cv, k))?
                        }
                        None => ev.unify_value(value, &cv, k)?,
                    };
                    if stop {
                        return Ok(true);
                    }
                }
                Ok(false)
            }),
            LiteralKind::Every {
                key,
                value,
                domain,
                body,
            } => {
                let mut all = true;
                let mut defined = false;
                self.eval_term(domain, &mut |ev, dom| {
                    if !matches!(dom, Value::Array(_) | Value::Set(_) | Value::Object(_)) {
                        return Ok(true);
                    }
                    defined = true;
                    for (dk, dv) in term::entries(&dom) {
                        ev.charge(1, loc)?;
                        if let Some(key) = key {
                            ev.bind(*key, dk);
                        }
                        ev.bind(*value, dv);
                        let holds = ev.body_holds(body);
                        if let Some(key) = key {
                            ev.unbind(*key);
                        }
                        ev.unbind(*value);
                        if !holds? {
                            all = false;
                            return Ok(true);
                        }
                    }
                    Ok(true)
                })?;
                if all && defined { k(self) } else { Ok(false) }
            }
        }
    }

    fn eval_with(&mut self, lit: &Literal, k: &mut dyn FnMut(&mut Self) -> R) -> R {
        let Some(mut inner) = self.with_env(&lit.with)? else {
            return Ok(false);
        };
        std::mem::swap(&mut self.env, &mut inner);
        let result = self.eval_kind(&lit.kind, lit.loc, &mut |ev| {
            std::mem::swap(&mut ev.env, &mut inner);
            let r = k(ev);
            std::mem::swap(&mut ev.env, &mut inner);
            r
        });
        std::mem::swap(&mut self.env, &mut inner);
        result
    }

    /// The environment `with` modifiers install (`None` when a
    /// replacement value is undefined).
    pub(crate) fn with_env(&mut self, withs: &[With]) -> Result<Option<Env>, EvalError> {
        // Evaluate the replacement values in the current environment.
        let mut values = Vec::with_capacity(withs.len());
        for with in withs {
            match &with.value {
                WithValue::Term(t) => {
                    let mut first = None;
                    self.eval_term(t, &mut |_, v| {
                        first = Some(v);
                        Ok(true)
                    })?;
                    match first {
                        Some(v) => values.push(Mock::Value(v)),
                        None => return Ok(None),
                    }
                }
                WithValue::Function(callee) => values.push(Mock::Function(callee.clone())),
            }
        }
        let mut inner = Env {
            input: self.env.input.clone(),
            data: self.env.data.clone(),
            overridden: self.env.overridden.clone(),
            mocks: self.env.mocks.clone(),
            cache: NodeMemo::default(),
            // Mocked functions change what calls return; the memo is only
            // for the base environment.
            calls: None,
        };
        for (with, value) in withs.iter().zip(values) {
            match (&with.target, value) {
                (WithTarget::Input(path), Mock::Value(v)) => {
                    inner.input = Some(if path.is_empty() {
                        v
                    } else {
                        term::set_path(
                            inner.input.take().unwrap_or_else(Value::empty_object),
                            path,
                            v,
                        )
                    });
                }
                (WithTarget::Data(path), Mock::Value(v)) => {
                    inner.data =
                        term::set_path(std::mem::replace(&mut inner.data, Value::Null), path, v);
                    inner.overridden.push(path.clone());
                }
                (WithTarget::Function(name), mock) => inner.mocks.push((name.clone(), mock)),
                (_, Mock::Function(_)) => {
                    return Err(self.error(
                        "eval_type_error",
                        "with: a function can only replace a function",
                        with.loc,
                    ));
                }
            }
        }
        Ok(Some(inner))
    }
}
