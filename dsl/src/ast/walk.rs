//! Read-only walks over the syntax tree, shared by the lints, test
//! discovery and editor tooling: every expression of a rule, body or
//! declaration, outermost first.

use crate::ast::{
    Body, ControlMember, Expr, ExprKind, Item, LiteralKind, RefArg, Rule, TemplatePart,
};

/// What an expression directly contains: sub-expressions, and the bodies
/// of comprehensions.
#[derive(Debug, Clone, Copy)]
pub enum Child<'a> {
    /// A sub-expression.
    Expr(&'a Expr),
    /// A comprehension's body.
    Body(&'a Body),
}

/// Calls `f` on each direct child of `e`, in source order. The one place
/// that knows where each kind of expression keeps its children.
pub fn children<'a>(e: &'a Expr, f: &mut dyn FnMut(Child<'a>)) {
    match &e.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::String(_)
        | ExprKind::Var(_) => {}
        ExprKind::Template(template) => {
            for part in &template.parts {
                if let TemplatePart::Expr { expr: inner, with } = part {
                    f(Child::Expr(inner));
                    for modifier in with {
                        f(Child::Expr(&modifier.target));
                        f(Child::Expr(&modifier.value));
                    }
                }
            }
        }
        ExprKind::Ref { head, path } => {
            f(Child::Expr(head));
            for arg in path {
                if let RefArg::Bracket(inner) = arg {
                    f(Child::Expr(inner));
                }
            }
        }
        ExprKind::Call { args, .. } | ExprKind::Array(args) | ExprKind::Set(args) => {
            for arg in args {
                f(Child::Expr(arg));
            }
        }
        ExprKind::Object(pairs) => {
            for (key, value) in pairs {
                f(Child::Expr(key));
                f(Child::Expr(value));
            }
        }
        ExprKind::ArrayCompr { term, body: b } | ExprKind::SetCompr { term, body: b } => {
            f(Child::Expr(term));
            f(Child::Body(b));
        }
        ExprKind::ObjectCompr {
            key,
            value,
            body: b,
        } => {
            f(Child::Expr(key));
            f(Child::Expr(value));
            f(Child::Body(b));
        }
        ExprKind::Paren(inner) | ExprKind::Neg(inner) => f(Child::Expr(inner)),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Assign { lhs, rhs, .. } => {
            f(Child::Expr(lhs));
            f(Child::Expr(rhs));
        }
        ExprKind::Membership {
            key,
            value,
            collection,
        } => {
            if let Some(key) = key {
                f(Child::Expr(key));
            }
            f(Child::Expr(value));
            f(Child::Expr(collection));
        }
    }
}

/// Calls `f` on `expr` and every expression inside it.
pub fn expr<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    f(e);
    children(e, &mut |child| descend(child, f));
}

fn ref_args<'a>(path: &'a [RefArg], f: &mut dyn FnMut(&'a Expr)) {
    for arg in path {
        if let RefArg::Bracket(inner) = arg {
            expr(inner, f);
        }
    }
}

/// Calls `f` on what the literals of a body directly contain, in source
/// order: their expressions, the bodies of `every`, and `with` targets and
/// values.
pub fn body_children<'a>(b: &'a Body, f: &mut dyn FnMut(Child<'a>)) {
    for literal in &b.literals {
        match &literal.kind {
            LiteralKind::Expr(e) | LiteralKind::Not(e) => f(Child::Expr(e)),
            LiteralKind::SomeVars(_) => {}
            LiteralKind::SomeIn {
                key,
                value,
                collection,
            } => {
                if let Some(key) = key {
                    f(Child::Expr(key));
                }
                f(Child::Expr(value));
                f(Child::Expr(collection));
            }
            LiteralKind::Every {
                domain, body: b, ..
            } => {
                f(Child::Expr(domain));
                f(Child::Body(b));
            }
        }
        for modifier in &literal.with {
            f(Child::Expr(&modifier.target));
            f(Child::Expr(&modifier.value));
        }
    }
}

/// Calls `f` on what a rule directly contains besides its head
/// reference: arguments, value, `contains` term, body, and the values and
/// bodies of its `else` chain.
pub fn rule_children<'a>(r: &'a Rule, f: &mut dyn FnMut(Child<'a>)) {
    for arg in r.head.args.iter().flatten() {
        f(Child::Expr(arg));
    }
    if let Some(value) = &r.head.value {
        f(Child::Expr(&value.value));
    }
    if let Some(term) = &r.head.contains {
        f(Child::Expr(term));
    }
    if let Some(b) = &r.body {
        f(Child::Body(b));
    }
    for clause in &r.else_chain {
        if let Some(value) = &clause.value {
            f(Child::Expr(&value.value));
        }
        if let Some(b) = &clause.body {
            f(Child::Body(b));
        }
    }
}

/// Calls `f` on every expression of a body, nested bodies included.
pub fn body<'a>(b: &'a Body, f: &mut dyn FnMut(&'a Expr)) {
    body_children(b, &mut |child| descend(child, f));
}

/// Calls `f` on every expression of a rule: head reference, arguments,
/// value, `contains` term, body and `else` chain.
pub fn rule<'a>(r: &'a Rule, f: &mut dyn FnMut(&'a Expr)) {
    ref_args(&r.head.reference.path, f);
    rule_children(r, &mut |child| descend(child, f));
}

/// Calls `f` on every expression in `child`, itself included.
fn descend<'a>(child: Child<'a>, f: &mut dyn FnMut(&'a Expr)) {
    match child {
        Child::Expr(inner) => expr(inner, f),
        Child::Body(b) => body(b, f),
    }
}

/// Calls `f` on every expression of an item (rules, and every field,
/// `applies` block, requirement and rule of declarations).
pub fn item<'a>(i: &'a Item, f: &mut dyn FnMut(&'a Expr)) {
    match i {
        Item::Rule(r) => rule(r, f),
        Item::Risk(risk) => {
            for field in &risk.fields {
                expr(&field.value, f);
            }
        }
        Item::Control(control) => {
            for member in &control.members {
                match member {
                    ControlMember::Field(field) => expr(&field.value, f),
                    ControlMember::Applies(applies) => body(&applies.body, f),
                    ControlMember::Require(requirement) => {
                        for field in &requirement.fields {
                            expr(&field.value, f);
                        }
                    }
                    ControlMember::Rule(r) => rule(r, f),
                }
            }
        }
    }
}

/// Every rule of an item: the item itself, or the rules inside a control.
pub fn rules_of(i: &Item) -> Vec<&Rule> {
    match i {
        Item::Rule(r) => vec![r],
        Item::Risk(_) => Vec::new(),
        Item::Control(control) => control
            .members
            .iter()
            .filter_map(|m| match m {
                ControlMember::Rule(r) => Some(r),
                _ => None,
            })
            .collect(),
    }
}

/// Every body of an item, top-level bodies only (rule bodies, `else`
/// bodies, `applies` blocks).
pub fn bodies_of(i: &Item) -> Vec<&Body> {
    let mut out = Vec::new();
    for r in rules_of(i) {
        out.extend(r.body.iter());
        out.extend(r.else_chain.iter().filter_map(|c| c.body.as_ref()));
    }
    if let Item::Control(control) = i {
        for member in &control.members {
            if let ControlMember::Applies(applies) = member {
                out.push(&applies.body);
            }
        }
    }
    out
}
