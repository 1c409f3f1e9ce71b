//! Recursion check: rules may not depend on themselves.
//!
//! Each rule group depends on every group its definitions reference: a
//! `data` reference with a constant prefix depends on the groups along that
//! prefix and on every group below it; a call depends on the called
//! function. A depth-first search reports the first cycle found.

use std::collections::BTreeSet;

use crate::codes;
use riskgate_dsl::Diagnostic;

use super::lower::join;
use crate::ir::{
    Body, Callee, LiteralKind, NodeId, RefHead, RuleDef, TemplatePart, Term, TermKind, Tree,
    WithValue,
};
use crate::value::Value;

/// Returns `(file, diagnostic)` for the first recursive rule found.
pub(crate) fn check(tree: &Tree) -> Vec<(u32, Diagnostic)> {
    let edges: Vec<BTreeSet<NodeId>> = tree
        .nodes
        .iter()
        .map(|node| {
            let mut deps = BTreeSet::new();
            if let Some(group) = &node.group {
                for def in group.defs.iter().chain(&group.default) {
                    def_deps(tree, def, &mut deps);
                }
            }
            deps
        })
        .collect();
    let mut state = vec![0u8; tree.nodes.len()];
    let mut stack = Vec::new();
    for start in 0..tree.nodes.len() {
        if let Some(cycle) = dfs(start, &edges, &mut state, &mut stack) {
            let names: Vec<String> = cycle
                .iter()
                .filter_map(|id| tree.node(*id))
                .map(|n| format!("data.{}", join(&n.path)))
                .collect();
            let first = cycle.first().and_then(|id| tree.node(*id));
            let loc = first
                .and_then(|n| n.group.as_ref())
                .and_then(|g| g.defs.first())
                .map(|d| d.loc)
                .unwrap_or_default();
            let head = names.first().cloned().unwrap_or_default();
            let diag = Diagnostic::new(
                &codes::RECURSIVE_RULE,
                format!("rule {head} is recursive: {}", names.join(" -> ")),
            )
            .with_primary(loc.span, "part of a dependency cycle");
            return vec![(loc.file, diag)];
        }
    }
    Vec::new()
}

fn dfs(
    id: NodeId,
    edges: &[BTreeSet<NodeId>],
    state: &mut [u8],
    stack: &mut Vec<NodeId>,
) -> Option<Vec<NodeId>> {
    match state.get(id).copied() {
        Some(2) | None => return None,
        Some(1) => {
            let pos = stack.iter().position(|n| *n == id)?;
            let mut cycle: Vec<NodeId> = stack.iter().skip(pos).copied().collect();
            cycle.push(id);
            return Some(cycle);
        }
        _ => {}
    }
    if let Some(s) = state.get_mut(id) {
        *s = 1;
    }
    stack.push(id);
    for next in edges.get(id).into_iter().flatten() {
        if let Some(cycle) = dfs(*next, edges, state, stack) {
            return Some(cycle);
        }
    }
    stack.pop();
    if let Some(s) = state.get_mut(id) {
        *s = 2;
    }
    None
}

fn def_deps(tree: &Tree, def: &RuleDef, out: &mut BTreeSet<NodeId>) {
    for t in def
        .args
        .iter()
        .chain(&def.keys)
        .chain(std::iter::once(&def.value))
    {
        term_deps(tree, t, out);
    }
    body_deps(tree, &def.body, out);
    for (value, body) in &def.else_chain {
        term_deps(tree, value, out);
        body_deps(tree, body, out);
    }
}

fn body_deps(tree: &Tree, body: &Body, out: &mut BTreeSet<NodeId>) {
    for lit in &body.literals {
        literal_deps(tree, &lit.kind, out);
        for with in &lit.with {
            match &with.value {
                WithValue::Term(t) => term_deps(tree, t, out),
                WithValue::Function(Callee::User(path)) => add_path(tree, path, false, out),
                WithValue::Function(_) => {}
            }
        }
    }
}

fn literal_deps(tree: &Tree, kind: &LiteralKind, out: &mut BTreeSet<NodeId>) {
    match kind {
        LiteralKind::Expr(t) => term_deps(tree, t, out),
        LiteralKind::Unify(a, b) => {
            term_deps(tree, a, out);
            term_deps(tree, b, out);
        }
        LiteralKind::Not(inner) => literal_deps(tree, inner, out),
        LiteralKind::SomeIn {
            key,
            value,
            collection,
        } => {
            for t in key.iter().chain([value, collection]) {
                term_deps(tree, t, out);
            }
        }
        LiteralKind::Every { domain, body, .. } => {
            term_deps(tree, domain, out);
            body_deps(tree, body, out);
        }
        LiteralKind::True => {}
    }
}

fn add_path(tree: &Tree, path: &[std::sync::Arc<str>], below: bool, out: &mut BTreeSet<NodeId>) {
    let mut id = 0;
    for key in path {
        let Some(next) = tree.node(id).and_then(|n| n.children.get(key)) else {
            return;
        };
        id = *next;
        if tree.node(id).is_some_and(|n| n.group.is_some()) {
            out.insert(id);
        }
    }
    if below {
        let mut todo = vec![id];
        while let Some(n) = todo.pop() {
            if let Some(node) = tree.node(n) {
                if node.group.is_some() {
                    out.insert(n);
                }
                todo.extend(node.children.values().copied());
            }
        }
    }
}

fn term_deps(tree: &Tree, term: &Term, out: &mut BTreeSet<NodeId>) {
    match &term.kind {
        TermKind::Value(_) | TermKind::Var(_) => {}
        TermKind::Ref { head, path } => {
            match head {
                RefHead::Data => {
                    let prefix: Vec<std::sync::Arc<str>> = path
                        .iter()
                        .map_while(|seg| match &seg.kind {
                            TermKind::Value(Value::String(s)) => Some(s.clone()),
                            _ => None,
                        })
                        .collect();
                    if !prefix.is_empty() {
                        add_path(tree, &prefix, true, out);
                    }
                }
                RefHead::Term(h) => term_deps(tree, h, out),
                RefHead::Input => {}
            }
            path.iter().for_each(|t| term_deps(tree, t, out));
        }
        TermKind::Array(items) | TermKind::Set(items) => {
            items.iter().for_each(|t| term_deps(tree, t, out))
        }
        TermKind::Object(items) => {
            for (k, v) in items {
                term_deps(tree, k, out);
                term_deps(tree, v, out);
            }
        }
        TermKind::Call(call) => {
            if let Callee::User(path) = &call.target {
                add_path(tree, path, false, out);
            }
            call.args.iter().for_each(|t| term_deps(tree, t, out));
        }
        TermKind::ArrayCompr(t, body) | TermKind::SetCompr(t, body) => {
            term_deps(tree, t, out);
            body_deps(tree, body, out);
        }
        TermKind::ObjectCompr(k, v, body) => {
            term_deps(tree, k, out);
            term_deps(tree, v, out);
            body_deps(tree, body, out);
        }
        TermKind::Template(parts) => {
            for p in parts {
                if let TemplatePart::Expr(t, with) = p {
                    term_deps(tree, t, out);
                    for w in with {
                        if let WithValue::Term(v) = &w.value {
                            term_deps(tree, v, out);
                        }
                    }
                }
            }
        }
    }
}
