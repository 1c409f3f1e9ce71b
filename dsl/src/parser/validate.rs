//! Checks on the assembled module that the grammar accepts too loosely:
//! package/import shape, rule-head combinations, empty bodies, `with`
//! targets, and the `.gate` declaration rules.

use std::collections::BTreeMap;

use crate::ast::{
    Body, ControlMember, Expr, ExprKind, Field, Item, LiteralKind, Module, RefArg, Rule, walk,
};
use crate::diagnostics::{Diagnostic, codes};
use crate::span::Span;
use crate::{Dialect, ParseOptions};

const FUTURE_KEYWORDS: [&str; 4] = ["contains", "every", "if", "in"];

pub(super) fn check_module(
    source: &str,
    module: &Module,
    options: ParseOptions,
    out: &mut Vec<Diagnostic>,
) {
    let only_trivia = source
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    let has_syntax_errors = out.iter().any(|d| d.severity() == crate::Severity::Error);
    if module.package.is_none() && !only_trivia && !has_syntax_errors {
        out.push(
            Diagnostic::new(&codes::MISSING_PACKAGE, "missing package declaration")
                .with_primary(Span::new(0, 0), "expected `package <name>` first")
                .with_help("start the file with `package <name>`, e.g. `package riskgate.custom`"),
        );
    }
    for import in &module.imports {
        check_import(import, out);
    }
    for item in &module.items {
        match item {
            Item::Rule(rule) => check_rule(rule, out),
            Item::Risk(risk) => {
                check_dialect(options, "risk", risk.span, out);
                check_id(&risk.id.text, risk.id.span, "risk", out);
                check_fields(&risk.fields, out);
            }
            Item::Control(control) => {
                check_dialect(options, "control", control.span, out);
                check_id(&control.id.text, control.id.span, "control", out);
                let fields: Vec<Field> = control
                    .members
                    .iter()
                    .filter_map(|m| match m {
                        ControlMember::Field(f) => Some(f.clone()),
                        _ => None,
                    })
                    .collect();
                check_fields(&fields, out);
                for member in &control.members {
                    match member {
                        ControlMember::Field(field) => check_expr(&field.value, out),
                        ControlMember::Applies(applies) => check_body(&applies.body, out),
                        ControlMember::Require(requirement) => {
                            check_id(
                                &requirement.id.text,
                                requirement.id.span,
                                "requirement",
                                out,
                            );
                            check_fields(&requirement.fields, out);
                            for field in &requirement.fields {
                                check_expr(&field.value, out);
                            }
                        }
                        ControlMember::Rule(rule) => check_rule(rule, out),
                    }
                }
            }
        }
    }
}

fn check_import(import: &crate::ast::Import, out: &mut Vec<Diagnostic>) {
    let Some(root) = import.path.first() else {
        return;
    };
    let tail: Vec<&str> = import
        .path
        .iter()
        .skip(1)
        .map(|n| n.text.as_str())
        .collect();
    match root.text.as_str() {
        "data" | "input" => {}
        "future" => {
            let valid = match tail.as_slice() {
                ["keywords"] => true,
                ["keywords", keyword] => FUTURE_KEYWORDS.contains(keyword),
                _ => false,
            };
            if !valid {
                out.push(
                    Diagnostic::new(
                        &codes::INVALID_KEYWORD_IMPORT,
                        "unknown future keyword import",
                    )
                    .with_primary(import.span, "")
                    .with_help(
                        "use `import future.keywords.<contains|every|if|in>` or `import rego.v1`",
                    ),
                );
            } else if import.alias.is_some() {
                alias_not_allowed(import, out);
            }
        }
        "rego" => {
            if tail != ["v1"] {
                out.push(
                    Diagnostic::new(&codes::INVALID_KEYWORD_IMPORT, "unknown `rego` import")
                        .with_primary(import.span, "")
                        .with_help("the only `rego` import is `import rego.v1`"),
                );
            } else if import.alias.is_some() {
                alias_not_allowed(import, out);
            }
        }
        other => out.push(
            Diagnostic::new(
                &codes::INVALID_IMPORT,
                format!("import path must start with `data` or `input`, not `{other}`"),
            )
            .with_primary(root.span, "unknown root document")
            .with_help(format!(
                "did you mean `import data.{}`?",
                import_path_text(import)
            )),
        ),
    }
}

