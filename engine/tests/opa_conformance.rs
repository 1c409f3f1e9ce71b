//! Runs OPA's v1 conformance cases (`tests/conformance/opa-v1`) and checks
//! that no case listed in `tests/conformance/baseline.txt` regresses.
//!
//! `RISKGATE_UPDATE_BASELINE=1` rewrites the baseline with the cases that
//! pass now. `RISKGATE_CONFORMANCE_FILTER=substr` runs only matching notes
//! and prints why each failing one failed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test harness: a broken fixture should abort loudly"
)]
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use riskgate_engine::compile::constant_value;
use riskgate_engine::eval::{EvalLimits, EvalOptions};
use riskgate_engine::{CompileOptions, Compiler, Value};
use serde_json::Value as Json;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

enum Outcome {
    Pass { message_matched: Option<bool> },
    Fail(String),
}

fn sort_arrays(v: &mut Json) {
    if let Json::Array(items) = v {
        items.sort_by_key(ToString::to_string);
    }
}

fn run_case(case: &Json) -> Outcome {
    let modules: Vec<&str> = case["modules"]
        .as_array()
        .map(|m| m.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let want_code = case["want_error_code"].as_str();
    let want_error = case["want_error"].as_str();
    let expects_error = want_code.is_some() || want_error.is_some();
    let error = |code: &str, message: &str| -> Outcome {
        if !expects_error {
            return Outcome::Fail(format!("unexpected error {code}: {message}"));
        }
        if let Some(want) = want_code {
            if want != code {
                return Outcome::Fail(format!("want {want}, got {code}: {message}"));
            }
        }
        Outcome::Pass {
            message_matched: want_error.map(|w| message.contains(w)),
        }
    };
    let mut compiler = Compiler::new(CompileOptions::default());
    for (i, source) in modules.iter().enumerate() {
        if let Err(errs) = compiler.add_module(&format!("module{i}.rego"), source) {
            let first = errs.first();
            return error(
                first.map_or("rego_parse_error", |e| e.opa_code()),
                &first.map(ToString::to_string).unwrap_or_default(),
            );
        }
    }
    let policy = match compiler.compile() {
        Ok(p) => p,
        Err(errs) => {
            let first = errs.first();
            return error(
                first.map_or("rego_compile_error", |e| e.opa_code()),
                &first.map(ToString::to_string).unwrap_or_default(),
            );
        }
    };
    let input = if let Some(term) = case["input_term"].as_str() {
        match riskgate_dsl::parse_term(term)
            .ok()
            .and_then(|e| constant_value(&e))
        {
            Some(v) => Some(v),
            None => return Outcome::Fail(format!("cannot read input_term {term}")),
        }
    } else {
        case.get("input").map(Value::from_json)
    };
    let options = EvalOptions {
        input,
        data: case.get("data").map(Value::from_json),
        now_ns: 1_700_000_000_000_000_000,
        limits: EvalLimits {
            max_steps: 2_000_000,
            deadline: Some(Instant::now() + Duration::from_secs(5)),
            ..EvalLimits::default()
        },
        strict_builtin_errors: case["strict_error"].as_bool().unwrap_or(false),
        trace: false,
    };
    let query = case["query"].as_str().unwrap_or_default();
    match policy.eval_query(query, &options) {
        Err(e) => error(e.opa_code(), &e.message()),
        Ok(out) => {
            if expects_error {
                return Outcome::Fail(format!(
                    "expected an error, got {} results",
                    out.results.len()
                ));
            }
            let sort = case["sort_bindings"].as_bool().unwrap_or(false);
            let mut got: Vec<String> = out
                .results
                .iter()
                .map(|r| {
                    let obj: serde_json::Map<String, Json> = r
                        .bindings
                        .iter()
                        .map(|(k, v)| {
                            let mut j = v.to_json();
                            if sort {
                                sort_arrays(&mut j);
                            }
                            (k.clone(), j)
                        })
                        .collect();
                    Json::Object(obj).to_string()
                })
                .collect();
            let mut want: Vec<String> = case["want_result"]
                .as_array()
                .map(|rs| {
                    rs.iter()
                        .map(|r| {
                            let mut r = r.clone();
                            if sort {
                                if let Json::Object(m) = &mut r {
                                    m.values_mut().for_each(sort_arrays);
                                }
                            }
                            r.to_string()
                        })
                        .collect()
                })
                .unwrap_or_default();
            got.sort();
            want.sort();
            if got == want {
                Outcome::Pass {
                    message_matched: None,
                }
            } else {
                Outcome::Fail(format!("want {want:?}\n     got {got:?}"))
            }
        }
    }
}

/// This binary is one test, `opa_conformance`. Test runners list tests
/// before running them (`--list`, as libtest and cargo-nextest do), so
/// answer that protocol; ignored-only listings are empty.
fn listing_requested() -> bool {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        if !args.iter().any(|a| a == "--ignored") {
            println!("opa_conformance: test");
        }
        return true;
    }
    false
}

