//! Documents under `data`: base documents merged with rule values.
//!
//! A reference into `data` walks the rule tree. Where a node has rules,
//! its whole value is materialised (and memoised) and the rest of the path
//! is walked in that value; interior nodes without rules are only
//! materialised when the reference ends there or enumerates their keys.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{EvalError, Evaluator, R, TraceOp};
use crate::ir::join_path as join;
use crate::ir::{Loc, NodeId, RuleDef, RuleGroup, RuleKind, Term, TermKind};
use crate::value::Value;

type TermK<'a, 'p> = dyn FnMut(&mut Evaluator<'p>, Value) -> R + 'a;

impl<'p> Evaluator<'p> {
    fn overridden(&self, path: &[Arc<str>]) -> bool {
        self.env
            .overridden
            .iter()
            .any(|o| path.len() >= o.len() && path.iter().zip(o).all(|(a, b)| a == b))
    }

    fn base_at(&self, path: &[Arc<str>]) -> Option<Value> {
        let mut v = &self.env.data;
        for key in path {
            v = v.get(&Value::String(key.clone()))?;
        }
        Some(v.clone())
    }

    /// Walks a `data` reference from tree node `node`.
    pub(crate) fn walk_data(
        &mut self,
        node: NodeId,
        path: &[Term],
        loc: Loc,
        k: &mut TermK<'_, 'p>,
    ) -> R {
        let policy = self.policy;
        let (node, path) = self.descend_packages(node, path);
        let Some(n) = policy.tree.node(node) else {
            return Ok(false);
        };
        if self.overridden(&n.path) || (n.group.is_some()) {
            let value = if self.overridden(&n.path) {
                self.base_at(&n.path)
            } else {
                self.node_value(node, loc)?
            };
            return match value {
                Some(v) => self.walk_value(v, path, loc, k),
                None => Ok(false),
            };
        }
        let Some((seg, rest)) = path.split_first() else {
            return match self.node_value(node, loc)? {
                Some(v) => k(self, v),
                None => Ok(false),
            };
        };
        let base = self.base_at(&n.path);
        if let TermKind::Var(slot) = seg.kind
            && self.get(slot).is_none()
        {
            let mut keys: BTreeSet<Value> = n
                .children
                .keys()
                .map(|k| Value::String(k.clone()))
                .collect();
            if let Some(Value::Object(map)) = &base {
                keys.extend(map.keys().cloned());
            }
            for key in keys {
                self.charge(1, loc)?;
                self.bind(slot, key.clone());
                let r = self.step_data(node, base.as_ref(), &key, rest, loc, k);
                self.unbind(slot);
                if r? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        self.eval_term(seg, &mut |ev, key| {
            ev.step_data(node, base.as_ref(), &key, rest, loc, k)
        })
    }

    /// Follows constant keys down interior nodes of the rule tree (no
    /// rules of their own, nothing replaced by `with`): the general walk
    /// would step into the same child without looking at base documents.
    fn descend_packages<'t>(&self, mut node: NodeId, mut path: &'t [Term]) -> (NodeId, &'t [Term]) {
        if !self.env.overridden.is_empty() {
            return (node, path);
        }
        let tree = &self.policy.tree;
        while let Some((seg, rest)) = path.split_first() {
            let TermKind::Value(Value::String(key)) = &seg.kind else {
                break;
            };
            let Some(child) = tree
                .node(node)
                .filter(|n| n.group.is_none())
                .and_then(|n| n.children.get(key))
            else {
                break;
            };
            node = *child;
            path = rest;
        }
        (node, path)
    }

    fn step_data(
        &mut self,
        node: NodeId,
        base: Option<&Value>,
        key: &Value,
        rest: &[Term],
        loc: Loc,
        k: &mut TermK<'_, 'p>,
    ) -> R {
        let policy = self.policy;
        let child = match key {
            Value::String(s) => policy
                .tree
                .node(node)
                .and_then(|n| n.children.get(s))
                .copied(),
            _ => None,
        };
        match child {
            Some(child) => self.walk_data(child, rest, loc, k),
            None => match base.and_then(|b| {
                b.get(key).or_else(|| match (b, key) {
                    (Value::Object(_), Value::Number(n)) => b.get(&Value::string(&n.to_string())),
                    _ => None,
                })
            }) {
                Some(v) => self.walk_base(v.clone(), rest, loc, k),
                None => Ok(false),
            },
        }
    }

    /// The value at an absolute `data` path.
    pub(crate) fn value_at(&mut self, path: &[Arc<str>]) -> Result<Option<Value>, EvalError> {
        let terms: Vec<Term> = path
            .iter()
            .map(|k| Term {
                kind: TermKind::Value(Value::String(k.clone())),
                loc: Loc::default(),
            })
            .collect();
        let mut out = None;
        self.in_frame(0, |ev| {
            ev.walk_data(0, &terms, Loc::default(), &mut |_, v| {
                out = Some(v);
                Ok(true)
            })
        })?;
        Ok(out)
    }

    /// The rule group node at a dotted `data` path (`data.a.b`), when the
    /// path leads there through interior nodes only and nothing is replaced
    /// by `with`: its value is the path's value, with no walk to build.
    pub(crate) fn rule_node(&self, path: &str) -> Option<NodeId> {
        if !self.env.overridden.is_empty() {
            return None;
        }
        let tree = &self.policy.tree;
        let mut node = 0;
        for key in path
            .split('.')
            .skip_while(|s| *s == "data")
            .filter(|s| !s.is_empty())
        {
            let n = tree.node(node).filter(|n| n.group.is_none())?;
            node = *n.children.get(key)?;
        }
        tree.node(node)?.group.as_ref()?;
        Some(node)
    }

    /// The value of the rule group at `node` ([`Evaluator::rule_node`]).
    pub(crate) fn rule_value(&mut self, node: NodeId) -> Result<Option<Value>, EvalError> {
        self.in_frame(0, |ev| ev.node_value(node, Loc::default()))
    }

    /// The full value of a tree node: base document, rules and children.
    pub(crate) fn node_value(
        &mut self,
        node: NodeId,
        loc: Loc,
    ) -> Result<Option<Value>, EvalError> {
        if let Some(v) = self.env.cache.get(node) {
            return Ok(v.clone());
        }
        let policy = self.policy;
        let Some(n) = policy.tree.node(node) else {
            return Ok(None);
        };
        let base = self.base_at(&n.path);
        // Key paths where the group's rules put values: child rules may not
        // write below them.
        let mut leaves = (!n.children.is_empty()).then(BTreeSet::new);
        let mut result = match &n.group {
            Some(group) => {
                let v = self.deeper(loc, |ev| ev.eval_group(group, leaves.as_mut()))?;
                match v {
                    Some(Value::Object(_)) | None => v,
                    Some(other) => {
                        self.env.cache.insert(node, Some(other.clone()));
                        return Ok(Some(other));
                    }
                }
            }
            None => None,
        };
        let is_rule = n.group.is_some();
        if n.group.as_ref().is_some_and(|g| g.arity.is_some()) {
            self.env.cache.insert(node, None);
            return Ok(None);
        }
        let mut map: BTreeMap<Value, Value> = match (&result, &base) {
            (Some(Value::Object(m)), _) => (**m).clone(),
            (None, Some(Value::Object(m))) => (**m).clone(),
            _ => BTreeMap::new(),
        };
        let rule_keys: BTreeSet<Value> = match &result {
            Some(Value::Object(m)) => m.keys().cloned().collect(),
            _ => BTreeSet::new(),
        };
        if let (Some(_), Some(Value::Object(b))) = (&result, &base) {
            for (k, v) in b.iter() {
                map.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        for (key, child) in &n.children {
            let Some(cn) = policy.tree.node(*child) else {
                continue;
            };
            if cn.group.as_ref().is_some_and(|g| g.arity.is_some()) {
                continue;
            }
            let value = if self.overridden(&cn.path) {
                self.base_at(&cn.path)
            } else {
                self.node_value(*child, loc)?
            };
            if let Some(v) = value {
                let key = Value::String(key.clone());
                let merged = match map.get(&key) {
                    Some(existing) if rule_keys.contains(&key) => {
                        let mut at = vec![key.clone()];
                        let empty = BTreeSet::new();
                        match merge(existing, &v, &mut at, leaves.as_ref().unwrap_or(&empty)) {
                            Some(m) => m,
                            None => {
                                return Err(self.conflict(
                                    format!("object keys must be unique (data.{})", join(&n.path)),
                                    loc,
                                ));
                            }
                        }
                    }
                    // Base documents win over rules below them, as in OPA.
                    Some(existing) => merge_base(existing, &v),
                    None => v,
                };
                map.insert(key, merged);
            }
        }
        let defined = !is_rule || result.is_some() || !map.is_empty();
        result = defined.then(|| Value::Object(Arc::new(map)));
        if !is_rule && base.is_some() && !matches!(base, Some(Value::Object(_))) {
            result = base;
        }
        self.env.cache.insert(node, result.clone());
        Ok(result)
    }

    /// Evaluates the rules of a group (not a function).
    fn eval_group(
        &mut self,
        group: &RuleGroup,
        leaves: Option<&mut BTreeSet<Vec<Value>>>,
    ) -> Result<Option<Value>, EvalError> {
        let Some(first) = group.defs.first().or(group.default.as_ref()) else {
            return Ok(None);
        };
        if !first.keys.is_empty() {
            return self.eval_object_group(group, leaves).map(Some);
        }
        if first.kind == RuleKind::SetElement {
            let mut set = BTreeSet::new();
            for def in &group.defs {
                self.def_solutions(def, None, &mut |_, _, v| {
                    set.insert(v);
                    Ok(false)
                })?;
            }
            return Ok(Some(Value::Set(Arc::new(set))));
        }
        let mut value: Option<Value> = None;
        let mut conflict = None;
        for def in &group.defs {
            self.def_solutions(def, None, &mut |_, _, v| {
                match &value {
                    Some(existing) if *existing != v => {
                        conflict = Some(def.loc);
                        return Ok(true);
                    }
                    _ => value = Some(v),
                }
                Ok(false)
            })?;
            if let Some(loc) = conflict {
                return Err(self.conflict("complete rules must not produce multiple outputs", loc));
            }
        }
        if value.is_none()
            && let Some(default) = &group.default
        {
            self.def_solutions(default, None, &mut |_, _, v| {
                value = Some(v);
                Ok(true)
            })?;
        }
        Ok(value)
    }

    fn eval_object_group(
        &mut self,
        group: &RuleGroup,
        mut leaves: Option<&mut BTreeSet<Vec<Value>>>,
    ) -> Result<Value, EvalError> {
        let mut root = Value::empty_object();
        for def in &group.defs {
            let mut err = None;
            self.def_solutions(def, None, &mut |_, keys, v| {
                if let (Some(leaves), RuleKind::Value) = (leaves.as_deref_mut(), def.kind) {
                    leaves.insert(keys.to_vec());
                }
                match insert_at(&mut root, keys, v, def.kind == RuleKind::SetElement) {
                    Ok(()) => {}
                    Err(()) => {
                        err = Some(def.loc);
                        return Ok(true);
                    }
                }
                Ok(false)
            })?;
            if let Some(loc) = err {
                return Err(self.conflict(
                    format!("object keys must be unique (data.{})", join(&group.path)),
                    loc,
                ));
            }
        }
        Ok(root)
    }

    /// Calls `k(keys, value)` for every solution of a definition (with its
    /// `else` chain), binding function arguments to `args`.
    pub(crate) fn def_solutions(
        &mut self,
        def: &RuleDef,
        args: Option<&[Value]>,
        k: &mut dyn FnMut(&mut Self, &[Value], Value) -> R,
    ) -> R {
        if let Some(tracer) = &mut self.tracer {
            tracer.names.push(def.names.clone());
            let mut found = false;
            let r = self.in_frame(def.slots, |ev| {
                ev.trace(TraceOp::Enter, def.loc, None);
                let r = ev.def_solutions_inner(def, args, &mut |ev, keys, v| {
                    found = true;
                    ev.trace(TraceOp::Exit, def.loc, Some(v.clone()));
                    k(ev, keys, v)
                });
                if !found {
                    ev.trace(TraceOp::Fail, def.loc, None);
                }
                r
            });
            if let Some(tracer) = &mut self.tracer {
                tracer.names.pop();
            }
            return r;
        }
        self.in_frame(def.slots, |ev| ev.def_solutions_inner(def, args, k))
    }

    fn def_solutions_inner(
        &mut self,
        def: &RuleDef,
        args: Option<&[Value]>,
        k: &mut dyn FnMut(&mut Self, &[Value], Value) -> R,
    ) -> R {
        let args = args.unwrap_or(&[]);
        self.bind_args(&def.args, args, &mut |ev| {
            let mut found = false;
            let stop = ev.eval_body(&def.body.literals, 0, &mut |ev| {
                found = true;
                ev.emit_head(&def.keys, &def.value, k)
            })?;
            if found || stop {
                return Ok(stop);
            }
            for (value, body) in &def.else_chain {
                let stop = ev.eval_body(&body.literals, 0, &mut |ev| {
                    found = true;
                    ev.emit_head(&[], value, k)
                })?;
                if found || stop {
                    return Ok(stop);
                }
            }
            Ok(false)
        })
    }

    fn bind_args(
        &mut self,
        patterns: &[Term],
        args: &[Value],
        k: &mut dyn FnMut(&mut Self) -> R,
    ) -> R {
        match (patterns.split_first(), args.split_first()) {
            (Some((p, pr)), Some((a, ar))) => {
                self.unify_value(p, a, &mut |ev| ev.bind_args(pr, ar, k))
            }
            (None, _) => k(self),
            (Some(_), None) => Ok(false),
        }
    }

    fn emit_head(
        &mut self,
        keys: &[Term],
        value: &Term,
        k: &mut dyn FnMut(&mut Self, &[Value], Value) -> R,
    ) -> R {
        self.eval_seq(keys, &mut Vec::new(), &mut |ev, keys| {
            let keys = keys.to_vec();
            ev.eval_term(value, &mut |ev, v| k(ev, &keys, v))
        })
    }

    /// Calls a user function.
    pub(crate) fn call_function(
        &mut self,
        path: &[Arc<str>],
        args: &[Value],
        loc: Loc,
    ) -> Result<Option<Value>, EvalError> {
        let policy = self.policy;
        let Some(id) = policy.tree.find(path) else {
            return Ok(None);
        };
        let Some(group) = policy.tree.node(id).and_then(|n| n.group.as_ref()) else {
            return Ok(None);
        };
        if let Some(known) = self
            .env
            .calls
            .as_ref()
            .and_then(|calls| calls.get(&id)?.get(args))
        {
            return Ok(known.clone());
        }
        let value = self.deeper(loc, |ev| {
            let mut value: Option<Value> = None;
            let mut conflict = false;
            for def in &group.defs {
                ev.def_solutions(def, Some(args), &mut |_, _, v| {
                    match &value {
                        Some(existing) if *existing != v => {
                            conflict = true;
                            return Ok(true);
                        }
                        _ => value = Some(v),
                    }
                    Ok(false)
                })?;
                if conflict {
                    return Err(ev.conflict(
                        "functions must not produce multiple outputs for same inputs",
                        loc,
                    ));
                }
            }
            if value.is_none()
                && let Some(default) = &group.default
            {
                ev.def_solutions(default, Some(args), &mut |_, _, v| {
                    value = Some(v);
                    Ok(true)
                })?;
            }
            Ok(value)
        })?;
        if let Some(calls) = &mut self.env.calls {
            calls
                .entry(id)
                .or_default()
                .insert(args.to_vec(), value.clone());
        }
        Ok(value)
    }
}

/// Stores `value` at `keys` in an object (as a set element when `set`),
/// in place; `Err` on a conflicting value.
fn insert_at(root: &mut Value, keys: &[Value], value: Value, set: bool) -> Result<(), ()> {
    let Some((first, rest)) = keys.split_first() else {
        if set {
            if matches!(root, Value::Object(m) if m.is_empty()) {
                *root = Value::empty_set();
            }
            return match root {
                Value::Set(s) => {
                    Arc::make_mut(s).insert(value);
                    Ok(())
                }
                _ => Err(()),
            };
        }
        *root = value;
        return Ok(());
    };
    let Value::Object(map) = root else {
        return Err(());
    };
    let map = Arc::make_mut(map);
    match map.get_mut(first) {
        Some(existing) if rest.is_empty() && !set => {
            if *existing == value {
                Ok(())
            } else {
                Err(())
            }
        }
        Some(existing) => insert_at(existing, rest, value, set),
        None => {
            let mut child = Value::empty_object();
            insert_at(&mut child, rest, value, set)?;
            map.insert(first.clone(), child);
            Ok(())
        }
    }
}

/// Deep merge of two rule-produced values; `None` on conflict, including
/// a value written below a key path where a rule put its own value
/// (`leaves`, relative to the merged object; `at` is the current path).
fn merge(
    a: &Value,
    b: &Value,
    at: &mut Vec<Value>,
    leaves: &BTreeSet<Vec<Value>>,
) -> Option<Value> {
    if leaves.contains(at) {
        return (a == b).then(|| a.clone());
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut out = (**x).clone();
            for (k, v) in y.iter() {
                let merged = match out.get(k) {
                    Some(existing) => {
                        at.push(k.clone());
                        let m = merge(existing, v, at, leaves);
                        at.pop();
                        m?
                    }
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Some(Value::Object(Arc::new(out)))
        }
        (Value::Set(x), Value::Set(y)) => Some(Value::Set(Arc::new(x.union(y).cloned().collect()))),
        _ if a == b => Some(a.clone()),
        _ => None,
    }
}

/// Merges a base document with rule values below it: objects merge key by
/// key, and for anything else the base document wins (OPA's behaviour).
fn merge_base(base: &Value, virtual_doc: &Value) -> Value {
    match (base, virtual_doc) {
        (Value::Object(x), Value::Object(y)) => {
            let mut out = (**x).clone();
            for (k, v) in y.iter() {
                let merged = match out.get(k) {
                    Some(existing) => merge_base(existing, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(Arc::new(out))
        }
        _ => base.clone(),
    }
}
