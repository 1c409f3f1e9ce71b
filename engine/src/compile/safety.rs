//! Safety: every variable must be bound before it is used.
//!
//! For each literal we compute the variables it *needs* bound (call
//! arguments, reference heads, negated expressions, variables of closures
//! taken from the enclosing body) and the variables it *binds* (pattern
//! positions of `=`/`:=`, variables indexing a reference, `some ... in`
//! patterns, call outputs). Literals are then reordered like OPA does: the
//! first literal whose needs are met runs next, so source order is kept
//! whenever it is already safe. If no literal can run, the first blocked
//! one reports `var x is unsafe`.

use std::collections::BTreeSet;

use crate::codes;
use riskgate_dsl::Diagnostic;

use crate::ir::{
    Body, Literal, LiteralKind, RefHead, Slot, TemplatePart, Term, TermKind, WithValue,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The term's value is needed.
    Value,
    /// The term is matched against a value and may bind variables.
    Pattern,
}

type Vars = BTreeSet<Slot>;

/// Variables a term needs bound even where it is matched as a pattern
/// (empty for plain patterns such as `x`, `[a, "b"]` or constants).
pub(crate) fn pattern_needs(term: &Term) -> Vars {
    let mut needs = Vars::new();
    analyze(term, Ctx::Pattern, &mut needs, &mut Vars::new());
    needs
}

/// Variables at pattern positions of a term (those unification can bind).
pub(crate) fn pattern_vars(term: &Term, out: &mut Vars) {
    let mut needs = Vars::new();
    analyze(term, Ctx::Pattern, &mut needs, out);
}

fn analyze(term: &Term, ctx: Ctx, needs: &mut Vars, outs: &mut Vars) {
    match &term.kind {
        TermKind::Value(_) => {}
        TermKind::Var(slot) => {
            if ctx == Ctx::Pattern {
                outs.insert(*slot);
            } else {
                needs.insert(*slot);
            }
        }
        TermKind::Ref { head, path } => {
            if let RefHead::Term(head) = head {
                analyze(head, Ctx::Value, needs, outs);
            }
            for seg in path {
                analyze(seg, Ctx::Pattern, needs, outs);
            }
        }
        TermKind::Array(items) => items.iter().for_each(|t| analyze(t, ctx, needs, outs)),
        TermKind::Set(items) => items
            .iter()
            .for_each(|t| analyze(t, Ctx::Value, needs, outs)),
        TermKind::Object(items) => {
            for (k, v) in items {
                analyze(k, Ctx::Value, needs, outs);
                analyze(v, ctx, needs, outs);
            }
        }
        TermKind::Call(call) => {
            let output = call.arity.filter(|a| call.args.len() == a + 1);
            for (i, arg) in call.args.iter().enumerate() {
                let c = if Some(i) == output {
                    Ctx::Pattern
                } else {
                    Ctx::Value
                };
                analyze(arg, c, needs, outs);
            }
        }
        TermKind::ArrayCompr(t, body) | TermKind::SetCompr(t, body) => {
            closure_needs(&[t], body, needs);
        }
        TermKind::ObjectCompr(k, v, body) => closure_needs(&[k, v], body, needs),
        TermKind::Template(parts) => {
            for part in parts {
                if let TemplatePart::Expr(t, with) = part {
                    analyze(t, Ctx::Value, needs, outs);
                    for w in with {
                        if let WithValue::Term(v) = &w.value {
                            analyze(v, Ctx::Value, needs, outs);
                        }
                    }
                }
            }
        }
    }
}

fn closure_needs(terms: &[&Term], body: &Body, needs: &mut Vars) {
    let mut all = Vars::new();
    for t in terms {
        deep_vars_term(t, &mut all);
    }
    deep_vars_body(body, &mut all);
    for slot in &body.locals {
        all.remove(slot);
    }
    needs.extend(all);
}

