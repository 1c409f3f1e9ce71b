//! Helpers shared by the formatter tests: comparing trees without spans.
#![allow(dead_code)]

use riskgate_dsl::Span;
use riskgate_dsl::ast::*;

/// The module with every span zeroed and comment text trimmed at the end,
/// so two parses of differently laid out text compare equal.
pub fn spanless(module: &Module) -> Module {
    let mut module = module.clone();
    strip_module(&mut module);
    module
}

fn zero(span: &mut Span) {
    *span = Span::default();
}

pub fn strip_module(module: &mut Module) {
    zero(&mut module.span);
    if let Some(package) = &mut module.package {
        zero(&mut package.span);
        package.path.iter_mut().for_each(strip_name);
    }
    for import in &mut module.imports {
        zero(&mut import.span);
        import.path.iter_mut().for_each(strip_name);
        if let Some(alias) = &mut import.alias {
            strip_name(alias);
        }
    }
    for item in &mut module.items {
        match item {
            Item::Rule(rule) => strip_rule(rule),
            Item::Risk(risk) => {
                zero(&mut risk.span);
                strip_name(&mut risk.id);
                risk.fields.iter_mut().for_each(strip_field);
            }
            Item::Control(control) => {
                zero(&mut control.span);
                strip_name(&mut control.id);
                for member in &mut control.members {
                    match member {
                        ControlMember::Field(field) => strip_field(field),
                        ControlMember::Applies(applies) => {
                            zero(&mut applies.span);
                            strip_body(&mut applies.body);
                        }
                        ControlMember::Require(req) => {
                            zero(&mut req.span);
                            zero(&mut req.kind_span);
                            strip_name(&mut req.id);
                            req.fields.iter_mut().for_each(strip_field);
                        }
                        ControlMember::Rule(rule) => strip_rule(rule),
                    }
                }
            }
        }
    }
    for comment in &mut module.comments {
        zero(&mut comment.span);
        comment.text = comment.text.trim_end().to_owned();
    }
}

fn strip_name(name: &mut Name) {
    zero(&mut name.span);
}

fn strip_field(field: &mut Field) {
    zero(&mut field.span);
    strip_name(&mut field.name);
    strip_expr(&mut field.value);
}

pub fn strip_rule(rule: &mut Rule) {
    zero(&mut rule.span);
    let head = &mut rule.head;
    zero(&mut head.span);
    zero(&mut head.reference.span);
    strip_name(&mut head.reference.name);
    head.reference.path.iter_mut().for_each(strip_ref_arg);
    if let Some(args) = &mut head.args {
        args.iter_mut().for_each(strip_expr);
    }
    if let Some(value) = &mut head.value {
        strip_expr(&mut value.value);
    }
    if let Some(term) = &mut head.contains {
        strip_expr(term);
    }
    if let Some(body) = &mut rule.body {
        strip_body(body);
    }
    for clause in &mut rule.else_chain {
        zero(&mut clause.span);
        if let Some(value) = &mut clause.value {
            strip_expr(&mut value.value);
        }
        if let Some(body) = &mut clause.body {
            strip_body(body);
        }
    }
}

pub fn strip_body(body: &mut Body) {
    zero(&mut body.span);
    for literal in &mut body.literals {
        zero(&mut literal.span);
        match &mut literal.kind {
            LiteralKind::Expr(expr) | LiteralKind::Not(expr) => strip_expr(expr),
            LiteralKind::SomeVars(names) => names.iter_mut().for_each(strip_name),
            LiteralKind::SomeIn {
                key,
                value,
                collection,
            } => {
                if let Some(key) = key {
                    strip_expr(key);
                }
                strip_expr(value);
                strip_expr(collection);
            }
            LiteralKind::Every {
                key,
                value,
                domain,
                body,
            } => {
                if let Some(key) = key {
                    strip_name(key);
                }
                strip_name(value);
                strip_expr(domain);
                strip_body(body);
            }
        }
        literal.with.iter_mut().for_each(strip_with);
    }
}

fn strip_with(with: &mut WithModifier) {
    zero(&mut with.span);
    strip_expr(&mut with.target);
    strip_expr(&mut with.value);
}

fn strip_ref_arg(arg: &mut RefArg) {
    match arg {
        RefArg::Dot(name) => strip_name(name),
        RefArg::Bracket(expr) => strip_expr(expr),
    }
}

pub fn strip_expr(expr: &mut Expr) {
    zero(&mut expr.span);
    match &mut expr.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::String(_)
        | ExprKind::Var(_) => {}
        ExprKind::Template(template) => {
            for part in &mut template.parts {
                if let TemplatePart::Expr { expr, with } = part {
                    strip_expr(expr);
                    with.iter_mut().for_each(strip_with);
                }
            }
        }
        ExprKind::Ref { head, path } => {
            strip_expr(head);
            path.iter_mut().for_each(strip_ref_arg);
        }
        ExprKind::Call { func, args } => {
            func.iter_mut().for_each(strip_name);
            args.iter_mut().for_each(strip_expr);
        }
        ExprKind::Array(items) | ExprKind::Set(items) => items.iter_mut().for_each(strip_expr),
        ExprKind::Object(entries) => {
            for (key, value) in entries {
                strip_expr(key);
                strip_expr(value);
            }
        }
        ExprKind::ArrayCompr { term, body } | ExprKind::SetCompr { term, body } => {
            strip_expr(term);
            strip_body(body);
        }
        ExprKind::ObjectCompr { key, value, body } => {
            strip_expr(key);
            strip_expr(value);
            strip_body(body);
        }
        ExprKind::Paren(inner) | ExprKind::Neg(inner) => strip_expr(inner),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Assign { lhs, rhs, .. } => {
            strip_expr(lhs);
            strip_expr(rhs);
        }
        ExprKind::Membership {
            key,
            value,
            collection,
        } => {
            if let Some(key) = key {
                strip_expr(key);
            }
            strip_expr(value);
            strip_expr(collection);
        }
    }
}
