//! Diagnostics latency on a 5,000-line policy: after an edit, re-parse
//! what it touched, re-index, lint, compile and convert to LSP diagnostics
//! (what the server does before publishing). Prints the p95 over 100 edits
//! besides criterion's statistics; the budget is 30 ms.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use lsp_types::Url;
use riskgate_dsl::Dialect;
use riskgate_lsp::handlers::diagnostics;
use riskgate_lsp::position::Encoding;
use riskgate_lsp::world::{DocKind, Document, World};

fn source() -> String {
    let mut out = String::from("package bench.big\n\nimport rego.v1\n\n");
    let mut i = 0;
    while out.lines().count() < 5_000 {
        out.push_str(&format!(
            "# Rule {i}.\nrule_{i} if {{\n\tinput.spec.classification.risk_tier == \"high\"\n\tcount(input.spec.approvals) > {i}\n\tmsg := sprintf(\"%d\", [{i}])\n\tstartswith(msg, \"1\")\n\tf_{i}(1) > 0\n}}\n\nf_{i}(x) := y if y := x + {i}\n\n",
        ));
        i += 1;
    }
    out
}

/// Opens `text` as the only document.
fn open(world: &mut World, uri: &Url, text: &str) {
    world.docs.insert(
        uri.clone(),
        Document::new(
            DocKind::for_path(uri.path()).unwrap_or(DocKind::Policy(Dialect::Rego)),
            text.to_owned(),
            Some(1),
            true,
        ),
    );
    world.invalidate();
}

/// What the server does on `didChange`: replace the text (re-parsing what
/// the edit touched), then compute the diagnostics to publish.
fn edit(world: &mut World, uri: &Url, text: &str) -> usize {
    if let Some(doc) = world.docs.get_mut(uri) {
        doc.set_text(text.to_owned());
    }
    world.invalidate();
    diagnostics::collect(world)
        .iter()
        .map(|p| p.diagnostics.len())
        .sum()
}

/// Alternates between `before` and `after` (an edit and its undo) and
/// prints the p50/p95 latency of the edits.
fn p95(world: &mut World, uri: &Url, before: &str, after: &str, label: &str) -> (f64, f64) {
    open(world, uri, before);
    let mut times: Vec<Duration> = (0..100)
        .map(|i| {
            let text = if i % 2 == 0 { after } else { before };
            let start = Instant::now();
            edit(world, uri, text);
            start.elapsed()
        })
        .collect();
    times.sort();
    let ms = |i: usize| times.get(i).copied().unwrap_or_default().as_secs_f64() * 1e3;
    println!(
        "{label}: {} lines, p50 {:.1} ms, p95 {:.1} ms (budget 30 ms)",
        after.lines().count(),
        ms(49),
        ms(94)
    );
    (ms(49), ms(94))
}

/// Leaves the percentiles next to criterion's results for `cargo xtask
/// bench` (criterion itself reports means and medians only).
fn record_latency(valid: (f64, f64), broken: (f64, f64)) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.parent()?.to_path_buf())
        });
    let Some(target) = target else {
        return;
    };
    let dir = target.join("criterion").join("lsp_edit");
    let json = format!(
        "{{\"edit_valid\": {{\"p50_ms\": {:.2}, \"p95_ms\": {:.2}}}, \"edit_syntax_error\": {{\"p50_ms\": {:.2}, \"p95_ms\": {:.2}}}}}\n",
        valid.0, valid.1, broken.0, broken.1
    );
    let written =
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join("latency.json"), json));
    if let Err(error) = written {
        eprintln!("cannot record the latency percentiles: {error}");
    }
}

/// `text` with `insert` placed at the start of line `line` (0-based).
fn insert_at_line(text: &str, line: usize, insert: &str) -> String {
    let at = text
        .match_indices('\n')
        .nth(line.saturating_sub(1))
        .map_or(0, |(i, _)| i + 1);
    format!("{}{insert}{}", &text[..at], &text[at..])
}

