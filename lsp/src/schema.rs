//! Manifest field documentation from the `ModelRelease` JSON Schema, for
//! hover and completion on `input.…` paths and in manifest files.

use std::sync::OnceLock;

use serde_json::Value;

/// One field of the manifest schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDoc {
    /// The field name.
    pub name: String,
    /// Its description from the schema.
    pub description: String,
    /// A short type, e.g. `string`, `array of Metric`, `RiskLevel`.
    pub type_name: String,
    /// Allowed values, when the schema lists them.
    pub values: Vec<String>,
}

/// A path segment: a field name, or `[]` for any array element.
pub const ANY_INDEX: &str = "[]";

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(riskgate_controls::manifest::json_schema)
}

/// Follows `$ref` and nullable `anyOf` wrappers to the schema that
/// describes values.
fn deref(node: &Value) -> &Value {
    let mut node = node;
    for _ in 0..8 {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let name = reference.trim_start_matches("#/$defs/");
            match schema().get("$defs").and_then(|d| d.get(name)) {
                Some(next) => node = next,
                None => return node,
            }
        } else if let Some(options) = node.get("anyOf").and_then(Value::as_array) {
            match options
                .iter()
                .find(|o| o.get("type").and_then(Value::as_str) != Some("null"))
            {
                Some(next) => node = next,
                None => return node,
            }
        } else {
            return node;
        }
    }
    node
}

fn ref_name(node: &Value) -> Option<String> {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        return Some(reference.trim_start_matches("#/$defs/").to_owned());
    }
    node.get("anyOf")
        .and_then(Value::as_array)
        .and_then(|options| options.iter().find_map(ref_name))
}

fn type_name(node: &Value) -> String {
    if let Some(name) = ref_name(node) {
        return name;
    }
    match node.get("type") {
        Some(Value::String(t)) if t == "array" => match node.get("items") {
            Some(items) => format!("array of {}", type_name(items)),
            None => "array".to_owned(),
        },
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".to_owned(),
    }
}

fn values(node: &Value) -> Vec<String> {
    let node = deref(node);
    let strings = |list: &Value| -> Vec<String> {
        list.as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(list) = node.get("enum") {
        return strings(list);
    }
    node.get("oneOf")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter_map(|o| {
                    o.get("const")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .or_else(|| o.get("enum").map(|e| strings(e).join(", ")))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn doc(name: &str, node: &Value) -> FieldDoc {
    FieldDoc {
        name: name.to_owned(),
        description: node
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        type_name: type_name(node),
        values: values(node),
    }
}

/// The schema node at `path` from the document root (before deref).
fn node_at(path: &[&str]) -> Option<&'static Value> {
    let mut node = schema();
    for segment in path {
        let here = deref(node);
        if *segment == ANY_INDEX || segment.parse::<usize>().is_ok() {
            node = here.get("items")?;
            continue;
        }
        let here = if here.get("type").and_then(Value::as_str) == Some("array") {
            deref(here.get("items")?)
        } else {
            here
        };
        node = here.get("properties")?.get(*segment)?;
    }
    Some(node)
}

/// The documentation of the field at `path` (e.g. `["spec", "classification"]`).
#[must_use]
pub fn field(path: &[&str]) -> Option<FieldDoc> {
    let name = path.last()?;
    node_at(path).map(|node| doc(name, node))
}

/// The fields of the object at `path`, sorted by name.
#[must_use]
pub fn fields(path: &[&str]) -> Vec<FieldDoc> {
    let Some(node) = node_at(path) else {
        return Vec::new();
    };
    let mut node = deref(node);
    if node.get("type").and_then(Value::as_str) == Some("array")
        && let Some(items) = node.get("items")
    {
        node = deref(items);
    }
    node.get("properties")
        .and_then(Value::as_object)
        .map(|props| props.iter().map(|(k, v)| doc(k, v)).collect())
        .unwrap_or_default()
}

/// Markdown for a hover on a field.
#[must_use]
pub fn hover_markdown(path: &[&str], doc: &FieldDoc) -> String {
    let mut out = format!(
        "```text\n{}: {}\n```\n{}",
        path.join("."),
        doc.type_name,
        doc.description
    );
    if !doc.values.is_empty() {
        out.push_str(&format!("\n\nValues: `{}`", doc.values.join("`, `")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigates_refs_nullables_and_arrays() {
        let names: Vec<String> = fields(&["spec"]).into_iter().map(|f| f.name).collect();
        assert!(names.contains(&"classification".to_owned()), "{names:?}");
        let tier = field(&["spec", "classification", "risk_tier"]).unwrap();
        assert_eq!(tier.type_name, "RiskLevel");
        assert!(!tier.description.is_empty());
        let metric_fields: Vec<String> = fields(&["spec", "evaluations", ANY_INDEX, "metrics"])
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert!(
            metric_fields.contains(&"value".to_owned()),
            "{metric_fields:?}"
        );
        assert!(field(&["spec", "nope"]).is_none());
    }
}
