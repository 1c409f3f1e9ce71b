//! Checks a positioned document against the generated JSON Schema, so every
//! problem is reported (not just the first) with its position and pointer.
//!
//! Only the schema features `schemars` emits for the manifest types are
//! interpreted: `$ref` into `$defs`, `type`, `enum`, `const`, `anyOf` /
//! `oneOf`, `properties`, `required`, `additionalProperties`, `items`,
//! `minimum` / `maximum` and `format: date-time`.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::codes;
use riskgate_dsl::{Diagnostic, Severity, Span};
use serde_json::Value as Json;

use super::ManifestDiagnostic;
use super::model::{API_VERSION, KIND};
use super::yaml::{Node, NodeKind};
use riskgate_dsl::suggest::closest;
use riskgate_engine::json_pointer;
use riskgate_engine::number::Number;
use riskgate_engine::time::parse_rfc3339_nanos;
use riskgate_engine::value::Value;

/// The node as a policy value.
pub(crate) fn to_value(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Number(n) => Value::Number(*n),
        NodeKind::String(s) => Value::string(s),
        NodeKind::Seq(items) => Value::Array(Arc::new(items.iter().map(to_value).collect())),
        NodeKind::Map(entries) => Value::Object(Arc::new(
            entries
                .iter()
                .map(|e| (Value::string(&e.key), to_value(&e.value)))
                .collect::<BTreeMap<_, _>>(),
        )),
    }
}

/// The node as JSON (for typed deserialisation).
pub(crate) fn to_json(node: &Node) -> Json {
    to_value(node).to_json()
}

/// Validates a manifest document: top-level shape, `apiVersion` and `kind`
/// first (a foreign document is not checked further), then the schema.
pub(crate) fn validate_manifest(
    root: &Node,
    doc_span: Span,
    schema: &Json,
    out: &mut Vec<ManifestDiagnostic>,
) {
    let NodeKind::Map(entries) = &root.kind else {
        out.push(ManifestDiagnostic::at("", 
            Diagnostic::new(
                &codes::MANIFEST_NOT_OBJECT,
                format!(
                    "a manifest must be a mapping with apiVersion, kind, metadata and spec; found {}",
                    describe_value(root)
                ),
            )
            .with_primary(root.span, "")
            .with_help("to put several manifests in one file, separate them with `---` lines"),
        ));
        return;
    };
    let start = Span::new(doc_span.start, doc_span.start);
    let find = |key: &str| entries.iter().find(|e| e.key == key);
    let mut foreign = false;
    for (field, expected, code) in [
        ("apiVersion", API_VERSION, &codes::MANIFEST_API_VERSION),
        ("kind", KIND, &codes::MANIFEST_KIND),
    ] {
        match find(field) {
            None => {
                foreign = true;
                out.push(ManifestDiagnostic::at(
                    &format!("/{field}"),
                    Diagnostic::new(code, format!("missing `{field}`; expected `{expected}`"))
                        .with_primary(root.span.cover(start), "")
                        .with_help(format!(
                            "add `{field}: {expected}` at the top of the document"
                        )),
                ));
            }
            Some(entry) => {
                if !matches!(&entry.value.kind, NodeKind::String(s) if s == expected) {
                    foreign = true;
                    out.push(ManifestDiagnostic::at(
                        &format!("/{field}"),
                        Diagnostic::new(
                            code,
                            format!(
                                "unsupported {field} {}; expected `{expected}`",
                                show(&entry.value)
                            ),
                        )
                        .with_primary(entry.value.span, "")
                        .with_help(format!("write `{field}: {expected}`")),
                    ));
                }
            }
        }
    }
    if foreign {
        return;
    }
    let validator = Validator { root: schema };
    let mut pointer = String::new();
    validator.check(root, schema, &mut pointer, None, out);
}

struct Validator<'s> {
    root: &'s Json,
}

