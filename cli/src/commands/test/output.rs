//! Rendering `riskgate test` results: pretty text, JSON and JUnit XML.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use riskgate_engine::eval::TraceOp;
use riskgate_engine::testing::{Coverage, FileCoverage, TestOutcome};

use super::golden::GoldenStatus;
use super::{Report, RuleRun};
use crate::commands::eval::output::trace_text;
use crate::report::json::to_pretty_json;
use crate::report::junit;

fn location(run: &RuleRun) -> String {
    let t = &run.result.test;
    format!("{}:{}:{}", t.file, t.line, t.col)
}

fn status(run: &RuleRun) -> &'static str {
    match run.result.outcome {
        TestOutcome::Pass => "PASS",
        TestOutcome::Fail(_) => "FAIL",
        TestOutcome::Error(_) => "ERROR",
    }
}

fn failure_detail(outcome: &TestOutcome) -> Option<String> {
    match outcome {
        TestOutcome::Pass => None,
        TestOutcome::Fail(None) => Some("the test is undefined".to_owned()),
        TestOutcome::Fail(Some(value)) => Some(format!("the test's value is {value}, not true")),
        TestOutcome::Error(message) => Some(message.clone()),
    }
}

fn golden_label(status: &GoldenStatus) -> &'static str {
    match status {
        GoldenStatus::Pass => "PASS",
        GoldenStatus::Fail(_) => "FAIL",
        GoldenStatus::Updated => "UPDATED",
        GoldenStatus::Error(_) => "ERROR",
    }
}

/// Consecutive line numbers as ranges: `3-5, 9`.
fn ranges(lines: &BTreeSet<u32>) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for &line in lines {
        match out.last_mut() {
            Some((_, end)) if *end + 1 == line => *end = line,
            _ => out.push((line, line)),
        }
    }
    out
}

