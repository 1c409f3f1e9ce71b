//! `cargo xtask conformance`: riskgate and regorus over OPA's v1 suite.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use riskgate_conformance::{Case, Engine, Regorus, Report, Riskgate, load_suite, run_suite};

/// Runs one engine on a thread with a large stack (deep policies must not
/// overflow it) and with panic messages silenced (panics fail the case).
fn run_engine(
    engine: &(dyn Engine + Sync),
    cases: &[Case],
    filter: Option<&str>,
) -> Result<(Report, f64)> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name(engine.name().to_owned())
            .stack_size(512 << 20)
            .spawn_scoped(scope, || {
                let start = Instant::now();
                let report = run_suite(engine, cases, filter);
                (report, start.elapsed().as_secs_f64())
            })
            .map(|handle| handle.join())
    });
    std::panic::set_hook(previous);
    match outcome {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(_)) => anyhow::bail!("{} run aborted", engine.name()),
        Err(e) => Err(e).context("cannot start the engine thread"),
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// One line of a failure message for a table cell.
fn cell(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default().replace('|', "\\|");
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line
    }
}

/// The document body (everything after the intro); also printed to stdout.
fn summary(riskgate: &Report, regorus: &Report) -> String {
    let mut out = String::new();
    let run = |r: &Report| r.total - r.skipped;
    let total = run(riskgate);
    let _ = writeln!(out, "## Totals\n");
    let _ = writeln!(out, "| engine | passed | of | share |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: |");
    for (name, report) in [("riskgate", riskgate), ("regorus 0.14.1", regorus)] {
        let passed = report.passed.len();
        let _ = writeln!(
            out,
            "| {name} | {passed} | {total} | {:.1}% |",
            percent(passed, total)
        );
    }
    let both = riskgate.passed.intersection(&regorus.passed).count();
    let only_riskgate = riskgate.passed.difference(&regorus.passed).count();
    let only_regorus = regorus.passed.difference(&riskgate.passed).count();
    let _ = writeln!(
        out,
        "\nBoth pass {both}; only riskgate {only_riskgate}; only regorus {only_regorus}. \
         {} cases are marked `ignore` by the suite and not run. riskgate's expected-error \
         messages contain the suite's `want_error` text in {} of {} cases.\n",
        riskgate.skipped, riskgate.messages_matched, riskgate.messages_checked
    );

    let _ = writeln!(out, "## Per folder\n");
    let _ = writeln!(out, "| folder | cases | riskgate | regorus |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: |");
    for (folder, stats) in &riskgate.folders {
        let theirs = regorus.folders.get(folder).map_or(0, |s| s.passed);
        let mark = |passed: usize| {
            if passed == stats.total {
                format!("{passed}")
            } else {
                format!("**{passed}**")
            }
        };
        let _ = writeln!(
            out,
            "| {folder} | {} | {} | {} |",
            stats.total,
            mark(stats.passed),
            mark(theirs)
        );
    }
    let _ = writeln!(
        out,
        "| **total** | {total} | {} | {} |\n",
        riskgate.passed.len(),
        regorus.passed.len()
    );

    let _ = writeln!(out, "## Largest failing folders (riskgate)\n");
    let _ = writeln!(
        out,
        "| folder | failing | regorus fails | reasons | example |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | --- | --- |");
    let mut failing: Vec<_> = riskgate
        .folders
        .iter()
        .filter(|(_, s)| !s.failures.is_empty())
        .collect();
    failing.sort_by(|a, b| {
        b.1.failures
            .len()
            .cmp(&a.1.failures.len())
            .then(a.0.cmp(b.0))
    });
    for (folder, stats) in failing.iter().take(15) {
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for (_, why) in &stats.failures {
            *reasons.entry(why.category()).or_default() += 1;
        }
        let mut reasons: Vec<_> = reasons.into_iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let reasons = reasons
            .iter()
            .map(|(r, n)| format!("{r} ×{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let regorus_fails = regorus
            .folders
            .get(*folder)
            .map_or(stats.total, |s| s.total - s.passed);
        let example = stats
            .failures
            .first()
            .map(|(note, why)| format!("`{}`: {}", cell(note, 60), cell(&why.to_string(), 100)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {folder} | {} | {regorus_fails} | {reasons} | {example} |",
            stats.failures.len()
        );
    }
    let _ = writeln!(
        out,
        "\n## Passed by regorus, failed by riskgate\n\nLeads for the evaluator \
         ({only_regorus} cases). Error cases here are often the code asymmetry: \
         regorus passes on any error, riskgate must give the expected code.\n"
    );
    for (note, why) in riskgate.folders.values().flat_map(|f| &f.failures) {
        if regorus.passed.contains(note) {
            let _ = writeln!(
                out,
                "- `{}`: {}",
                cell(note, 80),
                cell(&why.to_string(), 120)
            );
        }
    }
    let _ = writeln!(out, "\npassed {} of {}", riskgate.passed.len(), total);
    out
}

const INTRO: &str = "# OPA conformance

<!-- Generated by `cargo xtask conformance`; do not edit by hand. -->

riskgate is measured against the Rego v1 conformance cases of the Open Policy
Agent project, vendored in `tests/conformance/opa-v1` (145 folders; only the
`.json` files count, 2067 cases; copyright the OPA authors, Apache License
2.0, see `tests/conformance/LICENSE` and `tests/conformance/README.md`).
[regorus](https://crates.io/crates/regorus) 0.14.1, a Rust Rego interpreter,
runs the same cases as a baseline; it is a development-only dependency
(`xtask`, tests, benchmarks) and never part of a shipped crate. It is built
with its OPA builtins but without the `jsonschema`, `cache` and `rvm`
features (shorter builds), so its `json.verify_schema`/`json.match_schema`
cases fail here.

How to run:

- `cargo xtask conformance` runs both engines and rewrites this file
  (`--filter TEXT` runs matching notes only, `--failures` lists each
  engine's failures with reasons).
- `cargo nextest run -p riskgate-engine --test opa_conformance` is the CI
  check: it fails when a case listed in `tests/conformance/baseline.txt`
  stops passing (`RISKGATE_UPDATE_BASELINE=1` rewrites the list,
  `RISKGATE_CONFORMANCE_FILTER=TEXT` runs matching notes and prints why they
  fail).

Both use one implementation (`tests/conformance-runner`, crate
`riskgate-conformance`). A case passes when the solutions of its query equal
`want_result` as sets of binding objects (arrays in bindings compared
unordered when the case sets `sort_bindings`), or, for cases that expect an
error, when compilation or evaluation fails. When the case names a
`want_error_code`, riskgate's OPA error code must equal it. **regorus reports
no OPA error codes, so for regorus any error passes an error case**: its
count is an upper bound next to riskgate's. Each case runs with a 5 s limit
(riskgate also with 2 million steps, a fixed clock and the seeded `rand.intn`
opted in); a panic fails the case.

";

/// Runs the suite with both engines, prints the summary and (without a
/// filter) writes `docs/conformance.md`.
pub fn run(root: &Path, filter: Option<&str>, list_failures: bool) -> Result<()> {
    let dir = root.join("tests/conformance/opa-v1");
    let cases = load_suite(&dir).with_context(|| format!("loading {}", dir.display()))?;
    let (riskgate, riskgate_secs) = run_engine(&Riskgate, &cases, filter)?;
    let (regorus, regorus_secs) = run_engine(&Regorus, &cases, filter)?;
    if list_failures {
        for (engine, report) in [("riskgate", &riskgate), ("regorus", &regorus)] {
            for (note, why) in report.folders.values().flat_map(|f| &f.failures) {
                println!("FAIL [{engine}] {note}: {why}");
            }
        }
    }
    let body = summary(&riskgate, &regorus);
    println!("{body}");
    println!("time: riskgate {riskgate_secs:.1}s, regorus {regorus_secs:.1}s");
    if filter.is_none() {
        let path = root.join("docs/conformance.md");
        std::fs::write(&path, format!("{INTRO}{body}"))
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
