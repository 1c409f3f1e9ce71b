//! Rewrites a generated tree into the shape the parser gives for its
//! printed text: parentheses where the grammar needs them.

use super::paren;
use riskgate_dsl::ast::*;

pub fn module(module: &mut Module) {
    for item in &mut module.items {
        match item {
            Item::Rule(rule) => self::rule(rule),
            Item::Risk(risk) => risk.fields.iter_mut().for_each(|f| in_expr(&mut f.value)),
            Item::Control(control) => {
                for member in &mut control.members {
                    match member {
                        ControlMember::Field(f) => in_expr(&mut f.value),
                        ControlMember::Applies(a) => rule_body(&mut a.body),
                        ControlMember::Require(r) => {
                            r.fields.iter_mut().for_each(|f| in_expr(&mut f.value));
                        }
                        ControlMember::Rule(r) => self::rule(r),
                    }
                }
            }
        }
    }
}

fn rule(rule: &mut Rule) {
    let head = &mut rule.head;
    for arg in head.reference.path.iter_mut() {
        if let RefArg::Bracket(x) = arg {
            in_expr(x);
        }
    }
    for arg in head.args.iter_mut().flatten() {
        in_expr(arg);
    }
    if let Some(value) = &mut head.value {
        in_expr(&mut value.value);
    }
    if let Some(term) = &mut head.contains {
        in_expr(term);
    }
    if let Some(b) = &mut rule.body {
        rule_body(b);
    }
    for clause in &mut rule.else_chain {
        if let Some(value) = &mut clause.value {
            in_expr(&mut value.value);
        }
        if let Some(b) = &mut clause.body {
            rule_body(b);
        }
    }
}

fn rule_body(b: &mut Body) {
    body(b);
    if let [only] = b.literals.as_slice()
        && starts_with(only, '{')
    {
        b.braced = true;
    }
}

fn starts_with(lit: &Literal, c: char) -> bool {
    match &lit.kind {
        LiteralKind::Expr(x) => first_char(x) == Some(c),
        _ => false,
    }
}

fn first_char(x: &Expr) -> Option<char> {
    match &x.kind {
        ExprKind::Set(_) | ExprKind::Object(_) => Some('{'),
        ExprKind::SetCompr { .. } | ExprKind::ObjectCompr { .. } => Some('{'),
        ExprKind::Neg(_) => Some('-'),
        ExprKind::Number(n) => n.chars().next(),
        ExprKind::Ref { head, .. } => first_char(head),
        ExprKind::Binary { lhs, .. } | ExprKind::Assign { lhs, .. } => first_char(lhs),
        ExprKind::Membership { key, value, .. } => first_char(key.as_deref().unwrap_or(value)),
        _ => None,
    }
}

pub fn body(b: &mut Body) {
    for lit in &mut b.literals {
        match &mut lit.kind {
            LiteralKind::Expr(x) => {
                top(x);
                if first_char(x) == Some('-') {
                    wrap_leftmost(x);
                }
            }
            LiteralKind::Not(x) => {
                // `not x := 1` is rejected; `not x = 1` is fine.
                if let ExprKind::Assign { op, .. } = &mut x.kind {
                    *op = AssignOp::Unify;
                }
                top(x);
            }
            LiteralKind::SomeVars(_) => {}
            LiteralKind::SomeIn { collection, .. } => rel(collection),
            LiteralKind::Every {
                domain,
                body: inner,
                ..
            } => {
                rel(domain);
                body(inner);
                for l in &mut inner.literals {
                    if let LiteralKind::Expr(x) = &mut l.kind
                        && first_char(x) == Some('-')
                    {
                        wrap_leftmost(x);
                    }
                }
            }
        }
        for w in &mut lit.with {
            in_expr(&mut w.value);
        }
    }
}

/// Parenthesises the leftmost operand, so a literal does not start
/// with `-` (which would continue the previous line's expression).
fn wrap_leftmost(x: &mut Expr) {
    match &mut x.kind {
        ExprKind::Binary { lhs, .. } | ExprKind::Assign { lhs, .. } => wrap_leftmost(lhs),
        ExprKind::Membership { key: Some(k), .. } => wrap_leftmost(k),
        ExprKind::Membership { value, .. } => wrap_leftmost(value),
        _ => *x = paren(x.clone()),
    }
}