/// JSON Schema type names a node satisfies.
fn satisfies_type(node: &Node, ty: &str) -> bool {
    match (&node.kind, ty) {
        (NodeKind::Null, "null")
        | (NodeKind::Bool(_), "boolean")
        | (NodeKind::Number(_), "number")
        | (NodeKind::String(_), "string")
        | (NodeKind::Seq(_), "array")
        | (NodeKind::Map(_), "object") => true,
        (NodeKind::Number(n), "integer") => n.is_integer(),
        _ => false,
    }
}

fn type_phrase(ty: &str) -> &'static str {
    match ty {
        "null" => "null",
        "boolean" => "true or false",
        "number" => "a number",
        "integer" => "a whole number",
        "string" => "a string",
        "array" => "a list",
        "object" => "a mapping",
        _ => "a value",
    }
}

/// "a list `[...]`", "the string \"many\"", "the number 3".
fn describe_value(node: &Node) -> String {
    match &node.kind {
        NodeKind::Null => "null".to_owned(),
        NodeKind::Bool(b) => format!("`{b}`"),
        NodeKind::Number(n) => format!("the number {n}"),
        NodeKind::String(s) => {
            let shown: String = s.chars().take(40).collect();
            let ellipsis = if shown.len() < s.len() { "..." } else { "" };
            format!("the string {:?}", format!("{shown}{ellipsis}"))
        }
        NodeKind::Seq(_) => "a list".to_owned(),
        NodeKind::Map(_) => "a mapping".to_owned(),
    }
}

/// The value as it would be quoted in a message: `"apps/v1"`, `3`, a list.
fn show(node: &Node) -> String {
    match &node.kind {
        NodeKind::String(s) => {
            let shown: String = s.chars().take(40).collect();
            let ellipsis = if shown.len() < s.len() { "..." } else { "" };
            format!("{:?}", format!("{shown}{ellipsis}"))
        }
        NodeKind::Number(n) => n.to_string(),
        _ => describe_value(node),
    }
}