fn deep_vars_body(body: &Body, out: &mut Vars) {
    for lit in &body.literals {
        deep_vars_literal(&lit.kind, out);
        for with in &lit.with {
            if let WithValue::Term(t) = &with.value {
                deep_vars_term(t, out);
            }
        }
    }
}

fn deep_vars_literal(kind: &LiteralKind, out: &mut Vars) {
    match kind {
        LiteralKind::Expr(t) => deep_vars_term(t, out),
        LiteralKind::Unify(a, b) => {
            deep_vars_term(a, out);
            deep_vars_term(b, out);
        }
        LiteralKind::Not(inner) => deep_vars_literal(inner, out),
        LiteralKind::SomeIn {
            key,
            value,
            collection,
        } => {
            if let Some(k) = key {
                deep_vars_term(k, out);
            }
            deep_vars_term(value, out);
            deep_vars_term(collection, out);
        }
        LiteralKind::Every {
            key,
            value,
            domain,
            body,
        } => {
            deep_vars_term(domain, out);
            let mut inner = Vars::new();
            deep_vars_body(body, &mut inner);
            inner.remove(value);
            if let Some(k) = key {
                inner.remove(k);
            }
            out.extend(inner);
        }
        LiteralKind::True => {}
    }
}

fn deep_vars_term(term: &Term, out: &mut Vars) {
    match &term.kind {
        TermKind::Value(_) => {}
        TermKind::Var(slot) => {
            out.insert(*slot);
        }
        TermKind::Ref { head, path } => {
            if let RefHead::Term(h) = head {
                deep_vars_term(h, out);
            }
            path.iter().for_each(|t| deep_vars_term(t, out));
        }
        TermKind::Array(items) | TermKind::Set(items) => {
            items.iter().for_each(|t| deep_vars_term(t, out));
        }
        TermKind::Object(items) => {
            for (k, v) in items {
                deep_vars_term(k, out);
                deep_vars_term(v, out);
            }
        }
        TermKind::Call(call) => call.args.iter().for_each(|t| deep_vars_term(t, out)),
        TermKind::ArrayCompr(t, body) | TermKind::SetCompr(t, body) => {
            deep_vars_term(t, out);
            deep_vars_body(body, out);
        }
        TermKind::ObjectCompr(k, v, body) => {
            deep_vars_term(k, out);
            deep_vars_term(v, out);
            deep_vars_body(body, out);
        }
        TermKind::Template(parts) => {
            for part in parts {
                if let TemplatePart::Expr(t, with) = part {
                    deep_vars_term(t, out);
                    for w in with {
                        if let WithValue::Term(v) = &w.value {
                            deep_vars_term(v, out);
                        }
                    }
                }
            }
        }
    }
}

fn literal_io(kind: &LiteralKind, names: &[String], needs: &mut Vars, outs: &mut Vars) {
    match kind {
        LiteralKind::Expr(t) => {
            let mut n = Vars::new();
            analyze(t, Ctx::Value, &mut n, outs);
            // Variables bound by references inside the expression are
            // bound before the expression's other operands are needed.
            needs.extend(n.difference(outs).copied());
        }
        LiteralKind::Unify(a, b) => {
            analyze(a, Ctx::Pattern, needs, outs);
            analyze(b, Ctx::Pattern, needs, outs);
        }
        LiteralKind::Not(inner) => {
            let mut n = Vars::new();
            let mut o = Vars::new();
            literal_io(inner, names, &mut n, &mut o);
            needs.extend(
                n.into_iter()
                    .chain(o)
                    .filter(|s| names.get(*s as usize).is_none_or(|n| n != "_")),
            );
        }
        LiteralKind::SomeIn {
            key,
            value,
            collection,
        } => {
            analyze(collection, Ctx::Value, needs, outs);
            if let Some(k) = key {
                analyze(k, Ctx::Pattern, needs, outs);
            }
            analyze(value, Ctx::Pattern, needs, outs);
        }
        LiteralKind::Every {
            key,
            value,
            domain,
            body,
        } => {
            analyze(domain, Ctx::Value, needs, outs);
            let mut free = Vars::new();
            closure_needs(&[], body, &mut free);
            free.remove(value);
            if let Some(k) = key {
                free.remove(k);
            }
            needs.extend(free);
        }
        LiteralKind::True => {}
    }
}

