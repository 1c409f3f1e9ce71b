//! Diagnostics latency on a 5,000-line policy: re-parse, re-index,
//! compile and convert to LSP diagnostics after an edit (what the server
//! does before publishing). Prints the p95 over 100 runs besides
//! criterion's statistics; the budget is 30 ms.

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
            "# Rule {i}.\nrule_{i} if {{\n\tinput.spec.classification.risk_tier == \"high\"\n\tcount(input.spec.approvals) > {i}\n\tmsg := sprintf(\"%d\", [{i}])\n\tstartswith(msg, \"1\")\n}}\n\nf_{i}(x) := y if y := x + {i}\n\n",
        ));
        i += 1;
    }
    out
}

fn run_once(world: &mut World, uri: &Url, text: &str) -> usize {
    world.docs.insert(
        uri.clone(),
        Document::new(
            DocKind::Policy(Dialect::Rego),
            text.to_owned(),
            Some(1),
            true,
        ),
    );
    world.invalidate();
    diagnostics::collect(world)
        .iter()
        .map(|p| p.diagnostics.len())
        .sum()
}

fn p95(world: &mut World, uri: &Url, text: &str, label: &str) {
    let mut times: Vec<Duration> = (0..50)
        .map(|_| {
            let start = Instant::now();
            run_once(world, uri, text);
            start.elapsed()
        })
        .collect();
    times.sort();
    let ms = |i: usize| times.get(i).copied().unwrap_or_default().as_secs_f64() * 1e3;
    println!(
        "{label}: {} lines, p50 {:.1} ms, p95 {:.1} ms (budget 30 ms)",
        text.lines().count(),
        ms(24),
        ms(47)
    );
}

fn bench(c: &mut Criterion) {
    let valid = source();
    let broken = format!("{valid}broken if {{\n\tinput.x ==\n}}\n");
    let uri = Url::parse("file:///bench/big.rego").unwrap_or_else(|_| std::process::exit(2));
    let mut world = World::new(Encoding::Utf16, None);
    assert_eq!(
        run_once(&mut world, &uri, &valid),
        0,
        "the valid file compiles"
    );
    assert!(
        run_once(&mut world, &uri, &broken) > 0,
        "the broken rule is reported"
    );
    p95(
        &mut world,
        &uri,
        &valid,
        "valid file (parse + index + compile)",
    );
    p95(
        &mut world,
        &uri,
        &broken,
        "file with a syntax error (parse + index)",
    );

    c.bench_function("diagnostics_5k_lines_valid", |b| {
        b.iter(|| run_once(&mut world, &uri, &valid));
    });
    c.bench_function("diagnostics_5k_lines_syntax_error", |b| {
        b.iter(|| run_once(&mut world, &uri, &broken));
    });
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
