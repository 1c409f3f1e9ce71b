//! riskgate against regorus on the same workloads, in the same run
//! (`cargo bench -p riskgate-engine --bench eval`, or `cargo xtask bench`,
//! which writes `docs/benchmarks.md`).
//!
//! Each group has a `riskgate` and a `regorus` function. Policies are
//! compiled outside the measured loop except in `compile/*`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benchmark setup: broken fixtures should abort"
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
use riskgate_conformance::case::suite_dir;
use riskgate_conformance::load_suite;
use riskgate_engine::{CompileOptions, Compiler, EvalOptions, Policy, Value};
use serde_json::{Value as Json, json};

/// One workload ready for both engines.
struct Workload {
    modules: Vec<(String, String)>,
    data: Option<Json>,
    input: Option<Json>,
    query: String,
}

impl Workload {
    fn riskgate(&self) -> (Policy, EvalOptions) {
        let mut compiler = Compiler::new(CompileOptions::default());
        for (name, source) in &self.modules {
            compiler.add_module(name, source).unwrap();
        }
        let policy = compiler.compile().unwrap();
        let options = EvalOptions {
            input: self.input.as_ref().map(Value::from_json),
            data: self.data.as_ref().map(Value::from_json),
            ..EvalOptions::default()
        };
        (policy, options)
    }

    fn regorus(&self) -> regorus::Engine {
        let mut engine = regorus::Engine::new();
        if let Some(data) = &self.data {
            engine.add_data(regorus::Value::from(data.clone())).unwrap();
        }
        if let Some(input) = &self.input {
            engine.set_input(regorus::Value::from(input.clone()));
        }
        for (name, source) in &self.modules {
            engine.add_policy(name.clone(), source.clone()).unwrap();
        }
        engine
    }

