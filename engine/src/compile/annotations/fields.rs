//! The YAML of a METADATA block, checked and normalised to the JSON shape
//! OPA gives annotations (`authors` as `{name, email}` objects,
//! `related_resources` as `{ref, description}` objects, `schemas` as
//! `{path, schema | definition}` with paths as OPA term lists).

use std::collections::BTreeMap;

use riskgate_dsl::{Diagnostic, Span};
use serde_yaml_ng::Value as Yaml;

use super::Block;
use crate::builtins::from_yaml;
use crate::value::Value;

/// The annotation fields of `block` (without `scope`) and the written
/// scope with the span of its line.
pub(super) type Parsed = (BTreeMap<Value, Value>, Option<(String, Span)>);

pub(super) fn parse(block: &Block<'_>) -> Result<Parsed, Diagnostic> {
    let yaml: Yaml = serde_yaml_ng::from_str(&block.yaml()).map_err(|err| {
        let span = err
            .location()
            .map_or(block.span, |l| block.line_span(l.line()));
        let message = err.to_string();
        let problem = message.split(" at line ").next().unwrap_or(&message);
        block.error(span, format!("invalid METADATA YAML: {problem}"))
    })?;
    let map = match yaml {
        Yaml::Mapping(map) => map,
        Yaml::Null => return Ok((BTreeMap::new(), None)),
        _ => {
            return Err(block.error(
                block.span,
                "METADATA must be a YAML mapping of annotation keys",
            ));
        }
    };
    let mut fields = BTreeMap::new();
    let mut scope = None;
    for (key, value) in &map {
        let Some(key) = key.as_str() else {
            continue;
        };
        let span = block.key_span(key);
        let wrong = |what: &str| block.error(span, format!("annotation `{key}` must be {what}"));
        let normalised = match key {
            "scope" => {
                let text = value.as_str().ok_or_else(|| wrong("a string"))?;
                scope = Some((text.to_owned(), span));
                continue;
            }
            "title" | "description" => {
                Value::string(value.as_str().ok_or_else(|| wrong("a string"))?)
            }
            "entrypoint" => Value::Bool(value.as_bool().ok_or_else(|| wrong("true or false"))?),
            "organizations" => list(value, |item| item.as_str().map(Value::string))
                .ok_or_else(|| wrong("a list of strings"))?,
            "authors" => list(value, author).ok_or_else(|| {
                wrong("a list of `Name <email>` strings or {name, email} objects")
            })?,
            "related_resources" => list(value, resource)
                .ok_or_else(|| wrong("a list of URLs or {ref, description} objects"))?,
            "schemas" => list(value, schema).ok_or_else(|| {
                wrong("a list of `path: schema.ref` or `path: {inline schema}` entries")
            })?,
            "custom" => match value {
                Yaml::Mapping(_) | Yaml::Null => {
                    from_yaml(value).map_err(|problem| wrong(&format!("a mapping ({problem})")))?
                }
                _ => return Err(wrong("a mapping")),
            },
            // OPA ignores keys it does not know; so does riskgate.
            _ => continue,
        };
        fields.insert(Value::string(key), normalised);
    }
    Ok((fields, scope))
}

/// A YAML list whose every item converts.
fn list(value: &Yaml, item: impl Fn(&Yaml) -> Option<Value>) -> Option<Value> {
    let Yaml::Sequence(items) = value else {
        return None;
    };
    items
        .iter()
        .map(item)
        .collect::<Option<Vec<_>>>()
        .map(Value::array)
}

fn object<const N: usize>(entries: [(&str, Option<&str>); N]) -> Value {
    Value::object(
        entries
            .into_iter()
            .filter_map(|(k, v)| Some((Value::string(k), Value::string(v?))))
            .collect(),
    )
}

/// `Jane Doe <jane@example.com>` or `{name: ..., email: ...}`.
fn author(item: &Yaml) -> Option<Value> {
    match item {
        Yaml::String(text) => {
            let mut words: Vec<&str> = text.split_whitespace().collect();
            let email = words
                .last()
                .and_then(|w| w.strip_prefix('<')?.strip_suffix('>'))
                .filter(|e| !e.is_empty());
            if email.is_some() {
                words.pop();
            }
            let name = words.join(" ");
            let name = (!name.is_empty()).then_some(name.as_str());
            (name.is_some() || email.is_some()).then(|| object([("name", name), ("email", email)]))
        }
        Yaml::Mapping(map) => {
            let field = |k: &str| map.get(k).and_then(Yaml::as_str).filter(|s| !s.is_empty());
            let (name, email) = (field("name"), field("email"));
            (name.is_some() || email.is_some()).then(|| object([("name", name), ("email", email)]))
        }
        _ => None,
    }
}

/// A URL or `{ref: URL, description: ...}`.
fn resource(item: &Yaml) -> Option<Value> {
    match item {
        Yaml::String(url) if !url.is_empty() => Some(object([("ref", Some(url.as_str()))])),
        Yaml::Mapping(map) => {
            let reference = map
                .get("ref")
                .and_then(Yaml::as_str)
                .filter(|s| !s.is_empty())?;
            let description = map.get("description").and_then(Yaml::as_str);
            Some(object([
                ("description", description),
                ("ref", Some(reference)),
            ]))
        }
        _ => None,
    }
}

/// `- input.x: schema.y` (a schema reference) or `- input.x: {...}` (an
/// inline definition), as `{path: [terms], schema: [terms]}` or
/// `{path: [terms], definition: {...}}`.
fn schema(item: &Yaml) -> Option<Value> {
    let Yaml::Mapping(map) = item else {
        return None;
    };
    let mut entries = map.iter();
    let (path, target) = entries.next()?;
    if entries.next().is_some() {
        return None;
    }
    let mut fields = BTreeMap::new();
    fields.insert(Value::string("path"), ref_terms(path.as_str()?)?);
    match target {
        Yaml::String(reference) => {
            fields.insert(Value::string("schema"), ref_terms(reference)?);
        }
        Yaml::Mapping(_) => {
            fields.insert(Value::string("definition"), from_yaml(target).ok()?);
        }
        _ => return None,
    }
    Some(Value::object(fields))
}

/// `input.a.b` as OPA's JSON terms: a `var` head, then `string` segments.
fn ref_terms(text: &str) -> Option<Value> {
    let mut parts = text.split('.');
    let head = parts.next().filter(|h| !h.is_empty())?;
    let term = |kind: &str, value: &str| object([("type", Some(kind)), ("value", Some(value))]);
    let mut terms = vec![term("var", head)];
    for part in parts {
        if part.is_empty() {
            return None;
        }
        terms.push(term("string", part));
    }
    Some(Value::array(terms))
}
