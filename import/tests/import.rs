//! Importer snapshots over the fixture corpus in `tests/data` (sources in
//! `tests/data/NOTICE.md`): each import is rendered as the manifest it
//! writes, or as its error with `file:line:col`, and every manifest is
//! loaded back to prove it is valid.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::Path;

use proptest::prelude::*;
use riskgate_controls::manifest::load_manifests;
use riskgate_dsl::LineIndex;
use riskgate_import::{Fragment, ImportContext, ImportError, SourceFile};

const NOW: &str = "2026-10-02T08:00:00Z";

fn data(path: &str) -> SourceFile {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path);
    let text = std::fs::read_to_string(&full).unwrap();
    SourceFile::new(path, &text)
}

fn context() -> ImportContext {
    ImportContext::new(NOW)
}

/// The manifest an import writes (checked to load without diagnostics), or
/// its error as `CODE file:line:col: message` plus help.
fn check(result: Result<Fragment, ImportError>) -> String {
    match result {
        Ok(fragment) => {
            let text = riskgate_import::render::manifest(&fragment, "imported");
            let loaded = load_manifests("imported.yaml", &text);
            assert_eq!(loaded.len(), 1);
            let diagnostics: Vec<String> = loaded[0]
                .diagnostics
                .iter()
                .map(|d| d.message().to_owned())
                .collect();
            assert!(diagnostics.is_empty(), "{diagnostics:?}\n{text}");
            text
        }
        Err(error) => render_error(&error),
    }
}

fn render_error(error: &ImportError) -> String {
    let diagnostic = error.diagnostic();
    let at = match error.file() {
        Some((name, text)) => {
            let position = LineIndex::new(text).line_col(text, diagnostic.primary_span().start);
            format!(" {name}:{}:{}", position.line, position.col)
        }
        None => String::new(),
    };
    let help = diagnostic
        .help()
        .map(|h| format!("\nhelp: {h}"))
        .unwrap_or_default();
    format!(
        "{}{at}: {}{help}\n",
        diagnostic.code().id,
        diagnostic.message()
    )
}

#[test]
fn model_card_front_matter() {
    let source = data("model_card/README.md");
    insta::assert_snapshot!(check(riskgate_import::model_card::parse(
        &source,
        &context()
    )));
}

#[test]
fn model_card_eval_results_folder() {
    let source = data("model_card/.eval_results/imdb.yaml");
    insta::assert_snapshot!(check(riskgate_import::model_card::parse_eval_results(
        &source,
        &context()
    )));
}

#[test]
fn model_card_without_front_matter_is_an_error() {
    let source = data("model_card/no-front-matter.md");
    insta::assert_snapshot!(check(riskgate_import::model_card::parse(
        &source,
        &context()
    )));
}

#[test]
fn model_card_metric_of_the_wrong_type_points_at_it() {
    let source = data("model_card/bad-metric.md");
    insta::assert_snapshot!(check(riskgate_import::model_card::parse(
        &source,
        &context()
    )));
}

#[test]
fn cyclonedx_model_card() {
    let source = data("cyclonedx/bom.json");
    insta::assert_snapshot!(check(riskgate_import::cyclonedx::parse(
        &source,
        &context()
    )));
}

#[test]
fn cyclonedx_slices_without_overall_value_are_an_error() {
    let source = data("cyclonedx/slices-only.json");
    insta::assert_snapshot!(check(riskgate_import::cyclonedx::parse(
        &source,
        &context()
    )));
}

#[test]
fn lm_eval_results() {
    let source = data("lm_eval/results_2026-09-30T12-00-00.json");
    insta::assert_snapshot!(check(riskgate_import::lm_eval::parse(&source, &context())));
}

#[test]
fn lm_eval_invalid_json_cites_the_position() {
    let source = data("lm_eval/not-json.json");
    insta::assert_snapshot!(check(riskgate_import::lm_eval::parse(&source, &context())));
}

#[test]
fn mapped_json_report() {
    let mapping = data("mapped/drift-map.yaml");
    let report = data("mapped/drift-report.json");
    insta::assert_snapshot!(check(riskgate_import::mapped::parse(
        &mapping,
        &report,
        &context()
    )));
}

#[test]
fn mapped_csv_report() {
    let mapping = data("mapped/csv-map.yaml");
    let report = data("mapped/metrics.csv");
    insta::assert_snapshot!(check(riskgate_import::mapped::parse(
        &mapping,
        &report,
        &context()
    )));
}

#[test]
fn mapped_pointer_that_finds_nothing_cites_the_mapping_entry() {
    let mapping = data("mapped/typo-map.yaml");
    let report = data("mapped/drift-report.json");
    insta::assert_snapshot!(check(riskgate_import::mapped::parse(
        &mapping,
        &report,
        &context()
    )));
}

