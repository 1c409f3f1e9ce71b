//! `cargo xtask bench`: criterion benchmarks of riskgate against regorus and
//! the parser, summarised in `docs/benchmarks.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value as Json;

/// One criterion measurement: median in nanoseconds.
#[derive(Debug, Clone)]
struct Measurement {
    group: String,
    function: String,
    median_ns: f64,
    /// The median of the run before, from criterion's comparison with it
    /// (`change/estimates.json`), when there was one.
    previous_ns: Option<f64>,
}

fn cargo_bench(root: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .current_dir(root)
        .arg("bench")
        .args(args)
        .status()
        .context("running cargo bench")?;
    if !status.success() {
        bail!("cargo bench {} failed", args.join(" "));
    }
    Ok(())
}

/// Every `new/` result under `target/criterion`.
fn measurements(criterion: &Path) -> Result<Vec<Measurement>> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = vec![criterion.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") {
                let read = |name: &str| -> Result<Json> {
                    let file = path.join(name);
                    let text = std::fs::read_to_string(&file)
                        .with_context(|| format!("reading {}", file.display()))?;
                    Ok(serde_json::from_str(&text)?)
                };
                let (Ok(meta), Ok(estimates)) = (read("benchmark.json"), read("estimates.json"))
                else {
                    continue;
                };
                let text = |key: &str| meta.get(key).and_then(Json::as_str).map(str::to_owned);
                let median = estimates
                    .get("median")
                    .and_then(|m| m.get("point_estimate"))
                    .and_then(Json::as_f64);
                if let (Some(group), Some(median_ns)) = (text("group_id"), median) {
                    found.push(Measurement {
                        group,
                        function: text("function_id").unwrap_or_default(),
                        median_ns,
                        previous_ns: previous_median(&path, median_ns),
                    });
                }
            } else {
                stack.push(path);
            }
        }
    }
    found.sort_by(|a, b| (&a.group, &a.function).cmp(&(&b.group, &b.function)));
    Ok(found)
}

/// The previous run's median, recovered from the relative change criterion
/// records next to `new` (`../change/estimates.json`).
fn previous_median(new: &Path, median_ns: f64) -> Option<f64> {
    let file = new.parent()?.join("change").join("estimates.json");
    let change: Json = serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()?;
    let relative = change
        .get("median")
        .and_then(|m| m.get("point_estimate"))
        .and_then(Json::as_f64)?;
    (relative > -1.0).then(|| median_ns / (1.0 + relative))
}

fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn machine_notes() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned());
    format!(
        "Machine: {cpu}, {cores} cores, shared with other builds (1-minute load average \
         {load} when the report was written). Figures move by 10–20% between runs on this \
         machine; compare ratios, not absolute times, and rerun before drawing conclusions \
         from small differences."
    )
}

/// The suites `cargo xtask bench` runs: name and `cargo bench` arguments.
const SUITES: [(&str, &[&str]); 5] = [
    ("eval", &["-p", "riskgate-engine", "--bench", "eval"]),
    ("parse", &["-p", "riskgate-dsl", "--bench", "parse"]),
    ("check", &["-p", "riskgate-controls", "--bench", "check"]),
    ("check", &["-p", "riskgate-cli", "--bench", "check"]),
    ("lsp", &["-p", "riskgate-lsp", "--bench", "diagnostics"]),
];

/// The language server's budget from an edit to its diagnostics, at p95.
const LSP_TARGET_P95_MS: f64 = 30.0;

/// Targets of the `check` section: (group prefix, target in ns, label).
const CHECK_TARGET_ONE_NS: f64 = 100e3;
const CHECK_TARGET_CLI_NS: f64 = 1e9;
/// Peak resident memory goal of `check/cli_10k_manifests`, in MiB.
const CHECK_TARGET_CLI_PEAK_MIB: u64 = 150;

/// The document's `## ` sections by heading, from an earlier report.
fn sections(doc: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for part in doc.split("\n## ").skip(1) {
        let (heading, body) = part.split_once('\n').unwrap_or((part, ""));
        out.insert(heading.trim().to_owned(), body.trim_end().to_owned());
    }
    out
}

