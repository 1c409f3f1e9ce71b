//! End-to-end tests of `riskgate lint`: codes on a deliberately bad
//! policy, formats, ignore comments and configuration.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeSet;
use std::path::Path;

mod support;

use support::{ROOT, riskgate, riskgate_in};

const BAD: &str = "cli/tests/fixtures/lint/bad.gate";

fn codes(json: &str) -> Vec<(String, u64)> {
    let json: serde_json::Value = serde_json::from_str(json).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_bad_policy_reports_every_lint_code() {
    let (code, stdout, _) = riskgate(&["lint", BAD, "-f", "json"]);
    assert_eq!(code, 1);
    let found = codes(&stdout);
    let distinct: BTreeSet<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert!(distinct.len() >= 10, "{distinct:?}");
    let all: BTreeSet<String> = (1..=15).map(|n| format!("L{n:04}")).collect();
    let distinct: BTreeSet<String> = distinct.into_iter().map(str::to_owned).collect();
    assert_eq!(distinct, all);
    insta::assert_snapshot!(
        found
            .iter()
            .map(|(c, l)| format!("{c} line {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn pretty_output_renders_diagnostics_with_help() {
    let (code, stdout, stderr) = riskgate(&["lint", BAD]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "Found 17 findings (15 distinct codes) in 1 file.\n");
    insta::assert_snapshot!(stderr);
}

#[test]
fn ignore_comments_suppress_their_line() {
    let (_, stdout, _) = riskgate(&["lint", BAD, "-f", "json"]);
    let found = codes(&stdout);
    // `spare` (same-line comment) and `otherSpare` (comment on the line
    // before) are unused but ignored.
    let source = std::fs::read_to_string(Path::new(ROOT).join(BAD)).unwrap();
    let line_of = |needle: &str| {
        u64::try_from(source.lines().position(|l| l.contains(needle)).unwrap() + 1).unwrap()
    };
    for needle in ["spare := 1", "otherSpare := 2"] {
        let line = line_of(needle);
        assert!(
            !found.iter().any(|(_, l)| *l == line),
            "line {line}: {found:?}"
        );
    }
}

#[test]
fn sarif_and_github_formats() {
    let (code, stdout, _) = riskgate(&["lint", BAD, "-f", "sarif"]);
    assert_eq!(code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 17);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            BAD
        );
    }

    let (code, stdout, _) = riskgate(&["lint", BAD, "-f", "github"]);
    assert_eq!(code, 1);
    let first = stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "::warning file=cli/tests/fixtures/lint/bad.gate,line=3,col=1,endLine=3,endColumn=31,title=L0002 unused-import::import `unused_helpers` is never used%0Aremove the import"
    );
    assert_eq!(stdout.lines().count(), 17);
}

#[test]
fn select_ignore_and_config_file() {
    let (_, stdout, _) = riskgate(&["lint", BAD, "-f", "json", "--select", "L0004,unused-import"]);
    let found: BTreeSet<String> = codes(&stdout).into_iter().map(|(c, _)| c).collect();
    assert_eq!(
        found,
        BTreeSet::from(["L0002".to_owned(), "L0004".to_owned()])
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(Path::new(ROOT).join(BAD), dir.path().join("bad.gate")).unwrap();
    std::fs::write(
        dir.path().join("riskgate.toml"),
        "[lint]\nignore = [\"L00\"]\nselect = [\"L0015\", \"L0014\"]\nmax-line-length = 200\n",
    )
    .unwrap();
    // Everything is ignored.
    let (code, stdout, _) = riskgate_in(dir.path(), &["lint", "bad.gate"]);
    assert_eq!(
        (code, stdout.as_str()),
        (0, "No lint findings in 1 file.\n")
    );

    std::fs::write(
        dir.path().join("riskgate.toml"),
        "[lint]\nselect = [\"L0014\", \"L0015\"]\nmax-line-length = 200\n\n[lint.severity]\nL0014 = \"hint\"\n",
    )
    .unwrap();
    let (code, stdout, _) = riskgate_in(dir.path(), &["lint", "bad.gate", "-f", "json"]);
    // Only hints are left: the long line is within 200 characters.
    assert_eq!(code, 0, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let severities: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["hint"]);

    std::fs::write(
        dir.path().join("riskgate.toml"),
        "[lint]\nignore = [\"L9999\"]\n",
    )
    .unwrap();
    // A code that selects nothing is a typo: an error at its position,
    // printed once.
    let (code, stdout, stderr) = riskgate_in(dir.path(), &["lint", "bad.gate"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "error: riskgate.toml:2:11: lint.ignore: `L9999` is not a diagnostic code, code prefix or name (see docs/diagnostics.md)\n"
    );
}

#[test]
fn the_examples_and_their_tests_are_clean() {
    let (code, stdout, _) = riskgate(&["lint", "examples/policies"]);
    assert_eq!(
        (code, stdout.as_str()),
        (0, "No lint findings in 4 files.\n")
    );
}

#[test]
fn syntax_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.rego"), "package p\n\nallow if {\n").unwrap();
    let (code, _, stderr) = riskgate_in(dir.path(), &["lint", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("E0"), "{stderr}");
}
