//! Which variable names statements and expressions mention or declare.

use std::sync::Arc;

use riskgate_dsl::ast::{self, ExprKind, LiteralKind as AstLit};

use crate::compile::static_segment;
use crate::ir::{Term, TermKind};
use crate::value::Value;

/// Variable names mentioned in an expression outside nested closures.
pub(super) fn collect_vars(expr: &ast::Expr, out: &mut Vec<String>) {
    match &expr.kind {
        ExprKind::Var(name) => {
            if name != "_" {
                out.push(name.clone());
            }
        }
        ExprKind::Ref { head, path } => {
            collect_vars(head, out);
            for arg in path {
                if let ast::RefArg::Bracket(e) = arg {
                    collect_vars(e, out);
                }
            }
        }
        ExprKind::Call { args, .. } | ExprKind::Array(args) | ExprKind::Set(args) => {
            args.iter().for_each(|a| collect_vars(a, out));
        }
        ExprKind::Object(items) => {
            for (k, v) in items {
                collect_vars(k, out);
                collect_vars(v, out);
            }
        }
        ExprKind::Paren(e) | ExprKind::Neg(e) => collect_vars(e, out),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Assign { lhs, rhs, .. } => {
            collect_vars(lhs, out);
            collect_vars(rhs, out);
        }
        ExprKind::Membership {
            key,
            value,
            collection,
        } => {
            if let Some(k) = key {
                collect_vars(k, out);
            }
            collect_vars(value, out);
            collect_vars(collection, out);
        }
        ExprKind::Template(t) => {
            for part in &t.parts {
                if let ast::TemplatePart::Expr { expr: e, with } = part {
                    collect_vars(e, out);
                    with.iter().for_each(|w| with_vars(w, out));
                }
            }
        }
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::String(_)
        | ExprKind::ArrayCompr { .. }
        | ExprKind::SetCompr { .. }
        | ExprKind::ObjectCompr { .. } => {}
    }
}

pub(super) fn literal_vars(
    lit: &ast::Literal,
    declared: &mut Vec<String>,
    mentioned: &mut Vec<String>,
) {
    match &lit.kind {
        AstLit::Expr(e) => {
            if let ExprKind::Assign {
                op: ast::AssignOp::Assign,
                lhs,
                rhs,
            } = &e.kind
            {
                collect_vars(lhs, declared);
                collect_vars(rhs, mentioned);
            } else {
                collect_vars(e, mentioned);
            }
        }
        AstLit::Not(e) => collect_vars(e, mentioned),
        AstLit::SomeVars(names) => declared.extend(
            names
                .iter()
                .filter(|n| n.text != "_")
                .map(|n| n.text.clone()),
        ),
        AstLit::SomeIn {
            key,
            value,
            collection,
        } => {
            if let Some(k) = key {
                collect_vars(k, declared);
            }
            collect_vars(value, declared);
            collect_vars(collection, mentioned);
        }
        AstLit::Every { domain, .. } => collect_vars(domain, mentioned),
    }
    for with in &lit.with {
        with_vars(with, mentioned);
    }
}

/// Variables a `with` replacement value mentions (a dotted name replacing
/// a function names a function, not a variable).
fn with_vars(with: &ast::WithModifier, mentioned: &mut Vec<String>) {
    let replaces_document = matches!(
        &with.target.kind,
        ExprKind::Var(n) if n == "input" || n == "data"
    ) || matches!(
        &with.target.kind,
        ExprKind::Ref { head, .. } if matches!(&head.kind, ExprKind::Var(n) if n == "input" || n == "data")
    );
    if replaces_document || flat_path(&with.value).is_none() {
        collect_vars(&with.value, mentioned);
    }
}

pub(super) fn is_assignable(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Var(_) => true,
        ExprKind::Paren(inner) => is_assignable(inner),
        ExprKind::Array(items) => items.iter().all(is_assignable_or_const),
        ExprKind::Object(items) => items.iter().all(|(_, v)| is_assignable_or_const(v)),
        _ => false,
    }
}

fn is_assignable_or_const(e: &ast::Expr) -> bool {
    is_assignable(e)
        || matches!(
            e.kind,
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::String(_)
        )
}

pub(super) fn constants(items: &[Term]) -> Option<Vec<Value>> {
    items
        .iter()
        .map(|t| match &t.kind {
            TermKind::Value(v) => Some(v.clone()),
            _ => None,
        })
        .collect()
}

/// A dotted name (`a.b.c`, `input.x`) as path segments.
pub(super) fn flat_path(e: &ast::Expr) -> Option<Vec<Arc<str>>> {
    match &e.kind {
        ExprKind::Var(name) => Some(vec![Arc::from(name.as_str())]),
        ExprKind::Ref { head, path } => {
            let mut out = flat_path(head)?;
            for arg in path {
                out.push(static_segment(arg)?);
            }
            Some(out)
        }
        ExprKind::Paren(inner) => flat_path(inner),
        _ => None,
    }
}
