//! MLflow (REST API 2.0): a registered model version, the run that
//! produced it, and that run's metrics, parameters, tags and dataset
//! inputs; with MLflow 3, also the logged model the version was registered
//! from, whose metrics each name the dataset (and its digest) they were
//! computed on. The parser reads the response bodies; [`http`] fetches them.

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
    /// `models:/<model_id>` when registered from an MLflow 3 logged model.
    source: Option<String>,
    #[serde(default)]
    tags: Vec<KeyValue>,
    /// MLflow 3: the logged model the version was registered from. The
    /// open-source server (3.4) does not fill it in; `source` names it.
    model_id: Option<String>,
    /// MLflow 3: the logged model's metrics, each bound to a dataset. The
    /// field is in the API, but the open-source server (3.4) leaves it
    /// empty; the logged model itself has them.
    #[serde(default, alias = "metrics")]
    model_metrics: Vec<RunMetric>,
}

#[derive(Debug, Deserialize)]
struct LoggedModelResponse {
    model: LoggedModel,
}

#[derive(Debug, Deserialize)]
struct LoggedModel {
    info: LoggedModelInfo,
    #[serde(default)]
    data: LoggedModelData,
}

#[derive(Debug, Deserialize)]
struct LoggedModelInfo {
    model_id: String,
    experiment_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct LoggedModelData {
    #[serde(default)]
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
    /// Milliseconds since the epoch, a number or a string.
    timestamp: Option<serde_json::Value>,
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

/// The MLflow 3 logged model a model version was registered from, which
/// the importer fetches for its dataset-bound metrics: the version's
/// `model_id`, else the id in a `models:/<model_id>` source. `None` for a
/// version registered from a run's artifacts (MLflow 2) or from another
/// version (`models:/<name>/<version>`, `models:/<name>@<alias>`).
///
/// # Errors
/// `E6001`/`E6002` for a body that is not a model version.
pub fn logged_model_id(model_version_body: &SourceFile) -> Result<Option<String>, ImportError> {
    let Some(version) = model_version_body
        .structured()?
        .typed::<ModelVersionResponse>("")?
        .map(|r| r.model_version)
    else {
        return Ok(None);
    };
    if let Some(id) = version.model_id.filter(|id| !id.is_empty()) {
        return Ok(Some(id));
    }
    // MLflow reads a one-segment `models:/` path without `@` as a model id.
    Ok(version
        .source
        .as_deref()
        .and_then(|s| s.strip_prefix("models:/"))
        .filter(|id| !id.is_empty() && !id.contains(['/', '@']))
        .map(str::to_owned))
}

/// Reads a `model-versions/get` and a `runs/get` response, and the
/// `logged-models/get` response of the version's logged model when there
/// is one ([`logged_model_id`]): metrics become evaluations, one per run
/// and dataset they were computed on (MLflow 3 binds logged-model metrics
/// to a dataset name and digest; a run's unbound metrics are one
/// evaluation on its evaluation dataset input), dataset inputs and the
/// datasets metrics are bound to become datasets, parameters and
/// model-version tags annotations, and `riskgate.approval.<role>` tags
/// approval *claims*.
///
/// # Errors
/// `E6001`/`E6002` for bodies that are not the documented JSON, `E6004`
/// for a run or logged model of another model version, `E6006` when no
/// metric is found.
pub fn parse(
    model_version_body: &SourceFile,
    run_body: &SourceFile,
    logged_model_body: Option<&SourceFile>,
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
    let logged_model = match logged_model_body {
        Some(body) => {
            let model = body
                .structured()?
                .typed::<LoggedModelResponse>("")?
                .ok_or_else(|| nothing_found(body, "logged model"))?
                .model;
            let expected = logged_model_id(model_version_body)?;
            if expected.as_deref() != Some(model.info.model_id.as_str()) {
                return Err(ImportError::general(
                    &codes::IMPORT_REQUEST_FAILED,
                    format!(
                        "model version {} {} was not registered from logged model {}",
                        version.name, version.version, model.info.model_id
                    ),
                ));
            }
            Some((body, model))
        }
        None => None,
    };
    let base = options.tracking_uri.trim_end_matches('/');
    let run_uri = match &run.info.experiment_id {
        Some(experiment) => format!("{base}/#/experiments/{experiment}/runs/{}", run.info.run_id),
        None => format!("{base}/#/runs/{}", run.info.run_id),
    };
    // Where each metric was read, cited in its evaluation's `source`.
    let from_run = Origin {
        uri: run_uri,
        digest: run_body.digest(),
    };
    let from_version = Origin {
        uri: format!(
            "{base}/#/models/{}/versions/{}",
            version.name, version.version
        ),
        digest: model_version_body.digest(),
    };
    let from_logged_model = logged_model.as_ref().map(|(body, model)| Origin {
        uri: match &model.info.experiment_id {
            Some(experiment) => format!(
                "{base}/#/experiments/{experiment}/models/{}",
                model.info.model_id
            ),
            None => format!("{base}/#/models/{}", model.info.model_id),
        },
        digest: body.digest(),
    });
    let run_at = run.info.end_time.as_ref().and_then(millis_to_timestamp);
    let mut fragment = Fragment {
        name: Some(version.name.clone()),
        ..Fragment::default()
    };

    // The logged model's metrics first: the same measurement can be in
    // more than one response, and the logged model's copy says the most.
    let mut read: Vec<(&Origin, &RunMetric)> = Vec::new();
    if let (Some(origin), Some((_, model))) = (&from_logged_model, &logged_model) {
        read.extend(model.data.metrics.iter().map(|m| (origin, m)));
    }
    read.extend(version.model_metrics.iter().map(|m| (&from_version, m)));
    read.extend(run.data.metrics.iter().map(|m| (&from_run, m)));

    // Group metrics by where they were read, the run that logged them and
    // the dataset they were computed on (`None`: the run as a whole).
    let mut groups: BTreeMap<GroupKey<'_>, Vec<&RunMetric>> = BTreeMap::new();
    let mut seen: Vec<(&str, Option<&str>, &str)> = Vec::new();
    for (origin, metric) in &read {
        let run_id = metric
            .run_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .unwrap_or(&run.info.run_id);
        let identity = (run_id, metric.dataset_name.as_deref(), metric.key.as_str());
        if seen.contains(&identity) {
            continue;
        }
        // MLflow logs a metric bound to a model and dataset to its run as
        // well; the run's unbound copy (same key, value and time) is the
        // same measurement, not a second one.
        if metric.dataset_name.is_none()
            && read.iter().any(|(_, bound)| {
                bound.dataset_name.is_some()
                    && bound.key == metric.key
                    && bound.value.to_bits() == metric.value.to_bits()
                    && bound.timestamp == metric.timestamp
                    && bound.run_id.as_deref().is_none_or(|id| id == run_id)
            })
        {
            continue;
        }
        seen.push(identity);
        let dataset = metric
            .dataset_name
            .as_deref()
            .map(|name| (name, metric.dataset_digest.as_deref()));
        groups
            .entry((origin.uri.as_str(), run_id, dataset))
            .or_default()
            .push(metric);
    }
    let default_dataset = evaluation_dataset(&run.inputs.dataset_inputs);
    let origins = [
        Some(&from_run),
        Some(&from_version),
        from_logged_model.as_ref(),
    ];
    let mut bound_datasets = Vec::new();
    for ((uri, run_id, dataset), metrics) in groups {
        let Some(origin) = origins.iter().flatten().find(|o| o.uri == uri) else {
            continue;
        };
        let id = match &dataset {
            Some((name, _)) => format!("mlflow-{run_id}-{name}"),
            None => format!("mlflow-{run_id}"),
        };
        let is_version_run = run_id == run.info.run_id;
        let dataset_ref = match dataset {
            Some((name, digest)) => {
                if !bound_datasets.iter().any(|d: &Dataset| d.name == name) {
                    bound_datasets.push(Dataset {
                        name: name.to_owned(),
                        digest: digest.map(str::to_owned),
                        ..Dataset::default()
                    });
                }
                Some(DatasetRef {
                    name: Some(name.to_owned()),
                    version: None,
                    digest: digest.map(str::to_owned),
                })
            }
            None if is_version_run => default_dataset.clone(),
            None => None,
        };
        // Another run (an evaluation of the logged model) is not fetched,
        // so its metrics' own times say when it ran.
        let evaluated_at = if is_version_run {
            run_at.clone()
        } else {
            metrics
                .iter()
                .filter_map(|m| m.timestamp.as_ref().and_then(millis))
                .max()
                .and_then(|latest| millis_to_timestamp(&latest.into()))
        };
        let owned: Vec<RunMetric> = metrics.into_iter().cloned().collect();
        fragment.evaluations.push(Evaluation {
            id,
            suite: options.suite.clone(),
            dataset: dataset_ref,
            run_at: evaluated_at,
            artifact_digest: None,
            report_ref: None,
            report_digest: None,
            metrics: fold_slices(&owned, options.slice_pattern.as_ref()),
            source: Some(EvidenceSource {
                kind: SOURCE_KIND.to_owned(),
                uri: Some(origin.uri.clone()),
                file: None,
                run_id: Some(run_id.to_owned()),
                digest: Some(origin.digest.clone()),
                imported_at: context.imported_at.clone(),
            }),
        });
    }
    if fragment.evaluations.is_empty() {
        return Err(nothing_found(run_body, "metric"));
    }
    for input in &run.inputs.dataset_inputs {
        fragment.datasets.push(Dataset {
            name: input.dataset.name.clone(),
            digest: input.dataset.digest.clone(),
            role: context_tag(input).and_then(role_of_context),
            source: input.dataset.source.clone(),
            ..Dataset::default()
        });
    }
    // A dataset a metric was computed on that the run did not log as an
    // input (an evaluation run's input, say); its role is not recorded.
    for dataset in bound_datasets {
        if !fragment.datasets.iter().any(|d| d.name == dataset.name) {
            fragment.datasets.push(dataset);
        }
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

/// Where metrics were read: the page that shows them and the digest of
/// the response body.
struct Origin {
    uri: String,
    digest: String,
}

/// An evaluation's metrics: where they were read, the run that logged
/// them, and the dataset (name, digest) they were computed on.
type GroupKey<'m> = (&'m str, &'m str, Option<(&'m str, Option<&'m str>)>);

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
fn millis(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn millis_to_timestamp(value: &serde_json::Value) -> Option<Timestamp> {
    let ns = millis(value)?.checked_mul(1_000_000)?;
    Timestamp::parse(&riskgate_controls::format_time(ns)).ok()
}
