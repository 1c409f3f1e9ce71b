//! Hugging Face model cards: the YAML front matter of a model repository's
//! `README.md` (`model-index` results, `datasets`, `license`, `base_model`)
//! and the files of its `.eval_results/` folder.

use riskgate_controls::manifest::{
    Component, Dataset, DatasetRef, DatasetRole, Document, Evaluation, Metric, Timestamp,
};
use riskgate_dsl::Span;
use serde::Deserialize;
use serde_json::Value;

use crate::ImportError;
use crate::codes;
use crate::fragment::{Fragment, metric_value};
use crate::source::{ImportContext, SourceFile, Structured, nothing_found};

/// The `kind` recorded in the provenance of model-card evidence.
pub const SOURCE_KIND: &str = "model_card";

/// One `model-index` result: a task on a dataset with its metrics.
#[derive(Debug, Deserialize)]
struct IndexResult {
    task: Option<Task>,
    dataset: Option<IndexDataset>,
    #[serde(default)]
    metrics: Vec<Value>,
    source: Option<ResultSource>,
}

#[derive(Debug, Deserialize)]
struct Task {
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
struct IndexDataset {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    config: Option<String>,
    split: Option<String>,
    revision: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ResultSource {
    url: Option<String>,
}

/// Reads a model card: `model-index` results become evaluations,
/// `datasets` training datasets, `base_model` components, `license` an
/// annotation, and the card itself a `model_card` document.
///
/// # Errors
/// `E6001` without front matter or with invalid YAML, `E6002` for fields of
/// the wrong shape, `E6006` when the card holds nothing to import.
pub fn parse(source: &SourceFile, context: &ImportContext) -> Result<Fragment, ImportError> {
    let (offset, front_matter) = front_matter(&source.text).ok_or_else(|| {
        source
            .error(
                &codes::IMPORT_SOURCE_UNREADABLE,
                Span::new(0, 0),
                format!("{} has no YAML front matter", source.name),
            )
            .with_help(
                "a model card starts with a `---` line, its metadata, and another `---` line",
            )
    })?;
    let card = source.structured_part(offset, front_matter)?;
    let provenance = context.source_of(SOURCE_KIND, source);
    let mut fragment = Fragment::default();

    let models = card
        .typed::<Vec<Value>>("/model-index")?
        .unwrap_or_default();
    fragment.name = card.typed::<String>("/model-index/0/name").ok().flatten();
    for (m, _) in models.iter().enumerate() {
        let model_pointer = format!("/model-index/{m}");
        let results = card
            .typed::<Vec<IndexResult>>(&format!("{model_pointer}/results"))?
            .unwrap_or_default();
        for (r, result) in results.into_iter().enumerate() {
            let pointer = format!("{model_pointer}/results/{r}");
            let evaluation = index_result(&card, &pointer, result, &provenance)?;
            if let Some(dataset) = &evaluation.dataset
                && let Some(name) = &dataset.name
            {
                fragment.datasets.push(dataset_entry(
                    name,
                    dataset.version.clone(),
                    DatasetRole::Test,
                ));
            }
            fragment.evaluations.push(evaluation);
        }
    }
    for name in string_or_list(&card, "/datasets")? {
        fragment
            .datasets
            .push(dataset_entry(&name, None, DatasetRole::Train));
    }
    let license = card.typed::<String>("/license")?;
    for name in string_or_list(&card, "/base_model")? {
        fragment.components.push(Component {
            name,
            supplier: Some("huggingface".to_owned()),
            version: None,
            digest: None,
            license: None,
            vendor_assessment_ref: None,
            kind: Some("base_model".to_owned()),
        });
    }
    if let Some(license) = license {
        fragment
            .annotations
            .insert("import.riskgate.dev/license".to_owned(), license);
    }
    if fragment.is_empty() {
        return Err(nothing_found(
            source,
            "`model-index` result, dataset or base model",
        ));
    }
    fragment.documents.push(Document {
        kind: "model_card".to_owned(),
        uri: Some(source.name.clone()),
        digest: Some(source.digest()),
        version: None,
        approved_at: None,
        source: Some(provenance),
    });
    fragment.normalise();
    Ok(fragment)
}

/// One `model-index` result as an evaluation.
fn index_result(
    card: &Structured<'_>,
    pointer: &str,
    result: IndexResult,
    provenance: &riskgate_controls::manifest::EvidenceSource,
) -> Result<Evaluation, ImportError> {
    let task = result.task.and_then(|t| t.kind);
    let dataset = result.dataset;
    let dataset_id = dataset
        .as_ref()
        .and_then(|d| d.kind.clone().or_else(|| d.name.clone()));
    let id_parts: Vec<&str> = [
        task.as_deref(),
        dataset_id.as_deref(),
        dataset.as_ref().and_then(|d| d.config.as_deref()),
        dataset.as_ref().and_then(|d| d.split.as_deref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut metrics = Vec::new();
    for (k, metric) in result.metrics.iter().enumerate() {
        let metric_pointer = format!("{pointer}/metrics/{k}");
        let name = metric
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| card.invalid(&metric_pointer, "a model-index metric needs a `type`"))?;
        let raw = metric.get("value").unwrap_or(&Value::Null);
        let value = metric_value(raw).ok_or_else(|| {
            card.invalid(
                &format!("{metric_pointer}/value"),
                format!("metric `{name}` has no number, boolean or string `value`"),
            )
        })?;
        // Two metrics of one type differ by their `config` (e.g. f1 macro
        // and micro); the config keeps their names apart.
        let name = match metric.get("config").and_then(Value::as_str) {
            Some(config) => format!("{name}_{config}"),
            None => name.to_owned(),
        };
        metrics.push(Metric {
            name,
            value,
            n: None,
            slices: Vec::new(),
        });
    }
    Ok(Evaluation {
        id: if id_parts.is_empty() {
            "model-card".to_owned()
        } else {
            id_parts.join(":")
        },
        suite: task,
        dataset: dataset_id.map(|name| DatasetRef {
            name: Some(name),
            version: dataset.as_ref().and_then(|d| d.revision.clone()),
            digest: None,
        }),
        run_at: None,
        artifact_digest: None,
        report_ref: result.source.and_then(|s| s.url),
        report_digest: None,
        metrics,
        source: Some(provenance.clone()),
    })
}

/// One entry of an `.eval_results/*.yaml` file.
#[derive(Debug, Deserialize)]
struct EvalResult {
    dataset: EvalDataset,
    value: Value,
    date: Option<String>,
    source: Option<ResultSource>,
    notes: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EvalDataset {
    id: String,
    task_id: Option<String>,
}

/// Reads one `.eval_results/<benchmark>.yaml` file: each entry becomes an
/// evaluation named after the file, with the benchmark's score as a metric
/// named by its `task_id` (or the dataset's name).
///
/// # Errors
/// `E6001` for invalid YAML, `E6002` for entries of the wrong shape.
pub fn parse_eval_results(
    source: &SourceFile,
    context: &ImportContext,
) -> Result<Fragment, ImportError> {
    let file = source.structured()?;
    let entries = file.typed::<Vec<EvalResult>>("")?.unwrap_or_default();
    let stem = std::path::Path::new(&source.name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("eval-results")
        .to_owned();
    let provenance = context.source_of(SOURCE_KIND, source);
    let mut fragment = Fragment::default();
    for (i, entry) in entries.into_iter().enumerate() {
        let pointer = format!("/{i}");
        let metric_name = entry.dataset.task_id.clone().unwrap_or_else(|| {
            entry
                .dataset
                .id
                .rsplit('/')
                .next()
                .unwrap_or(&entry.dataset.id)
                .to_owned()
        });
        let value = metric_value(&entry.value).ok_or_else(|| {
            file.invalid(
                &format!("{pointer}/value"),
                "an eval result needs a number `value`",
            )
        })?;
        // The format records a date; the manifest wants an instant, so a
        // date is read as its start in UTC.
        let run_at = match entry.date.as_deref() {
            Some(date) => Some(
                Timestamp::parse(&format!("{date}T00:00:00Z"))
                    .or_else(|_| Timestamp::parse(date))
                    .map_err(|e| {
                        file.invalid(&format!("{pointer}/date"), format!("`date`: {e}"))
                    })?,
            ),
            None => None,
        };
        let id = match &entry.notes {
            Some(_) => format!("{stem}-{i}"),
            None => stem.clone(),
        };
        fragment
            .datasets
            .push(dataset_entry(&entry.dataset.id, None, DatasetRole::Test));
        fragment.evaluations.push(Evaluation {
            id,
            suite: Some("benchmark".to_owned()),
            dataset: Some(DatasetRef {
                name: Some(entry.dataset.id),
                version: None,
                digest: None,
            }),
            run_at,
            artifact_digest: None,
            report_ref: entry.source.and_then(|s| s.url),
            report_digest: None,
            metrics: vec![Metric {
                name: metric_name,
                value,
                n: None,
                slices: Vec::new(),
            }],
            source: Some(provenance.clone()),
        });
    }
    if fragment.is_empty() {
        return Err(nothing_found(source, "eval result"));
    }
    fragment.normalise();
    Ok(fragment)
}

/// The front matter of a Markdown file: its byte offset and text, between
/// a first line `---` and the next line `---`.
fn front_matter(text: &str) -> Option<(u32, &str)> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let first_line_end = body.find('\n')?;
    if body.get(..first_line_end)?.trim_end() != "---" {
        return None;
    }
    let start = first_line_end + 1;
    let rest = body.get(start..)?;
    let mut line_start = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let part = rest.get(..line_start)?;
            return Some((u32::try_from(bom + start).ok()?, part));
        }
        line_start += line.len();
    }
    None
}

/// A field that is either one string or a list of strings (`datasets`,
/// `base_model`).
fn string_or_list(card: &Structured<'_>, pointer: &str) -> Result<Vec<String>, ImportError> {
    match card.at(pointer) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(_) => Ok(card.typed::<Vec<String>>(pointer)?.unwrap_or_default()),
    }
}

/// A dataset entry of `spec.data.datasets`.
fn dataset_entry(name: &str, version: Option<String>, role: DatasetRole) -> Dataset {
    Dataset {
        name: name.to_owned(),
        version,
        role: Some(role),
        source: Some("huggingface".to_owned()),
        ..Dataset::default()
    }
}
