//! Terms: values, references, calls, comprehensions and unification.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{Evaluator, LimitKind, Mock, R};
use crate::builtins::{Builtin, BuiltinErrorKind};
use crate::ir::{Call, Callee, Loc, RefHead, TemplatePart, Term, TermKind};
use crate::number::Number;
use crate::value::Value;

/// The (key, value) pairs of a collection: array indices, object keys, and
/// set elements (key and value both the element). Scalars have none.
/// Entries are cloned one at a time, so an enumeration that stops early
/// copies only what it visited.
pub(crate) fn entries(value: &Value) -> Entries<'_> {
    match value {
        Value::Array(items) => Entries::Array(items.iter().enumerate()),
        Value::Object(map) => Entries::Object(map.iter()),
        Value::Set(set) => Entries::Set(set.iter()),
        _ => Entries::None,
    }
}

/// Iterator of [`entries`].
pub(crate) enum Entries<'a> {
    Array(std::iter::Enumerate<std::slice::Iter<'a, Value>>),
    Object(std::collections::btree_map::Iter<'a, Value, Value>),
    Set(std::collections::btree_set::Iter<'a, Value>),
    None,
}

impl Iterator for Entries<'_> {
    type Item = (Value, Value);

    fn next(&mut self) -> Option<(Value, Value)> {
        match self {
            Entries::Array(items) => items
                .next()
                .map(|(i, v)| (Value::int(i64::try_from(i).unwrap_or(i64::MAX)), v.clone())),
            Entries::Object(map) => map.next().map(|(k, v)| (k.clone(), v.clone())),
            Entries::Set(set) => set.next().map(|v| (v.clone(), v.clone())),
            Entries::None => None,
        }
    }
}

/// `base` with `value` stored at `path` (objects created as needed).
pub(crate) fn set_path(base: Value, path: &[Arc<str>], value: Value) -> Value {
    let Some((first, rest)) = path.split_first() else {
        return value;
    };
    let mut map = match base {
        Value::Object(map) => Arc::unwrap_or_clone(map),
        _ => BTreeMap::new(),
    };
    let key = Value::String(first.clone());
    let child = map.remove(&key).unwrap_or_else(Value::empty_object);
    map.insert(key, set_path(child, rest, value));
    Value::Object(Arc::new(map))
}

/// `value[key]`; in a base document (`base`) a number key also finds its
/// decimal text.
fn child_at<'v>(value: &'v Value, key: &Value, base: bool) -> Option<&'v Value> {
    match (value, key) {
        (Value::Object(map), Value::Number(n)) if base && !map.contains_key(key) => {
            map.get(&Value::string(&n.to_string()))
        }
        _ => value.get(key),
    }
}