fn ready(lit: &Literal, bound: &Vars, names: &[String]) -> Option<Vars> {
    let mut needs = Vars::new();
    let mut outs = Vars::new();
    literal_io(&lit.kind, names, &mut needs, &mut outs);
    for with in &lit.with {
        if let WithValue::Term(t) = &with.value {
            let mut ignored = Vars::new();
            analyze(t, Ctx::Value, &mut needs, &mut ignored);
            needs.extend(ignored);
        }
    }
    if !needs.is_subset(bound) {
        return None;
    }
    if let LiteralKind::Unify(a, b) = &lit.kind {
        let unbound_var = |t: &Term| matches!(t.kind, TermKind::Var(s) if !bound.contains(&s));
        if unbound_var(a) && unbound_var(b) {
            return None;
        }
    }
    Some(outs)
}

fn unsafe_error(lit: &Literal, bound: &Vars, names: &[String]) -> Diagnostic {
    let mut needs = Vars::new();
    let mut outs = Vars::new();
    literal_io(&lit.kind, names, &mut needs, &mut outs);
    if needs.is_subset(bound) {
        needs.extend(outs);
    }
    let mut vars: Vec<&str> = needs
        .difference(bound)
        .filter_map(|s| names.get(*s as usize).map(String::as_str))
        .collect();
    vars.sort_unstable();
    vars.dedup();
    let name = vars.first().copied().unwrap_or("_");
    Diagnostic::new(&codes::UNSAFE_VAR, format!("var {name} is unsafe"))
        .with_primary(lit.loc.span, "nothing binds this variable")
}

/// Reorders a body for safety; returns the variables bound after it.
pub(crate) fn order_body(
    body: &mut Body,
    bound: &Vars,
    names: &[String],
) -> Result<Vars, Diagnostic> {
    let mut bound = bound.clone();
    let mut remaining: Vec<Literal> = std::mem::take(&mut body.literals);
    let mut ordered = Vec::with_capacity(remaining.len());
    while !remaining.is_empty() {
        let pick = remaining
            .iter()
            .enumerate()
            .find_map(|(i, lit)| ready(lit, &bound, names).map(|outs| (i, outs)));
        let Some((index, outs)) = pick else {
            let first = remaining
                .first()
                .map(|lit| unsafe_error(lit, &bound, names));
            body.literals = ordered;
            body.literals.append(&mut remaining);
            return Err(
                first.unwrap_or_else(|| Diagnostic::new(&codes::UNSAFE_VAR, "unsafe variable"))
            );
        };
        let mut lit = remaining.remove(index);
        order_closures_literal(&mut lit.kind, &bound, names)?;
        for with in &mut lit.with {
            if let WithValue::Term(t) = &mut with.value {
                order_closures_term(t, &bound, names)?;
            }
        }
        bound.extend(outs);
        ordered.push(lit);
    }
    body.literals = ordered;
    Ok(bound)
}

/// Orders a rule body and checks that the head's variables are bound.
pub(crate) fn order_rule_body(
    body: &mut Body,
    args_bound: &Vars,
    head: &[&Term],
    names: &[String],
) -> Result<Vars, Diagnostic> {
    let bound = order_body(body, args_bound, names)?;
    for term in head {
        let mut needs = Vars::new();
        let mut outs = Vars::new();
        analyze(term, Ctx::Value, &mut needs, &mut outs);
        if let Some(slot) = needs.difference(&bound).next() {
            let name = names.get(*slot as usize).map_or("_", String::as_str);
            return Err(
                Diagnostic::new(&codes::UNSAFE_VAR, format!("var {name} is unsafe"))
                    .with_primary(term.loc.span, "not bound by the rule body"),
            );
        }
    }
    Ok(bound)
}

