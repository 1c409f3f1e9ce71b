//! End-to-end tests of `riskgate eval`: output formats, data loading,
//! input from stdin, errors and exit codes.

#![allow(clippy::unwrap_used, reason = "tests")]

use assert_cmd::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eval");

/// Runs `riskgate eval` in the fixtures directory; returns exit code,
/// stdout and stderr.
fn eval(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("riskgate").unwrap();
    cmd.current_dir(FIXTURES)
        .env("NO_COLOR", "1")
        .args(["--color", "never", "eval"])
        .args(args);
    if let Some(text) = stdin {
        cmd.write_stdin(text);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn transcript(args: &[&str], stdin: Option<&str>) -> String {
    let (code, stdout, stderr) = eval(args, stdin);
    format!(
        "$ riskgate eval {}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        args.join(" ")
    )
}

const POLICY: [&str; 6] = ["-d", "release.rego", "-d", "data", "-i", "input.json"];

fn with_policy(rest: &[&str]) -> Vec<&'static str> {
    let mut args: Vec<&'static str> = POLICY.to_vec();
    for arg in rest {
        args.push(Box::leak(arg.to_string().into_boxed_str()));
    }
    args
}

#[test]
fn json_output_has_the_opa_eval_shape() {
    insta::assert_snapshot!(transcript(&with_policy(&["data.release"]), None));
}

#[test]
fn json_output_with_bindings() {
    insta::assert_snapshot!(transcript(
        &with_policy(&["msg := data.release.deny[_]"]),
        None
    ));
}

#[test]
fn every_format() {
    let mut all = String::new();
    for format in ["raw", "pretty", "values", "bindings"] {
        all.push_str(&transcript(
            &with_policy(&[
                "-f",
                format,
                "x := data.release.deny[_]; limits := data.limits",
            ]),
            None,
        ));
        all.push('\n');
    }
    all.push_str(&transcript(&["-f", "pretty", "1 + 1"], None));
    all.push_str(&transcript(&["-f", "raw", "\"text\""], None));
    insta::assert_snapshot!(all);
}

#[test]
fn data_files_merge_under_their_directory() {
    insta::assert_snapshot!(transcript(&["-d", "data", "data"], None));
}

#[test]
fn input_from_stdin_json_and_yaml() {
    let json = std::fs::read_to_string(format!("{FIXTURES}/input.json")).unwrap();
    let yaml = std::fs::read_to_string(format!("{FIXTURES}/input.yaml")).unwrap();
    let args = [
        "-d",
        "release.rego",
        "-d",
        "data",
        "-i",
        "-",
        "-f",
        "values",
        "data.release.allow",
    ];
    let (code, stdout, _) = eval(&args, Some(&json));
    assert_eq!((code, stdout.as_str()), (0, "[\n  false\n]\n"));
    let (code, stdout, _) = eval(&args, Some(&yaml));
    assert_eq!((code, stdout.as_str()), (0, "[\n  false\n]\n"));
    let (code, stdout, _) = eval(&["-i", "input.yaml", "-f", "raw", "input.model.risk"], None);
    assert_eq!((code, stdout.as_str()), (0, "high\n"));
}

#[test]
fn parse_error_exits_2_with_location() {
    let mut all = transcript(&["-d", "bad.rego", "data.bad.allow"], None);
    all.push_str(&transcript(
        &["-d", "bad.rego", "-f", "pretty", "data.bad.allow"],
        None,
    ));
    insta::assert_snapshot!(all);
}

#[test]
fn query_errors_point_at_the_query() {
    insta::assert_snapshot!(transcript(&["x := data.nope(1)"], None));
}

#[test]
fn fail_and_fail_defined() {
    let base = ["-d", "release.rego", "-d", "data", "-i", "input.json"];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        eval(&args, None).0
    };
    assert_eq!(run(&["--fail", "data.release.deny[_]"]), 0);
    // A lone comparison reports `false` as its value (defined), as in OPA.
    assert_eq!(run(&["--fail", "data.release.allow == true"]), 0);
    assert_eq!(run(&["--fail", "data.release.allow == true; true"]), 1);
    assert_eq!(run(&["--fail", "x := data.release.nothing"]), 1);
    assert_eq!(run(&["--fail-defined", "data.release.deny[_]"]), 1);
    assert_eq!(run(&["--fail-defined", "x := data.release.nothing"]), 0);
}

#[test]
fn runaway_policies_stop_at_a_limit_with_exit_2() {
    let mut all = transcript(
        &["-d", "loop.rego", "--max-steps", "100000", "data.loop.n"],
        None,
    );
    all.push_str(&transcript(
        &[
            "-d",
            "loop.rego",
            "-f",
            "pretty",
            "--max-steps",
            "100000",
            "data.loop.n",
        ],
        None,
    ));
    insta::assert_snapshot!(all);
    let (code, _, stdout_err) = eval(
        &["-d", "loop.rego", "--timeout", "100ms", "data.loop.n"],
        None,
    );
    assert_eq!(code, 2, "{stdout_err}");
}

#[test]
fn now_is_fixed_and_print_goes_to_stderr() {
    insta::assert_snapshot!(transcript(
        &[
            "-d",
            "clock.rego",
            "-i",
            "input.json",
            "--now",
            "2024-05-01T12:00:00Z",
            "-f",
            "raw",
            "data.clock.year; data.clock.hello",
        ],
        None
    ));
    let (code, _, stderr) = eval(&["--now", "yesterday", "1"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("RFC 3339"), "{stderr}");
}

#[test]
fn explain_traces_rules_and_failures() {
    let mut all = transcript(
        &with_policy(&["-f", "pretty", "--explain", "fails", "data.release.allow"]),
        None,
    );
    all.push_str(&transcript(
        &with_policy(&["-f", "pretty", "--explain", "full", "data.release.deny"]),
        None,
    ));
    insta::assert_snapshot!(all);
}

#[test]
fn strict_builtin_errors() {
    let (code, stdout, _) = eval(&["-f", "values", "to_number(\"x\")"], None);
    assert_eq!((code, stdout.as_str()), (0, "[]\n"));
    let (code, stdout, _) = eval(&["--strict-builtin-errors", "to_number(\"x\")"], None);
    assert_eq!(code, 2);
    assert!(stdout.contains("eval_builtin_error"), "{stdout}");
}