fn mlflow_options(pattern: Option<&str>) -> riskgate_import::mlflow::Options {
    riskgate_import::mlflow::Options {
        tracking_uri: "http://127.0.0.1:5000".to_owned(),
        slice_pattern: pattern.map(|p| riskgate_import::mlflow::SlicePattern::parse(p).unwrap()),
        suite: Some("performance".to_owned()),
    }
}

#[test]
fn mlflow_run_with_slices_datasets_and_approval_claims() {
    let version = data("mlflow/model-version.json");
    let run = data("mlflow/run.json");
    let options = mlflow_options(Some("{metric}/{attr}/{value}"));
    insta::assert_snapshot!(check(riskgate_import::mlflow::parse(
        &version,
        &run,
        None,
        &options,
        &context()
    )));
}

/// MLflow 3: a version registered from a logged model (`models:/m-...`);
/// the logged model's metrics name the dataset snapshot (name and digest)
/// each was computed on, including one logged by another (evaluation) run.
#[test]
fn mlflow_logged_model_metrics_are_bound_to_their_dataset() {
    let version = data("mlflow/model-version-logged-model.json");
    let run = data("mlflow/run.json");
    let model = data("mlflow/logged-model.json");
    assert_eq!(
        riskgate_import::mlflow::logged_model_id(&version)
            .unwrap()
            .as_deref(),
        Some("m-04f48195406b4ccfa34e6dc61345d10e")
    );
    let options = mlflow_options(Some("{metric}/{attr}/{value}"));
    insta::assert_snapshot!(check(riskgate_import::mlflow::parse(
        &version,
        &run,
        Some(&model),
        &options,
        &context()
    )));
}

