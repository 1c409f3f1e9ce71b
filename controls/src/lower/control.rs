//! Lowering one `control` declaration.

use std::collections::{BTreeMap, BTreeSet};

use crate::codes;
use riskgate_dsl::Diagnostic;
use riskgate_dsl::ast::{self, ControlDecl, ControlMember};

use super::{
    FileCtx, LowerCtx, constant, generated_rule, missing_field, string_span, type_error,
    unknown_field, wrong_type,
};
use crate::schema::{CONTROL_FIELDS, Ty, check_value, quoted_list};
use crate::spec::{ControlSpec, Severity, ViolationSpec};
use crate::trace::{Action, EnforcementPoint};
use riskgate_engine::value::Value;

/// Lowers a control; returns its spec (when its id and fields are usable)
/// and the generated rules.
pub(super) fn lower_control(
    ctx: &mut LowerCtx<'_>,
    file: &FileCtx<'_>,
    decl: &ControlDecl,
    index: usize,
) -> (Option<ControlSpec>, Vec<ast::Rule>) {
    let mut generated = Vec::new();
    let mut spec = ControlSpec {
        id: decl.id.text.clone(),
        title: String::new(),
        mitigates: Vec::new(),
        severity: Severity::Medium,
        enforcement: BTreeMap::new(),
        waivable: true,
        waivable_by: None,
        owner: None,
        references: None,
        docs: BTreeMap::new(),
        applies_rule: None,
        requirements: Vec::new(),
        violations: Vec::new(),
        file: file.name.to_owned(),
        location: file.location(decl.span),
        span: decl.span,
    };
    let mut has_title = false;
    let mut requirement_ids: BTreeMap<String, riskgate_dsl::Span> = BTreeMap::new();
    let applies_name = format!("__rg_c{index}_applies");
    for member in &decl.members {
        match member {
            ControlMember::Field(field) => {
                has_title |= field.name.text == "title";
                control_field(ctx, file, field, &mut spec);
            }
            ControlMember::Applies(applies) => {
                generated.push(generated_rule(
                    applies_name.clone(),
                    applies.span,
                    None,
                    Some(applies.body.clone()),
                ));
                spec.applies_rule = Some(format!("{}.{applies_name}", file.package));
            }
            ControlMember::Require(requirement) => {
                let ordinal = spec.requirements.len();
                if let Some(first) = requirement_ids.get(&requirement.id.text) {
                    let first = *first;
                    ctx.error(
                        file.name,
                        Diagnostic::new(
                            &codes::DUPLICATE_DECLARATION,
                            format!(
                                "requirement `{}` appears twice in control `{}`",
                                requirement.id.text, decl.id.text
                            ),
                        )
                        .with_primary(requirement.id.span, "declared again here")
                        .with_secondary(first, "first declared here")
                        .with_help("requirement ids are unique within a control"),
                    );
                    continue;
                }
                requirement_ids.insert(requirement.id.text.clone(), requirement.id.span);
                let (lowered, rules) =
                    super::requirement::lower_requirement(ctx, file, requirement, index, ordinal);
                generated.extend(rules);
                spec.requirements.push(lowered);
            }
            ControlMember::Rule(rule) => {
                if is_violation_rule(rule) {
                    let name = format!("__rg_c{index}_v{}", spec.violations.len());
                    let mut renamed = rule.clone();
                    renamed.head.reference.name.text.clone_from(&name);
                    generated.push(renamed);
                    spec.violations.push(ViolationSpec {
                        rule: format!("{}.{name}", file.package),
                        location: file.location(rule.span),
                    });
                } else {
                    let written = rule.head.reference.name.text.as_str();
                    ctx.error(
                        file.name,
                        Diagnostic::new(
                            &codes::INVALID_CONTROL_RULE,
                            format!("rule `{written}` cannot be declared inside a control"),
                        )
                        .with_primary(rule.head.span, "only `violation contains msg if { ... }` rules belong to a control")
                        .with_help("move helper rules to package level; write findings as `violation contains msg if { ... }`"),
                    );
                }
            }
        }
    }
    if !has_title {
        missing_field(
            ctx,
            file.name,
            decl.id.span,
            "control",
            &decl.id.text,
            "title",
        );
    }
    (Some(spec), generated)
}

fn is_violation_rule(rule: &ast::Rule) -> bool {
    rule.head.reference.name.text == "violation"
        && rule.head.reference.path.is_empty()
        && rule.head.args.is_none()
        && rule.head.contains.is_some()
        && !rule.is_default
}

