//! What a requirement check reads ([`Ctx`]: the policy set, the manifest,
//! the evaluator session; [`Fields`]: the requirement's resolved fields)
//! and what it returns ([`Outcome`]). Below both the manifest walk in
//! `evaluate.rs` and the checks in `requirements/` and `waivers.rs`, so
//! neither depends on the other's module.

use std::cell::RefCell;

use riskgate_engine::eval::{EvalError, EvalOptions};
use riskgate_engine::json_pointer;
use riskgate_engine::policy::Session;
use riskgate_engine::value::Value;

use crate::PolicySet;
use crate::trace::{Evidence, Location, Status};
use crate::view::{self, Release};

/// How to raise an evaluation limit, for the message of a rule that hit one.
const RAISE_LIMIT: &str = "raise the limit if the policy really needs more \
    (`riskgate check --max-steps N` or `--timeout DURATION`; the webhook's `--eval-timeout-ms`)";

/// Everything requirement checks read.
pub(crate) struct Ctx<'a> {
    pub(crate) set: &'a PolicySet,
    pub(crate) eval: EvalOptions,
    /// One evaluator session per manifest: generated rules share the
    /// values of the helpers they call (`lib.*` metrics, config).
    pub(crate) session: RefCell<Session<'a>>,
    pub(crate) input: &'a Value,
    pub(crate) now_ns: i64,
    pub(crate) locate: &'a dyn Fn(&str) -> Option<Location>,
    pub(crate) release: Release,
    /// Attach rule traces to failing requirements.
    pub(crate) explain: bool,
    /// What verification found out about the manifest's evidence.
    pub(crate) trust: crate::trust::Trust,
}

impl Ctx<'_> {
    /// Evaluates a generated rule; `Err` carries the evaluation error.
    pub(crate) fn rule(&self, path: &str) -> Result<Option<Value>, String> {
        self.session
            .borrow_mut()
            .eval_rule(path)
            .map_err(|error| match error {
                EvalError::Limit { .. } => format!("{error}; {RAISE_LIMIT}"),
                error => error.to_string(),
            })
    }

    /// The evaluation of generated rules as trace lines (`--explain full`),
    /// each rule from an empty memo so every rule it calls is shown.
    pub(crate) fn explain(&self, rules: &[&str]) -> Vec<String> {
        let mut lines = Vec::new();
        for rule in rules {
            let shown = rule.strip_prefix("data.").unwrap_or(rule);
            match self.set.policy.eval_rule_traced(rule, &self.eval) {
                Ok((value, events)) => {
                    let result = value.map_or_else(|| "undefined".to_owned(), |v| v.to_string());
                    lines.push(format!("{shown} => {result}"));
                    let total = events.len();
                    lines.extend(
                        events
                            .iter()
                            .take(MAX_EXPLANATION_LINES)
                            .map(|e| shorten(&format!("  {}", e.line()))),
                    );
                    if total > MAX_EXPLANATION_LINES {
                        lines.push(format!(
                            "  … {} more events (`riskgate eval --explain full` shows them all)",
                            total - MAX_EXPLANATION_LINES
                        ));
                    }
                }
                Err(error) => lines.push(format!("{shown} failed: {error}")),
            }
        }
        lines
    }

    /// Evidence at a JSON pointer, with its value when it exists.
    pub(crate) fn evidence(&self, pointer: &str) -> Evidence {
        Evidence {
            pointer: pointer.to_owned(),
            location: (self.locate)(pointer),
            value: pointer_value(self.input, pointer).map(Value::to_json),
            source: evidence_source(self.input, pointer),
        }
    }

    /// The manifest's `spec`.
    pub(crate) fn spec(&self) -> &Value {
        view::get(self.input, "spec").unwrap_or(&Value::Null)
    }
}

/// Trace events shown per explained rule.
const MAX_EXPLANATION_LINES: usize = 200;

/// Characters kept of one explanation line (values and bindings can be
/// whole manifest sections).
const MAX_EXPLANATION_WIDTH: usize = 240;

fn shorten(line: &str) -> String {
    match line.char_indices().nth(MAX_EXPLANATION_WIDTH) {
        Some((end, _)) => format!("{}…", line.get(..end).unwrap_or(line)),
        None => line.to_owned(),
    }
}

/// The `source` (provenance) of the evaluation or document that the
/// pointer lands in, e.g. for `/spec/evaluations/2/metrics/0/value`.
pub(crate) fn evidence_source(root: &Value, pointer: &str) -> Option<serde_json::Value> {
    let mut tokens = pointer.strip_prefix("/spec/")?.splitn(3, '/');
    let section = tokens.next()?;
    let index = tokens.next()?;
    if !matches!(section, "evaluations" | "documents") {
        return None;
    }
    pointer_value(root, &format!("/spec/{section}/{index}/source")).map(Value::to_json)
}

/// The value at a JSON pointer of the raw manifest.
pub(crate) fn pointer_value<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    let mut current = root;
    for token in json_pointer::tokens(pointer) {
        current = match current {
            Value::Object(_) => view::get(current, &token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The result of checking one requirement, before it becomes a trace.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) status: Status,
    pub(crate) message: String,
    pub(crate) actual: Option<Value>,
    pub(crate) expected: Option<(String, Value)>,
    pub(crate) evidence: Vec<Evidence>,
    pub(crate) to_pass: Option<String>,
}

impl Outcome {
    pub(crate) fn new(status: Status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            actual: None,
            expected: None,
            evidence: Vec::new(),
            to_pass: None,
        }
    }

    pub(crate) fn pass(message: impl Into<String>) -> Self {
        Self::new(Status::Pass, message)
    }

    pub(crate) fn fail(message: impl Into<String>, to_pass: impl Into<String>) -> Self {
        Self::new(Status::Fail, message).hint(to_pass)
    }

    pub(crate) fn error(message: impl Into<String>) -> Self {
        Self::new(Status::Error, message)
            .hint("fix the policy or the manifest so the requirement can be evaluated")
    }

    pub(crate) fn hint(mut self, to_pass: impl Into<String>) -> Self {
        self.to_pass = Some(to_pass.into());
        self
    }

    pub(crate) fn actual(mut self, actual: Value) -> Self {
        self.actual = Some(actual);
        self
    }

    pub(crate) fn expected(mut self, op: &str, threshold: Value) -> Self {
        self.expected = Some((op.to_owned(), threshold));
        self
    }

    pub(crate) fn evidence(mut self, evidence: Vec<Evidence>) -> Self {
        self.evidence = evidence;
        self
    }
}

/// A requirement's resolved field values, by name (a handful, so a
/// vector: no tree nodes to allocate for every requirement checked).
pub(crate) struct Fields<'a>(pub(crate) Vec<(&'a str, Value)>);

impl Fields<'_> {
    pub(crate) fn value(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        self.value(name).and_then(Value::as_str)
    }

    pub(crate) fn bool(&self, name: &str, default: bool) -> bool {
        self.value(name).and_then(Value::as_bool).unwrap_or(default)
    }

    pub(crate) fn num(&self, name: &str) -> Option<f64> {
        self.value(name)
            .and_then(Value::as_number)
            .map(riskgate_engine::number::Number::as_f64)
    }

    pub(crate) fn strings(&self, name: &str) -> Option<Vec<String>> {
        let items: Vec<&Value> = match self.value(name)? {
            Value::Array(items) => items.iter().collect(),
            Value::Set(items) => items.iter().collect(),
            _ => return None,
        };
        Some(
            items
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        )
    }
}