/// Orders the closures of a head term (after the body has bound `bound`).
pub(crate) fn order_head_closures(
    term: &mut Term,
    bound: &Vars,
    names: &[String],
) -> Result<(), Diagnostic> {
    order_closures_term(term, bound, names)
}

fn order_closures_literal(
    kind: &mut LiteralKind,
    bound: &Vars,
    names: &[String],
) -> Result<(), Diagnostic> {
    match kind {
        LiteralKind::Expr(t) => order_closures_term(t, bound, names),
        LiteralKind::Unify(a, b) => {
            order_closures_term(a, bound, names)?;
            order_closures_term(b, bound, names)
        }
        LiteralKind::Not(inner) => order_closures_literal(inner, bound, names),
        LiteralKind::SomeIn {
            key,
            value,
            collection,
        } => {
            if let Some(k) = key {
                order_closures_term(k, bound, names)?;
            }
            order_closures_term(value, bound, names)?;
            order_closures_term(collection, bound, names)
        }
        LiteralKind::Every {
            key,
            value,
            domain,
            body,
        } => {
            order_closures_term(domain, bound, names)?;
            let mut inner = bound.clone();
            inner.insert(*value);
            if let Some(k) = key {
                inner.insert(*k);
            }
            order_body(body, &inner, names).map(|_| ())
        }
        LiteralKind::True => Ok(()),
    }
}

fn order_closures_term(term: &mut Term, bound: &Vars, names: &[String]) -> Result<(), Diagnostic> {
    match &mut term.kind {
        TermKind::Value(_) | TermKind::Var(_) => Ok(()),
        TermKind::Ref { head, path } => {
            if let RefHead::Term(h) = head {
                order_closures_term(h, bound, names)?;
            }
            path.iter_mut()
                .try_for_each(|t| order_closures_term(t, bound, names))
        }
        TermKind::Array(items) | TermKind::Set(items) => items
            .iter_mut()
            .try_for_each(|t| order_closures_term(t, bound, names)),
        TermKind::Object(items) => items.iter_mut().try_for_each(|(k, v)| {
            order_closures_term(k, bound, names)?;
            order_closures_term(v, bound, names)
        }),
        TermKind::Call(call) => call
            .args
            .iter_mut()
            .try_for_each(|t| order_closures_term(t, bound, names)),
        TermKind::ArrayCompr(t, body) | TermKind::SetCompr(t, body) => {
            let inner = order_body(body, bound, names)?;
            check_closure_head(t, &inner, names)?;
            order_closures_term(t, &inner, names)
        }
        TermKind::ObjectCompr(k, v, body) => {
            let inner = order_body(body, bound, names)?;
            check_closure_head(k, &inner, names)?;
            check_closure_head(v, &inner, names)?;
            order_closures_term(k, &inner, names)?;
            order_closures_term(v, &inner, names)
        }
        TermKind::Template(parts) => parts.iter_mut().try_for_each(|p| match p {
            TemplatePart::Expr(t, with) => {
                order_closures_term(t, bound, names)?;
                with.iter_mut().try_for_each(|w| match &mut w.value {
                    WithValue::Term(v) => order_closures_term(v, bound, names),
                    WithValue::Function(_) => Ok(()),
                })
            }
            TemplatePart::Text(_) => Ok(()),
        }),
    }
}

fn check_closure_head(term: &Term, bound: &Vars, names: &[String]) -> Result<(), Diagnostic> {
    let mut needs = Vars::new();
    let mut outs = Vars::new();
    analyze(term, Ctx::Value, &mut needs, &mut outs);
    match needs.difference(bound).next() {
        None => Ok(()),
        Some(slot) => {
            let name = names.get(*slot as usize).map_or("_", String::as_str);
            Err(
                Diagnostic::new(&codes::UNSAFE_VAR, format!("var {name} is unsafe"))
                    .with_primary(term.loc.span, "not bound by the comprehension body"),
            )
        }
    }
}