fn main() {
    if listing_requested() {
        return;
    }
    let filter = std::env::var("RISKGATE_CONFORMANCE_FILTER").ok();
    let verbose = filter.is_some() || std::env::var("RISKGATE_CONFORMANCE_VERBOSE").is_ok();
    let dir = root().join("opa-v1");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("conformance folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut table: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut passed = BTreeSet::new();
    let (mut total, mut skipped, mut msg_checked, mut msg_matched) = (0, 0, 0, 0);
    let start = Instant::now();
    for folder in &folders {
        let name = folder.file_name().unwrap().to_string_lossy().to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            // The suite is the `.json` files; a stray `.yml` export duplicates one.
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        for file in files {
            let json: Json =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            for case in json["cases"].as_array().into_iter().flatten() {
                let note = case["note"].as_str().unwrap_or_default().to_owned();
                if filter.as_deref().is_some_and(|f| !note.contains(f)) {
                    continue;
                }
                total += 1;
                if case["ignore"].as_bool().unwrap_or(false) {
                    skipped += 1;
                    continue;
                }
                let entry = table.entry(name.clone()).or_default();
                entry.1 += 1;
                match run_case(case) {
                    Outcome::Pass { message_matched } => {
                        entry.0 += 1;
                        passed.insert(note.clone());
                        if let Some(m) = message_matched {
                            if verbose && !m {
                                println!("MESSAGE {note}: want {:?}", case["want_error"].as_str());
                            }
                            msg_checked += 1;
                            msg_matched += usize::from(m);
                        }
                    }
                    Outcome::Fail(why) => {
                        if verbose {
                            println!("FAIL {note}: {why}");
                        }
                    }
                }
            }
        }
    }
    println!("{:<45} {:>6} {:>6}", "folder", "passed", "total");
    for (folder, (p, t)) in &table {
        let mark = if p == t { "" } else { "  *" };
        println!("{folder:<45} {p:>6} {t:>6}{mark}");
    }
    println!(
        "passed {} of {} ({} not run); error messages matched {} of {}; {:.1}s",
        passed.len(),
        total,
        skipped,
        msg_matched,
        msg_checked,
        start.elapsed().as_secs_f64()
    );
    if filter.is_some() {
        return;
    }
    let baseline_path = root().join("baseline.txt");
    if std::env::var("RISKGATE_UPDATE_BASELINE").is_ok_and(|v| v == "1") {
        let text: String = passed.iter().map(|n| format!("{n}\n")).collect();
        std::fs::write(&baseline_path, text).unwrap();
        println!("baseline updated: {} cases", passed.len());
        return;
    }
    let baseline = std::fs::read_to_string(&baseline_path).unwrap_or_default();
    let regressions: Vec<&str> = baseline
        .lines()
        .filter(|l| !l.is_empty() && !passed.contains(*l))
        .collect();
    if !regressions.is_empty() {
        eprintln!("{} baseline cases now fail:", regressions.len());
        for r in &regressions {
            eprintln!("  {r}");
        }
        std::process::exit(1);
    }
}
