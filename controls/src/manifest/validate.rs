//! Checks a positioned document against the generated JSON Schema, so every
//! problem is reported (not just the first) with its position and pointer.
//!
//! The schema is compiled and walked by [`riskgate_engine::jsonschema`],
//! over the positioned [`Node`]s themselves; this module turns the walk's
//! violations into `E2xxx`/`W2xxx` diagnostics.
//!
//! Invariants:
//! - Diagnostics come in document order: a mapping's entries in source
//!   order, each followed by what is inside it, then the mapping's missing
//!   required fields in schema order.
//! - An object schema with `properties` is closed: an undeclared field is
//!   a warning (W2001), which does not make an `anyOf` branch fail.
//! - A failed `anyOf`/`oneOf` is explained by the one branch whose type
//!   fits the value, else by the one branch that is not `null`, else by a
//!   type error naming every option; a closed set of strings (an `enum`, a
//!   `const`, or alternatives of those) by one "expected one of" message.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::codes;
use riskgate_dsl::{Diagnostic, Span};
use serde_json::Value as Json;

use super::ManifestDiagnostic;
use super::model::{API_VERSION, KIND};
use super::yaml::{Entry, Node, NodeKind};
use riskgate_dsl::suggest::closest;
use riskgate_engine::json_pointer;
use riskgate_engine::jsonschema::{
    self, Branch, Compiled, Instance, JsonType, MAX_SCHEMA_HOPS, Schema, Violation, ViolationKind,
};
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

impl Instance for Node {
    fn json_type(&self) -> JsonType {
        match &self.kind {
            NodeKind::Null => JsonType::Null,
            NodeKind::Bool(_) => JsonType::Boolean,
            NodeKind::Number(n) if n.is_integer() => JsonType::Integer,
            NodeKind::Number(_) => JsonType::Number,
            NodeKind::String(_) => JsonType::String,
            NodeKind::Seq(_) => JsonType::Array,
            NodeKind::Map(_) => JsonType::Object,
        }
    }

    fn boolean(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn number(&self) -> Option<f64> {
        match &self.kind {
            NodeKind::Number(n) => Some(n.as_f64()),
            _ => None,
        }
    }

    fn string(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        }
    }

    fn members(&self) -> impl Iterator<Item = (&str, &Node)> {
        let entries: &[Entry] = match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        };
        entries.iter().map(|e| (e.key.as_str(), &e.value))
    }
}

/// Only `date-time` is checked, with the strict RFC 3339 parser the
/// requirement checks read timestamps with; `uint8`, `double` and the
/// like describe the Rust type and are checked as `minimum`/`maximum`.
fn manifest_formats(format: &str, text: &str) -> Result<(), String> {
    if format == "date-time" {
        parse_rfc3339_nanos(text)?;
    }
    Ok(())
}

/// Validates a manifest document: top-level shape, `apiVersion` and `kind`
/// first (a foreign document is not checked further), then the schema.
pub(crate) fn validate_manifest(
    root: &Node,
    doc_span: Span,
    schema: Option<&Compiled>,
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
    let Some(schema) = schema.filter(|_| !foreign) else {
        return;
    };
    let options = jsonschema::Options {
        format: manifest_formats,
        report_undeclared_properties: true,
    };
    let violations = jsonschema::validate(schema, root, &options);
    let reporter = Reporter {
        compiled: schema,
        root,
    };
    let mut found = Vec::new();
    reporter.report(&violations, &mut found);
    // Stable: diagnostics at one place keep the walk's order.
    found.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend(found.into_iter().map(|(_, diagnostic)| diagnostic));
}

fn type_phrase(ty: JsonType) -> &'static str {
    match ty {
        JsonType::Null => "null",
        JsonType::Boolean => "true or false",
        JsonType::Number => "a number",
        JsonType::Integer => "a whole number",
        JsonType::String => "a string",
        JsonType::Array => "a list",
        JsonType::Object => "a mapping",
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

/// Where a pointer lands in the document.
struct Place<'a> {
    node: &'a Node,
    /// The key of the entry holding the node, when its parent is a mapping.
    key_span: Option<Span>,
    /// Entry and item indices from the root: the document-order sort key.
    order: Vec<usize>,
}

fn locate<'a>(root: &'a Node, pointer: &str) -> Option<Place<'a>> {
    let mut place = Place {
        node: root,
        key_span: None,
        order: Vec::new(),
    };
    for token in json_pointer::tokens(pointer) {
        let (index, key_span, node) = match &place.node.kind {
            NodeKind::Map(entries) => {
                let (index, entry) = entries
                    .iter()
                    .enumerate()
                    .find(|(_, e)| e.key == token.as_ref())?;
                (index, Some(entry.key_span), &entry.value)
            }
            NodeKind::Seq(items) => {
                let index: usize = token.parse().ok()?;
                (index, None, items.get(index)?)
            }
            _ => return None,
        };
        place.order.push(index);
        place.key_span = key_span;
        place.node = node;
    }
    Some(place)
}

