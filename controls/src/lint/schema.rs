//! `input` references to fields the ModelRelease schema does not define
//! (L0007).

use crate::manifest::schema_nav;
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

/// The first key of `steps` the schema does not define.
fn first_unknown(root: &Json, steps: &[Step<'_>]) -> Option<Unknown> {
    let mut current: Vec<&Json> = schema_nav::alternatives(root, root);
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
                            next.extend(schema_nav::alternatives(root, child));
                            continue;
                        }
                    }
                    match node.get("additionalProperties") {
                        Some(extra @ Json::Object(_)) => {
                            next.extend(schema_nav::alternatives(root, extra))
                        }
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
                        next.extend(schema_nav::alternatives(root, items));
                    }
                    if let Some(extra @ Json::Object(_)) = node.get("additionalProperties") {
                        next.extend(schema_nav::alternatives(root, extra));
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
