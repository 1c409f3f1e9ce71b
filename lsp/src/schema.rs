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

use riskgate_controls::manifest::schema_nav;
/// A path segment: a field name, or `[]` for any array element.
pub use riskgate_controls::manifest::schema_nav::ANY_INDEX;

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(riskgate_controls::manifest::json_schema)
}

fn type_name(node: &Value) -> String {
    if let Some(name) = schema_nav::ref_name(node) {
        return name.to_owned();
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
    let node = schema_nav::value_schema(schema(), node);
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

/// The documentation of the field at `path` (e.g. `["spec", "classification"]`).
#[must_use]
pub fn field(path: &[&str]) -> Option<FieldDoc> {
    let name = path.last()?;
    schema_nav::field_at(schema(), path).map(|node| doc(name, node))
}

/// The fields of the object at `path`, sorted by name.
#[must_use]
pub fn fields(path: &[&str]) -> Vec<FieldDoc> {
    schema_nav::fields_at(schema(), path)
        .into_iter()
        .map(|(name, node)| doc(name, node))
        .collect()
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
