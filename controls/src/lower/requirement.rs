//! Lowering one `require` block.

use std::collections::BTreeMap;

use crate::codes;
use riskgate_dsl::Diagnostic;
use riskgate_dsl::ast::{self, RequirementKind};

use super::type_error;
use super::{FileCtx, LowerCtx, generated_rule, missing_field, unknown_field};
use crate::compare::Op;
use crate::schema::{Ty, check_threshold_for_op, check_value, requirement_fields};
use crate::spec::{FieldSpec, FieldValue, RequirementSpec};

/// Lowers a requirement of control number `control` (its `ordinal`-th).
pub(super) fn lower_requirement(
    ctx: &mut LowerCtx<'_>,
    file: &FileCtx<'_>,
    requirement: &ast::Requirement,
    control: usize,
    ordinal: usize,
) -> (RequirementSpec, Vec<ast::Rule>) {
    let defs = requirement_fields(requirement.kind);
    let mut fields = BTreeMap::new();
    let mut rules = Vec::new();
    for field in &requirement.fields {
        let name = field.name.text.as_str();
        let Some(def) = defs.iter().find(|d| d.name == name) else {
            let what = format!("`require {}`", requirement.kind.as_str());
            unknown_field(
                ctx,
                file.name,
                &field.name,
                &what,
                defs.iter().map(|d| d.name),
            );
            continue;
        };
        let rule_name = format!("__rg_c{control}_r{ordinal}_{name}");
        let value = if def.ty == Ty::Cond {
            match riskgate_engine::compile::constant_value(&field.value) {
                Some(value) => FieldValue::Const(value),
                None => {
                    let body = ast::Body {
                        span: field.value.span,
                        literals: vec![ast::Literal {
                            span: field.value.span,
                            kind: ast::LiteralKind::Expr(field.value.clone()),
                            with: Vec::new(),
                        }],
                        braced: true,
                    };
                    rules.push(generated_rule(
                        rule_name.clone(),
                        field.span,
                        None,
                        Some(body),
                    ));
                    FieldValue::Rule(format!("{}.{rule_name}", file.package))
                }
            }
        } else {
            match riskgate_engine::compile::constant_value(&field.value) {
                Some(value) => {
                    if let Err(error) = check_value(def.ty, &value, Some(ctx.roles)) {
                        type_error(ctx, file, &field.value, name, error);
                    }
                    FieldValue::Const(value)
                }
                None => {
                    rules.push(generated_rule(
                        rule_name.clone(),
                        field.span,
                        Some(field.value.clone()),
                        None,
                    ));
                    FieldValue::Rule(format!("{}.{rule_name}", file.package))
                }
            }
        };
        fields.insert(
            name.to_owned(),
            FieldSpec {
                value,
                span: field.value.span,
            },
        );
    }
    let what = format!("requirement `{}`", requirement.id.text);
    for def in defs.iter().filter(|d| d.required) {
        if !fields.contains_key(def.name)
            && !requirement.fields.iter().any(|f| f.name.text == def.name)
        {
            missing_field(
                ctx,
                file.name,
                requirement.id.span,
                "requirement",
                &requirement.id.text,
                def.name,
            );
        }
    }
    cross_checks(ctx, file, requirement, &fields, &what);
    let spec = RequirementSpec {
        id: requirement.id.text.clone(),
        kind: requirement.kind,
        fields,
        location: file.location(requirement.span),
        span: requirement.span,
        derived_from: Vec::new(),
    };
    (spec, rules)
}

fn constant<'a>(
    fields: &'a BTreeMap<String, FieldSpec>,
    name: &str,
) -> Option<&'a riskgate_engine::value::Value> {
    match fields.get(name).map(|f| &f.value) {
        Some(FieldValue::Const(v)) => Some(v),
        _ => None,
    }
}

fn cross_checks(
    ctx: &mut LowerCtx<'_>,
    file: &FileCtx<'_>,
    requirement: &ast::Requirement,
    fields: &BTreeMap<String, FieldSpec>,
    what: &str,
) {
    let span_of = |name: &str| fields.get(name).map_or(requirement.id.span, |f| f.span);
    // The operator and its threshold.
    let (op_field, threshold_field) = match requirement.kind {
        RequirementKind::Monitor => ("alert_op", "alert_threshold"),
        _ => ("op", "threshold"),
    };
    if let (Some(op), Some(threshold)) = (
        constant(fields, op_field),
        constant(fields, threshold_field),
    ) && let Some(op) = op.as_str().and_then(Op::parse)
        && let Err(message) = check_threshold_for_op(op, threshold)
    {
        ctx.error(
            file.name,
            Diagnostic::new(
                &codes::INVALID_CONTROL_FIELD_VALUE,
                format!("{what}: `{threshold_field}` does not suit `{op_field}`: {message}"),
            )
            .with_primary(span_of(threshold_field), "")
            .with_secondary(span_of(op_field), "operator"),
        );
    }
    if matches!(
        requirement.kind,
        RequirementKind::Field | RequirementKind::Monitor
    ) {
        let has_op = fields.contains_key(op_field);
        let has_threshold = fields.contains_key(threshold_field);
        if has_op != has_threshold {
            let (present, absent) = if has_op {
                (op_field, threshold_field)
            } else {
                (threshold_field, op_field)
            };
            ctx.error(
                file.name,
                Diagnostic::new(
                    &codes::MISSING_CONTROL_FIELD,
                    format!("{what} has `{present}` but no `{absent}`"),
                )
                .with_primary(span_of(present), format!("add `{absent}: ...`")),
            );
        }
    }
    if requirement.kind == RequirementKind::Test && fields.contains_key("value") {
        for ignored in [
            "aggregate",
            "min_n",
            "max_age_days",
            "suite",
            "bind_to_artifact",
        ] {
            if fields.contains_key(ignored) {
                ctx.error(
                    file.name,
                    Diagnostic::new(
                        &codes::INVALID_CONTROL_FIELD_VALUE,
                        format!("{what}: `{ignored}` has no effect on a derived metric (`value:`)"),
                    )
                    .with_primary(span_of(ignored), "applies only to metrics reported in spec.evaluations")
                    .with_secondary(span_of("value"), "the metric is computed here")
                    .with_help(format!("remove `{ignored}`, or remove `value` to read the metric from the release's evaluations")),
                );
            }
        }
    }
}