fn import_path_text(import: &crate::ast::Import) -> String {
    import
        .path
        .iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

fn alias_not_allowed(import: &crate::ast::Import, out: &mut Vec<Diagnostic>) {
    let span = import.alias.as_ref().map_or(import.span, |a| a.span);
    out.push(
        Diagnostic::new(
            &codes::INVALID_KEYWORD_IMPORT,
            "keyword imports cannot be aliased",
        )
        .with_primary(span, "alias not allowed")
        .with_help("remove `as ...`"),
    );
}

fn check_dialect(options: ParseOptions, what: &str, span: Span, out: &mut Vec<Diagnostic>) {
    if options.dialect == Dialect::Rego {
        out.push(
            Diagnostic::new(
                &codes::DECLARATION_IN_REGO,
                format!("`{what}` declarations are only allowed in .gate files"),
            )
            .with_primary(
                Span::new(span.start, span.start + what.len() as u32),
                "riskgate extension",
            )
            .with_help("rename the file to .gate, or move the declaration into a .gate file"),
        );
    }
}

fn check_id(id: &str, span: Span, what: &str, out: &mut Vec<Diagnostic>) {
    if id.trim().is_empty() {
        out.push(
            Diagnostic::new(&codes::EMPTY_DECLARATION_ID, format!("{what} id is empty"))
                .with_primary(span, "empty id")
                .with_help("give it a stable, non-empty id"),
        );
    }
}

fn check_fields(fields: &[Field], out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for field in fields {
        if let Some(first) = seen.get(field.name.text.as_str()) {
            out.push(
                Diagnostic::new(
                    &codes::DUPLICATE_FIELD,
                    format!("field `{}` is given twice", field.name.text),
                )
                .with_primary(field.name.span, "second value")
                .with_secondary(*first, "first value")
                .with_help("keep one of them"),
            );
        } else {
            seen.insert(&field.name.text, field.name.span);
        }
    }
}

fn check_rule(rule: &Rule, out: &mut Vec<Diagnostic>) {
    let head = &rule.head;
    let reference = &head.reference;
    if reference.path.is_empty() && matches!(reference.name.text.as_str(), "input" | "data") {
        out.push(
            Diagnostic::new(
                &codes::RESERVED_RULE_NAME,
                format!(
                    "rule name `{}` conflicts with the root document",
                    reference.name.text
                ),
            )
            .with_primary(reference.name.span, "reserved name")
            .with_help("rename the rule"),
        );
    }
    if head.args.is_some() && head.contains.is_some() {
        out.push(
            Diagnostic::new(
                &codes::CONTAINS_ON_FUNCTION,
                "functions cannot use `contains`",
            )
            .with_primary(head.span, "")
            .with_help("return a value instead: `f(x) := value if { ... }`"),
        );
    }
    if rule.is_default {
        check_default(rule, out);
    }
    if let Some(first_else) = rule.else_chain.first() {
        let multi_value = head.contains.is_some()
            || (head.args.is_none()
                && reference
                    .path
                    .iter()
                    .any(|arg| matches!(arg, RefArg::Bracket(e) if !is_scalar(e))));
        if multi_value || rule.is_default {
            let what = if rule.is_default {
                "default rules"
            } else {
                "multi-value rules"
            };
            out.push(
                Diagnostic::new(
                    &codes::INVALID_ELSE,
                    format!("`else` cannot be used on {what}"),
                )
                .with_primary(
                    Span::new(first_else.span.start, first_else.span.start + 4),
                    "",
                )
                .with_secondary(head.span, "this rule does not define a single value")
                .with_help("write separate rule definitions instead"),
            );
        }
    }
    walk::rule_children(rule, &mut |child| check_child(child, out));
}

fn check_default(rule: &Rule, out: &mut Vec<Diagnostic>) {
    let head = &rule.head;
    if let Some(body) = &rule.body {
        out.push(
            Diagnostic::new(
                &codes::DEFAULT_WITH_BODY,
                "default rules cannot have a body",
            )
            .with_primary(body.span, "remove this body")
            .with_help("a default value applies when nothing else does: `default name := value`"),
        );
    }
    let has_var_key = head
        .reference
        .path
        .iter()
        .any(|arg| matches!(arg, RefArg::Bracket(e) if !is_scalar(e)));
    if head.value.is_none() || head.contains.is_some() || has_var_key {
        out.push(
            Diagnostic::new(
                &codes::DEFAULT_WITHOUT_VALUE,
                "default rules must define a single value",
            )
            .with_primary(head.span, "")
            .with_help("write `default name := value`"),
        );
    }
    for arg in head.args.iter().flatten() {
        if !matches!(arg.kind, ExprKind::Var(_)) {
            out.push(
                Diagnostic::new(
                    &codes::DEFAULT_FUNCTION_ARGS,
                    "default function arguments must be variables",
                )
                .with_primary(arg.span, "not a variable")
                .with_help("use a variable such as `_`"),
            );
        }
    }
}

fn is_scalar(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::String(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null
    )
}

/// Whether `expr` can stand left of `:=`: a variable, or an array/object
/// whose elements (object values) are themselves such patterns or constants.
fn is_assign_pattern(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Var(_) => true,
        ExprKind::Array(items) => items.iter().all(|e| is_assign_pattern(e) || is_scalar(e)),
        ExprKind::Object(entries) => entries
            .iter()
            .all(|(_, v)| is_assign_pattern(v) || is_scalar(v)),
        _ => false,
    }
}