/// The report: sections of the `selected` suites from this run's results,
/// the others as they were (stale criterion results of a suite that was not
/// run must not replace its section).
fn document(
    found: &[Measurement],
    criterion: &Path,
    previous: &str,
    selected: &dyn Fn(&str) -> bool,
) -> String {
    let previous = sections(previous);
    let mut out = String::from(
        "# Benchmarks\n\n<!-- Generated by `cargo xtask bench`; do not edit by hand. -->\n\n\
         `cargo xtask bench` runs `cargo bench -p riskgate-engine --bench eval` (riskgate and \
         regorus 0.14.1 on the same workloads, in the same run), `cargo bench -p \
         riskgate-dsl --bench parse`, and the `check` benchmarks (`cargo bench -p \
         riskgate-controls --bench check`, `cargo bench -p riskgate-cli --bench check`) and the \
         language server's (`cargo bench -p riskgate-lsp --bench diagnostics`), then \
         reads criterion's medians from `target/criterion/*/new/estimates.json` \
         (`--only SUITE` reruns one suite and keeps the other sections). Policies are \
         compiled once outside the measured loop except in `compile/*` and the CLI run; \
         each iteration evaluates one query with a fresh evaluation state (riskgate \
         `Policy::eval_query`, regorus `Engine::eval_query` on a prepared engine).\n\n",
    );
    out.push_str(&machine_notes());
    let regorus = selected("eval").then(|| regorus_section(found)).flatten();
    push_section(&mut out, "riskgate against regorus", regorus, &previous);
    let parser = selected("parse").then(|| parser_section(found)).flatten();
    push_section(&mut out, "Parser", parser, &previous);
    let check = selected("check")
        .then(|| check_section(found, criterion))
        .flatten();
    push_section(&mut out, "check", check, &previous);
    let lsp = selected("lsp")
        .then(|| lsp_section(found, criterion))
        .flatten();
    push_section(&mut out, "Language server", lsp, &previous);
    // Written by `cargo xtask bench-webhook`; kept as it was.
    let webhook = crate::bench_webhook::SECTION.trim_start_matches("## ");
    push_section(&mut out, webhook, None, &previous);
    out
}

/// Appends a section: this run's body, else the previous report's.
fn push_section(
    out: &mut String,
    heading: &str,
    body: Option<String>,
    previous: &BTreeMap<String, String>,
) {
    let body = body.or_else(|| previous.get(heading).cloned());
    if let Some(body) = body {
        let _ = write!(out, "\n\n## {heading}\n\n{}", body.trim());
    }
}

fn regorus_section(found: &[Measurement]) -> Option<String> {
    let mut groups: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    for m in found {
        groups
            .entry(&m.group)
            .or_default()
            .insert(&m.function, m.median_ns);
    }
    groups.retain(|_, f| f.contains_key("riskgate") && f.contains_key("regorus"));
    if groups.is_empty() {
        return None;
    }
    let mut out = String::from(
        "Ratio = riskgate median / regorus median: below 1 riskgate is faster, above 1 slower.\n\n",
    );
    out.push_str("| workload | riskgate | regorus | ratio |\n| --- | ---: | ---: | ---: |\n");
    for (group, functions) in &groups {
        let (Some(ours), Some(theirs)) = (functions.get("riskgate"), functions.get("regorus"))
        else {
            continue;
        };
        let _ = writeln!(
            out,
            "| {group} | {} | {} | {:.2} |",
            human(*ours),
            human(*theirs),
            ours / theirs
        );
    }
    let slower: Vec<String> = groups
        .iter()
        .filter_map(|(group, f)| {
            let ratio = f.get("riskgate")? / f.get("regorus")?;
            (ratio > 1.0).then(|| format!("`{group}` ({ratio:.2}×)"))
        })
        .collect();
    if slower.is_empty() {
        out.push_str("\nriskgate is faster than regorus on every workload of this run.\n");
    } else {
        let _ = writeln!(
            out,
            "\nriskgate is slower than regorus on: {}. `compile/*` includes \
             parsing, which the parser benchmark below measures on its own.",
            slower.join(", ")
        );
    }
    Some(out)
}

fn parser_section(found: &[Measurement]) -> Option<String> {
    let parse: Vec<&Measurement> = found.iter().filter(|m| m.group == "parse").collect();
    if parse.is_empty() {
        return None;
    }
    let mut out = String::from(
        "`previous run` is the median of the benchmark run before this one (criterion's \
         comparison with it), so a change to the parser shows its before and after.\n\n\
         | benchmark | median | previous run | target | met |\n\
         | --- | ---: | ---: | ---: | --- |\n",
    );
    for m in parse {
        let _ = writeln!(
            out,
            "| parse/{} (riskgate-dsl, 10k-line policy) | {} | {} | < 50 ms | {} |",
            m.function,
            human(m.median_ns),
            m.previous_ns.map_or_else(|| "–".to_owned(), human),
            if m.median_ns < 50e6 { "yes" } else { "no" }
        );
    }
    Some(out)
}

