//! `input` references to fields the ModelRelease schema does not define
//! (L0007).

use riskgate_engine::json_pointer;
use std::collections::HashMap;

use crate::codes;
use riskgate_dsl::Diagnostic;
use riskgate_dsl::ast::{Expr, ExprKind, RefArg};
use serde_json::Value as Json;

use riskgate_engine::lint::{Context, Finding, walk};

/// One step of a reference path.
enum Step<'a> {
    Key(&'a str, riskgate_dsl::Span),
    Any,
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let schema = crate::manifest::json_schema();
    // Policies repeat the same few paths; resolve each against the schema once.
    let mut resolved: HashMap<Vec<Option<String>>, Option<Unknown>> = HashMap::new();
    for (index, file) in cx.files.iter().enumerate() {
        for item in &file.module.items {
            let skip = matches!(item, riskgate_dsl::ast::Item::Rule(r)
                if Context::is_test_rule(&r.head.reference.name.text));
            if skip {
                continue;
            }
            walk::item(item, &mut |e: &Expr| {
                let ExprKind::Ref { head, path } = &e.kind else {
                    return;
                };
                if !matches!(&head.kind, ExprKind::Var(v) if v == "input") {
                    return;
                }
                let steps: Vec<Step<'_>> = path
                    .iter()
                    .map(|arg| match arg {
                        RefArg::Dot(name) => Step::Key(&name.text, name.span),
                        RefArg::Bracket(Expr {
                            kind: ExprKind::String(s),
                            span,
                        }) => Step::Key(&s.value, *span),
                        RefArg::Bracket(_) => Step::Any,
                    })
                    .collect();
                let keys: Vec<Option<String>> = steps
                    .iter()
                    .map(|step| match step {
                        Step::Key(key, _) => Some((*key).to_owned()),
                        Step::Any => None,
                    })
                    .collect();
                let unknown = resolved
                    .entry(keys)
                    .or_insert_with(|| first_unknown(&schema, &steps));
                let Some(unknown) = unknown else {
                    return;
                };
                let Some(Step::Key(key, span)) = steps.get(unknown.step) else {
                    return;
                };
                let diagnostic = Diagnostic::new(
                    &codes::UNKNOWN_INPUT_FIELD,
                    format!("`{key}` is not a field of ModelRelease manifests here"),
                )
                .with_primary(*span, "unknown field")
                .with_help(match &unknown.closest {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "`riskgate schema` prints every field of the manifest".to_owned(),
                });
                out.push(Finding {
                    file: index,
                    diagnostic,
                });
            });
        }
    }
}

/// The first step of a path the schema does not define.
struct Unknown {
    step: usize,
    /// The defined key spelled most like it.
    closest: Option<String>,
}

/// Resolves `$ref`s and merges `anyOf`/`oneOf`/`allOf` alternatives.
fn alternatives<'a>(root: &'a Json, node: &'a Json, depth: u32) -> Vec<&'a Json> {
    if depth > 16 {
        return Vec::new();
    }
    if let Some(reference) = node.get("$ref").and_then(Json::as_str) {
        let target = reference.strip_prefix("#/").map(|p| {
            json_pointer::tokens(&format!("/{p}")).try_fold(root, |n, k| n.get(k.as_ref()))
        });
        return match target.flatten() {
            Some(t) => alternatives(root, t, depth + 1),
            None => Vec::new(),
        };
    }
    let combined = ["anyOf", "oneOf", "allOf"]
        .iter()
        .any(|k| node.get(*k).is_some());
    let mut out = if combined && node.get("properties").is_none() {
        Vec::new()
    } else {
        vec![node]
    };
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = node.get(key).and_then(Json::as_array) {
            for alt in list {
                out.extend(alternatives(root, alt, depth + 1));
            }
        }
    }
    out
}

/// The first key of `steps` the schema does not define.
fn first_unknown(root: &Json, steps: &[Step<'_>]) -> Option<Unknown> {
    let mut current: Vec<&Json> = alternatives(root, root, 0);
    for (index, step) in steps.iter().enumerate() {
        let mut next = Vec::new();
        let mut known = Vec::new();
        let mut open = false;
        for node in &current {
            match step {
                Step::Key(key, _) => {
                    if let Some(props) = node.get("properties").and_then(Json::as_object) {
                        known.extend(props.keys().cloned());
                        if let Some(child) = props.get(*key) {
                            next.extend(alternatives(root, child, 0));
                            continue;
                        }
                    }
                    match node.get("additionalProperties") {
                        Some(extra @ Json::Object(_)) => next.extend(alternatives(root, extra, 0)),
                        Some(Json::Bool(false)) => {}
                        _ => {
                            if node.get("properties").is_none() && node.get("items").is_none() {
                                open = node.get("type").is_none_or(|t| t == "object");
                            }
                        }
                    }
                }
                Step::Any => {
                    if let Some(items) = node.get("items") {
                        next.extend(alternatives(root, items, 0));
                    }
                    if let Some(extra @ Json::Object(_)) = node.get("additionalProperties") {
                        next.extend(alternatives(root, extra, 0));
                    }
                    if node.get("properties").is_some() {
                        open = true;
                    }
                }
            }
        }
        if open {
            return None;
        }
        if next.is_empty() {
            return match step {
                Step::Key(key, _) if !known.is_empty() => Some(Unknown {
                    step: index,
                    closest: riskgate_dsl::suggest::closest(key, known.iter().map(String::as_str))
                        .map(str::to_owned),
                }),
                _ => None,
            };
        }
        current = next;
    }
    None
}