#[test]
fn mlflow_versions_name_their_logged_model_only_by_model_id_or_a_models_uri_of_one_segment() {
    let id = |body: &str| {
        riskgate_import::mlflow::logged_model_id(&SourceFile::new("version.json", body)).unwrap()
    };
    assert_eq!(
        id(r#"{"model_version": {"name": "m", "version": "1", "model_id": "m-1", "source": "s3://x"}}"#)
            .as_deref(),
        Some("m-1")
    );
    // An MLflow 2 version (run artifacts) and a version of a version have none.
    assert_eq!(
        id(r#"{"model_version": {"name": "m", "version": "1", "source": "runs:/abc/model"}}"#),
        None
    );
    assert_eq!(
        id(r#"{"model_version": {"name": "m", "version": "1", "source": "models:/other/3"}}"#),
        None
    );
    assert_eq!(
        id(
            r#"{"model_version": {"name": "m", "version": "1", "source": "models:/other@champion"}}"#
        ),
        None
    );
}

#[test]
fn mlflow_logged_model_of_another_version_is_refused() {
    let version = data("mlflow/model-version.json");
    let run = data("mlflow/run.json");
    let model = data("mlflow/logged-model.json");
    let error = riskgate_import::mlflow::parse(
        &version,
        &run,
        Some(&model),
        &mlflow_options(None),
        &context(),
    )
    .unwrap_err();
    assert_eq!(error.diagnostic().code().id, "E6004");
    assert!(
        error
            .diagnostic()
            .message()
            .contains("not registered from logged model"),
        "{}",
        error.diagnostic().message()
    );
}

#[test]
fn mlflow_without_a_slice_pattern_keeps_every_metric_overall() {
    let version = data("mlflow/model-version.json");
    let run = data("mlflow/run.json");
    let fragment =
        riskgate_import::mlflow::parse(&version, &run, None, &mlflow_options(None), &context())
            .unwrap();
    let names: Vec<&str> = fragment
        .evaluations
        .iter()
        .flat_map(|e| &e.metrics)
        .map(|m| m.name.as_str())
        .collect();
    assert!(
        names.contains(&"adverse_impact_ratio/sex/female"),
        "{names:?}"
    );
}

#[test]
fn slice_patterns_need_every_placeholder_once() {
    let parse = riskgate_import::mlflow::SlicePattern::parse;
    assert!(parse("{metric}/{attr}/{value}").is_ok());
    assert!(parse("{metric}.{attr}_{value}").is_ok());
    assert!(parse("{metric}/{attr}").unwrap_err().contains("needs"));
    assert!(
        parse("{metric}/{attr}/{attr}")
            .unwrap_err()
            .contains("twice")
    );
    assert!(
        parse("{metric}/{slice}/{value}")
            .unwrap_err()
            .contains("unknown placeholder")
    );
}

#[test]
fn mlflow_run_of_another_model_version_is_refused() {
    let version = SourceFile::new(
        "version.json",
        r#"{"model_version": {"name": "m", "version": "1", "run_id": "other"}}"#,
    );
    let run = data("mlflow/run.json");
    let error =
        riskgate_import::mlflow::parse(&version, &run, None, &mlflow_options(None), &context())
            .unwrap_err();
    assert_eq!(error.diagnostic().code().id, "E6004");
}

/// `--into`: the diff of the user's manifest after importing, which keeps
/// every comment and the key order, replaces the evaluation with the same
/// id and appends the rest.
#[test]
fn into_keeps_comments_and_key_order() {
    let manifest = data("into/credit.yaml");
    let mapping = data("mapped/csv-map.yaml");
    let report = data("mapped/metrics.csv");
    let mut fragment = riskgate_import::mapped::parse(&mapping, &report, &context()).unwrap();
    let card = data("model_card/README.md");
    fragment.extend(riskgate_import::model_card::parse(&card, &context()).unwrap());
    let merged = riskgate_import::into::merge("credit.yaml", &manifest.text, &fragment).unwrap();
    for line in manifest.text.lines().filter(|l| l.contains('#')) {
        let comment = &line[line.find('#').unwrap()..];
        assert!(
            merged.contains(comment),
            "lost comment {comment:?}\n{merged}"
        );
    }
    let diff = similar::TextDiff::from_lines(manifest.text.as_ref(), merged.as_str())
        .unified_diff()
        .header("credit.yaml", "credit.yaml (imported)")
        .to_string();
    insta::assert_snapshot!(diff);
    // Importing the same evidence again changes nothing.
    let again = riskgate_import::into::merge("credit.yaml", &merged, &fragment).unwrap();
    assert_eq!(again, merged);
}

#[test]
fn into_refuses_a_manifest_with_errors() {
    let fragment = riskgate_import::lm_eval::parse(
        &data("lm_eval/results_2026-09-30T12-00-00.json"),
        &context(),
    )
    .unwrap();
    let broken = "apiVersion: riskgate.dev/v1alpha1\nkind: ModelRelease\nmetadata: {name: x}\nspec:\n  classification: {risk_tier: severe}\n";
    let error = riskgate_import::into::merge("broken.yaml", broken, &fragment).unwrap_err();
    insta::assert_snapshot!(render_error(&error));
}

#[test]
fn into_creates_missing_sections() {
    let fragment =
        riskgate_import::cyclonedx::parse(&data("cyclonedx/bom.json"), &context()).unwrap();
    let minimal = "apiVersion: riskgate.dev/v1alpha1\nkind: ModelRelease\nmetadata:\n  name: credit-scorer  # keep me\nspec:\n  classification:\n    risk_tier: high\n";
    let merged = riskgate_import::into::merge("minimal.yaml", minimal, &fragment).unwrap();
    assert!(merged.contains("# keep me"));
    insta::assert_snapshot!(merged);
}

/// One lm-eval task: its name, metric values and sample count.
type LmEvalTask = (String, Vec<(String, f64)>, u64);

/// An lm-eval results file with the given tasks and metric values.
fn lm_eval_text(tasks: &[LmEvalTask]) -> String {
    let mut results = serde_json::Map::new();
    let mut samples = serde_json::Map::new();
    for (task, metrics, n) in tasks {
        let mut values = serde_json::Map::new();
        values.insert("alias".into(), task.clone().into());
        for (metric, value) in metrics {
            values.insert(format!("{metric},none"), (*value).into());
        }
        results.insert(task.clone(), values.into());
        samples.insert(
            task.clone(),
            serde_json::json!({"original": n, "effective": n}),
        );
    }
    serde_json::json!({"results": results, "n-samples": samples}).to_string()
}

proptest! {
    /// The same source always gives byte-identical manifests, and what
    /// the manifest loader reads back is what the source said.
    #[test]
    fn import_is_deterministic_and_faithful(
        tasks in prop::collection::btree_map("[a-z][a-z0-9_]{0,8}", (prop::collection::btree_map("[a-z][a-z_]{0,6}", 0.0f64..1.0, 1..4), 1u64..100_000), 1..4)
    ) {
        let tasks: Vec<LmEvalTask> = tasks
            .into_iter()
            .map(|(task, (metrics, n))| (task, metrics.into_iter().collect(), n))
            .collect();
        let source = SourceFile::new("results.json", &lm_eval_text(&tasks));
        let first = riskgate_import::lm_eval::parse(&source, &context()).unwrap();
        let second = riskgate_import::lm_eval::parse(&source, &context()).unwrap();
        let text = riskgate_import::render::manifest(&first, "p");
        prop_assert_eq!(&text, &riskgate_import::render::manifest(&second, "p"));
        let loaded = load_manifests("p.yaml", &text);
        let manifest = loaded[0].manifest.clone().unwrap();
        prop_assert_eq!(manifest.spec.evaluations, first.evaluations.clone());
        for (task, metrics, n) in &tasks {
            let evaluation = first.evaluations.iter().find(|e| e.id == format!("lm-eval:{task}")).unwrap();
            for (metric, value) in metrics {
                let imported = evaluation.metrics.iter().find(|m| &m.name == metric).unwrap();
                prop_assert_eq!(&imported.value, &riskgate_controls::manifest::MetricValue::Number(*value));
                prop_assert_eq!(imported.n, Some(*n));
            }
        }
    }
}