/// A literal's expression: assignment and keyed membership allowed.
fn top(x: &mut Expr) {
    match &mut x.kind {
        ExprKind::Assign { lhs, rhs, .. } => {
            in_expr(lhs);
            in_expr(rhs);
        }
        ExprKind::Membership {
            key: Some(k),
            value,
            collection,
        } => {
            rel(k);
            rel(value);
            rel(collection);
        }
        _ => in_expr(x),
    }
}

/// An `in_expr` position: anything but assignment and keyed membership.
fn in_expr(x: &mut Expr) {
    match &mut x.kind {
        ExprKind::Assign { .. } | ExprKind::Membership { key: Some(_), .. } => {
            top(x);
            *x = paren(x.clone());
        }
        ExprKind::Membership {
            key: None,
            value,
            collection,
        } => {
            // `in` is left-associative: a membership may be the value.
            if matches!(value.kind, ExprKind::Membership { key: None, .. }) {
                in_expr(value);
            } else {
                rel(value);
            }
            rel(collection);
        }
        _ => rel(x),
    }
}

/// A `rel_expr` position: no `in`, no assignment.
fn rel(x: &mut Expr) {
    match &mut x.kind {
        ExprKind::Assign { .. } | ExprKind::Membership { .. } => {
            in_expr_inner(x);
            *x = paren(x.clone());
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let prec = op.precedence();
            operand(lhs);
            if matches!(&lhs.kind, ExprKind::Binary { op: l, .. } if l.precedence() < prec) {
                **lhs = paren((**lhs).clone());
            }
            operand(rhs);
            if matches!(&rhs.kind, ExprKind::Binary { op: r, .. } if r.precedence() <= prec) {
                **rhs = paren((**rhs).clone());
            }
        }
        _ => term(x),
    }
}

fn in_expr_inner(x: &mut Expr) {
    match &mut x.kind {
        ExprKind::Assign { lhs, rhs, .. } => {
            in_expr(lhs);
            in_expr(rhs);
        }
        _ => top(x),
    }
}

/// An operand of a binary operator: a binary expression or a term.
fn operand(x: &mut Expr) {
    match &x.kind {
        ExprKind::Binary { .. } => rel(x),
        _ => {
            rel(x);
        }
    }
}

/// A term position (after `-`, ref heads, ...).
fn term(x: &mut Expr) {
    match &mut x.kind {
        ExprKind::Neg(inner) => {
            term(inner);
            let fold = matches!(&inner.kind, ExprKind::Number(n) if !n.starts_with('-'));
            if fold
                || matches!(
                    inner.kind,
                    ExprKind::Binary { .. } | ExprKind::Membership { .. } | ExprKind::Assign { .. }
                )
            {
                **inner = paren((**inner).clone());
            }
        }
        ExprKind::Paren(inner) => {
            if matches!(inner.kind, ExprKind::Paren(_)) {
                in_expr(inner);
            } else {
                top(inner);
            }
        }
        ExprKind::Ref { head, path } => {
            term(head);
            for arg in path {
                if let RefArg::Bracket(b) = arg {
                    in_expr(b);
                }
            }
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(in_expr),
        ExprKind::Array(items) | ExprKind::Set(items) => items.iter_mut().for_each(element),
        ExprKind::Object(entries) => {
            for (k, v) in entries {
                element(k);
                element(v);
            }
        }
        ExprKind::ArrayCompr { term: t, body: b } | ExprKind::SetCompr { term: t, body: b } => {
            element(t);
            body(b);
        }
        ExprKind::ObjectCompr {
            key,
            value,
            body: b,
        } => {
            element(key);
            element(value);
            body(b);
        }
        ExprKind::Template(t) => {
            for part in &mut t.parts {
                if let TemplatePart::Expr { expr, .. } = part {
                    in_expr(expr);
                }
            }
        }
        ExprKind::Binary { .. } | ExprKind::Membership { .. } | ExprKind::Assign { .. } => {
            in_expr(x);
            *x = paren(x.clone());
        }
        _ => {}
    }
}

/// A collection element or comprehension head: no top-level `|`.
fn element(x: &mut Expr) {
    in_expr(x);
    if has_top_or(x) {
        *x = paren(x.clone());
    }
}

fn has_top_or(x: &Expr) -> bool {
    match &x.kind {
        ExprKind::Binary { op: BinOp::Or, .. } => true,
        ExprKind::Binary { lhs, rhs, .. } => has_top_or(lhs) || has_top_or(rhs),
        ExprKind::Membership {
            key,
            value,
            collection,
        } => key.as_deref().is_some_and(has_top_or) || has_top_or(value) || has_top_or(collection),
        _ => false,
    }
}
