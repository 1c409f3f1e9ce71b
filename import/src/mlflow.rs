//! MLflow (REST API 2.0): a registered model version, the run that
//! produced it, and that run's metrics, parameters, tags and dataset
//! inputs. The parser reads the two response bodies; [`http`] fetches them.

pub mod http;

use std::collections::BTreeMap;

use regex::Regex;
use riskgate_controls::manifest::{
    Approval, Dataset, DatasetRef, DatasetRole, Decision, Evaluation, EvidenceSource, Metric,
    Person, Slice, Timestamp,
};
use serde::Deserialize;

use crate::ImportError;
use crate::codes;
use crate::fragment::Fragment;
use crate::source::{ImportContext, SourceFile, nothing_found};

/// The `kind` recorded in the provenance of MLflow evidence.
pub const SOURCE_KIND: &str = "mlflow";

/// Model-version tags of this form are read as approval claims:
/// `riskgate.approval.<role>` = `approve` or `reject`, with an optional
/// `riskgate.approval.<role>.by` e-mail address.
pub const APPROVAL_TAG_PREFIX: &str = "riskgate.approval.";

/// How per-slice metrics are named in the run, e.g.
/// `{metric}/{attr}/{value}` for `auc/sex/female` (MLflow metric names
/// cannot contain `=`).
#[derive(Debug, Clone)]
pub struct SlicePattern {
    regex: Regex,
}

impl SlicePattern {
    /// Compiles a pattern with the placeholders `{metric}`, `{attr}` and
    /// `{value}`, each exactly once; the rest is matched literally.
    ///
    /// # Errors
    /// A message when a placeholder is missing or repeated.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let mut regex = String::from("^");
        let mut rest = pattern;
        let mut seen = Vec::new();
        while let Some(open) = rest.find('{') {
            let (literal, tail) = rest.split_at(open);
            regex.push_str(&regex::escape(literal));
            let close = tail
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in slice pattern `{pattern}`"))?;
            let name = tail.get(1..close).unwrap_or_default();
            if !matches!(name, "metric" | "attr" | "value") {
                return Err(format!(
                    "unknown placeholder `{{{name}}}` in slice pattern `{pattern}` (use {{metric}}, {{attr}} and {{value}})"
                ));
            }
            if seen.contains(&name) {
                return Err(format!(
                    "`{{{name}}}` appears twice in slice pattern `{pattern}`"
                ));
            }
            seen.push(name);
            regex.push_str(&format!("(?P<{name}>.+?)"));
            rest = tail.get(close + 1..).unwrap_or_default();
        }
        regex.push_str(&regex::escape(rest));
        regex.push('$');
        if seen.len() != 3 {
            return Err(format!(
                "slice pattern `{pattern}` needs {{metric}}, {{attr}} and {{value}}"
            ));
        }
        let regex = Regex::new(&regex).map_err(|e| e.to_string())?;
        Ok(Self { regex })
    }

    /// `(metric, "attr=value")` when `key` names a slice.
    fn split<'k>(&self, key: &'k str) -> Option<(&'k str, String)> {
        let captures = self.regex.captures(key)?;
        let metric = captures.name("metric")?.as_str();
        let attr = captures.name("attr")?.as_str();
        let value = captures.name("value")?.as_str();
        Some((metric, format!("{attr}={value}")))
    }
}