    /// Benchmarks evaluation in both engines after checking they agree on
    /// the number of solutions.
    fn bench(&self, group: &mut BenchmarkGroup<'_, WallTime>) {
        let (policy, options) = self.riskgate();
        let mut engine = self.regorus();
        let ours = policy.eval_query(&self.query, &options).unwrap();
        let theirs = engine.eval_query(self.query.clone(), false).unwrap();
        assert_eq!(ours.results.len(), theirs.result.len(), "{}", self.query);
        group.bench_function("riskgate", |b| {
            b.iter(|| black_box(policy.eval_query(&self.query, &options).unwrap()));
        });
        group.bench_function("regorus", |b| {
            b.iter(|| black_box(engine.eval_query(self.query.clone(), false).unwrap()));
        });
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// (a) Representative conformance cases, looped.
const CONFORMANCE_CASES: &[(&str, &str)] = &[
    ("refheads", "refheads/website-example/partial-obj"),
    ("functions", "functions/basic call"),
    (
        "base_and_virtual",
        "baseandvirtualdocs/base/virtual: prefix",
    ),
    (
        "virtualdocs",
        "virtualdocs/output: object dereference array of refs within object",
    ),
    (
        "walk",
        "walkbuiltin/wildcard-path same values as when path provided",
    ),
    ("every", "every/example with two sets"),
];

fn bench_conformance(c: &mut Criterion) {
    let cases = load_suite(&suite_dir()).unwrap();
    for (label, note) in CONFORMANCE_CASES {
        let case = cases.iter().find(|c| c.note == *note).unwrap();
        let workload = Workload {
            modules: case
                .modules
                .iter()
                .enumerate()
                .map(|(i, m)| (format!("m{i}.rego"), m.clone()))
                .collect(),
            data: case.data.clone(),
            input: case.input.clone(),
            query: case.query.clone(),
        };
        let mut group = c.benchmark_group(format!("conformance/{label}"));
        workload.bench(&mut group);
        group.finish();
    }
}

fn corpus_modules(domain: &str) -> Vec<(String, String)> {
    let dir = repo()
        .join("tests/differential/corpus")
        .join(domain)
        .join("policies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

fn read_json(path: PathBuf) -> Json {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A pod with `containers` containers; every third one breaks some rule.
fn pod(index: usize, containers: usize) -> Json {
    let containers: Vec<Json> = (0..containers)
        .map(|c| {
            let bad = (index + c).is_multiple_of(3);
            json!({
                "name": format!("c{c}"),
                "image": if bad { format!("docker.io/library/app{c}:latest") } else { format!("registry.internal.example/app{c}:1.{c}") },
                "resources": if bad { json!({}) } else { json!({"limits": {"cpu": "500m", "memory": "256Mi"}}) },
                "securityContext": {"privileged": bad && c == 0, "runAsNonRoot": !bad},
            })
        })
        .collect();
    let mut labels = json!({"app.kubernetes.io/name": format!("app{index}"), "owner": "team-a"});
    if index.is_multiple_of(4) {
        labels = json!({"owner": "team-a"});
    }
    json!({"kind": "Pod", "metadata": {"name": format!("pod-{index}"), "namespace": "ns", "labels": labels},
           "spec": {"containers": containers}})
}

const AUDIT_POLICY: &str = r#"package audit

required := {"app.kubernetes.io/name", "owner"}

violation contains {"pod": p.metadata.name, "msg": msg} if {
	some p in input.objects
	missing := required - {k | some k, _ in p.metadata.labels}
	count(missing) > 0
	msg := sprintf("missing labels %v", [sort(missing)])
}

violation contains {"pod": p.metadata.name, "msg": msg} if {
	some p in input.objects
	some c in p.spec.containers
	not startswith(c.image, "registry.internal.example/")
	msg := sprintf("container %s: registry not allowed", [c.name])
}

violation contains {"pod": p.metadata.name, "msg": msg} if {
	some p in input.objects
	some c in p.spec.containers
	c.securityContext.privileged
	msg := sprintf("container %s is privileged", [c.name])
}

violation contains {"pod": p.metadata.name, "msg": msg} if {
	some p in input.objects
	some c in p.spec.containers
	not c.resources.limits.memory
	msg := sprintf("container %s has no memory limit", [c.name])
}
"#;

/// (b) Gatekeeper-style admission: the 22 k8s corpus policies on one
/// request, and an audit of 300 pods.
fn bench_admission(c: &mut Criterion) {
    let corpus = repo().join("tests/differential/corpus/k8s");
    let admission = Workload {
        modules: corpus_modules("k8s"),
        data: Some(read_json(corpus.join("data.json"))),
        input: Some(read_json(corpus.join("inputs/pod_privileged.json"))),
        query: "x = data.k8s".into(),
    };
    let mut group = c.benchmark_group("admission/22_policies_one_pod");
    admission.bench(&mut group);
    group.finish();

    let pods: Vec<Json> = (0..300).map(|i| pod(i, 4)).collect();
    let audit = Workload {
        modules: vec![("audit.rego".into(), AUDIT_POLICY.into())],
        data: None,
        input: Some(json!({"objects": pods})),
        query: "x = data.audit.violation".into(),
    };
    let mut group = c.benchmark_group("admission/audit_300_pods");
    group.sample_size(20);
    audit.bench(&mut group);
    group.finish();
}

/// (c) 200 rules over a 1000-element input.
fn bench_many_rules(c: &mut Criterion) {
    let mut policy = String::from("package big\n\n");
    for i in 0..200 {
        let _ = write!(
            policy,
            "r{i} contains item.id if {{\n\tsome item in input.items\n\titem.kind == \"k{}\"\n\titem.score > {}\n}}\n\n",
            i % 10,
            i % 50
        );
    }
    let items: Vec<Json> = (0..1000)
        .map(|i| json!({"id": format!("item-{i}"), "kind": format!("k{}", i % 10), "score": i % 100}))
        .collect();
    let workload = Workload {
        modules: vec![("big.rego".into(), policy)],
        data: None,
        input: Some(json!({"items": items})),
        query: "x = data.big".into(),
    };
    let mut group = c.benchmark_group("rules/200_rules_1k_items");
    group.sample_size(10);
    workload.bench(&mut group);
    group.finish();
}

/// A policy of about `lines` lines in the style of release gates.
fn generated_policy(lines: usize) -> String {
    let mut out = String::from("package bench.generated\n\n");
    let mut i = 0;
    while out.lines().count() < lines {
        let _ = write!(
            out,
            r#"default allow_{i} := false

allow_{i} if {{
	input.model.risk_tier in {{"high", "critical"}}
	some approval in input.approvals
	approval.role == "model_validator"
	approval.decision == "approve"
	count([m | some e in input.evaluations; some m in e.metrics; m.value >= 0.8]) > {i}
}}

deny_{i} contains msg if {{
	some metric in input.evaluations[0].metrics
	some slice in metric.slices
	slice.n < 100
	msg := sprintf("slice %s of %s has n=%d", [slice.name, metric.name, slice.n])
}}

ratio_{i}(x, y) := x / y if y != 0

"#
        );
        i += 1;
    }
    out
}

/// (d) Compile a 10k-line policy (parse + compile + one rule evaluation,
/// since regorus finishes its analysis on first evaluation).
fn bench_compile(c: &mut Criterion) {
    let source = generated_policy(10_000);
    let query = "x = data.bench.generated.allow_0";
    let mut group = c.benchmark_group("compile/10k_lines");
    group.sample_size(10);
    group.bench_function("riskgate", |b| {
        b.iter(|| {
            let mut compiler = Compiler::new(CompileOptions::default());
            compiler.add_module("gen.rego", &source).unwrap();
            let policy = compiler.compile().unwrap();
            black_box(policy.eval_query(query, &EvalOptions::default()).unwrap())
        });
    });
    group.bench_function("regorus", |b| {
        b.iter(|| {
            let mut engine = regorus::Engine::new();
            engine
                .add_policy("gen.rego".into(), source.clone())
                .unwrap();
            black_box(engine.eval_query(query.into(), false).unwrap())
        });
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_conformance, bench_admission, bench_many_rules, bench_compile
}
criterion_main!(benches);