type TermK<'a, 'p> = dyn FnMut(&mut Evaluator<'p>, Value) -> R + 'a;

/// Continuation of [`Evaluator::eval_pairs`]: the evaluated object entries.
type PairsK<'a, 'p> = dyn FnMut(&mut Evaluator<'p>, &[(Value, Value)]) -> R + 'a;

impl<'p> Evaluator<'p> {
    /// Calls `k` with each value of `term`.
    pub(crate) fn eval_term(&mut self, term: &Term, k: &mut TermK<'_, 'p>) -> R {
        match &term.kind {
            TermKind::Value(v) => k(self, v.clone()),
            TermKind::Var(slot) => match self.get(*slot) {
                Some(v) => {
                    let v = v.clone();
                    k(self, v)
                }
                None => Err(self.error(
                    "eval_internal_error",
                    "variable is unbound (unsafe)",
                    term.loc,
                )),
            },
            TermKind::Ref { head, path } => match head {
                RefHead::Input => match self.env.input.clone() {
                    Some(input) => self.walk_value(input, path, term.loc, k),
                    None => Ok(false),
                },
                RefHead::Data => self.walk_data(0, path, term.loc, k),
                RefHead::Term(head) => {
                    self.eval_term(head, &mut |ev, v| ev.walk_value(v, path, term.loc, k))
                }
            },
            TermKind::Array(items) => self.eval_seq_scratch(items, &mut |ev, vals| {
                k(ev, Value::Array(Arc::new(vals.to_vec())))
            }),
            TermKind::Set(items) => self.eval_seq_scratch(items, &mut |ev, vals| {
                k(ev, Value::Set(Arc::new(vals.iter().cloned().collect())))
            }),
            TermKind::Object(items) => self.eval_pairs(items, &mut Vec::new(), &mut |ev, pairs| {
                let map: BTreeMap<Value, Value> = pairs.iter().cloned().collect();
                k(ev, Value::Object(Arc::new(map)))
            }),
            TermKind::Call(call) => self.eval_call(call, term.loc, k),
            TermKind::ArrayCompr(head, body) => {
                let mut out = Vec::new();
                let max = self.limits.max_collection_len;
                self.eval_body(&body.literals, 0, &mut |ev| {
                    ev.eval_term(head, &mut |ev, v| {
                        if out.len() >= max {
                            return Err(ev.limit(LimitKind::Size, term.loc));
                        }
                        out.push(v);
                        Ok(false)
                    })
                })?;
                k(self, Value::Array(Arc::new(out)))
            }
            TermKind::SetCompr(head, body) => {
                let mut out = BTreeSet::new();
                let max = self.limits.max_collection_len;
                self.eval_body(&body.literals, 0, &mut |ev| {
                    ev.eval_term(head, &mut |ev, v| {
                        if out.len() >= max && !out.contains(&v) {
                            return Err(ev.limit(LimitKind::Size, term.loc));
                        }
                        out.insert(v);
                        Ok(false)
                    })
                })?;
                k(self, Value::Set(Arc::new(out)))
            }
            TermKind::ObjectCompr(key, value, body) => {
                let mut out: BTreeMap<Value, Value> = BTreeMap::new();
                let mut conflict = false;
                let max = self.limits.max_collection_len;
                self.eval_body(&body.literals, 0, &mut |ev| {
                    ev.eval_term(key, &mut |ev, kv| {
                        ev.eval_term(value, &mut |ev, vv| {
                            if out.len() >= max && !out.contains_key(&kv) {
                                return Err(ev.limit(LimitKind::Size, term.loc));
                            }
                            match out.get(&kv) {
                                Some(existing) if *existing != vv => {
                                    conflict = true;
                                    return Ok(true);
                                }
                                _ => {
                                    out.insert(kv.clone(), vv);
                                }
                            }
                            Ok(false)
                        })
                    })
                })?;
                if conflict {
                    return Err(self.conflict("object keys must be unique", term.loc));
                }
                k(self, Value::Object(Arc::new(out)))
            }
            TermKind::Template(parts) => {
                let mut text = String::new();
                for part in parts {
                    match part {
                        TemplatePart::Text(s) => text.push_str(s),
                        TemplatePart::Expr(t, with) => {
                            let mut vals = Vec::new();
                            let mut collect = |ev: &mut Self| {
                                ev.eval_term(t, &mut |_, v| {
                                    vals.push(v);
                                    Ok(false)
                                })
                            };
                            if with.is_empty() {
                                collect(self)?;
                            } else if let Some(mut inner) = self.with_env(with)? {
                                std::mem::swap(&mut self.env, &mut inner);
                                let r = collect(self);
                                std::mem::swap(&mut self.env, &mut inner);
                                r?;
                            }
                            match vals.as_slice() {
                                [] => text.push_str("<undefined>"),
                                [v] => text.push_str(&display_plain(v)),
                                _ => {
                                    return Err(self.conflict(
                                        "template expression produced multiple outputs",
                                        t.loc,
                                    ));
                                }
                            }
                        }
                    }
                }
                k(self, Value::string(&text))
            }
        }
    }

    /// Evaluates terms left to right, calling `k` with each combination.
    pub(crate) fn eval_seq(
        &mut self,
        terms: &[Term],
        acc: &mut Vec<Value>,
        k: &mut dyn FnMut(&mut Self, &[Value]) -> R,
    ) -> R {
        match terms.split_first() {
            None => k(self, acc),
            Some((first, rest)) => self.eval_term(first, &mut |ev, v| {
                acc.push(v);
                let r = ev.eval_seq(rest, acc, k);
                acc.pop();
                r
            }),
        }
    }

    /// [`Evaluator::eval_seq`] accumulating in a reused vector: sequences
    /// (call arguments above all) are evaluated on most steps.
    fn eval_seq_scratch(
        &mut self,
        terms: &[Term],
        k: &mut dyn FnMut(&mut Self, &[Value]) -> R,
    ) -> R {
        let mut acc = self.spare_values.pop().unwrap_or_default();
        let r = self.eval_seq(terms, &mut acc, k);
        acc.clear();
        self.spare_values.push(acc);
        r
    }

    /// Evaluates object entries left to right (each key, then its value),
    /// calling `k` with each combination.
    fn eval_pairs(
        &mut self,
        items: &[(Term, Term)],
        acc: &mut Vec<(Value, Value)>,
        k: &mut PairsK<'_, 'p>,
    ) -> R {
        let Some(((key, value), rest)) = items.split_first() else {
            return k(self, acc);
        };
        self.eval_term(key, &mut |ev, key| {
            ev.eval_term(value, &mut |ev, value| {
                acc.push((key.clone(), value));
                let r = ev.eval_pairs(rest, acc, k);
                acc.pop();
                r
            })
        })
    }

    /// Evaluates call arguments; arguments that are unbound variables are
    /// evaluated last, after references in other arguments bound them.
    fn eval_args(&mut self, args: &[Term], k: &mut dyn FnMut(&mut Self, &[Value]) -> R) -> R {
        let deferred = args
            .iter()
            .any(|a| matches!(a.kind, TermKind::Var(s) if self.get(s).is_none()));
        if !deferred {
            return self.eval_seq_scratch(args, k);
        }
        let mut order: Vec<usize> = (0..args.len()).collect();
        order.sort_by_key(|i| {
            args.get(*i)
                .is_some_and(|a| matches!(a.kind, TermKind::Var(s) if self.get(s).is_none()))
        });
        let reordered: Vec<Term> = order.iter().filter_map(|i| args.get(*i).cloned()).collect();
        self.eval_seq(&reordered, &mut Vec::new(), &mut |ev, vals| {
            let mut placed = vec![Value::Null; vals.len()];
            for (value, index) in vals.iter().zip(&order) {
                if let Some(slot) = placed.get_mut(*index) {
                    *slot = value.clone();
                }
            }
            k(ev, &placed)
        })
    }

    /// Walks `path` into `value`, enumerating unbound variables.
    pub(crate) fn walk_value(
        &mut self,
        value: Value,
        path: &[Term],
        loc: Loc,
        k: &mut TermK<'_, 'p>,
    ) -> R {
        self.walk_in(value, path, loc, false, k)
    }

    /// Walks `path` into a base document under `data`, where object keys
    /// are strings and a number key finds its decimal text (`data.x[2]`
    /// reads `{"2": ...}`), as OPA's storage paths do.
    pub(crate) fn walk_base(
        &mut self,
        value: Value,
        path: &[Term],
        loc: Loc,
        k: &mut TermK<'_, 'p>,
    ) -> R {
        self.walk_in(value, path, loc, true, k)
    }

    fn walk_in(
        &mut self,
        value: Value,
        path: &[Term],
        loc: Loc,
        base: bool,
        k: &mut TermK<'_, 'p>,
    ) -> R {
        let Some((seg, rest)) = path.split_first() else {
            return k(self, value);
        };
        if let TermKind::Var(slot) = seg.kind
            && self.get(slot).is_none()
        {
            for (key, child) in entries(&value) {
                self.charge(1, loc)?;
                self.bind(slot, key);
                let r = self.walk_in(child, rest, loc, base, k);
                self.unbind(slot);
                if r? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        if self.has_unbound(seg) {
            for (key, child) in entries(&value) {
                self.charge(1, loc)?;
                let stop = self.unify_value(seg, &key, &mut |ev| {
                    ev.walk_in(child.clone(), rest, loc, base, k)
                })?;
                if stop {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        // Constant keys (most paths) need no evaluation.
        if let TermKind::Value(key) = &seg.kind {
            return match child_at(&value, key, base) {
                Some(child) => self.walk_in(child.clone(), rest, loc, base, k),
                None => Ok(false),
            };
        }
        self.eval_term(seg, &mut |ev, key| match child_at(&value, &key, base) {
            Some(child) => ev.walk_in(child.clone(), rest, loc, base, k),
            None => Ok(false),
        })
    }

    /// Whether a term has unbound variables in pattern positions.
    pub(crate) fn has_unbound(&self, term: &Term) -> bool {
        match &term.kind {
            TermKind::Var(slot) => self.get(*slot).is_none(),
            TermKind::Array(items) => items.iter().any(|t| self.has_unbound(t)),
            TermKind::Object(items) => items.iter().any(|(_, v)| self.has_unbound(v)),
            _ => false,
        }
    }

    /// `a = b`.
    pub(crate) fn unify(&mut self, a: &Term, b: &Term, k: &mut dyn FnMut(&mut Self) -> R) -> R {
        if !self.has_unbound(a) {
            return self.eval_term(a, &mut |ev, v| ev.unify_value(b, &v, k));
        }
        if !self.has_unbound(b) {
            return self.eval_term(b, &mut |ev, v| ev.unify_value(a, &v, k));
        }
        match (&a.kind, &b.kind) {
            (TermKind::Array(xs), TermKind::Array(ys)) if xs.len() == ys.len() => {
                self.unify_pairs(xs, ys, k)
            }
            (TermKind::Object(xs), TermKind::Object(ys)) if xs.len() == ys.len() => {
                let mut lhs = Vec::new();
                let mut rhs = Vec::new();
                for (kx, vx) in xs {
                    let TermKind::Value(key) = &kx.kind else {
                        return Err(self.error(
                            "eval_internal_error",
                            "object keys must be constant when unifying two patterns",
                            a.loc,
                        ));
                    };
                    let found = ys
                        .iter()
                        .find(|(ky, _)| matches!(&ky.kind, TermKind::Value(v) if v == key));
                    match found {
                        Some((_, vy)) => {
                            lhs.push(vx.clone());
                            rhs.push(vy.clone());
                        }
                        None => return Ok(false),
                    }
                }
                self.unify_pairs(&lhs, &rhs, k)
            }
            _ => Err(self.error(
                "eval_internal_error",
                "cannot unify two unbound terms",
                a.loc,
            )),
        }
    }

    fn unify_pairs(&mut self, xs: &[Term], ys: &[Term], k: &mut dyn FnMut(&mut Self) -> R) -> R {
        match (xs.split_first(), ys.split_first()) {
            (Some((x, xr)), Some((y, yr))) => self.unify(x, y, &mut |ev| ev.unify_pairs(xr, yr, k)),
            _ => k(self),
        }
    }

    /// Matches `term` against a value, binding its unbound variables.
    pub(crate) fn unify_value(
        &mut self,
        term: &Term,
        value: &Value,
        k: &mut dyn FnMut(&mut Self) -> R,
    ) -> R {
        match &term.kind {
            TermKind::Var(slot) => match self.get(*slot) {
                Some(bound) => {
                    if bound == value {
                        k(self)
                    } else {
                        Ok(false)
                    }
                }
                None => {
                    self.bind(*slot, value.clone());
                    let r = k(self);
                    self.unbind(*slot);
                    r
                }
            },
            TermKind::Value(v) => {
                if v == value {
                    k(self)
                } else {
                    Ok(false)
                }
            }
            TermKind::Array(items) if self.has_unbound(term) => match value {
                Value::Array(vals) if vals.len() == items.len() => {
                    self.unify_values(items, vals, k)
                }
                _ => Ok(false),
            },
            TermKind::Object(items) if self.has_unbound(term) => match value {
                Value::Object(map) if map.len() == items.len() => {
                    let map = map.clone();
                    self.unify_object(items, &map, k)
                }
                _ => Ok(false),
            },
            _ => self.eval_term(term, &mut |ev, v| {
                if v == *value { k(ev) } else { Ok(false) }
            }),
        }
    }

    fn unify_values(
        &mut self,
        items: &[Term],
        vals: &[Value],
        k: &mut dyn FnMut(&mut Self) -> R,
    ) -> R {
        match (items.split_first(), vals.split_first()) {
            (Some((t, tr)), Some((v, vr))) => {
                self.unify_value(t, v, &mut |ev| ev.unify_values(tr, vr, k))
            }
            _ => k(self),
        }
    }

    fn unify_object(
        &mut self,
        items: &[(Term, Term)],
        map: &BTreeMap<Value, Value>,
        k: &mut dyn FnMut(&mut Self) -> R,
    ) -> R {
        let Some(((kt, vt), rest)) = items.split_first() else {
            return k(self);
        };
        self.eval_term(kt, &mut |ev, key| match map.get(&key) {
            Some(v) => ev.unify_value(vt, v, &mut |ev| ev.unify_object(rest, map, k)),
            None => Ok(false),
        })
    }

    fn eval_call(&mut self, call: &Call, loc: Loc, k: &mut TermK<'_, 'p>) -> R {
        let n_in = match call.arity {
            Some(a) if call.args.len() > a => a,
            _ => call.args.len(),
        };
        let (ins, out) = call.args.split_at(n_in.min(call.args.len()));
        let out = out.first();
        let mock = self
            .env
            .mocks
            .iter()
            .rev()
            .find(|(name, _)| *name == call.name)
            .map(|(_, m)| m.clone());
        self.eval_args(ins, &mut |ev, args| {
            // Builtins and user functions have at most one result: no
            // vector for them (calls are the commonest term).
            let (one, many) = match (&mock, &call.target) {
                (None, Callee::Builtin(b)) => (ev.call_builtin(b, args, loc)?, Vec::new()),
                (None, Callee::User(path)) => (ev.call_function(path, args, loc)?, Vec::new()),
                _ => {
                    let mut results = Vec::new();
                    match &mock {
                        Some(Mock::Value(v)) => results.push(v.clone()),
                        Some(Mock::Function(callee)) => {
                            // Inside the replacement, the replaced function is the original.
                            let saved = std::mem::take(&mut ev.env.mocks);
                            let r = ev.invoke(callee, &call.name, args, loc, &mut results);
                            ev.env.mocks = saved;
                            r?;
                        }
                        None => ev.invoke(&call.target, &call.name, args, loc, &mut results)?,
                    }
                    (None, results)
                }
            };
            for result in one.into_iter().chain(many) {
                let stop = match out {
                    Some(out) => {
                        ev.unify_value(out, &result, &mut |ev| k(ev, Value::Bool(true)))?
                    }
                    None => k(ev, result)?,
                };
                if stop {
                    return Ok(true);
                }
            }
            Ok(false)
        })
    }

    /// Calls a function with argument values; pushes its results.
    fn invoke(
        &mut self,
        callee: &Callee,
        name: &str,
        args: &[Value],
        loc: Loc,
        results: &mut Vec<Value>,
    ) -> Result<(), EvalError> {
        match callee {
            Callee::Builtin(b) => {
                if let Some(v) = self.call_builtin(b, args, loc)? {
                    results.push(v);
                }
            }
            Callee::User(path) => {
                if let Some(v) = self.call_function(path, args, loc)? {
                    results.push(v);
                }
            }
            Callee::Intrinsic(i) => self.call_intrinsic(*i, args, loc, results)?,
            Callee::Unsupported { name, reason } => {
                return Err(EvalError::Builtin {
                    code: "eval_builtin_error",
                    message: format!("{name}: builtin is not supported: {reason}"),
                    location: self.location(loc),
                });
            }
        }
        let _ = name;
        Ok(())
    }

    fn call_builtin(
        &mut self,
        builtin: &Builtin,
        args: &[Value],
        loc: Loc,
    ) -> Result<Option<Value>, EvalError> {
        self.precheck_builtin(builtin.name, args, loc)?;
        match (builtin.func)(&self.ctx, args) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.kind == BuiltinErrorKind::Undefined => Ok(None),
            Err(e) if self.strict => Err(EvalError::Builtin {
                code: e.code(),
                message: e.message,
                location: self.location(loc),
            }),
            Err(_) => Ok(None),
        }
    }

    /// Charges steps for builtins whose output size is set by their
    /// arguments, before they allocate it.
    fn precheck_builtin(&mut self, name: &str, args: &[Value], loc: Loc) -> Result<(), EvalError> {
        let num = |i: usize| args.get(i).and_then(Value::as_number).map(Number::as_f64);
        let size = match name {
            "numbers.range" => match (num(0), num(1)) {
                (Some(a), Some(b)) => (b - a).abs(),
                _ => 0.0,
            },
            "numbers.range_step" => match (num(0), num(1), num(2)) {
                (Some(a), Some(b), Some(s)) if s > 0.0 => (b - a).abs() / s,
                _ => 0.0,
            },
            "strings.repeat" | "strings.replace_n" => num(1).unwrap_or(0.0) / 64.0,
            _ => 0.0,
        };
        if size >= 1.0 {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "saturating"
            )]
            let n = size.min(1e18) as u64;
            self.charge(n, loc)?;
        }
        Ok(())
    }
}

use super::EvalError;

/// Strings as their text; everything else in Rego/JSON notation.
pub(crate) fn display_plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        other => other.to_string(),
    }
}