/// What the command line says about the import.
#[derive(Debug, Clone)]
pub struct Options {
    /// The tracking server, e.g. `http://127.0.0.1:5000`.
    pub tracking_uri: String,
    /// How per-slice metrics are named; without it every metric is overall.
    pub slice_pattern: Option<SlicePattern>,
    /// The evaluations' `suite`.
    pub suite: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ModelVersionResponse {
    model_version: ModelVersion,
}

#[derive(Debug, Deserialize)]
struct ModelVersion {
    name: String,
    version: String,
    run_id: Option<String>,
    #[serde(default)]
    tags: Vec<KeyValue>,
    /// MLflow 3: metrics of the logged model, bound to a dataset.
    #[serde(default, alias = "model_metrics")]
    metrics: Vec<RunMetric>,
}

#[derive(Debug, Deserialize)]
struct KeyValue {
    key: String,
    value: String,
}

#[derive(Debug, Deserialize)]
struct RunResponse {
    run: Run,
}

#[derive(Debug, Deserialize)]
struct Run {
    info: RunInfo,
    data: RunData,
    #[serde(default)]
    inputs: RunInputs,
}

#[derive(Debug, Deserialize)]
struct RunInfo {
    run_id: String,
    experiment_id: Option<String>,
    end_time: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct RunData {
    #[serde(default)]
    metrics: Vec<RunMetric>,
    #[serde(default)]
    params: Vec<KeyValue>,
}

#[derive(Debug, Clone, Deserialize)]
struct RunMetric {
    key: String,
    value: f64,
    /// MLflow 3: the dataset the metric was computed on.
    dataset_name: Option<String>,
    dataset_digest: Option<String>,
    run_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RunInputs {
    #[serde(default)]
    dataset_inputs: Vec<DatasetInput>,
}

#[derive(Debug, Deserialize)]
struct DatasetInput {
    #[serde(default)]
    tags: Vec<KeyValue>,
    dataset: MlflowDataset,
}

#[derive(Debug, Deserialize)]
struct MlflowDataset {
    name: String,
    digest: Option<String>,
    source: Option<String>,
}

/// The run that produced the model version of a `model-versions/get`
/// response, which the importer fetches next.
///
/// # Errors
/// `E6001`/`E6002` for a body that is not a model version, `E6006` for a
/// version without a run.
pub fn run_id(model_version_body: &SourceFile) -> Result<String, ImportError> {
    model_version_body
        .structured()?
        .typed::<ModelVersionResponse>("")?
        .and_then(|r| r.model_version.run_id)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            nothing_found(
                model_version_body,
                "run id (the model version was not logged from a run)",
            )
        })
}

/// Reads a `model-versions/get` and a `runs/get` response: the run's
/// metrics become evaluations (one per dataset when MLflow 3 binds metrics
/// to datasets, else one for the run), dataset inputs become datasets,
/// parameters and model-version tags annotations, and
/// `riskgate.approval.<role>` tags approval *claims*.
///
/// # Errors
/// `E6001`/`E6002` for bodies that are not the documented JSON, `E6006` for
/// a run without metrics.
pub fn parse(
    model_version_body: &SourceFile,
    run_body: &SourceFile,
    options: &Options,
    context: &ImportContext,
) -> Result<Fragment, ImportError> {
    let version = model_version_body
        .structured()?
        .typed::<ModelVersionResponse>("")?
        .ok_or_else(|| nothing_found(model_version_body, "model version"))?
        .model_version;
    let run = run_body
        .structured()?
        .typed::<RunResponse>("")?
        .ok_or_else(|| nothing_found(run_body, "run"))?
        .run;
    if version
        .run_id
        .as_deref()
        .is_some_and(|id| id != run.info.run_id)
    {
        return Err(ImportError::general(
            &codes::IMPORT_REQUEST_FAILED,
            format!(
                "model version {} {} was produced by run {}, not by run {}",
                version.name,
                version.version,
                version.run_id.as_deref().unwrap_or_default(),
                run.info.run_id
            ),
        ));
    }
    let base = options.tracking_uri.trim_end_matches('/');
    let run_uri = match &run.info.experiment_id {
        Some(experiment) => format!("{base}/#/experiments/{experiment}/runs/{}", run.info.run_id),
        None => format!("{base}/#/runs/{}", run.info.run_id),
    };
    let provenance = EvidenceSource {
        kind: SOURCE_KIND.to_owned(),
        uri: Some(run_uri),
        file: None,
        run_id: Some(run.info.run_id.clone()),
        digest: Some(run_body.digest()),
        imported_at: context.imported_at.clone(),
    };
    let run_at = run.info.end_time.as_ref().and_then(millis_to_timestamp);
    let mut fragment = Fragment {
        name: Some(version.name.clone()),
        ..Fragment::default()
    };

    // Group metrics by the dataset they were computed on; `None` is the
    // run as a whole.
    let mut groups: BTreeMap<Option<(String, Option<String>)>, Vec<RunMetric>> = BTreeMap::new();
    let model_metrics = version
        .metrics
        .iter()
        .filter(|m| m.run_id.as_deref().is_none_or(|id| id == run.info.run_id));
    for metric in run.data.metrics.iter().chain(model_metrics) {
        let key = metric
            .dataset_name
            .clone()
            .map(|name| (name, metric.dataset_digest.clone()));
        let group = groups.entry(key).or_default();
        if !group.iter().any(|m| m.key == metric.key) {
            group.push(metric.clone());
        }
    }
    let default_dataset = evaluation_dataset(&run.inputs.dataset_inputs);
    for (dataset, metrics) in groups {
        let id = match &dataset {
            Some((name, _)) => format!("mlflow-{}-{name}", run.info.run_id),
            None => format!("mlflow-{}", run.info.run_id),
        };
        let dataset = match dataset {
            Some((name, digest)) => Some(DatasetRef {
                name: Some(name),
                version: None,
                digest,
            }),
            None => default_dataset.clone(),
        };
        fragment.evaluations.push(Evaluation {
            id,
            suite: options.suite.clone(),
            dataset,
            run_at: run_at.clone(),
            artifact_digest: None,
            report_ref: None,
            report_digest: None,
            metrics: fold_slices(&metrics, options.slice_pattern.as_ref()),
            source: Some(provenance.clone()),
        });
    }
    if fragment.evaluations.is_empty() {
        return Err(nothing_found(run_body, "metric"));
    }
    for input in &run.inputs.dataset_inputs {
        fragment.datasets.push(Dataset {
            name: input.dataset.name.clone(),
            version: None,
            digest: input.dataset.digest.clone(),
            role: context_tag(input).and_then(role_of_context),
            source: input.dataset.source.clone(),
            license: None,
            datasheet_ref: None,
            personal_data: None,
            special_category_data: None,
        });
    }
    for param in &run.data.params {
        fragment.annotations.insert(
            format!("mlflow.riskgate.dev/param.{}", param.key),
            param.value.clone(),
        );
    }
    let claim_note = format!(
        "claim read from a tag of MLflow model version {} {} (not a signed record)",
        version.name, version.version
    );
    for tag in &version.tags {
        let Some(role) = tag.key.strip_prefix(APPROVAL_TAG_PREFIX) else {
            fragment.annotations.insert(
                format!("mlflow.riskgate.dev/tag.{}", tag.key),
                tag.value.clone(),
            );
            continue;
        };
        if role.ends_with(".by") {
            continue;
        }
        let decision = match tag.value.trim() {
            "approve" | "approved" => Decision::Approve,
            "reject" | "rejected" => Decision::Reject,
            _ => continue,
        };
        let by_key = format!("{}.by", tag.key);
        let by = version
            .tags
            .iter()
            .find(|t| t.key == by_key)
            .map(|t| Person {
                name: None,
                email: Some(t.value.clone()),
                org_unit: None,
                reporting_line: None,
            });
        fragment.approvals.push(Approval {
            role: role.to_owned(),
            by,
            at: None,
            decision,
            artifact_digest: None,
            comment: Some(claim_note.clone()),
            signature_ref: None,
        });
    }
    fragment.normalise();
    Ok(fragment)
}

/// Metrics with slices folded in: keys the pattern matches become slices
/// of their metric; a metric logged only per slice has no overall value
/// and is left out of the overall list (its slices are kept under it only
/// when the overall value exists).
fn fold_slices(metrics: &[RunMetric], pattern: Option<&SlicePattern>) -> Vec<Metric> {
    let mut overall: BTreeMap<&str, Metric> = BTreeMap::new();
    let mut slices: Vec<(&str, Slice)> = Vec::new();
    for metric in metrics {
        match pattern.and_then(|p| p.split(&metric.key)) {
            Some((name, slice)) => slices.push((
                name,
                Slice {
                    name: slice,
                    value: riskgate_controls::manifest::MetricValue::Number(metric.value),
                    n: None,
                },
            )),
            None => {
                overall.insert(
                    &metric.key,
                    Metric {
                        name: metric.key.clone(),
                        value: riskgate_controls::manifest::MetricValue::Number(metric.value),
                        n: None,
                        slices: Vec::new(),
                    },
                );
            }
        }
    }
    for (name, slice) in slices {
        if let Some(metric) = overall.get_mut(name) {
            metric.slices.push(slice);
        }
    }
    overall.into_values().collect()
}

/// The dataset an evaluation ran on: the input tagged as evaluation data,
/// else the only input.
fn evaluation_dataset(inputs: &[DatasetInput]) -> Option<DatasetRef> {
    let chosen = inputs
        .iter()
        .find(|i| context_tag(i).is_some_and(|c| matches!(c, "eval" | "evaluation" | "test")))
        .or(match inputs {
            [only] => Some(only),
            _ => None,
        })?;
    Some(DatasetRef {
        name: Some(chosen.dataset.name.clone()),
        version: None,
        digest: chosen.dataset.digest.clone(),
    })
}

/// The `mlflow.data.context` tag of a dataset input (`training`, `eval`, ...).
fn context_tag(input: &DatasetInput) -> Option<&str> {
    input
        .tags
        .iter()
        .find(|t| t.key == "mlflow.data.context")
        .map(|t| t.value.as_str())
}

fn role_of_context(context: &str) -> Option<DatasetRole> {
    match context {
        "train" | "training" => Some(DatasetRole::Train),
        "validation" | "val" => Some(DatasetRole::Validation),
        "eval" | "evaluation" | "test" => Some(DatasetRole::Test),
        _ => None,
    }
}

/// MLflow times are milliseconds since the epoch, as a number or a string.
fn millis_to_timestamp(value: &serde_json::Value) -> Option<Timestamp> {
    let millis: i64 = match value {
        serde_json::Value::Number(n) => n.as_i64()?,
        serde_json::Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    let ns = millis.checked_mul(1_000_000)?;
    Timestamp::parse(&riskgate_controls::format_time(ns)).ok()
}