/// A diagnostic with its document-order sort key.
type Located = (Vec<usize>, ManifestDiagnostic);

struct Reporter<'a, 's> {
    compiled: &'s Compiled,
    root: &'a Node,
}

impl<'s> Reporter<'_, 's> {
    /// Allowed values when the schema is a closed set of strings.
    fn closed_set(&self, schema: &'s Schema, depth: usize) -> Option<Vec<&'s str>> {
        let schema = self.compiled.resolve(schema);
        if !schema.enumeration().is_empty() {
            return schema
                .enumeration()
                .iter()
                .map(|m| m.value().as_str())
                .collect();
        }
        if let Some(value) = schema.constant().and_then(|c| c.value().as_str()) {
            return Some(vec![value]);
        }
        let branches = if schema.one_of().is_empty() {
            schema.any_of()
        } else {
            schema.one_of()
        };
        if branches.is_empty() || depth > MAX_SCHEMA_HOPS {
            return None;
        }
        let mut all = Vec::new();
        for branch in branches {
            all.extend(self.closed_set(branch, depth + 1)?);
        }
        Some(all)
    }

    /// The JSON types a schema accepts (empty when unconstrained).
    fn accepted_types(&self, schema: &'s Schema, depth: usize) -> Vec<JsonType> {
        let schema = self.compiled.resolve(schema);
        if !schema.types().is_empty() {
            return schema.types().to_vec();
        }
        if !schema.enumeration().is_empty() || schema.constant().is_some() {
            return vec![JsonType::String];
        }
        let mut types = Vec::new();
        if depth > MAX_SCHEMA_HOPS {
            return types;
        }
        for branch in schema.any_of().iter().chain(schema.one_of()) {
            for ty in self.accepted_types(branch, depth + 1) {
                if !types.contains(&ty) {
                    types.push(ty);
                }
            }
        }
        types
    }

    fn report(&self, violations: &[Violation<'s>], out: &mut Vec<Located>) {
        for violation in violations {
            if let Some(place) = locate(self.root, &violation.pointer) {
                self.report_one(violation, place, out);
            }
        }
    }

    fn report_one(&self, violation: &Violation<'s>, place: Place<'_>, out: &mut Vec<Located>) {
        let pointer = violation.pointer.as_str();
        let schema = violation.schema;
        let node = place.node;
        let choice = matches!(
            violation.kind,
            ViolationKind::Type { .. }
                | ViolationKind::Const { .. }
                | ViolationKind::Enum { .. }
                | ViolationKind::AnyOf { .. }
                | ViolationKind::OneOf { .. }
        );
        if choice && let Some(allowed) = self.closed_set(schema, 0) {
            if let Some(diagnostic) = self.not_allowed(node, schema, &allowed, pointer) {
                out.push((place.order, diagnostic));
            }
            return;
        }
        let diagnostic = match &violation.kind {
            ViolationKind::Type { .. } => self.wrong_type(node, schema, pointer),
            ViolationKind::AnyOf { branches }
            | ViolationKind::OneOf {
                branches,
                matched: 0,
            } => match self.explaining_branch(node, branches) {
                Some(branch) => {
                    self.report(&branch.violations, out);
                    return;
                }
                None => self.wrong_type(node, schema, pointer),
            },
            // More than one alternative fits: the value is fine as far as
            // the manifest is concerned.
            ViolationKind::OneOf { .. } => return,
            ViolationKind::Format { reason, .. } => invalid_timestamp(node, pointer, reason),
            ViolationKind::Minimum { .. } | ViolationKind::Maximum { .. } => {
                out_of_range(node, schema, pointer)
            }
            ViolationKind::Required { property } => {
                let at = place
                    .key_span
                    .unwrap_or(Span::new(node.span.start, node.span.start));
                let mut order = place.order;
                order.push(usize::MAX);
                out.push((order, missing_field(property, at, pointer)));
                return;
            }
            ViolationKind::UndeclaredProperty { property }
            | ViolationKind::AdditionalProperty { property } => {
                let pointer = child(pointer, property);
                if let Some(field) = locate(self.root, &pointer) {
                    let diagnostic = unknown_field(property, schema, field.key_span, &pointer);
                    out.push((field.order, diagnostic));
                }
                return;
            }
            ViolationKind::Pattern { pattern } => no_match(node, pointer, pattern),
            _ => ManifestDiagnostic::at(
                pointer,
                Diagnostic::new(
                    &codes::MANIFEST_INVALID_VALUE,
                    format!("{} is not allowed at {}", show(node), pointer_text(pointer)),
                )
                .with_primary(node.span, "not an allowed value"),
            ),
        };
        out.push((place.order, diagnostic));
    }

    /// The branch that explains a failed alternative: the one whose type
    /// fits the value, else the one that is not `null`.
    fn explaining_branch<'b>(
        &self,
        node: &Node,
        branches: &'b [Branch<'s>],
    ) -> Option<&'b Branch<'s>> {
        let found = node.json_type();
        let mut fitting = Vec::new();
        let mut non_null = Vec::new();
        for branch in branches {
            let types = self.accepted_types(branch.schema, 0);
            if types.iter().any(|ty| found.satisfies(*ty)) {
                fitting.push(branch);
            }
            if types != [JsonType::Null] {
                non_null.push(branch);
            }
        }
        match (fitting.as_slice(), non_null.as_slice()) {
            ([one], _) | (_, [one]) => Some(one),
            _ => None,
        }
    }

    fn wrong_type(&self, node: &Node, schema: &'s Schema, pointer: &str) -> ManifestDiagnostic {
        let types = self.accepted_types(schema, 0);
        let mut phrases: Vec<&str> = types
            .iter()
            .filter(|ty| **ty != JsonType::Null)
            .map(|ty| type_phrase(*ty))
            .collect();
        phrases.dedup();
        let expected = match phrases.as_slice() {
            [] => "a different value".to_owned(),
            [one] => (*one).to_owned(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        };
        ManifestDiagnostic::at(
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
        )
    }

    /// A value outside a closed set of strings.
    fn not_allowed(
        &self,
        node: &Node,
        schema: &'s Schema,
        allowed: &[&str],
        pointer: &str,
    ) -> Option<ManifestDiagnostic> {
        // `null` is fine where the field is optional.
        if matches!(node.kind, NodeKind::Null)
            && self.accepted_types(schema, 0).contains(&JsonType::Null)
        {
            return None;
        }
        let NodeKind::String(s) = &node.kind else {
            let list = allowed.join(", ");
            return Some(ManifestDiagnostic::at(
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
        };
        if allowed.contains(&s.as_str()) {
            return None;
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
        Some(ManifestDiagnostic::at(pointer, diagnostic))
    }
}

fn invalid_timestamp(node: &Node, pointer: &str, reason: &str) -> ManifestDiagnostic {
    ManifestDiagnostic::at(
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
    )
}

/// Names the schema's whole range: for unsigned integers (`format:
/// uint8`) the maximum is an implementation limit, not a policy.
fn out_of_range(node: &Node, schema: &Schema, pointer: &str) -> ManifestDiagnostic {
    let range = match (schema.minimum(), schema.maximum()) {
        (Some(min), Some(max)) => format!("between {min} and {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => String::new(),
    };
    ManifestDiagnostic::at(
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
    )
}

fn missing_field(property: &str, at: Span, pointer: &str) -> ManifestDiagnostic {
    ManifestDiagnostic::at(
        &child(pointer, property),
        Diagnostic::new(
            &codes::MANIFEST_MISSING_FIELD,
            format!("missing field `{property}` in {}", pointer_text(pointer)),
        )
        .with_primary(at, format!("`{property}` is required here")),
    )
}

fn unknown_field(
    property: &str,
    schema: &Schema,
    key_span: Option<Span>,
    pointer: &str,
) -> ManifestDiagnostic {
    let mut diagnostic = Diagnostic::new(
        &codes::MANIFEST_UNKNOWN_FIELD,
        format!("unknown field `{property}` at {}", pointer_text(pointer)),
    )
    .with_primary(key_span.unwrap_or_default(), "not in the manifest schema");
    if let Some(suggestion) = closest(property, schema.declared_properties()) {
        diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
    }
    ManifestDiagnostic::at(pointer, diagnostic)
}

/// A string that does not match the schema's `pattern`.
fn no_match(node: &Node, pointer: &str, pattern: &str) -> ManifestDiagnostic {
    ManifestDiagnostic::at(
        pointer,
        Diagnostic::new(
            &codes::MANIFEST_INVALID_VALUE,
            format!(
                "{} is not allowed at {}; expected a string matching `{pattern}`",
                show(node),
                pointer_text(pointer)
            ),
        )
        .with_primary(node.span, "does not match the pattern"),
    )
}