fn ranges_text(lines: &BTreeSet<u32>) -> String {
    ranges(lines)
        .into_iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Human-readable: failures (every test with `verbose`), a summary and
/// the coverage table.
pub fn pretty(report: &Report, verbose: bool) -> String {
    let mut out = String::new();
    for run in &report.rules {
        let passed = run.result.passed();
        if passed && !verbose && run.bench.is_none() {
            continue;
        }
        let _ = write!(
            out,
            "{} {} ({})",
            status(run),
            run.result.test.full_name(),
            location(run)
        );
        if let Some((iterations, ns)) = run.bench {
            let _ = write!(out, "  {iterations} runs, {} per run", duration(ns));
        }
        out.push('\n');
        if let Some(detail) = failure_detail(&run.result.outcome) {
            let _ = writeln!(out, "  {detail}");
            if verbose {
                for line in &run.result.prints {
                    let _ = writeln!(out, "  print: {line}");
                }
                let fails: Vec<_> = run
                    .result
                    .trace
                    .iter()
                    .filter(|e| e.op == TraceOp::Fail)
                    .collect();
                if !fails.is_empty() {
                    out.push_str("  trace:\n");
                    for line in trace_text(&fails).lines() {
                        let _ = writeln!(out, "    {line}");
                    }
                }
            }
        }
    }
    for result in &report.golden {
        if result.status == GoldenStatus::Pass && !verbose {
            continue;
        }
        let _ = writeln!(
            out,
            "{} golden {}",
            golden_label(&result.status),
            result.case.name
        );
        match &result.status {
            GoldenStatus::Fail(diff) => {
                for line in diff.lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
            GoldenStatus::Error(message) => {
                let _ = writeln!(out, "  {message}");
            }
            GoldenStatus::Pass | GoldenStatus::Updated => {}
        }
    }
    let counts = Counts::of(report);
    if !out.is_empty() {
        out.push_str(
            "--------------------------------------------------------------------------------\n",
        );
    }
    let _ = writeln!(
        out,
        "{} tests: {} passed, {} failed, {} errors",
        counts.total, counts.passed, counts.failed, counts.errors
    );
    if let Some(coverage) = &report.coverage {
        out.push_str(&coverage_table(coverage));
    }
    out
}

fn duration(ns: u128) -> String {
    if ns >= 1_000_000 {
        format!("{:.2} ms", ns as f64 / 1e6)
    } else if ns >= 1_000 {
        format!("{:.2} µs", ns as f64 / 1e3)
    } else {
        format!("{ns} ns")
    }
}

fn coverage_table(coverage: &Coverage) -> String {
    let width = coverage
        .files
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(4)
        .max(5);
    let mut out = String::from("\nCoverage:\n");
    for (file, c) in &coverage.files {
        let total = c.covered.len() + c.not_covered.len();
        let _ = write!(
            out,
            "  {file:width$}  {:>4}/{:<4} lines  {:>6.2}%",
            c.covered.len(),
            total,
            c.percent()
        );
        if !c.not_covered.is_empty() {
            let _ = write!(out, "  not covered: {}", ranges_text(&c.not_covered));
        }
        out.push('\n');
    }
    let covered: usize = coverage.files.values().map(|f| f.covered.len()).sum();
    let total: usize = coverage
        .files
        .values()
        .map(|f| f.covered.len() + f.not_covered.len())
        .sum();
    let _ = writeln!(
        out,
        "  {:width$}  {covered:>4}/{total:<4} lines  {:>6.2}%",
        "total",
        coverage.percent()
    );
    out
}

struct Counts {
    total: usize,
    passed: usize,
    failed: usize,
    errors: usize,
}

impl Counts {
    fn of(report: &Report) -> Self {
        let mut counts = Self {
            total: report.rules.len() + report.golden.len(),
            passed: 0,
            failed: 0,
            errors: 0,
        };
        for run in &report.rules {
            match run.result.outcome {
                TestOutcome::Pass => counts.passed += 1,
                TestOutcome::Fail(_) => counts.failed += 1,
                TestOutcome::Error(_) => counts.errors += 1,
            }
        }
        for golden in &report.golden {
            match golden.status {
                GoldenStatus::Pass | GoldenStatus::Updated => counts.passed += 1,
                GoldenStatus::Fail(_) => counts.failed += 1,
                GoldenStatus::Error(_) => counts.errors += 1,
            }
        }
        counts
    }
}

fn file_coverage_json(c: &FileCoverage) -> serde_json::Value {
    let ranges_json = |lines: &BTreeSet<u32>| -> Vec<serde_json::Value> {
        ranges(lines)
            .into_iter()
            .map(|(start, end)| serde_json::json!({"start": {"row": start}, "end": {"row": end}}))
            .collect()
    };
    serde_json::json!({
        "covered": ranges_json(&c.covered),
        "not_covered": ranges_json(&c.not_covered),
        "covered_lines": c.covered.len(),
        "not_covered_lines": c.not_covered.len(),
        "coverage": c.percent(),
    })
}

/// Coverage as JSON (shaped like `opa test --coverage`).
pub fn coverage_json(coverage: &Coverage) -> serde_json::Value {
    let files: BTreeMap<&str, serde_json::Value> = coverage
        .files
        .iter()
        .map(|(name, c)| (name.as_str(), file_coverage_json(c)))
        .collect();
    serde_json::json!({
        "files": files,
        "covered_lines": coverage.files.values().map(|f| f.covered.len()).sum::<usize>(),
        "not_covered_lines": coverage.files.values().map(|f| f.not_covered.len()).sum::<usize>(),
        "coverage": coverage.percent(),
    })
}

/// One JSON document with every result, the summary and coverage.
pub fn json(report: &Report) -> String {
    let tests: Vec<serde_json::Value> = report
        .rules
        .iter()
        .map(|run| {
            let t = &run.result.test;
            let mut json = serde_json::json!({
                "name": t.name,
                "full_name": t.full_name(),
                "package": t.package.join("."),
                "file": &*t.file,
                "location": {"row": t.line, "col": t.col},
                "status": status(run).to_ascii_lowercase(),
                "output": run.result.prints,
            });
            if let Some(map) = json.as_object_mut() {
                if let Some(detail) = failure_detail(&run.result.outcome) {
                    map.insert("message".into(), detail.into());
                }
                if let Some((iterations, ns)) = run.bench {
                    map.insert(
                        "bench".into(),
                        serde_json::json!({"runs": iterations, "ns_per_run": ns}),
                    );
                }
            }
            json
        })
        .collect();
    let golden: Vec<serde_json::Value> = report
        .golden
        .iter()
        .map(|g| {
            let mut json = serde_json::json!({
                "case": g.case.name,
                "status": golden_label(&g.status).to_ascii_lowercase(),
            });
            if let Some(map) = json.as_object_mut() {
                match &g.status {
                    GoldenStatus::Fail(diff) => {
                        map.insert("diff".into(), diff.clone().into());
                    }
                    GoldenStatus::Error(message) => {
                        map.insert("message".into(), message.clone().into());
                    }
                    GoldenStatus::Pass | GoldenStatus::Updated => {}
                }
            }
            json
        })
        .collect();
    let counts = Counts::of(report);
    let mut doc = serde_json::json!({
        "tests": tests,
        "golden": golden,
        "summary": {
            "total": counts.total,
            "passed": counts.passed,
            "failed": counts.failed,
            "errors": counts.errors,
        },
    });
    if let (Some(coverage), Some(map)) = (&report.coverage, doc.as_object_mut()) {
        map.insert("coverage".into(), coverage_json(coverage));
    }
    to_pretty_json(&doc)
}

/// JUnit XML: one suite per policy file, plus `golden` for golden cases.
pub fn junit(report: &Report) -> String {
    let mut suites: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut tallies: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for run in &report.rules {
        let t = &run.result.test;
        let suite = t.file.to_string();
        let tally = tallies.entry(suite.clone()).or_default();
        tally.0 += 1;
        let mut case = format!(
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
            junit::attr(&t.name),
            junit::attr(&format!("data.{}", t.package.join("."))),
            junit::attr(&t.file),
            t.line
        );
        match &run.result.outcome {
            TestOutcome::Pass => case.push_str("/>\n"),
            outcome => {
                let detail = failure_detail(outcome).unwrap_or_default();
                let (tag, kind) = if matches!(outcome, TestOutcome::Error(_)) {
                    tally.2 += 1;
                    ("error", "error")
                } else {
                    tally.1 += 1;
                    ("failure", "failure")
                };
                let mut body = format!("{}: {detail}", location(run));
                for line in &run.result.prints {
                    body.push_str(&format!("\nprint: {line}"));
                }
                let _ = write!(
                    case,
                    ">\n      <{tag} message=\"{}\" type=\"{kind}\">{}</{tag}>\n    </testcase>\n",
                    junit::attr(&detail),
                    junit::text(&body)
                );
            }
        }
        suites.entry(suite).or_default().push(case);
    }
    for g in &report.golden {
        let suite = "golden".to_owned();
        let tally = tallies.entry(suite.clone()).or_default();
        tally.0 += 1;
        let mut case = format!(
            "    <testcase name=\"{}\" classname=\"golden\"",
            junit::attr(&g.case.name)
        );
        match &g.status {
            GoldenStatus::Pass | GoldenStatus::Updated => case.push_str("/>\n"),
            GoldenStatus::Fail(diff) => {
                tally.1 += 1;
                let _ = write!(
                    case,
                    ">\n      <failure message=\"the trace differs from expected.trace.json\" type=\"failure\">{}</failure>\n    </testcase>\n",
                    junit::text(diff)
                );
            }
            GoldenStatus::Error(message) => {
                tally.2 += 1;
                let _ = write!(
                    case,
                    ">\n      <error message=\"{}\" type=\"error\"/>\n    </testcase>\n",
                    junit::attr(message)
                );
            }
        }
        suites.entry(suite).or_default().push(case);
    }
    let counts = Counts::of(report);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"riskgate test\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
        counts.total, counts.failed, counts.errors
    );
    for (name, cases) in suites {
        let (tests, failures, errors) = tallies.get(&name).copied().unwrap_or_default();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">",
            junit::attr(&name)
        );
        for case in cases {
            out.push_str(&case);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
