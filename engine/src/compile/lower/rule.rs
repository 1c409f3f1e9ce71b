//! Lowering of one rule: head, body, `else` chain, and its place in the
//! rule tree.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::codes;
use riskgate_dsl::Diagnostic;
use riskgate_dsl::ast;

use super::vars::collect_vars;
use super::{Ctx, Lowerer, Scope, join};
use crate::compile::ground_path;
use crate::compile::safety;
use crate::ir::{Body, Literal, LiteralKind, RuleDef, RuleGroup, RuleKind, Term, TermKind, Tree};
use crate::value::Value;

pub(super) fn lower_rule(
    ctx: &Ctx<'_>,
    item: usize,
    rule: &ast::Rule,
    tree: &mut Tree,
    errors: &mut Vec<Diagnostic>,
    mocks: &mut super::MockUse,
) {
    let head = &rule.head;
    let ground = ground_path(rule);
    // Segments after the ground prefix (the name is not in `reference.path`).
    let dynamic: Vec<&ast::RefArg> = head
        .reference
        .path
        .iter()
        .skip(ground.len().saturating_sub(1))
        .collect();
    let mut path = ctx.package.clone();
    path.extend(ground);
    let mut lw = Lowerer::new(ctx);
    lw.rule_site = Some((item, path.clone()));
    // Scope of the function arguments.
    let arg_exprs: Vec<&ast::Expr> = head.args.iter().flatten().collect();
    let mut arg_names = Vec::new();
    let mut computed_names = Vec::new();
    for arg in &arg_exprs {
        // Names inside computed arguments (`$"{input.x}"`) may be globals;
        // plain pattern variables always shadow them.
        let computed = matches!(
            arg.kind,
            ast::ExprKind::Template(_) | ast::ExprKind::Call { .. } | ast::ExprKind::Binary { .. }
        );
        collect_vars(
            arg,
            if computed {
                &mut computed_names
            } else {
                &mut arg_names
            },
        );
    }
    lw.scopes.push(Scope {
        vars: HashMap::new(),
        locals: Vec::new(),
        pending: BTreeSet::new(),
    });
    for name in arg_names {
        if !lw.lookup_local(&name) {
            lw.new_named(&name);
        }
    }
    for name in computed_names {
        if !lw.lookup_local(&name) && !lw.resolves_globally(&name) {
            lw.new_named(&name);
        }
    }
    let mut args: Vec<Term> = arg_exprs.iter().map(|a| lw.lower_expr(a)).collect();
    // Arguments that are not patterns (template strings, calls) become a
    // fresh variable plus a body statement comparing it, like OPA does.
    let mut arg_checks: Vec<Literal> = Vec::new();
    for arg in &mut args {
        if safety::pattern_needs(arg).is_empty() {
            continue;
        }
        let slot = lw.new_slot("__arg");
        let var = Term {
            kind: TermKind::Var(slot),
            loc: arg.loc,
        };
        let original = std::mem::replace(arg, var.clone());
        arg_checks.push(Literal {
            loc: original.loc,
            kind: LiteralKind::Unify(var, original),
            with: Vec::new(),
        });
    }
    let mut arg_bound = BTreeSet::new();
    for arg in &args {
        safety::pattern_vars(arg, &mut arg_bound);
    }

    let (kind, value_expr) = match (&head.contains, &head.value) {
        (Some(elem), _) => (RuleKind::SetElement, Some(elem)),
        (None, Some(value)) => (RuleKind::Value, Some(&value.value)),
        (None, None) => (RuleKind::Value, None),
    };
    let mut extra: Vec<&ast::Expr> = dynamic
        .iter()
        .filter_map(|arg| match arg {
            ast::RefArg::Bracket(e) => Some(e),
            ast::RefArg::Dot(_) => None,
        })
        .collect();
    extra.extend(value_expr);
    let empty = Vec::new();
    let body_lits = rule.body.as_ref().map_or(&empty, |b| &b.literals);
    lw.open_scope(body_lits, &extra, &[]);
    let mut literals = lw.lower_literals(body_lits);
    literals.extend(arg_checks.iter().cloned());
    let keys: Vec<Term> = dynamic
        .iter()
        .map(|arg| match arg {
            ast::RefArg::Dot(name) => lw.constant(Value::string(&name.text), name.span),
            ast::RefArg::Bracket(e) => lw.lower_expr(e),
        })
        .collect();
    let value = match value_expr {
        Some(e) => lw.lower_expr(e),
        None => lw.constant(Value::Bool(true), head.span),
    };
    let locals = lw.close_scope();
    let mut body = Body {
        literals,
        locals,
        loc: lw.loc(rule.body.as_ref().map_or(rule.span, |b| b.span)),
    };
    let mut keys = keys;
    let mut value = value;
    let mut head_terms: Vec<&Term> = keys.iter().collect();
    head_terms.push(&value);
    match safety::order_rule_body(&mut body, &arg_bound, &head_terms, &lw.names) {
        Ok(bound) => {
            for term in keys.iter_mut().chain(std::iter::once(&mut value)) {
                if let Err(e) = safety::order_head_closures(term, &bound, &lw.names) {
                    lw.errors.push(e);
                }
            }
        }
        Err(e) => lw.errors.push(e),
    }

    let mut else_chain = Vec::new();
    for clause in &rule.else_chain {
        let lits = clause.body.as_ref().map_or(&empty, |b| &b.literals);
        let extra: Vec<&ast::Expr> = clause.value.iter().map(|v| &v.value).collect();
        lw.open_scope(lits, &extra, &[]);
        let mut literals = lw.lower_literals(lits);
        literals.extend(arg_checks.iter().cloned());
        let value = match &clause.value {
            Some(v) => lw.lower_expr(&v.value),
            None => lw.constant(Value::Bool(true), clause.span),
        };
        let locals = lw.close_scope();
        let mut body = Body {
            literals,
            locals,
            loc: lw.loc(clause.span),
        };
        let mut value = value;
        match safety::order_rule_body(&mut body, &arg_bound, &[&value], &lw.names) {
            Ok(bound) => {
                if let Err(e) = safety::order_head_closures(&mut value, &bound, &lw.names) {
                    lw.errors.push(e);
                }
            }
            Err(e) => lw.errors.push(e),
        }
        else_chain.push((value, body));
    }
    lw.close_scope();
    let def = RuleDef {
        slots: u32::try_from(lw.names.len()).unwrap_or(u32::MAX),
        args,
        keys,
        kind,
        value,
        body,
        else_chain,
        loc: lw.loc(rule.span),
        names: Arc::from(lw.names.clone()),
    };
    errors.append(&mut lw.errors);
    mocks.append(&mut lw.mocks);
    let node = tree.ensure(&path);
    let Some(group) = tree.nodes.get_mut(node) else {
        return;
    };
    let group = group.group.get_or_insert_with(|| RuleGroup {
        path: path.clone(),
        ..RuleGroup::default()
    });
    let arity = head.args.as_ref().map(Vec::len);
    let shown = format!("data.{}", join(&path));
    if !group.defs.is_empty() || group.default.is_some() {
        if group.arity != arity {
            errors.push(
                Diagnostic::new(
                    &codes::CONFLICTING_RULES,
                    format!("conflicting rules {shown} found"),
                )
                .with_primary(head.span, "defined differently elsewhere"),
            );
        } else if let Some(first) = group.defs.first()
            && first.kind != def.kind
            && !rule.is_default
        {
            errors.push(
                Diagnostic::new(
                    &codes::CONFLICTING_RULES,
                    format!("conflicting rules {shown} found"),
                )
                .with_primary(head.span, "single-value and multi-value definitions"),
            );
        }
    }
    group.arity = arity;
    if rule.is_default {
        if group.default.is_some() {
            errors.push(
                Diagnostic::new(
                    &codes::CONFLICTING_RULES,
                    format!("multiple default rules {shown} found"),
                )
                .with_primary(head.span, "second default"),
            );
        }
        group.default = Some(def);
    } else {
        group.defs.push(def);
    }
}
