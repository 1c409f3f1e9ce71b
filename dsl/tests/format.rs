//! Snapshot tests of the formatter over `tests/data/fmt/*.rego` and
//! `*.gate`. Files named `*.v0.rego` are parsed in v0-compatible mode; their
//! output must be valid Rego v1.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};

use riskgate_dsl::format::{format_module, format_source};
use riskgate_dsl::{Dialect, ParseOptions, parse_module};

fn data_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fmt");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "rego" || ext == "gate")
        })
        .collect();
    files.sort();
    files
}

fn options_for(name: &str) -> ParseOptions {
    ParseOptions::new(Dialect::for_path(name)).with_v0_compatible(name.contains(".v0."))
}

/// Formats one data file and checks the snapshot, idempotence, that the
/// output parses to the same tree, and that no comment is lost or doubled.
fn check(path: &Path) {
    let name = path.file_name().unwrap().to_str().unwrap();
    let source = std::fs::read_to_string(path).unwrap();
    let parsed = parse_module(&source, options_for(name));
    assert!(
        !parsed.has_errors(),
        "{name}: input does not parse: {:#?}",
        parsed.diagnostics
    );

    let formatted = format_module(&parsed.module, &source);
    insta::assert_snapshot!(name.replace('.', "_"), formatted);

    let v1 = ParseOptions::new(Dialect::for_path(name));
    let reparsed = parse_module(&formatted, v1);
    assert!(
        !reparsed.has_errors(),
        "{name}: output does not parse as v1: {:#?}\n{formatted}",
        reparsed.diagnostics
    );
    assert_eq!(
        reparsed.module.comments.len(),
        parsed.module.comments.len(),
        "{name}: comment count changed\n{formatted}"
    );
    assert_eq!(
        support::spanless(&reparsed.module),
        support::spanless(&parsed.module),
        "{name}: formatting changed the tree\n{formatted}"
    );

    let again = format_source(&formatted, v1).unwrap();
    assert_eq!(again, formatted, "{name}: formatting is not idempotent");
}

#[test]
fn data_files_format_canonically() {
    let files = data_files();
    assert!(files.len() >= 10, "expected the fmt data files");
    let failed: Vec<String> = files
        .iter()
        .filter(|file| std::panic::catch_unwind(|| check(file)).is_err())
        .map(|file| file.display().to_string())
        .collect();
    assert!(failed.is_empty(), "failing inputs: {failed:#?}");
}

#[test]
fn comment_count_is_preserved_on_every_input() {
    for file in data_files() {
        let name = file.file_name().unwrap().to_str().unwrap().to_owned();
        let source = std::fs::read_to_string(&file).unwrap();
        let parsed = parse_module(&source, options_for(&name));
        let formatted = format_module(&parsed.module, &source);
        let before: Vec<&str> = parsed
            .module
            .comments
            .iter()
            .map(|c| c.text.trim_end())
            .collect();
        let reparsed = parse_module(&formatted, ParseOptions::new(Dialect::for_path(&name)));
        let after: Vec<&str> = reparsed
            .module
            .comments
            .iter()
            .map(|c| c.text.trim_end())
            .collect();
        assert_eq!(
            before, after,
            "{name}: comments lost, duplicated or reordered"
        );
        let hashes = source.lines().filter(|l| l.contains('#')).count();
        assert!(
            hashes == 0 || !before.is_empty(),
            "{name}: the parser recorded no comments"
        );
    }
}

#[test]
fn syntax_errors_are_returned_not_formatted() {
    let result = format_source(
        "package p\n\nallow if {\n",
        ParseOptions::new(Dialect::Rego),
    );
    let errors = result.unwrap_err();
    assert!(!errors.is_empty());
}

#[test]
fn empty_module_formats_to_package_only() {
    let out = format_source("package   p\n\n\n", ParseOptions::new(Dialect::Rego)).unwrap();
    assert_eq!(out, "package p\n");
}

/// Every module of OPA's v1 conformance cases that parses must format to
/// text that parses to the same tree (comments included) and is stable.
#[test]
fn conformance_modules_round_trip() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/opa-v1");
    let mut files = Vec::new();
    for folder in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(folder.unwrap().path()).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|ext| ext == "json") {
                files.push(file);
            }
        }
    }
    files.sort();
    let options = ParseOptions::new(Dialect::Rego);
    let mut checked = 0;
    let mut failures = Vec::new();
    for file in &files {
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let modules = case["cases"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|case| case["modules"].as_array().into_iter().flatten());
        for module in modules {
            let source = module.as_str().unwrap_or_default();
            let parsed = parse_module(source, options);
            if parsed.has_errors() {
                continue;
            }
            checked += 1;
            let formatted = format_module(&parsed.module, source);
            let reparsed = parse_module(&formatted, options);
            let problem = if reparsed.has_errors() {
                Some("output does not parse")
            } else if support::spanless(&reparsed.module) != support::spanless(&parsed.module) {
                Some("tree changed")
            } else if format_module(&reparsed.module, &formatted) != formatted {
                Some("not idempotent")
            } else {
                None
            };
            if let Some(problem) = problem {
                failures.push(format!(
                    "{}: {problem}\n--- input\n{source}\n--- output\n{formatted}",
                    file.display()
                ));
            }
        }
    }
    assert!(checked > 1000, "only {checked} modules checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} modules failed; first:\n{}",
        failures.len(),
        failures.first().unwrap()
    );
}
