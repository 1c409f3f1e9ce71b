//! Engine-level tests of the authoring tools: lints, test runs and
//! coverage, the policy graph.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use riskgate_controls::graph::PolicyGraph;
use riskgate_controls::lint::{LintConfig, LintFile, lint};
use riskgate_controls::{ControlsOptions, PolicySet};
use riskgate_dsl::{Dialect, ParseOptions};
use riskgate_engine::eval::EvalOptions;
use riskgate_engine::testing::{self, TestOutcome};

fn lint_codes(name: &str, source: &str, config: &LintConfig) -> Vec<(String, u32)> {
    let module =
        riskgate_dsl::parse_module(source, ParseOptions::new(Dialect::for_path(name))).module;
    let files = [LintFile {
        name,
        source,
        module: &module,
    }];
    let index = riskgate_dsl::LineIndex::new(source);
    lint(&files, config)
        .into_iter()
        .map(|d| {
            let line = index
                .line_col(source, d.diagnostic.primary_span().start)
                .line;
            (d.diagnostic.code().id.to_owned(), line)
        })
        .collect()
}

#[test]
fn lints_honour_ignore_comments_and_configuration() {
    let source = "package p\n\nimport data.a\nimport data.b # riskgate:ignore L0002 kept\n\n# riskgate:ignore all\nimport data.c\n\nf(x, y) := x\n";
    let codes = lint_codes("p.rego", source, &LintConfig::default());
    assert_eq!(
        codes,
        [
            ("L0002".to_owned(), 3),
            ("L0001".to_owned(), 9),
            ("L0003".to_owned(), 9)
        ]
    );
    let config = LintConfig {
        ignore: vec!["unused-rule".into()],
        select: vec!["L000".into()],
        ..LintConfig::default()
    };
    let codes = lint_codes("p.rego", source, &config);
    assert_eq!(codes, [("L0002".to_owned(), 3), ("L0003".to_owned(), 9)]);
}

#[test]
fn input_fields_are_checked_against_the_manifest_schema() {
    let source = "package p\n\na if input.spec.classification.risk_tier == \"high\"\nb if input.spec.evaluations[_].metrics[_].value > 1\nc if input.spec.identty.model_id\nd if input.metadata.labels.team\n";
    let codes = lint_codes("p.rego", source, &LintConfig::default());
    assert_eq!(codes, [("L0007".to_owned(), 5)]);
}

#[test]
fn tests_run_with_mocks_and_measure_coverage() {
    let policy = "package p\n\nallow if {\n\tinput.ok\n\tinput.n > 1\n}\n\nunused if input.never\n";
    let tests = "package p_test\n\nimport data.p\n\ntest_allow if p.allow with input as {\"ok\": true, \"n\": 2}\n\ntest_wrong if p.allow with input as {\"ok\": false}\n";
    let set = PolicySet::compile(
        &[("p.rego", policy), ("p_test.rego", tests)],
        &ControlsOptions::default(),
    )
    .unwrap();
    let found = testing::discover(set.policy());
    let names: Vec<String> = found.iter().map(testing::TestRule::full_name).collect();
    assert_eq!(names, ["data.p_test.test_allow", "data.p_test.test_wrong"]);
    let options = EvalOptions {
        trace: true,
        ..EvalOptions::default()
    };
    let results: Vec<_> = found
        .iter()
        .map(|t| testing::run(set.policy(), t, &options))
        .collect();
    assert_eq!(results[0].outcome, TestOutcome::Pass);
    assert_eq!(results[1].outcome, TestOutcome::Fail(None));
    let coverage = testing::coverage(set.policy(), results.iter().flat_map(|r| &r.trace));
    let file = &coverage.files["p.rego"];
    assert_eq!(file.covered.iter().copied().collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!(file.not_covered.iter().copied().collect::<Vec<_>>(), [8]);
    assert!(!coverage.files.contains_key("p_test.rego"));
}

#[test]
fn the_graph_links_risks_controls_requirements_and_fields() {
    let source = "package g\n\nrisk \"ops.a\" {\n\ttitle: \"A\"\n\tfamily: \"ops\"\n}\n\nrisk \"ops.b\" {\n\ttitle: \"B\"\n\tfamily: \"ops\"\n}\n\ncontrol \"C-1\" {\n\ttitle: \"One\"\n\tmitigates: [\"ops.a\"]\n\trequire field \"ref\" {\n\t\tpath: \"spec.rollback.procedure_ref\"\n\t}\n}\n";
    let set = PolicySet::compile(&[("g.gate", source)], &ControlsOptions::default()).unwrap();
    let graph = PolicyGraph::build(set.controls());
    let edges: Vec<(String, String)> = graph
        .edges()
        .into_iter()
        .map(|(a, b)| (a.id.clone(), b.id.clone()))
        .collect();
    assert_eq!(
        edges,
        [
            ("ops.a".to_owned(), "C-1".to_owned()),
            ("C-1".to_owned(), "C-1/ref".to_owned()),
            (
                "C-1/ref".to_owned(),
                "spec.rollback.procedure_ref".to_owned()
            ),
        ]
    );
    let gaps = graph.gaps(&|id| id == "C-1");
    assert_eq!(gaps.risks_without_controls, ["ops.b"]);
    assert!(gaps.families_without_tests.is_empty());
    let gaps = graph.gaps(&|_| false);
    assert_eq!(gaps.families_without_tests, ["ops"]);
}
