//! OPA conformance cases and the rules for judging an engine against them.
//!
//! One implementation serves the engine's CI baseline test
//! (`engine/tests/opa_conformance.rs`), `cargo xtask conformance` (riskgate
//! and regorus side by side) and the differential tests. An engine only has
//! to turn a [`Case`] into a [`Run`] (its solutions as JSON binding objects, or
//! an error); [`judge`] decides whether that matches the expectation.

pub mod case;
#[cfg(feature = "regorus")]
pub mod regorus_engine;
pub mod riskgate_engine;
pub mod suite;

pub use case::{Case, LoadError, load_suite};
#[cfg(feature = "regorus")]
pub use regorus_engine::Regorus;
pub use riskgate_engine::Riskgate;
pub use suite::{FolderStats, Report, run_suite};

use serde_json::Value as Json;

/// What an engine produced for one case.
#[derive(Debug, Clone, PartialEq)]
pub enum Run {
    /// The query's solutions: one JSON object of variable bindings each.
    Results(Vec<serde_json::Map<String, Json>>),
    /// Compilation or evaluation failed.
    Error {
        /// OPA's error code, when the engine knows it (regorus does not).
        code: Option<String>,
        /// The message.
        message: String,
    },
    /// The harness could not set the case up (e.g. an unreadable
    /// `input_term`) or the engine panicked; always a failure.
    Harness(String),
}

/// A policy engine under test.
pub trait Engine {
    /// Short name for reports (`riskgate`, `regorus`).
    fn name(&self) -> &'static str;
    /// Compiles the case's modules and evaluates its query.
    fn run(&self, case: &Case) -> Run;
}

/// The verdict on one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// As expected. For expected errors with a `want_error` text,
    /// `message_matched` says whether the message contains it.
    Pass {
        /// Whether the error message contains `want_error`, when both exist.
        message_matched: Option<bool>,
    },
    /// Not as expected, with the reason.
    Fail(Failure),
}

/// Why a case failed, grouped for reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// An error where results were expected.
    UnexpectedError {
        /// The engine's code (if any).
        code: Option<String>,
        /// The message.
        message: String,
    },
    /// An error with another code than `want_error_code`.
    WrongErrorCode {
        /// Expected code.
        want: String,
        /// Actual code.
        got: String,
        /// The message.
        message: String,
    },
    /// Results where an error was expected.
    MissingError {
        /// How many solutions there were instead.
        results: usize,
    },
    /// Different solutions.
    WrongResult {
        /// Expected solutions, canonical JSON text, sorted.
        want: Vec<String>,
        /// Actual solutions, canonical JSON text, sorted.
        got: Vec<String>,
    },
    /// Setup failure or panic.
    Harness(String),
}

impl Failure {
    /// A short category for tables: `wrong result`, `missing error`,
    /// `unexpected <code>`, `wrong code`, `harness`.
    #[must_use]
    pub fn category(&self) -> String {
        match self {
            Failure::UnexpectedError { code, .. } => {
                format!("unexpected {}", code.as_deref().unwrap_or("error"))
            }
            Failure::WrongErrorCode { want, got, .. } => format!("{got} instead of {want}"),
            Failure::MissingError { .. } => "missing error".to_owned(),
            Failure::WrongResult { .. } => "wrong result".to_owned(),
            Failure::Harness(_) => "harness/panic".to_owned(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::UnexpectedError { code, message } => write!(
                f,
                "unexpected error {}: {message}",
                code.as_deref().unwrap_or("(no code)")
            ),
            Failure::WrongErrorCode { want, got, message } => {
                write!(f, "want {want}, got {got}: {message}")
            }
            Failure::MissingError { results } => {
                write!(f, "expected an error, got {results} results")
            }
            Failure::WrongResult { want, got } => write!(f, "want {want:?}\n     got {got:?}"),
            Failure::Harness(why) => f.write_str(why),
        }
    }
}

/// Sorts an array by the JSON text of its elements (`sort_bindings`).
fn sort_array(value: &mut Json) {
    if let Json::Array(items) = value {
        items.sort_by_key(ToString::to_string);
    }
}

/// Canonical text of solutions: each binding object as JSON text (keys are
/// ordered by `serde_json`), arrays in bindings sorted when `sort_bindings`,
/// and the list itself sorted so solution order does not matter.
#[must_use]
pub fn canonical_results(results: &[serde_json::Map<String, Json>], sort: bool) -> Vec<String> {
    let mut texts: Vec<String> = results
        .iter()
        .map(|bindings| {
            let mut object = bindings.clone();
            if sort {
                object.values_mut().for_each(sort_array);
            }
            Json::Object(object).to_string()
        })
        .collect();
    texts.sort();
    texts
}

/// Judges one engine run against the case's expectation.
///
/// An expected error passes on any error when the case gives no
/// `want_error_code`; with a code, the engine's code must equal it. An
/// engine that reports no codes (`code: None`, regorus) passes on any error.
#[must_use]
pub fn judge(case: &Case, run: Run) -> Outcome {
    let expects_error = case.expects_error();
    match run {
        Run::Harness(why) => Outcome::Fail(Failure::Harness(why)),
        Run::Error { code, message } => {
            if !expects_error {
                return Outcome::Fail(Failure::UnexpectedError { code, message });
            }
            if let (Some(want), Some(got)) = (&case.want_error_code, &code)
                && want != got
            {
                return Outcome::Fail(Failure::WrongErrorCode {
                    want: want.clone(),
                    got: got.clone(),
                    message,
                });
            }
            Outcome::Pass {
                message_matched: case.want_error.as_ref().map(|w| message.contains(w)),
            }
        }
        Run::Results(results) => {
            if expects_error {
                return Outcome::Fail(Failure::MissingError {
                    results: results.len(),
                });
            }
            let got = canonical_results(&results, case.sort_bindings);
            let want = canonical_results(&case.want_result, case.sort_bindings);
            if got == want {
                Outcome::Pass {
                    message_matched: None,
                }
            } else {
                Outcome::Fail(Failure::WrongResult { want, got })
            }
        }
    }
}
