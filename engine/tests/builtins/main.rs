//! Data-driven builtin tests.
//!
//! Each `cases/<category>.txt` line is `call(args...) => expected`, where
//! arguments and results are Rego literals (sets included) and `expected` is
//! a value, `type_error: <message>` (`eval_type_error`) or
//! `builtin_error: <message>` (`eval_builtin_error`). Lines starting with `#`
//! are comments.

mod literal;

use std::collections::BTreeSet;
use std::path::Path;

use riskgate_engine::Value;
use riskgate_engine::builtins::{self, BuiltinContext, BuiltinErrorKind};

fn context() -> BuiltinContext {
    BuiltinContext {
        now_ns: 0,
        rand_seed: None,
        net: None,
    }
}

/// Runs one case line; returns the builtin name it called.
fn run_line(file: &str, line_no: usize, line: &str) -> Result<String, String> {
    let (call, expected) = line
        .split_once(" => ")
        .ok_or_else(|| format!("{file}:{line_no}: missing ` => `"))?;
    let open = call
        .find('(')
        .ok_or_else(|| format!("{file}:{line_no}: missing `(`"))?;
    let name = call[..open].trim();
    let args_text = call[open + 1..]
        .trim_end()
        .strip_suffix(')')
        .ok_or_else(|| format!("{file}:{line_no}: missing `)`"))?;
    let args = literal::parse_list(args_text)
        .map_err(|e| format!("{file}:{line_no}: bad arguments: {e}"))?;
    let builtin = builtins::lookup(name)
        .ok_or_else(|| format!("{file}:{line_no}: unknown builtin {name}"))?;
    if builtin.arity != args.len() {
        return Err(format!(
            "{file}:{line_no}: {name} takes {} arguments, case has {}",
            builtin.arity,
            args.len()
        ));
    }
    let actual = (builtin.func)(&context(), &args);
    let expected = expected.trim();
    let error_want = [
        ("type_error: ", BuiltinErrorKind::Type),
        ("builtin_error: ", BuiltinErrorKind::Failed),
        ("undefined: ", BuiltinErrorKind::Undefined),
    ]
    .into_iter()
    .find_map(|(prefix, kind)| expected.strip_prefix(prefix).map(|message| (kind, message)));
    let outcome = match (error_want, &actual) {
        (Some((kind, message)), Err(error)) if error.kind == kind && error.message == message => {
            Ok(())
        }
        (None, Ok(value)) => {
            let want = literal::parse(expected)
                .map_err(|e| format!("{file}:{line_no}: bad expected value: {e}"))?;
            if *value == want && value.to_string() == want.to_string() {
                Ok(())
            } else {
                Err(())
            }
        }
        _ => Err(()),
    };
    outcome.map_err(|()| {
        let got = match &actual {
            Ok(value) => value.to_string(),
            Err(error) => format!("{}: {}", error.code(), error.message),
        };
        format!("{file}:{line_no}: {call}\n    want: {expected}\n    got:  {got}")
    })?;
    Ok(name.to_string())
}

/// Case files whose builtins exist only with the `opa-extras` feature.
const FEATURE_FILES: &[&str] = &["jwt_asym.txt", "x509.txt"];

#[test]
fn builtin_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/builtins/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    let mut count = 0;
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        if !cfg!(feature = "opa-extras") && FEATURE_FILES.contains(&file.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            count += 1;
            match run_line(&file, index + 1, line) {
                Ok(name) => {
                    covered.insert(name);
                }
                Err(failure) => failures.push(failure),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let uncovered: Vec<_> = builtins::all()
        .into_iter()
        .map(|builtin| builtin.name)
        .filter(|name| !covered.contains(*name))
        .collect();
    assert!(
        uncovered.is_empty(),
        "builtins without cases: {uncovered:?}"
    );
}

#[test]
fn registry_entries_are_documented() {
    for builtin in builtins::all() {
        assert!(
            !builtin.category.is_empty(),
            "{} has no category",
            builtin.name
        );
        assert!(
            builtin.summary.ends_with('.') && builtin.summary.len() > 10,
            "{} needs a one-line summary",
            builtin.name
        );
    }
}

#[test]
fn literal_parser_round_trips() {
    for text in [
        "null",
        "[1, \"a\", {\"k\": set()}]",
        "{1, 2, {3}}",
        "-1.5",
        "{[1]: true}",
    ] {
        assert_eq!(literal::parse(text).unwrap().to_string(), text);
    }
    assert_eq!(literal::parse("{}").unwrap(), Value::empty_object());
}
