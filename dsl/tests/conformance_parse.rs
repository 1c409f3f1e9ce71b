//! Parses every module, query and input term of OPA's v1 conformance cases
//! (vendored under `tests/conformance/opa-v1`) and checks the count of
//! cases the front end handles never drops below the committed baseline.
//!
//! A case counts as handled when all its sources parse, or when it expects
//! a parse error (`rego_parse_error`) and we report one too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use riskgate_dsl::{Dialect, ParseOptions, parse_module, parse_query, parse_term};

/// Cases the parser must keep handling; raise it when the parser improves.
const BASELINE: usize = 2067;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/opa-v1")
}

fn case_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in fs::read_dir(cases_dir()).expect("conformance cases are vendored") {
        let folder = folder.unwrap().path();
        for file in fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            // The suite is the `.json` files; a stray `.yml` export duplicates one.
            if file.extension().is_some_and(|ext| ext == "json") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

struct Outcome {
    note: String,
    handled: bool,
    first_error: Option<String>,
}

fn run_case(case: &serde_json::Value) -> Outcome {
    let note = case["note"].as_str().unwrap_or_default().to_string();
    let expects_parse_error = case["want_error_code"].as_str() == Some("rego_parse_error");
    let options = ParseOptions::new(Dialect::Rego);
    let mut errors = Vec::new();
    for module in case["modules"].as_array().into_iter().flatten() {
        let source = module.as_str().unwrap_or_default();
        let parsed = parse_module(source, options);
        if let Some(d) = parsed.diagnostics.first() {
            let at = riskgate_dsl::LineIndex::new(source).line_col(source, d.primary_span().start);
            errors.push(format!("{} {} at {at}", d.code().id, d.message()));
        }
    }
    if let Some(query) = case["query"].as_str()
        && let Err(diagnostics) = parse_query(query, options)
    {
        errors.push(format!(
            "query: {:?}",
            diagnostics.first().map(|d| d.message().to_string())
        ));
    }
    if let Some(term) = case["input_term"].as_str()
        && let Err(diagnostics) = parse_term(term)
    {
        errors.push(format!(
            "input_term: {:?}",
            diagnostics.first().map(|d| d.message().to_string())
        ));
    }
    let handled = if expects_parse_error {
        !errors.is_empty()
    } else {
        errors.is_empty()
    };
    Outcome {
        note,
        handled,
        first_error: errors.into_iter().next(),
    }
}

#[test]
fn conformance_sources_parse() {
    let mut total = 0;
    let mut handled = 0;
    let mut failures = Vec::new();
    for file in case_files() {
        let text = fs::read_to_string(&file).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        for case in json["cases"].as_array().into_iter().flatten() {
            total += 1;
            let outcome = run_case(case);
            if outcome.handled {
                handled += 1;
            } else {
                failures.push(format!(
                    "{}: {}",
                    outcome.note,
                    outcome
                        .first_error
                        .unwrap_or_else(|| "parsed, but a parse error was expected".into())
                ));
            }
        }
    }
    println!("front end handles {handled} of {total} conformance cases");
    for failure in &failures {
        println!("  not handled: {failure}");
    }
    assert_eq!(total, 2067, "the vendored suite changed");
    assert!(
        handled >= BASELINE,
        "parser regression: {handled} handled, baseline {BASELINE}"
    );
}
