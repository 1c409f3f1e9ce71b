//! Parsing throughput: a generated 10k-line policy file (`cargo bench -p
//! riskgate-dsl`, or `cargo xtask bench`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use riskgate_dsl::{Dialect, ParseOptions, parse_module};

/// A policy of roughly `lines` lines mixing the constructs real policies use.
fn generated_policy(lines: usize) -> String {
    let mut out = String::from("package bench.generated\n\nimport rego.v1\n\n");
    let mut index = 0;
    while out.lines().count() < lines {
        out.push_str(&format!(
            r#"# Rule group {index}: approvals, slices and messages.
default allow_{index} := false

allow_{index} if {{
	input.spec.classification.risk_tier in {{"high", "critical"}}
	some approval in input.spec.approvals
	approval.role == "model_validator"
	approval.decision == "approve"
	count([m | some m in input.spec.evaluations[_].metrics; m.value >= 0.8]) > {index}
}}

deny_{index} contains msg if {{
	some i, metric in input.spec.evaluations[0].metrics
	metric.slices[j].n < 100
	msg := sprintf("slice %s of metric %d has n=%d", [metric.slices[j].name, i, metric.slices[j].n])
}}

ratio_{index}(x, y) := x / y if y != 0
else := 0

"#
        ));
        index += 1;
    }
    out
}

fn bench_parse(c: &mut Criterion) {
    let source = generated_policy(10_000);
    let options = ParseOptions::new(Dialect::Rego);
    assert!(parse_module(&source, options).diagnostics.is_empty());
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(source.len() as u64));
    group.bench_function("10k_lines", |b| b.iter(|| parse_module(&source, options)));
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
