//! Any JSON or CSV report (Evidently, Great Expectations, in-house tools)
//! through a mapping file that says where each metric is.
//!
//! ```yaml
//! evaluation:
//!   id: drift-2026-10
//!   suite: drift
//!   run_at: /timestamp            # a path, or a literal RFC 3339 time
//!   dataset: {name: scoring-sample, version: "2026-10"}
//! metrics:
//!   - name: psi_score
//!     value: /metrics/0/result/drift_score
//!   - name: approval_rate_ratio
//!     value: $.by_group[group=all].ratio
//!     n: $.by_group[group=all].count
//!     slices:
//!       - {name: sex=female, value: "$.by_group[group=female].ratio"}
//! ```
//!
//! A path is a JSON Pointer (`/a/0/b`) or a JSONPath-like expression:
//! `$`, then `.key`, `['key']`, `[index]` and `[field=value]`, which picks
//! the first list element whose `field` is `value` (as text). A CSV file is
//! read as a list of rows keyed by its header, so `/0/auc` is the `auc`
//! column of the first row and `$[metric=auc].value` the `value` column of
//! the row whose `metric` column is `auc`.

use riskgate_controls::manifest::{DatasetRef, Evaluation, Metric, MetricValue, Slice, Timestamp};
use serde::Deserialize;
use serde_json::Value;

use crate::ImportError;
use crate::codes;
use crate::fragment::{Fragment, metric_value};
use crate::source::{ImportContext, SourceFile};

/// The `kind` recorded in the provenance of mapped evidence.
pub const SOURCE_KIND: &str = "mapped";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Mapping {
    evaluation: EvaluationMapping,
    metrics: Vec<MetricMapping>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluationMapping {
    id: String,
    suite: Option<String>,
    run_at: Option<String>,
    dataset: Option<DatasetRef>,
    report_ref: Option<String>,
    artifact_digest: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricMapping {
    name: String,
    value: String,
    n: Option<String>,
    #[serde(default)]
    slices: Vec<SliceMapping>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SliceMapping {
    name: String,
    value: String,
    n: Option<String>,
}

/// Reads `data` (JSON, or CSV when its name ends in `.csv`) through
/// `mapping` into one evaluation.
///
/// # Errors
/// `E6003` for an invalid mapping or a path that finds no usable value,
/// `E6001` for data that is not JSON or CSV.
pub fn parse(
    mapping: &SourceFile,
    data: &SourceFile,
    context: &ImportContext,
) -> Result<Fragment, ImportError> {
    let mapping_doc = mapping.structured()?;
    let spec: Mapping = serde_json::from_value(mapping_doc.value.clone()).map_err(|e| {
        mapping_doc.error_at(
            &codes::IMPORT_MAPPING_INVALID,
            "",
            format!("invalid mapping: {e}"),
        )
    })?;
    let data_value = if data.name.to_ascii_lowercase().ends_with(".csv") {
        csv_rows(data)?
    } else {
        data.structured()?.value
    };
    let resolve = |pointer: &str, path: &str| -> Result<&Value, ImportError> {
        select(&data_value, path).map_err(|problem| {
            mapping_doc.error_at(
                &codes::IMPORT_MAPPING_INVALID,
                pointer,
                format!("`{path}` {problem} in {}", data.name),
            )
        })
    };
    let number = |pointer: &str, path: &str| -> Result<MetricValue, ImportError> {
        let value = resolve(pointer, path)?;
        metric_value(value).ok_or_else(|| {
            mapping_doc.error_at(
                &codes::IMPORT_MAPPING_INVALID,
                pointer,
                format!("`{path}` is {value}, not a number, boolean or string"),
            )
        })
    };
    let count = |pointer: &str, path: Option<&String>| -> Result<Option<u64>, ImportError> {
        let Some(path) = path else { return Ok(None) };
        let value = resolve(pointer, path)?;
        let n = value
            .as_u64()
            .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
            .or_else(|| {
                value
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            });
        n.map(Some).ok_or_else(|| {
            mapping_doc.error_at(
                &codes::IMPORT_MAPPING_INVALID,
                pointer,
                format!("`{path}` is {value}, not a count"),
            )
        })
    };
    let mut metrics = Vec::new();
    for (i, metric) in spec.metrics.iter().enumerate() {
        let at = format!("/metrics/{i}");
        let mut slices = Vec::new();
        for (j, slice) in metric.slices.iter().enumerate() {
            let slice_at = format!("{at}/slices/{j}");
            slices.push(Slice {
                name: slice.name.clone(),
                value: number(&format!("{slice_at}/value"), &slice.value)?,
                n: count(&format!("{slice_at}/n"), slice.n.as_ref())?,
            });
        }
        metrics.push(Metric {
            name: metric.name.clone(),
            value: number(&format!("{at}/value"), &metric.value)?,
            n: count(&format!("{at}/n"), metric.n.as_ref())?,
            slices,
        });
    }
    let run_at = match spec.evaluation.run_at.as_deref() {
        None => None,
        Some(text) => {
            let at = "/evaluation/run_at";
            let time = if is_path(text) {
                resolve(at, text)?.as_str().unwrap_or_default().to_owned()
            } else {
                text.to_owned()
            };
            Some(Timestamp::parse(&time).map_err(|e| {
                mapping_doc.error_at(
                    &codes::IMPORT_MAPPING_INVALID,
                    at,
                    format!("run_at `{time}`: {e}"),
                )
            })?)
        }
    };
    let mut provenance = context.source_of(SOURCE_KIND, data);
    provenance.uri = Some(mapping.name.clone());
    let mut fragment = Fragment::default();
    fragment.evaluations.push(Evaluation {
        id: spec.evaluation.id,
        suite: spec.evaluation.suite,
        dataset: spec.evaluation.dataset,
        run_at,
        artifact_digest: spec.evaluation.artifact_digest,
        report_ref: spec.evaluation.report_ref,
        report_digest: None,
        metrics,
        source: Some(provenance),
    });
    fragment.normalise();
    Ok(fragment)
}

fn is_path(text: &str) -> bool {
    text.starts_with('/') || text.starts_with('$')
}

/// The rows of a CSV file as JSON objects keyed by the header; cells that
/// are numbers become numbers.
fn csv_rows(data: &SourceFile) -> Result<Value, ImportError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(data.text.as_bytes());
    let unreadable = |e: csv::Error| {
        let offset = e
            .position()
            .map_or(0, |p| u32::try_from(p.byte()).unwrap_or(u32::MAX));
        data.error(
            &codes::IMPORT_SOURCE_UNREADABLE,
            riskgate_dsl::Span::new(offset, offset),
            format!("{} is not valid CSV: {e}", data.name),
        )
    };
    let headers = reader.headers().map_err(unreadable)?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(unreadable)?;
        let row: serde_json::Map<String, Value> = headers
            .iter()
            .zip(record.iter())
            .map(|(key, cell)| {
                let value = cell
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| Value::String(cell.to_owned()), Value::Number);
                (key.to_owned(), value)
            })
            .collect();
        rows.push(Value::Object(row));
    }
    Ok(Value::Array(rows))
}

