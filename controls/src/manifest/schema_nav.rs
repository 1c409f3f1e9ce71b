//! Navigating the `ModelRelease` JSON Schema as a document: `$ref`s,
//! nullable `anyOf` wrappers and combinator alternatives, for the schema
//! lint (L0007), manifest scaffolding and the language server's field
//! documentation. Validation walks the compiled schema instead
//! (`riskgate_engine::jsonschema`).
//!
//! Paths are field names from the document root, with [`ANY_INDEX`] (or a
//! number) for an array element. Reference chains are followed at most
//! [`MAX_REFS`] deep, so a cyclic schema ends instead of looping.

use riskgate_engine::json_pointer;
use serde_json::Value as Json;

/// A path segment standing for any array element.
pub const ANY_INDEX: &str = "[]";

/// How many `$ref`s or nested alternatives are followed at most.
pub const MAX_REFS: usize = 32;

/// The node a local `$ref` (`#/$defs/Name`, any `#/` pointer) points to.
fn target<'s>(root: &'s Json, reference: &str) -> Option<&'s Json> {
    let pointer = reference.strip_prefix('#')?;
    json_pointer::tokens(pointer).try_fold(root, |node, token| node.get(token.as_ref()))
}

/// `node` with its `$ref` chain followed.
#[must_use]
pub fn resolve<'s>(root: &'s Json, node: &'s Json) -> &'s Json {
    let mut node = node;
    for _ in 0..MAX_REFS {
        match node
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|reference| target(root, reference))
        {
            Some(next) => node = next,
            None => break,
        }
    }
    node
}

/// The schema that describes values of `node`: references followed and
/// the `null` option of an optional field (`anyOf [T, null]`) skipped.
#[must_use]
pub fn value_schema<'s>(root: &'s Json, node: &'s Json) -> &'s Json {
    let mut node = resolve(root, node);
    for _ in 0..MAX_REFS {
        let Some(options) = node.get("anyOf").and_then(Json::as_array) else {
            break;
        };
        match options
            .iter()
            .find(|o| o.get("type").and_then(Json::as_str) != Some("null"))
        {
            Some(next) => node = resolve(root, next),
            None => break,
        }
    }
    node
}

/// Every schema a value of `node` may match: references followed, and
/// `anyOf`/`oneOf`/`allOf` expanded (a node that only combines others is
/// replaced by them).
#[must_use]
pub fn alternatives<'s>(root: &'s Json, node: &'s Json) -> Vec<&'s Json> {
    let mut out = Vec::new();
    expand(root, node, 0, &mut out);
    out
}

fn expand<'s>(root: &'s Json, node: &'s Json, depth: usize, out: &mut Vec<&'s Json>) {
    if depth > MAX_REFS {
        return;
    }
    if let Some(reference) = node.get("$ref").and_then(Json::as_str) {
        if let Some(next) = target(root, reference) {
            expand(root, next, depth + 1, out);
        }
        return;
    }
    const COMBINATORS: [&str; 3] = ["anyOf", "oneOf", "allOf"];
    let combines = COMBINATORS.iter().any(|k| node.get(*k).is_some());
    if !combines || node.get("properties").is_some() {
        out.push(node);
    }
    for key in COMBINATORS {
        for alternative in node.get(key).and_then(Json::as_array).into_iter().flatten() {
            expand(root, alternative, depth + 1, out);
        }
    }
}

/// The schema of the field at `path` from the document root, before its
/// references are followed (so its own description and `$ref` name stay
/// visible).
#[must_use]
pub fn field_at<'s>(root: &'s Json, path: &[&str]) -> Option<&'s Json> {
    let mut node = root;
    for segment in path {
        let here = value_schema(root, node);
        if *segment == ANY_INDEX || segment.parse::<usize>().is_ok() {
            node = here.get("items")?;
            continue;
        }
        let here = if here.get("type").and_then(Json::as_str) == Some("array") {
            value_schema(root, here.get("items")?)
        } else {
            here
        };
        node = here.get("properties")?.get(*segment)?;
    }
    Some(node)
}

/// The fields of the object at `path` (of its elements, for an array), in
/// name order.
#[must_use]
pub fn fields_at<'s>(root: &'s Json, path: &[&str]) -> Vec<(&'s str, &'s Json)> {
    let Some(node) = field_at(root, path) else {
        return Vec::new();
    };
    let mut node = value_schema(root, node);
    if node.get("type").and_then(Json::as_str) == Some("array")
        && let Some(items) = node.get("items")
    {
        node = value_schema(root, items);
    }
    node.get("properties")
        .and_then(Json::as_object)
        .map(|properties| properties.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

/// The definition a node names through `$ref` (directly or in an
/// `anyOf`), e.g. `RiskLevel`.
#[must_use]
pub fn ref_name(node: &Json) -> Option<&str> {
    if let Some(reference) = node.get("$ref").and_then(Json::as_str) {
        return Some(reference.rsplit('/').next().unwrap_or(reference));
    }
    node.get("anyOf")
        .and_then(Json::as_array)
        .and_then(|options| options.iter().find_map(ref_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Json {
        crate::manifest::json_schema()
    }

    #[test]
    fn fields_are_found_through_refs_nullables_and_arrays() {
        let root = schema();
        let tier = field_at(&root, &["spec", "classification", "risk_tier"]);
        assert_eq!(tier.and_then(ref_name), Some("RiskLevel"));
        let metric_fields: Vec<&str> =
            fields_at(&root, &["spec", "evaluations", ANY_INDEX, "metrics"])
                .into_iter()
                .map(|(name, _)| name)
                .collect();
        assert!(metric_fields.contains(&"value"), "{metric_fields:?}");
        assert!(field_at(&root, &["spec", "nope"]).is_none());
    }

    #[test]
    fn a_reference_cycle_ends() {
        let root = serde_json::json!({
            "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}},
            "$ref": "#/$defs/A"
        });
        let _ = resolve(&root, &root);
        assert!(alternatives(&root, &root).is_empty());
    }

    #[test]
    fn alternatives_expand_combinators() {
        let root = serde_json::json!({
            "$defs": {"N": {"type": "number"}},
            "anyOf": [{"$ref": "#/$defs/N"}, {"type": "null"}]
        });
        let types: Vec<&str> = alternatives(&root, &root)
            .into_iter()
            .filter_map(|n| n.get("type").and_then(Json::as_str))
            .collect();
        assert_eq!(types, ["number", "null"]);
    }
}