fn check_body(body: &Body, out: &mut Vec<Diagnostic>) {
    if body.literals.is_empty() {
        out.push(
            Diagnostic::new(&codes::EMPTY_BODY, "body is empty")
                .with_primary(body.span, "no conditions")
                .with_help("add a condition, or drop the body: `name := value`"),
        );
    }
    for literal in &body.literals {
        match &literal.kind {
            LiteralKind::Expr(expr) => {
                if let ExprKind::Assign {
                    op: crate::ast::AssignOp::Assign,
                    lhs,
                    ..
                } = &expr.kind
                    && !is_assign_pattern(lhs)
                {
                    out.push(
                            Diagnostic::new(&codes::INVALID_ASSIGN_TARGET, "cannot assign to this expression")
                                .with_primary(lhs.span, "not a variable")
                                .with_help("`:=` declares variables (`x := ...`, `[a, b] := ...`); if the previous line ends with an operator, complete it"),
                        );
                }
                check_expr(expr, out);
            }
            LiteralKind::Not(expr) => {
                if let ExprKind::Assign {
                    op: crate::ast::AssignOp::Assign,
                    ..
                } = expr.kind
                {
                    out.push(
                        Diagnostic::new(&codes::ASSIGN_IN_NOT, "`not` cannot be applied to `:=`")
                            .with_primary(expr.span, "assignment under negation")
                            .with_help("assign first, then negate a test on the variable"),
                    );
                }
                check_expr(expr, out);
            }
            LiteralKind::SomeVars(_) => {}
            LiteralKind::SomeIn {
                key,
                value,
                collection,
            } => {
                for expr in key.iter().chain([value, collection]) {
                    check_expr(expr, out);
                }
            }
            LiteralKind::Every { domain, body, .. } => {
                check_expr(domain, out);
                check_body(body, out);
            }
        }
        for modifier in &literal.with {
            let valid_target = match &modifier.target.kind {
                ExprKind::Var(_) => true,
                ExprKind::Ref { head, path } => {
                    matches!(head.kind, ExprKind::Var(_))
                        && path.iter().all(|arg| match arg {
                            RefArg::Dot(_) => true,
                            RefArg::Bracket(e) => is_scalar(e),
                        })
                }
                _ => false,
            };
            if !valid_target {
                out.push(
                    Diagnostic::new(
                        &codes::INVALID_WITH_TARGET,
                        "`with` target must be a reference",
                    )
                    .with_primary(modifier.target.span, "cannot replace this")
                    .with_help("replace `input...`, `data...` or a function by name"),
                );
            }
            check_expr(&modifier.value, out);
        }
    }
}

/// Descends into nested bodies (comprehensions) in an expression.
fn check_expr(expr: &Expr, out: &mut Vec<Diagnostic>) {
    walk::children(expr, &mut |child| check_child(child, out));
}

fn check_child(child: walk::Child<'_>, out: &mut Vec<Diagnostic>) {
    match child {
        walk::Child::Expr(expr) => check_expr(expr, out),
        walk::Child::Body(body) => check_body(body, out),
    }
}