/// One step of a JSONPath-like path.
#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
    Where(String, String),
}

/// The value `path` selects in `data`, or what went wrong.
fn select<'d>(data: &'d Value, path: &str) -> Result<&'d Value, String> {
    if path.starts_with('/') {
        return data
            .pointer(path)
            .ok_or_else(|| "finds no value".to_owned());
    }
    let steps = parse_path(path)?;
    let mut current = data;
    for (i, step) in steps.iter().enumerate() {
        let found = match step {
            Step::Key(key) => current.get(key),
            Step::Index(index) => current.get(*index),
            Step::Where(field, wanted) => current.as_array().and_then(|items| {
                items.iter().find(|item| {
                    item.get(field).is_some_and(|v| match v {
                        Value::String(s) => s == wanted,
                        Value::Bool(b) => wanted.parse::<bool>().ok() == Some(*b),
                        number => {
                            number.as_f64().is_some() && number.as_f64() == wanted.parse().ok()
                        }
                    })
                })
            }),
        };
        current = found.ok_or_else(|| format!("finds nothing at step {} ({step:?})", i + 1))?;
    }
    Ok(current)
}

/// Parses `$.a['b'][0][k=v]`.
fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let mut rest = path
        .strip_prefix('$')
        .ok_or_else(|| "is not a path (start with `/` or `$`)".to_owned())?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let (key, tail) = after.split_at(end);
            if key.is_empty() {
                return Err("has an empty key after `.`".to_owned());
            }
            steps.push(Step::Key(key.to_owned()));
            rest = tail;
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after
                .find(']')
                .ok_or_else(|| "has an unclosed `[`".to_owned())?;
            let (inner, tail) = after.split_at(end);
            rest = tail.get(1..).unwrap_or_default();
            let quoted = inner
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            if let Some(key) = quoted {
                steps.push(Step::Key(key.to_owned()));
            } else if let Ok(index) = inner.parse::<usize>() {
                steps.push(Step::Index(index));
            } else if let Some((field, value)) = inner.split_once('=') {
                let value = value.trim().trim_matches(['\'', '"']);
                steps.push(Step::Where(field.trim().to_owned(), value.to_owned()));
            } else {
                return Err(format!(
                    "has `[{inner}]`, which is not a key, index or field=value"
                ));
            }
        } else {
            return Err(format!("has `{rest}` where `.` or `[` was expected"));
        }
    }
    Ok(steps)
}