/// Prints the median time of each step the server takes, to show where
/// the budget goes.
fn phases(text: &str, edited: &str) {
    let median = |f: &mut dyn FnMut()| {
        let mut times: Vec<Duration> = (0..15)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect();
        times.sort();
        times.get(7).copied().unwrap_or_default().as_secs_f64() * 1e3
    };
    let options = riskgate_dsl::ParseOptions::new(Dialect::Rego);
    let parsed = riskgate_dsl::parse_module(text, options);
    let parse = median(&mut || {
        let _ = riskgate_dsl::parse_module(text, options);
    });
    let mut incremental = riskgate_dsl::IncrementalParse::new(text, options);
    let mut flip = false;
    let reparse = median(&mut || {
        flip = !flip;
        let new = if flip { edited } else { text };
        incremental.update(new);
    });
    let index = median(&mut || {
        let _ = riskgate_lsp::index::index_module(&parsed.module);
    });
    let lint = median(&mut || {
        let file = riskgate_controls::lint::LintFile {
            name: "big.rego",
            source: text,
            module: &parsed.module,
        };
        let _ =
            riskgate_controls::lint::lint(&[file], &riskgate_controls::lint::LintConfig::default());
    });
    let compile = median(&mut || {
        let options = riskgate_controls::ControlsOptions::default();
        let files = vec![("big.rego", text, parsed.module.clone())];
        let _ = riskgate_controls::PolicySet::compile_parsed(files, &options);
    });
    println!(
        "phases (median): full parse {parse:.1} ms, re-parse after an edit {reparse:.1} ms, index {index:.1} ms, lint {lint:.1} ms, compile {compile:.1} ms"
    );
}

fn bench(c: &mut Criterion) {
    let valid = source();
    // Typing in the middle of the file: a new rule that compiles, and one
    // left half-written (a syntax error).
    let typed = insert_at_line(
        &valid,
        2_501,
        "added if input.spec.classification.risk_tier == \"low\"\n\n",
    );
    let broken = insert_at_line(&valid, 2_501, "broken if {\n\tinput.x ==\n}\n\n");
    let uri = Url::parse("file:///bench/big.rego").unwrap_or_else(|_| std::process::exit(2));
    let mut world = World::new(Encoding::Utf16, None);
    open(&mut world, &uri, &valid);
    assert_eq!(
        edit(&mut world, &uri, &typed),
        0,
        "the edited file compiles cleanly"
    );
    assert!(
        edit(&mut world, &uri, &broken) > 0,
        "the broken rule is reported"
    );
    phases(&valid, &typed);
    let valid_latency = p95(
        &mut world,
        &uri,
        &valid,
        &typed,
        "edit keeping the file valid (parse + index + lint + compile)",
    );
    let broken_latency = p95(
        &mut world,
        &uri,
        &valid,
        &broken,
        "edit adding a syntax error (parse + index)",
    );
    record_latency(valid_latency, broken_latency);

    // A small control file: the workspace is compiled with the embedded
    // standard library (3,900 lines of controls and helpers).
    let control_file = include_str!("../../examples/policies/rollback.gate");
    let control_edit = control_file.replace(
        "# There is nothing to roll back to.",
        "# There is nothing to roll back to.\nlow_tier if input.spec.classification.risk_tier == \"low\"\n",
    );
    let gate_uri =
        Url::parse("file:///bench/rollback.gate").unwrap_or_else(|_| std::process::exit(2));
    let mut stdlib_world = World::new(Encoding::Utf16, None);
    stdlib_world.cache_root = std::env::temp_dir().join("riskgate-lsp-bench");
    p95(
        &mut stdlib_world,
        &gate_uri,
        control_file,
        &control_edit,
        "edit of a control file compiled with the stdlib",
    );

    open(&mut world, &uri, &valid);
    let mut flip = false;
    let mut group = c.benchmark_group("lsp_edit");
    group.bench_function("5k_lines_valid", |b| {
        b.iter(|| {
            flip = !flip;
            edit(&mut world, &uri, if flip { &typed } else { &valid })
        });
    });
    group.bench_function("5k_lines_syntax_error", |b| {
        b.iter(|| {
            flip = !flip;
            edit(&mut world, &uri, if flip { &broken } else { &valid })
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
