//! Evaluation traces for `riskgate eval --explain`.
//!
//! When [`super::EvalOptions::trace`] is set, the evaluator records an
//! event when it enters a rule definition, evaluates a statement, finds a
//! rule value, and when a statement or rule fails. Tracing off costs one
//! branch per statement and rule.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{ErrorLocation, Evaluator};
use crate::ir::Loc;
use crate::value::Value;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceOp {
    /// A rule or function definition starts evaluating.
    Enter,
    /// A statement is evaluated.
    Eval,
    /// A rule definition produced a value.
    Exit,
    /// A statement had no solution, or a rule definition no value.
    Fail,
}

impl TraceOp {
    /// `Enter`, `Eval`, `Exit` or `Fail`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TraceOp::Enter => "Enter",
            TraceOp::Eval => "Eval",
            TraceOp::Exit => "Exit",
            TraceOp::Fail => "Fail",
        }
    }
}

/// One trace event.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceEvent {
    /// What happened.
    pub op: TraceOp,
    /// Nesting: 0 for the query, one more per rule being evaluated.
    pub depth: u32,
    /// The first line of the statement's or rule's source text.
    pub text: String,
    /// Where it is written.
    pub location: ErrorLocation,
    /// Named local variables bound at this point.
    pub bindings: BTreeMap<String, Value>,
    /// The rule value (for [`TraceOp::Exit`]).
    pub value: Option<Value>,
}

impl TraceEvent {
    /// The event as one line of text: `| ` per nesting level, the event,
    /// the source's first line, its `file:row:col`, the value (`=> …`) and
    /// the bound local variables (`{x: 1}`).
    #[must_use]
    pub fn line(&self) -> String {
        use std::fmt::Write as _;
        let mut text = "| ".repeat(self.depth as usize);
        let _ = write!(
            text,
            "{:<5} {}  ({})",
            self.op.as_str(),
            self.text,
            self.location
        );
        if let Some(value) = &self.value {
            let _ = write!(text, " => {value}");
        }
        if !self.bindings.is_empty() {
            let shown: Vec<String> = self
                .bindings
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            let _ = write!(text, "  {{{}}}", shown.join(", "));
        }
        text
    }
}

/// Trace state of an evaluation.
#[derive(Debug, Default)]
pub(crate) struct Tracer {
    pub(crate) events: Vec<TraceEvent>,
    /// Variable names of each active frame, innermost last.
    pub(crate) names: Vec<Arc<[String]>>,
}

impl Evaluator<'_> {
    /// Records an event (only called when tracing).
    pub(crate) fn trace(&mut self, op: TraceOp, loc: Loc, value: Option<Value>) {
        let location = self.location(loc);
        let text = self.source_text(loc);
        let Some(tracer) = &self.tracer else {
            return;
        };
        let depth = u32::try_from(tracer.names.len().saturating_sub(1)).unwrap_or(u32::MAX);
        let mut bindings = BTreeMap::new();
        if let (Some(names), Some(frame)) = (tracer.names.last(), self.frames.last()) {
            for (name, value) in names.iter().zip(frame) {
                if let Some(value) = value
                    && !name.is_empty()
                    && !name.starts_with('_')
                {
                    bindings.insert(name.clone(), value.clone());
                }
            }
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.events.push(TraceEvent {
                op,
                depth,
                text,
                location,
                bindings,
                value,
            });
        }
    }

    fn source_text(&self, loc: Loc) -> String {
        let text = match self.policy.files.get(loc.file as usize) {
            Some(f) => &*f.text,
            None => self.query,
        };
        loc.span
            .text(text)
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end_matches(['{', ' '])
            .to_owned()
    }
}
