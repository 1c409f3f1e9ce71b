//! lm-evaluation-harness results (`results_<date>.json` written by
//! `lm_eval --output_path`): `results.<task>."<metric>,<filter>"` values,
//! `n-samples`, per-task `configs` and the run `config`.

use std::collections::BTreeMap;

use riskgate_controls::manifest::{DatasetRef, Evaluation, Metric, Timestamp};
use serde::Deserialize;
use serde_json::Value;

use crate::ImportError;
use crate::fragment::{Fragment, metric_value};
use crate::source::{ImportContext, SourceFile, nothing_found};

/// The `kind` recorded in the provenance of lm-evaluation-harness evidence.
pub const SOURCE_KIND: &str = "lm_eval";

/// `n-samples.<task>`.
#[derive(Debug, Deserialize)]
struct Samples {
    effective: Option<u64>,
    original: Option<u64>,
}

/// `configs.<task>`: where the task's data came from.
#[derive(Debug, Deserialize)]
struct TaskConfig {
    dataset_path: Option<String>,
    dataset_name: Option<String>,
}

/// Reads a results file: one evaluation per task (`lm-eval:<task>`), one
/// metric per `metric,filter` key (named `metric` for the `none` filter,
/// `metric_filter` otherwise), `n` from `n-samples` (effective count), the
/// dataset from the task config and `run_at` from `date`.
///
/// # Errors
/// `E6001` for invalid JSON, `E6002` for fields of the wrong shape, `E6006`
/// without results.
pub fn parse(source: &SourceFile, context: &ImportContext) -> Result<Fragment, ImportError> {
    let file = source.structured()?;
    let results = file
        .typed::<BTreeMap<String, BTreeMap<String, Value>>>("/results")?
        .unwrap_or_default();
    let samples = file
        .typed::<BTreeMap<String, Samples>>("/n-samples")?
        .unwrap_or_default();
    let configs = file
        .typed::<BTreeMap<String, TaskConfig>>("/configs")?
        .unwrap_or_default();
    let run_at = match file.at("/date") {
        Some(Value::Number(seconds)) => seconds.as_f64().and_then(|s| {
            // `date` is Unix seconds (a float); whole seconds are enough
            // for freshness checks.
            #[expect(
                clippy::cast_possible_truncation,
                reason = "seconds since 1970 fit i64"
            )]
            let ns = (s.floor() as i64).checked_mul(1_000_000_000)?;
            Timestamp::parse(&riskgate_controls::format_time(ns)).ok()
        }),
        _ => None,
    };
    let provenance = context.source_of(SOURCE_KIND, source);
    let mut fragment = Fragment::default();
    for (task, values) in results {
        let n = samples.get(&task).and_then(|s| s.effective.or(s.original));
        let mut metrics = Vec::new();
        for (key, raw) in &values {
            // `alias` and other keys without a filter are labels, and
            // "N/A" stderr values are not measurements.
            let Some((metric, filter)) = key.split_once(',') else {
                continue;
            };
            if raw.is_string() {
                continue;
            }
            let Some(value) = metric_value(raw) else {
                return Err(file.invalid(
                    &format!("/results/{}/{}", escape(&task), escape(key)),
                    format!("`{key}` of task `{task}` is not a number"),
                ));
            };
            let name = if filter == "none" {
                metric.to_owned()
            } else {
                format!("{metric}_{filter}")
            };
            metrics.push(Metric {
                name,
                value,
                n,
                slices: Vec::new(),
            });
        }
        if metrics.is_empty() {
            continue;
        }
        let dataset = configs.get(&task).and_then(|c| {
            c.dataset_path.clone().map(|path| DatasetRef {
                name: Some(path),
                version: c.dataset_name.clone(),
                digest: None,
            })
        });
        fragment.evaluations.push(Evaluation {
            id: format!("lm-eval:{task}"),
            suite: Some("lm_eval".to_owned()),
            dataset,
            run_at: run_at.clone(),
            artifact_digest: None,
            report_ref: None,
            report_digest: None,
            metrics,
            source: Some(provenance.clone()),
        });
    }
    if fragment.evaluations.is_empty() {
        return Err(nothing_found(source, "task result"));
    }
    if let Some(model_args) = file.at("/config/model_args").and_then(Value::as_str) {
        fragment.annotations.insert(
            "import.riskgate.dev/lm-eval-model-args".to_owned(),
            model_args.to_owned(),
        );
    }
    fragment.normalise();
    Ok(fragment)
}

/// One JSON Pointer token.
fn escape(token: &str) -> std::borrow::Cow<'_, str> {
    riskgate_engine::json_pointer::escape(token)
}