fn check_section(found: &[Measurement], criterion: &Path) -> Option<String> {
    let check: Vec<&Measurement> = found
        .iter()
        .filter(|m| m.group.starts_with("check/"))
        .collect();
    if check.is_empty() {
        return None;
    }
    // Written by cli/benches/check.rs; criterion measures time only.
    let memory: Json =
        std::fs::read_to_string(criterion.join("check/cli_10k_manifests/memory.json"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Json::Null);
    let mut out = String::from(
        "`riskgate check` with the embedded standard library (56 controls, compiled once). \
         `check/stdlib_*` check one already-loaded example manifest in-process \
         (`PolicySet::check_loaded`: applicability, every requirement, waivers, the \
         decision and the trace); `check/cli_10k_manifests` runs the release binary on \
         10,000 manifest files (copies of the five examples in a temporary directory), \
         end to end: start-up, compiling the standard library, reading, loading and \
         checking in parallel on every core, and writing to a file either the JSON trace \
         (`riskgate`, its parts spooled until the summary is known) or the default `pretty` \
         report (`riskgate_pretty`, written a batch of files at a time). Peak memory is the \
         process's `VmHWM`, sampled every 5 ms.\n\n\
         | benchmark | median | target | met | peak memory | target | met |\n\
         | --- | ---: | ---: | --- | ---: | ---: | --- |\n",
    );
    for m in check {
        let target = if m.group == "check/stdlib_one_manifest" {
            Some(CHECK_TARGET_ONE_NS)
        } else if m.group == "check/cli_10k_manifests" {
            Some(CHECK_TARGET_CLI_NS)
        } else {
            None
        };
        let (target_text, met) = target.map_or_else(
            || ("".to_owned(), "".to_owned()),
            |t| {
                (
                    format!("≤ {}", human(t)),
                    if m.median_ns <= t { "yes" } else { "no" }.to_owned(),
                )
            },
        );
        let peak = (m.group == "check/cli_10k_manifests")
            .then(|| memory["peak_rss_kib"][&m.function].as_u64())
            .flatten();
        let memory_columns = peak.map_or_else(
            || " |  |  |".to_owned(),
            |kib| {
                let mib = kib / 1024;
                let met = if mib <= CHECK_TARGET_CLI_PEAK_MIB {
                    "yes"
                } else {
                    "no"
                };
                format!(" {mib} MiB | ≤ {CHECK_TARGET_CLI_PEAK_MIB} MiB | {met} |")
            },
        );
        let _ = writeln!(
            out,
            "| {}/{} | {} | {target_text} | {met} |{memory_columns}",
            m.group,
            m.function,
            human(m.median_ns)
        );
    }
    // The analysis of these numbers is hand-written, so it lives on a page
    // this generator never rewrites.
    out.push_str(
        "\nWhere the time goes and what memory holds: [Performance notes](performance.md) \
         (hand-written, kept across runs of `cargo xtask bench`).\n",
    );
    Some(out)
}

fn lsp_section(found: &[Measurement], criterion: &Path) -> Option<String> {
    let edits: Vec<&Measurement> = found.iter().filter(|m| m.group == "lsp_edit").collect();
    if edits.is_empty() {
        return None;
    }
    let latency: Json = std::fs::read_to_string(criterion.join("lsp_edit/latency.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Json::Null);
    let mut out = String::from(
        "`cargo bench -p riskgate-lsp --bench diagnostics`: the language server's work from \
         an edit of a 5,000-line policy to the diagnostics it publishes (re-parse what the \
         edit touched, re-index, lint and compile the workspace, convert to LSP). Each \
         benchmark alternates an edit and its undo in the middle of the file: a new rule \
         (the file stays valid) or a half-written one (a syntax error, so that file is not \
         compiled). The percentiles are over 100 single edits.\n\n\
         | benchmark | median | p50 | p95 | target (p95) | met |\n\
         | --- | ---: | ---: | ---: | ---: | --- |\n",
    );
    for m in edits {
        let key = if m.function.contains("syntax") {
            "edit_syntax_error"
        } else {
            "edit_valid"
        };
        let percentile = |name: &str| {
            latency
                .get(key)
                .and_then(|l| l.get(name))
                .and_then(Json::as_f64)
        };
        let (p50, p95) = (percentile("p50_ms"), percentile("p95_ms"));
        let shown = |ms: Option<f64>| ms.map_or_else(|| "–".to_owned(), |ms| format!("{ms:.1} ms"));
        let met = p95.map_or("", |p| if p <= LSP_TARGET_P95_MS { "yes" } else { "no" });
        let _ = writeln!(
            out,
            "| lsp_edit/{} | {} | {} | {} | ≤ {LSP_TARGET_P95_MS:.0} ms | {met} |",
            m.function,
            human(m.median_ns),
            shown(p50),
            shown(p95),
        );
    }
    Some(out)
}

/// Runs the benchmarks (unless `run` is false; `only` picks suites) and
/// writes the report.
pub fn run(root: &Path, run: bool, only: &[String]) -> Result<()> {
    for name in only {
        if !SUITES.iter().any(|(suite, _)| suite == name) {
            bail!("unknown suite `{name}` (eval, parse, check, lsp)");
        }
    }
    if run {
        for (suite, args) in SUITES {
            if only.is_empty() || only.iter().any(|o| o == suite) {
                cargo_bench(root, args)?;
            }
        }
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let found = measurements(&target.join("criterion"))?;
    if found.is_empty() {
        bail!("no criterion results under {}", target.display());
    }
    let path = root.join("docs/benchmarks.md");
    let previous = std::fs::read_to_string(&path).unwrap_or_default();
    let selected = |suite: &str| only.is_empty() || only.iter().any(|o| o == suite);
    let mut doc = document(&found, &target.join("criterion"), &previous, &selected);
    doc.push('\n');
    println!("{doc}");
    std::fs::write(&path, doc).with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}
