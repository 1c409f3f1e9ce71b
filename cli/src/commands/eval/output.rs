//! Rendering query results in the `--format`s of `opa eval`.

use riskgate_engine::eval::{TraceEvent, TraceOp};
use riskgate_engine::{QueryOutput, Value};
use serde_json::Value as Json;

/// The `--format` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `opa eval`'s JSON: `{"result": [{"expressions": [...], "bindings": {...}}]}`.
    Json,
    /// Each expression value on its own line; strings without quotes.
    Raw,
    /// A table of bindings, or the expression values as indented JSON.
    Pretty,
    /// A JSON array with the expression values of each result.
    Values,
    /// A JSON array with the variable bindings of each result.
    Bindings,
}

/// The `--explain` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Explain {
    /// Only statements and rules that failed.
    Fails,
    /// Every rule entered, statement evaluated, value produced and failure.
    Full,
}

fn pretty_json(json: &Json) -> String {
    serde_json::to_string_pretty(json).unwrap_or_default()
}

/// The values of one result: the single expression's value, or an array
/// of every expression's value.
fn result_values(result: &riskgate_engine::QueryResult) -> Json {
    match result.expressions.as_slice() {
        [only] => only.value.to_json(),
        many => many.iter().map(|e| e.value.to_json()).collect(),
    }
}

/// Renders the output of a successful evaluation.
pub fn render(out: &QueryOutput, format: Format, explain: Option<Explain>) -> String {
    let trace = explain.map(|mode| trace_events(&out.trace, mode));
    match format {
        Format::Json => {
            let mut json = out.to_opa_json();
            if let (Some(events), Json::Object(map)) = (&trace, &mut json) {
                map.insert(
                    "explanation".into(),
                    events.iter().map(|e| event_json(e)).collect(),
                );
            }
            format!("{}\n", pretty_json(&json))
        }
        other => {
            let mut text = String::new();
            if let Some(events) = &trace {
                text.push_str(&trace_text(events));
            }
            text.push_str(&match other {
                Format::Raw => raw(out),
                Format::Pretty => pretty(out),
                Format::Values => format!(
                    "{}\n",
                    pretty_json(&out.results.iter().map(result_values).collect())
                ),
                Format::Bindings => format!(
                    "{}\n",
                    pretty_json(
                        &out.results
                            .iter()
                            .map(|r| bindings_json(&r.bindings))
                            .collect()
                    )
                ),
                Format::Json => String::new(),
            });
            text
        }
    }
}

fn bindings_json(bindings: &std::collections::BTreeMap<String, Value>) -> Json {
    Json::Object(
        bindings
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect(),
    )
}

/// `opa eval -f raw`: every expression value of every result on its own
/// line; strings as their text, other values as JSON.
fn raw(out: &QueryOutput) -> String {
    let mut text = String::new();
    for result in &out.results {
        for expression in &result.expressions {
            match &expression.value {
                Value::String(s) => text.push_str(s),
                other => text.push_str(&other.to_json().to_string()),
            }
            text.push('\n');
        }
    }
    text
}

/// `-f pretty`: `undefined`, a table when the query binds variables, the
/// expression values as indented JSON otherwise.
fn pretty(out: &QueryOutput) -> String {
    if out.results.is_empty() {
        return "undefined\n".to_owned();
    }
    let names: Vec<&String> = out
        .results
        .first()
        .map(|r| r.bindings.keys().collect())
        .unwrap_or_default();
    if names.is_empty() {
        let values: Vec<Json> = out.results.iter().map(result_values).collect();
        return match values.as_slice() {
            [only] => format!("{}\n", pretty_json(only)),
            _ => format!("{}\n", pretty_json(&Json::Array(values))),
        };
    }
    let rows: Vec<Vec<String>> = out
        .results
        .iter()
        .map(|r| {
            names
                .iter()
                .map(|n| {
                    r.bindings
                        .get(*n)
                        .map_or_else(String::new, |v| v.to_json().to_string())
                })
                .collect()
        })
        .collect();
    table(&names, &rows)
}

fn table(header: &[&String], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule: String = widths
        .iter()
        .map(|w| format!("+{}", "-".repeat(w + 2)))
        .collect::<String>()
        + "+\n";
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("| {c}{} ", " ".repeat(w - c.chars().count())))
            .collect::<String>()
            + "|\n"
    };
    let mut out = rule.clone();
    out.push_str(&line(header.iter().map(|h| h.as_str()).collect()));
    out.push_str(&rule);
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out.push_str(&rule);
    out
}

fn trace_events(events: &[TraceEvent], mode: Explain) -> Vec<&TraceEvent> {
    events
        .iter()
        .filter(|e| mode == Explain::Full || e.op == TraceOp::Fail)
        .collect()
}

fn event_json(event: &TraceEvent) -> Json {
    let mut json = serde_json::json!({
        "op": event.op.as_str(),
        "depth": event.depth,
        "node": event.text,
        "location": {
            "file": &*event.location.file,
            "row": event.location.row,
            "col": event.location.col,
        },
        "bindings": bindings_json(&event.bindings),
    });
    if let (Some(value), Json::Object(map)) = (&event.value, &mut json) {
        map.insert("value".into(), value.to_json());
    }
    json
}

/// The trace as indented text: one line per event, `| ` per nesting level.
pub fn trace_text(events: &[&TraceEvent]) -> String {
    let mut text = String::new();
    for event in events {
        text.push_str(&event.line());
        text.push('\n');
    }
    text
}