fn control_field(
    ctx: &mut LowerCtx<'_>,
    file: &FileCtx<'_>,
    field: &ast::Field,
    spec: &mut ControlSpec,
) {
    let name = field.name.text.as_str();
    if !CONTROL_FIELDS.contains(&name) {
        unknown_field(
            ctx,
            file.name,
            &field.name,
            "control",
            CONTROL_FIELDS.iter().copied(),
        );
        return;
    }
    let Some(value) = constant(ctx, file.name, field) else {
        return;
    };
    let expr = &field.value;
    match name {
        "title" | "owner" | "description" | "name" | "family" => match value.as_str() {
            Some(text) if name == "title" => text.clone_into(&mut spec.title),
            Some(text) if name == "owner" => spec.owner = Some(text.to_owned()),
            Some(text) => {
                spec.docs.insert(name.to_owned(), text.to_owned());
            }
            None => wrong_type(ctx, file.name, expr, name, "a string", &value),
        },
        "mitigates" => match string_items(&value) {
            Some(items) => {
                for item in &items {
                    ctx.mitigates
                        .push((file.name.to_owned(), item_span(expr, item), item.clone()));
                }
                spec.mitigates = items;
            }
            None => wrong_type(ctx, file.name, expr, name, "an array of risk ids", &value),
        },
        "severity" => match value.as_str().and_then(Severity::parse) {
            Some(severity) => spec.severity = severity,
            None => invalid(
                ctx,
                file,
                expr,
                name,
                &value,
                &Severity::ALL.map(Severity::as_str),
            ),
        },
        "enforcement" => enforcement(ctx, file, expr, &value, spec),
        "waivable" => match value.as_bool() {
            Some(b) => spec.waivable = b,
            None => wrong_type(ctx, file.name, expr, name, "true or false", &value),
        },
        "waivable_by" => match check_value(Ty::Roles, &value, Some(ctx.roles)) {
            Ok(()) => spec.waivable_by = string_items(&value),
            Err(error) => type_error(ctx, file, expr, name, error),
        },
        "references" => {
            let ok = string_items(&value).is_some()
                || matches!(&value, Value::Object(entries) if entries.iter().all(|(k, v)| k.as_str().is_some() && string_items(v).is_some()));
            if ok {
                spec.references = Some(value);
            } else {
                wrong_type(
                    ctx,
                    file.name,
                    expr,
                    name,
                    "an array of strings or an object of framework → array of strings",
                    &value,
                );
            }
        }
        _ => {}
    }
}

fn enforcement(
    ctx: &mut LowerCtx<'_>,
    file: &FileCtx<'_>,
    expr: &ast::Expr,
    value: &Value,
    spec: &mut ControlSpec,
) {
    let Value::Object(entries) = value else {
        wrong_type(
            ctx,
            file.name,
            expr,
            "enforcement",
            "an object such as {\"ci\": \"deny\"}",
            value,
        );
        return;
    };
    let points = EnforcementPoint::ALL.map(EnforcementPoint::as_str);
    let actions = [Action::Deny, Action::Warn, Action::Record];
    for (key, action) in entries.iter() {
        let span = entry_span(expr, key).unwrap_or(expr.span);
        let point = key
            .as_str()
            .and_then(|k| EnforcementPoint::ALL.into_iter().find(|p| p.as_str() == k));
        let Some(point) = point else {
            let shown = key
                .as_str()
                .map_or_else(|| key.to_json().to_string(), str::to_owned);
            let mut diagnostic = Diagnostic::new(
                &codes::INVALID_CONTROL_FIELD_VALUE,
                format!("`{shown}` is not an enforcement point"),
            )
            .with_primary(span, format!("expected {}", quoted_list(&points)));
            if let Some(s) = riskgate_dsl::suggest::closest(&shown, points.iter().copied()) {
                diagnostic = diagnostic.with_help(format!("did you mean `{s}`?"));
            }
            ctx.error(file.name, diagnostic);
            continue;
        };
        let parsed = action
            .as_str()
            .and_then(|a| actions.into_iter().find(|x| x.as_str() == a));
        match parsed {
            Some(action) => {
                spec.enforcement.insert(point, action);
            }
            None => {
                let shown = action
                    .as_str()
                    .map_or_else(|| action.to_json().to_string(), str::to_owned);
                let names = actions.map(Action::as_str);
                let mut diagnostic = Diagnostic::new(
                    &codes::INVALID_CONTROL_FIELD_VALUE,
                    format!("`{shown}` is not an enforcement action"),
                )
                .with_primary(span, format!("expected {}", quoted_list(&names)));
                if let Some(s) = riskgate_dsl::suggest::closest(&shown, names.iter().copied()) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{s}`?"));
                }
                ctx.error(file.name, diagnostic);
            }
        }
    }
}

fn invalid(
    ctx: &mut LowerCtx<'_>,
    file: &FileCtx<'_>,
    expr: &ast::Expr,
    field: &str,
    value: &Value,
    allowed: &[&str],
) {
    let shown = value
        .as_str()
        .map_or_else(|| value.to_json().to_string(), str::to_owned);
    let mut diagnostic = Diagnostic::new(
        &codes::INVALID_CONTROL_FIELD_VALUE,
        format!("`{shown}` is not a valid {field}"),
    )
    .with_primary(expr.span, format!("expected {}", quoted_list(allowed)));
    if let Some(s) = riskgate_dsl::suggest::closest(&shown, allowed.iter().copied()) {
        diagnostic = diagnostic.with_help(format!("did you mean `{s}`?"));
    }
    ctx.error(file.name, diagnostic);
}

/// The strings of an array or set of strings.
pub(super) fn string_items(value: &Value) -> Option<Vec<String>> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Set(items) => items.iter().collect(),
        _ => return None,
    };
    items
        .into_iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .map(|v| {
            let mut seen = BTreeSet::new();
            v.into_iter().filter(|s| seen.insert(s.clone())).collect()
        })
}

fn item_span(expr: &ast::Expr, text: &str) -> riskgate_dsl::Span {
    string_span(expr, text).unwrap_or(expr.span)
}

fn entry_span(expr: &ast::Expr, key: &Value) -> Option<riskgate_dsl::Span> {
    let ast::ExprKind::Object(entries) = &expr.kind else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| riskgate_engine::compile::constant_value(k).as_ref() == Some(key))
        .map(|(k, v)| k.span.cover(v.span))
}
