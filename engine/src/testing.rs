//! Policy tests: discovering `test_*` rules, running them, and measuring
//! line coverage from the evaluator's trace events.
//!
//! A test is a rule whose name starts with `test_`, in any package; it
//! passes when its value is defined and `true`. Tests mock inputs, data and
//! functions with `with`. Coverage marks a policy line covered when a rule
//! head on it produced a value or a statement on it was evaluated; the
//! coverable lines are rule heads and the top-level statements of rule
//! bodies (test rules and test files excluded).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use riskgate_dsl::ast::{Expr, ExprKind, Item, Module};
use riskgate_dsl::{Dialect, LineIndex, ParseOptions};

use crate::eval::{EvalError, EvalOptions, TraceEvent, TraceOp};
use crate::lint::walk;
use crate::policy::Policy;
use crate::value::Value;

/// A discovered test rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TestRule {
    /// The file of its first definition.
    pub file: Arc<str>,
    /// Package path segments.
    pub package: Vec<String>,
    /// The rule name (`test_...`).
    pub name: String,
    /// 1-based line of its first definition.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

impl TestRule {
    /// The full `data` path, `data.pkg.test_x` (segments that are not
    /// identifiers are quoted).
    #[must_use]
    pub fn full_name(&self) -> String {
        let mut out = String::from("data");
        for segment in self.package.iter().chain(std::iter::once(&self.name)) {
            let ident = segment
                .chars()
                .enumerate()
                .all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
            if ident && !segment.is_empty() {
                out.push('.');
                out.push_str(segment);
            } else {
                out.push_str(&format!("[{}]", serde_json::Value::from(segment.as_str())));
            }
        }
        out
    }
}

/// Parses a policy's files again (cheap) to read their syntax.
fn modules(policy: &Policy) -> Vec<(Arc<str>, Arc<str>, Module)> {
    policy
        .files()
        .iter()
        .map(|f| {
            let options = ParseOptions::new(Dialect::for_path(&f.name));
            let parsed = riskgate_dsl::parse_module(&f.text, options);
            (f.name.clone(), f.text.clone(), parsed.module)
        })
        .collect()
}

/// Every `test_*` rule of the policy, ordered by file and line; a test
/// defined by several rules (incrementally) appears once.
#[must_use]
pub fn discover(policy: &Policy) -> Vec<TestRule> {
    let mut seen = BTreeSet::new();
    let mut tests = Vec::new();
    for (file, text, module) in modules(policy) {
        let index = LineIndex::new(&text);
        let package: Vec<String> = module
            .package
            .iter()
            .flat_map(|p| p.path.iter().map(|n| n.text.clone()))
            .collect();
        for item in &module.items {
            let Item::Rule(rule) = item else { continue };
            let name = &rule.head.reference.name;
            if !name.text.starts_with("test_")
                || rule.head.args.is_some()
                || !rule.head.reference.path.is_empty()
            {
                continue;
            }
            if !seen.insert((package.clone(), name.text.clone())) {
                continue;
            }
            let at = index.line_col(&text, name.span.start);
            tests.push(TestRule {
                file: file.clone(),
                package: package.clone(),
                name: name.text.clone(),
                line: at.line,
                col: at.col,
            });
        }
    }
    tests
}

/// How a test ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TestOutcome {
    /// Defined and `true`.
    Pass,
    /// Undefined (`None`) or another value.
    Fail(Option<Value>),
    /// Evaluation failed.
    Error(String),
}

/// The result of running one test.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// The test.
    pub test: TestRule,
    /// How it ended.
    pub outcome: TestOutcome,
    /// `print()` output.
    pub prints: Vec<String>,
    /// Trace events, when `options.trace` was set.
    pub trace: Vec<TraceEvent>,
}

impl TestResult {
    /// Whether the test passed.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.outcome == TestOutcome::Pass
    }
}

/// Runs one test with `options` (set `trace` for coverage and failure
/// traces).
#[must_use]
pub fn run(policy: &Policy, test: &TestRule, options: &EvalOptions) -> TestResult {
    let query = test.full_name();
    let (outcome, prints, trace) = match policy.eval_query(&query, options) {
        Ok(out) => {
            let value = out
                .results
                .first()
                .and_then(|r| r.expressions.first())
                .map(|e| e.value.clone());
            let outcome = match value {
                Some(Value::Bool(true)) => TestOutcome::Pass,
                other => TestOutcome::Fail(other),
            };
            (outcome, out.prints, out.trace)
        }
        Err(error) => (
            TestOutcome::Error(error_text(&error)),
            Vec::new(),
            Vec::new(),
        ),
    };
    TestResult {
        test: test.clone(),
        outcome,
        prints,
        trace,
    }
}