fn pointer_text(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

/// The pointer of `key` in the object at `pointer`.
fn child(pointer: &str, key: &str) -> String {
    let mut child = pointer.to_owned();
    json_pointer::push(&mut child, key);
    child
}

fn has_errors(diagnostics: &[ManifestDiagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity() == Severity::Error)
}

impl<'s> Validator<'s> {
    fn resolve(&self, schema: &'s Json) -> &'s Json {
        super::schema_nav::resolve(self.root, schema)
    }

    /// Allowed values when the schema is a closed set of strings.
    fn closed_set(&self, schema: &'s Json) -> Option<Vec<&'s str>> {
        let schema = self.resolve(schema);
        if let Some(values) = schema.get("enum").and_then(Json::as_array) {
            return values.iter().map(Json::as_str).collect();
        }
        if let Some(value) = schema.get("const").and_then(Json::as_str) {
            return Some(vec![value]);
        }
        let branches = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Json::as_array)?;
        let mut all = Vec::new();
        for branch in branches {
            all.extend(self.closed_set(branch)?);
        }
        Some(all)
    }

    /// The JSON types a schema accepts (empty when unconstrained).
    fn accepted_types(&self, schema: &'s Json) -> Vec<&'s str> {
        let schema = self.resolve(schema);
        match schema.get("type") {
            Some(Json::String(ty)) => return vec![ty.as_str()],
            Some(Json::Array(types)) => return types.iter().filter_map(Json::as_str).collect(),
            _ => {}
        }
        if schema.get("enum").is_some() || schema.get("const").is_some() {
            return vec!["string"];
        }
        let mut types = Vec::new();
        for key in ["anyOf", "oneOf"] {
            for branch in schema
                .get(key)
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                for ty in self.accepted_types(branch) {
                    if !types.contains(&ty) {
                        types.push(ty);
                    }
                }
            }
        }
        types
    }

    fn wrong_type(
        &self,
        node: &Node,
        schema: &'s Json,
        pointer: &str,
        out: &mut Vec<ManifestDiagnostic>,
    ) {
        let types = self.accepted_types(schema);
        let mut phrases: Vec<&str> = types
            .iter()
            .filter(|ty| **ty != "null")
            .map(|ty| type_phrase(ty))
            .collect();
        phrases.dedup();
        let expected = match phrases.as_slice() {
            [] => "a different value".to_owned(),
            [one] => (*one).to_owned(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        };
        out.push(ManifestDiagnostic::at(
            pointer,
            Diagnostic::new(
                &codes::MANIFEST_WRONG_TYPE,
                format!(
                    "expected {expected} at {}, found {}",
                    pointer_text(pointer),
                    describe_value(node)
                ),
            )
            .with_primary(node.span, format!("expected {expected}")),
        ));
    }

    fn check(
        &self,
        node: &Node,
        schema: &'s Json,
        pointer: &mut String,
        key_span: Option<Span>,
        out: &mut Vec<ManifestDiagnostic>,
    ) {
        let schema = self.resolve(schema);
        if schema.as_bool() == Some(true) {
            return;
        }
        if let Some(allowed) = self.closed_set(schema) {
            self.check_closed_set(node, schema, &allowed, pointer, out);
            return;
        }
        if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Json::as_array)
        {
            self.check_branches(node, schema, branches, pointer, key_span, out);
            return;
        }
        let types = self.accepted_types(schema);
        if !types.is_empty() && !types.iter().any(|ty| satisfies_type(node, ty)) {
            self.wrong_type(node, schema, pointer, out);
            return;
        }
        match &node.kind {
            NodeKind::String(s) => {
                if schema.get("format").and_then(Json::as_str) == Some("date-time")
                    && let Err(reason) = parse_rfc3339_nanos(s)
                {
                    out.push(ManifestDiagnostic::at(
                        pointer,
                        Diagnostic::new(
                            &codes::MANIFEST_INVALID_TIMESTAMP,
                            format!(
                                "invalid timestamp {} at {}: {reason}",
                                show(node),
                                pointer_text(pointer)
                            ),
                        )
                        .with_primary(node.span, "not an RFC 3339 date-time"),
                    ));
                }
            }
            NodeKind::Number(n) => self.check_range(node, *n, schema, pointer, out),
            NodeKind::Seq(items) => {
                if let Some(item_schema) = schema.get("items") {
                    let len = pointer.len();
                    for (i, item) in items.iter().enumerate() {
                        pointer.push('/');
                        pointer.push_str(&i.to_string());
                        self.check(item, item_schema, pointer, None, out);
                        pointer.truncate(len);
                    }
                }
            }
            NodeKind::Map(entries) => {
                self.check_object(node, entries, schema, pointer, key_span, out);
            }
            NodeKind::Null | NodeKind::Bool(_) => {}
        }
    }

    fn check_closed_set(
        &self,
        node: &Node,
        schema: &'s Json,
        allowed: &[&str],
        pointer: &str,
        out: &mut Vec<ManifestDiagnostic>,
    ) {
        // `null` is fine where the field is optional (`anyOf [.., null]`).
        if matches!(node.kind, NodeKind::Null) && self.accepted_types(schema).contains(&"null") {
            return;
        }
        let NodeKind::String(s) = &node.kind else {
            let list = allowed.join(", ");
            out.push(ManifestDiagnostic::at(
                pointer,
                Diagnostic::new(
                    &codes::MANIFEST_WRONG_TYPE,
                    format!(
                        "expected one of {list} at {}, found {}",
                        pointer_text(pointer),
                        describe_value(node)
                    ),
                )
                .with_primary(node.span, "expected a string"),
            ));
            return;
        };
        if allowed.contains(&s.as_str()) {
            return;
        }
        let mut diagnostic = Diagnostic::new(
            &codes::MANIFEST_INVALID_VALUE,
            format!(
                "{} is not allowed at {}; expected one of {}",
                show(node),
                pointer_text(pointer),
                allowed.join(", ")
            ),
        )
        .with_primary(node.span, "not an allowed value");
        if let Some(suggestion) = closest(s, allowed.iter().copied()) {
            diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
        }
        out.push(ManifestDiagnostic::at(pointer, diagnostic));
    }

    fn check_branches(
        &self,
        node: &Node,
        schema: &'s Json,
        branches: &'s [Json],
        pointer: &mut String,
        key_span: Option<Span>,
        out: &mut Vec<ManifestDiagnostic>,
    ) {
        let mut fitting = Vec::new();
        let mut non_null = Vec::new();
        for branch in branches {
            let mut trial = Vec::new();
            self.check(node, branch, pointer, key_span, &mut trial);
            if !has_errors(&trial) {
                out.extend(trial);
                return;
            }
            let types = self.accepted_types(branch);
            if types.iter().any(|ty| satisfies_type(node, ty)) {
                fitting.push(trial.clone());
            }
            if types != ["null"] {
                non_null.push(trial);
            }
        }
        // Report the one branch whose type fits, or the one non-null branch
        // of an optional field; otherwise a type error naming every option.
        if fitting.len() == 1 {
            out.extend(fitting.into_iter().flatten());
        } else if non_null.len() == 1 {
            out.extend(non_null.into_iter().flatten());
        } else {
            self.wrong_type(node, schema, pointer, out);
        }
    }

    fn check_range(
        &self,
        node: &Node,
        n: Number,
        schema: &'s Json,
        pointer: &str,
        out: &mut Vec<ManifestDiagnostic>,
    ) {
        let min = schema.get("minimum").and_then(Json::as_f64);
        let max = schema.get("maximum").and_then(Json::as_f64);
        let value = n.as_f64();
        let below = min.is_some_and(|min| value < min);
        let above = max.is_some_and(|max| value > max);
        if !(below || above) {
            return;
        }
        let range = match (min, max) {
            (Some(min), Some(max)) => format!("between {min} and {max}"),
            (Some(min), None) => format!("at least {min}"),
            (None, Some(max)) => format!("at most {max}"),
            (None, None) => String::new(),
        };
        // Unsigned integers carry a `format` such as `uint8`; their maximum
        // is an implementation limit, so name the range only.
        out.push(ManifestDiagnostic::at(
            pointer,
            Diagnostic::new(
                &codes::MANIFEST_OUT_OF_RANGE,
                format!(
                    "{} at {} is out of range; expected a value {range}",
                    show(node),
                    pointer_text(pointer)
                ),
            )
            .with_primary(node.span, format!("must be {range}")),
        ));
    }

    fn check_object(
        &self,
        node: &Node,
        entries: &[super::yaml::Entry],
        schema: &'s Json,
        pointer: &mut String,
        key_span: Option<Span>,
        out: &mut Vec<ManifestDiagnostic>,
    ) {
        let properties = schema.get("properties").and_then(Json::as_object);
        let additional = schema.get("additionalProperties");
        let len = pointer.len();
        for entry in entries {
            json_pointer::push(pointer, &entry.key);
            if let Some(property) = properties.and_then(|p| p.get(&entry.key)) {
                self.check(&entry.value, property, pointer, Some(entry.key_span), out);
            } else if let Some(value_schema) = additional.filter(|a| a.is_object()) {
                self.check(
                    &entry.value,
                    value_schema,
                    pointer,
                    Some(entry.key_span),
                    out,
                );
            } else if let Some(properties) = properties {
                let mut diagnostic = Diagnostic::new(
                    &codes::MANIFEST_UNKNOWN_FIELD,
                    format!("unknown field `{}` at {}", entry.key, pointer_text(pointer)),
                )
                .with_primary(entry.key_span, "not in the manifest schema");
                if let Some(suggestion) = closest(&entry.key, properties.keys().map(String::as_str))
                {
                    diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                }
                out.push(ManifestDiagnostic::at(pointer, diagnostic));
            }
            pointer.truncate(len);
        }
        for required in schema
            .get("required")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
        {
            if entries.iter().any(|e| e.key == required) {
                continue;
            }
            let at = key_span.unwrap_or(Span::new(node.span.start, node.span.start));
            out.push(ManifestDiagnostic::at(
                &child(pointer, required),
                Diagnostic::new(
                    &codes::MANIFEST_MISSING_FIELD,
                    format!("missing field `{required}` in {}", pointer_text(pointer)),
                )
                .with_primary(at, format!("`{required}` is required here")),
            ));
        }
    }
}