fn error_text(error: &EvalError) -> String {
    match error.location() {
        Some(at) => format!("{}:{}:{}: {}", at.file, at.row, at.col, error.message()),
        None => error.message(),
    }
}

/// Line coverage of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCoverage {
    /// Lines that were evaluated.
    pub covered: BTreeSet<u32>,
    /// Coverable lines that were not.
    pub not_covered: BTreeSet<u32>,
}

impl FileCoverage {
    /// Covered lines in percent (100 for a file without coverable lines).
    #[must_use]
    pub fn percent(&self) -> f64 {
        percent(self.covered.len(), self.not_covered.len())
    }
}

fn percent(covered: usize, not_covered: usize) -> f64 {
    let total = covered + not_covered;
    if total == 0 {
        100.0
    } else {
        #[expect(clippy::cast_precision_loss, reason = "line counts are small")]
        let value = covered as f64 * 100.0 / total as f64;
        (value * 100.0).round() / 100.0
    }
}

/// Line coverage of a policy's files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// By file name.
    pub files: BTreeMap<String, FileCoverage>,
}

impl Coverage {
    /// Covered lines over all files, in percent.
    #[must_use]
    pub fn percent(&self) -> f64 {
        let covered = self.files.values().map(|f| f.covered.len()).sum();
        let not_covered = self.files.values().map(|f| f.not_covered.len()).sum();
        percent(covered, not_covered)
    }
}

/// Whether a file holds tests only by its name (`*_test.rego`,
/// `*_test.gate`).
#[must_use]
pub fn is_test_file(name: &str) -> bool {
    name.ends_with("_test.rego") || name.ends_with("_test.gate")
}

/// Computes line coverage of `policy` from the trace events of test runs.
#[must_use]
pub fn coverage<'a>(policy: &Policy, events: impl IntoIterator<Item = &'a TraceEvent>) -> Coverage {
    let mut hit: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for event in events {
        if matches!(event.op, TraceOp::Eval | TraceOp::Exit) {
            hit.entry(&event.location.file)
                .or_default()
                .insert(event.location.row);
        }
    }
    let mut coverage = Coverage::default();
    for (file, text, module) in modules(policy) {
        if is_test_file(&file) {
            continue;
        }
        let index = LineIndex::new(&text);
        let mut lines = BTreeSet::new();
        for item in &module.items {
            let Item::Rule(rule) = item else { continue };
            if rule.head.reference.name.text.starts_with("test_") {
                continue;
            }
            lines.insert(index.line_col(&text, rule.head.span.start).line);
            for body in walk::bodies_of(item) {
                for literal in &body.literals {
                    lines.insert(index.line_col(&text, literal.span.start).line);
                }
            }
        }
        if lines.is_empty() {
            continue;
        }
        let hits = hit.get(&*file).cloned().unwrap_or_default();
        let (covered, not_covered) = lines.into_iter().partition(|l| hits.contains(l));
        coverage.files.insert(
            file.to_string(),
            FileCoverage {
                covered,
                not_covered,
            },
        );
    }
    coverage
}

/// What tests mention, to tell which controls are tested: a control is
/// tested when a `test_*` rule's name contains its id in snake case
/// (`test_c_fair_01_...`) or its body contains the id as a string.
#[derive(Debug, Clone, Default)]
pub struct TestMentions {
    names: Vec<String>,
    strings: BTreeSet<String>,
}

impl TestMentions {
    /// Collects the mentions of every test rule of `modules`.
    #[must_use]
    pub fn of(modules: &[&Module]) -> Self {
        let mut mentions = Self::default();
        for module in modules {
            for item in &module.items {
                let Item::Rule(rule) = item else { continue };
                if !rule.head.reference.name.text.starts_with("test_") {
                    continue;
                }
                mentions.names.push(rule.head.reference.name.text.clone());
                walk::rule(rule, &mut |e: &Expr| {
                    if let ExprKind::String(s) = &e.kind {
                        mentions.strings.insert(s.value.clone());
                    }
                });
            }
        }
        mentions
    }

    /// Collects the mentions of the test rules of a compiled policy.
    #[must_use]
    pub fn of_policy(policy: &Policy) -> Self {
        let parsed = modules(policy);
        let modules: Vec<&Module> = parsed.iter().map(|(_, _, m)| m).collect();
        Self::of(&modules)
    }

    /// Whether some test mentions control `id`.
    #[must_use]
    pub fn is_tested(&self, id: &str) -> bool {
        let snake = crate::lint::snake_id(id);
        self.strings.contains(id) || self.names.iter().any(|n| n.contains(&snake))
    }
}
