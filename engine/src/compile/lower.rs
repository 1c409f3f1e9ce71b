//! Lowering: AST rules and queries to IR with resolved names.
//!
//! Name resolution, innermost first: local variables of enclosing scopes,
//! the roots `input` and `data`, import aliases, rules of the module's
//! package, and finally a new local variable. Every body first gathers the
//! variables it declares (`some`, `:=`, `some ... in`) and the names it
//! mentions at its own level, so a comprehension refers to an outer variable
//! even when the outer statement binding it comes later.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::codes;
use riskgate_dsl::ast::{self, ExprKind, LiteralKind as AstLit};
use riskgate_dsl::{Diagnostic, Span};

mod mocks;
mod rule;
mod vars;

pub(crate) use mocks::MockUse;
use mocks::unsupported_arity;

use rule::lower_rule;
use vars::{collect_vars, constants, flat_path, is_assignable, literal_vars};

use super::Symbols;
use super::annotations::MetadataIndex;
use super::safety;
use crate::builtins;
use crate::ir::{
    Body, Call, Callee, Intrinsic, Literal, LiteralKind, Loc, RefHead, Slot, TemplatePart, Term,
    TermKind, Tree, With, WithTarget, WithValue,
};
use crate::number::Number;
use crate::value::Value;

/// File index used for query text.
pub(crate) const QUERY_FILE: u32 = u32::MAX;

#[derive(Clone, Copy)]
enum Root {
    Input,
    Data,
}

struct Ctx<'a> {
    file: u32,
    package: Vec<Arc<str>>,
    imports: HashMap<String, (Root, Vec<Arc<str>>)>,
    rule_names: Option<&'a BTreeSet<String>>,
    symbols: &'a Symbols,
    /// Annotations of every module, for `rego.metadata.*` calls.
    metadata: Option<&'a MetadataIndex>,
}

struct Scope {
    vars: HashMap<String, Slot>,
    locals: Vec<Slot>,
    /// Names declared (`:=`, `some`) by statements not lowered yet: nested
    /// closures do not see them.
    pending: BTreeSet<String>,
}

pub(crate) struct Lowerer<'a> {
    ctx: &'a Ctx<'a>,
    /// Slot → variable name (`_` for wildcards).
    pub(crate) names: Vec<String>,
    scopes: Vec<Scope>,
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) mocks: MockUse,
    /// The item index and ground path of the rule being lowered (`None` in
    /// queries): what `rego.metadata.*` calls describe.
    pub(crate) rule_site: Option<(usize, Vec<Arc<str>>)>,
}

pub(crate) fn lower_module(
    module: &ast::Module,
    file: u32,
    symbols: &Symbols,
    metadata: &MetadataIndex,
    tree: &mut Tree,
    errors: &mut Vec<Diagnostic>,
    mocks: &mut MockUse,
) {
    let Some(package) = &module.package else {
        errors.push(
            Diagnostic::new(
                &riskgate_dsl::diagnostics::codes::MISSING_PACKAGE,
                "module has no package",
            )
            .with_primary(module.span, ""),
        );
        return;
    };
    let pkg: Vec<Arc<str>> = package
        .path
        .iter()
        .map(|n| Arc::from(n.text.as_str()))
        .collect();
    let mut imports = HashMap::new();
    for import in &module.imports {
        let Some(root) = import.path.first() else {
            continue;
        };
        let root = match root.text.as_str() {
            "data" => Root::Data,
            "input" => Root::Input,
            _ => continue,
        };
        let rest: Vec<Arc<str>> = import
            .path
            .iter()
            .skip(1)
            .map(|n| Arc::from(n.text.as_str()))
            .collect();
        let alias = import
            .alias
            .as_ref()
            .or_else(|| import.path.last())
            .map(|n| n.text.clone());
        if let Some(alias) = alias {
            imports.insert(alias, (root, rest));
        }
    }
    tree.ensure(&pkg);
    let ctx = Ctx {
        file,
        rule_names: symbols.rule_names.get(&pkg),
        package: pkg,
        imports,
        symbols,
        metadata: Some(metadata),
    };
    for (index, item) in module.items.iter().enumerate() {
        if let ast::Item::Rule(rule) = item {
            lower_rule(&ctx, index, rule, tree, errors, mocks);
        }
    }
}

pub(crate) fn lower_query(
    body: &ast::Body,
    symbols: &Symbols,
) -> Result<super::CompiledQuery, Vec<Diagnostic>> {
    let ctx = Ctx {
        file: QUERY_FILE,
        package: Vec::new(),
        imports: HashMap::new(),
        rule_names: None,
        symbols,
        metadata: None,
    };
    let mut lw = Lowerer::new(&ctx);
    lw.open_scope(&body.literals, &[], &[]);
    let vars: Vec<(String, u32)> = lw
        .scopes
        .last()
        .map(|s| s.vars.iter().map(|(k, v)| (k.clone(), *v)).collect())
        .unwrap_or_default();
    let literals = lw.lower_literals(&body.literals);
    let locals = lw.close_scope();
    let unmocked = lw.mocks.errors(&lw.mocks.mocked);
    lw.errors.extend(unmocked);
    let mut out = Body {
        literals,
        locals,
        loc: lw.loc(body.span),
    };
    if lw.errors.is_empty()
        && let Err(e) = safety::order_body(&mut out, &BTreeSet::new(), &lw.names)
    {
        lw.errors.push(e);
    }
    if !lw.errors.is_empty() {
        return Err(lw.errors);
    }
    let mut vars: Vec<(String, u32)> = vars
        .into_iter()
        .filter(|(name, _)| !name.starts_with('_'))
        .collect();
    vars.sort();
    let slots = u32::try_from(lw.names.len()).unwrap_or(u32::MAX);
    Ok((out, slots, vars))
}

pub(crate) use crate::ir::join_path as join;

impl<'a> Lowerer<'a> {
    fn new(ctx: &'a Ctx<'a>) -> Self {
        Self {
            ctx,
            names: Vec::new(),
            scopes: Vec::new(),
            errors: Vec::new(),
            mocks: MockUse::default(),
            rule_site: None,
        }
    }

    fn loc(&self, span: Span) -> Loc {
        Loc {
            file: self.ctx.file,
            span,
        }
    }

    fn constant(&self, value: Value, span: Span) -> Term {
        Term {
            kind: TermKind::Value(value),
            loc: self.loc(span),
        }
    }

    fn new_slot(&mut self, name: &str) -> Slot {
        let slot = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_owned());
        if let Some(scope) = self.scopes.last_mut() {
            scope.locals.push(slot);
        }
        slot
    }

    fn new_named(&mut self, name: &str) -> Slot {
        let slot = self.new_slot(name);
        if let Some(scope) = self.scopes.last_mut() {
            scope.vars.insert(name.to_owned(), slot);
        }
        slot
    }

    fn lookup_local(&self, name: &str) -> bool {
        self.local_slot(name).is_some()
    }

    fn resolves_globally(&self, name: &str) -> bool {
        name == "input"
            || name == "data"
            || self.ctx.imports.contains_key(name)
            || self.ctx.rule_names.is_some_and(|r| r.contains(name))
    }

    /// Opens the scope of a body: declares its variables.
    fn open_scope(&mut self, lits: &[ast::Literal], extra: &[&ast::Expr], predeclared: &[&str]) {
        self.scopes.push(Scope {
            vars: HashMap::new(),
            locals: Vec::new(),
            pending: BTreeSet::new(),
        });
        for name in predeclared {
            self.new_named(name);
        }
        let mut declared = Vec::new();
        let mut mentioned = Vec::new();
        for lit in lits {
            literal_vars(lit, &mut declared, &mut mentioned);
        }
        for e in extra {
            collect_vars(e, &mut mentioned);
        }
        let mut seen = BTreeSet::new();
        for name in declared {
            if seen.insert(name.clone()) {
                self.new_named(&name);
            }
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.pending = seen;
        }
        for name in mentioned {
            if !self.lookup_local(&name) && !self.resolves_globally(&name) {
                self.new_named(&name);
            }
        }
    }

    fn close_scope(&mut self) -> Vec<Slot> {
        let locals = self.scopes.pop().map(|s| s.locals).unwrap_or_default();
        if let Some(parent) = self.scopes.last_mut() {
            parent.locals.extend(locals.iter().copied());
        }
        locals
    }

    fn lower_literals(&mut self, lits: &[ast::Literal]) -> Vec<Literal> {
        let mut assigned: BTreeSet<String> = BTreeSet::new();
        // Names used by earlier statements of this body: `:=` may not
        // declare them afterwards (OPA: `var x referenced above`).
        let mut referenced: BTreeSet<String> = BTreeSet::new();
        lits.iter()
            .map(|lit| {
                let mut declared = Vec::new();
                let mut mentioned = Vec::new();
                literal_vars(lit, &mut declared, &mut mentioned);
                if let Some(scope) = self.scopes.last_mut() {
                    for name in &declared {
                        scope.pending.remove(name);
                    }
                }
                if let ast::LiteralKind::Expr(e) = &lit.kind
                    && let ExprKind::Assign {
                        op: ast::AssignOp::Assign,
                        lhs,
                        ..
                    } = &e.kind
                {
                    for name in &declared {
                        if referenced.contains(name) && !assigned.contains(name) {
                            self.errors.push(
                                Diagnostic::new(
                                    &codes::VAR_REDECLARED,
                                    format!("var {name} referenced above"),
                                )
                                .with_primary(lhs.span, "used before this declaration"),
                            );
                        }
                    }
                }
                referenced.extend(mentioned);
                self.lower_literal(lit, &mut assigned)
            })
            .collect()
    }

    fn lower_literal(&mut self, lit: &ast::Literal, assigned: &mut BTreeSet<String>) -> Literal {
        let kind = match &lit.kind {
            AstLit::Expr(e) => self.lower_statement(e, assigned),
            AstLit::Not(e) => LiteralKind::Not(Box::new(self.lower_statement(e, assigned))),
            AstLit::SomeVars(_) => LiteralKind::True,
            AstLit::SomeIn {
                key,
                value,
                collection,
            } => LiteralKind::SomeIn {
                key: key.as_ref().map(|k| self.lower_expr(k)),
                value: self.lower_expr(value),
                collection: self.lower_expr(collection),
            },
            AstLit::Every {
                key,
                value,
                domain,
                body,
            } => {
                let domain = self.lower_expr(domain);
                let mut pre: Vec<&str> = Vec::new();
                if let Some(k) = key {
                    pre.push(&k.text);
                }
                pre.push(&value.text);
                self.open_scope(&body.literals, &[], &pre);
                let key_slot = key.as_ref().and_then(|k| self.local_slot(&k.text));
                let value_slot = self.local_slot(&value.text).unwrap_or(0);
                let literals = self.lower_literals(&body.literals);
                let locals = self.close_scope();
                LiteralKind::Every {
                    key: key_slot,
                    value: value_slot,
                    domain,
                    body: Box::new(Body {
                        literals,
                        locals,
                        loc: self.loc(body.span),
                    }),
                }
            }
        };
        let with = lit.with.iter().filter_map(|w| self.lower_with(w)).collect();
        Literal {
            kind,
            with,
            loc: self.loc(lit.span),
        }
    }

    fn local_slot(&self, name: &str) -> Option<Slot> {
        let innermost = self.scopes.len().saturating_sub(1);
        self.scopes.iter().enumerate().rev().find_map(|(i, s)| {
            if i < innermost && s.pending.contains(name) {
                return None;
            }
            s.vars.get(name).copied()
        })
    }

    fn lower_statement(&mut self, e: &ast::Expr, assigned: &mut BTreeSet<String>) -> LiteralKind {
        match &e.kind {
            ExprKind::Assign { op, lhs, rhs } => {
                if *op == ast::AssignOp::Assign {
                    let mut names = Vec::new();
                    collect_vars(lhs, &mut names);
                    for name in names {
                        if !assigned.insert(name.clone()) {
                            self.errors.push(
                                Diagnostic::new(
                                    &codes::VAR_REDECLARED,
                                    format!("var {name} assigned above"),
                                )
                                .with_primary(lhs.span, "declared again here"),
                            );
                        }
                    }
                    if !is_assignable(lhs) {
                        self.errors.push(
                            Diagnostic::new(
                                &codes::INVALID_RULE,
                                "cannot assign to this expression; `:=` needs a variable or an array/object of variables",
                            )
                            .with_primary(lhs.span, ""),
                        );
                    }
                }
                LiteralKind::Unify(self.lower_expr(lhs), self.lower_expr(rhs))
            }
            ExprKind::Paren(inner) => self.lower_statement(inner, assigned),
            _ => LiteralKind::Expr(self.lower_expr(e)),
        }
    }

    fn lower_with(&mut self, w: &ast::WithModifier) -> Option<With> {
        let path = flat_path(&w.target);
        let loc = self.loc(w.span);
        let Some(path) = path else {
            self.errors.push(
                Diagnostic::new(&codes::BAD_WITH_TARGET, "with target must be a reference")
                    .with_primary(w.target.span, ""),
            );
            return None;
        };
        let first = path.first().map_or("", |s| &**s);
        let target = if first == "input" {
            WithTarget::Input(path.iter().skip(1).cloned().collect())
        } else if first == "data" {
            let rest: Vec<Arc<str>> = path.iter().skip(1).cloned().collect();
            if self.ctx.symbols.functions.contains_key(&rest) {
                WithTarget::Function(Arc::from(format!("data.{}", join(&rest))))
            } else {
                WithTarget::Data(rest)
            }
        } else {
            match self.resolve_function(&path) {
                Some((name, _)) => {
                    self.mocks.mocked.insert(name.to_string());
                    WithTarget::Function(name)
                }
                None if builtins::unsupported_reason(&join(&path)).is_some() => {
                    let name = join(&path);
                    self.mocks.mocked.insert(name.clone());
                    WithTarget::Function(Arc::from(name))
                }
                None => {
                    self.errors.push(
                        Diagnostic::new(
                            &codes::BAD_WITH_TARGET,
                            format!(
                                "with keyword target must reference existing input, data, or a function ({} is none)",
                                join(&path)
                            ),
                        )
                        .with_primary(w.target.span, ""),
                    );
                    return None;
                }
            }
        };
        let value = if matches!(target, WithTarget::Function(_)) {
            match flat_path(&w.value)
                .filter(|p| !p.first().is_some_and(|f| self.lookup_local(f)))
                .and_then(|p| self.resolve_function(&p))
            {
                Some((_, callee)) => WithValue::Function(callee),
                None => WithValue::Term(self.lower_expr(&w.value)),
            }
        } else {
            WithValue::Term(self.lower_expr(&w.value))
        };
        Some(With { target, value, loc })
    }

    /// Resolves a dotted function name to its canonical name and callee.
    fn resolve_function(&self, path: &[Arc<str>]) -> Option<(Arc<str>, Callee)> {
        let first = path.first()?;
        let user = |abs: Vec<Arc<str>>| {
            self.ctx.symbols.functions.contains_key(&abs).then(|| {
                (
                    Arc::from(format!("data.{}", join(&abs))),
                    Callee::User(Arc::from(abs)),
                )
            })
        };
        if &**first == "data" {
            return user(path.iter().skip(1).cloned().collect());
        }
        if let Some((Root::Data, prefix)) = self.ctx.imports.get(&**first) {
            let mut abs = prefix.clone();
            abs.extend(path.iter().skip(1).cloned());
            if let Some(found) = user(abs) {
                return Some(found);
            }
        }
        if !self.ctx.package.is_empty() {
            let mut abs = self.ctx.package.clone();
            abs.extend(path.iter().cloned());
            if let Some(found) = user(abs) {
                return Some(found);
            }
        }
        let name = join(path);
        if let Some((intrinsic, _)) = Intrinsic::lookup(&name) {
            return Some((Arc::from(name), Callee::Intrinsic(intrinsic)));
        }
        if name == builtins::RAND_INTN.name && self.ctx.symbols.rand_seed.is_some() {
            return Some((Arc::from(name), Callee::Builtin(&builtins::RAND_INTN)));
        }
        if self.ctx.symbols.net.is_some() {
            for builtin in [&builtins::HTTP_SEND, &builtins::NET_LOOKUP_IP_ADDR] {
                if name == builtin.name {
                    return Some((Arc::from(name), Callee::Builtin(builtin)));
                }
            }
        }
        builtins::lookup(&name).map(|b| (Arc::from(name), Callee::Builtin(b)))
    }

    fn arity(&self, callee: &Callee) -> Option<usize> {
        match callee {
            Callee::Builtin(b) => Some(b.arity),
            Callee::User(path) => self.ctx.symbols.functions.get(&path[..]).copied(),
            Callee::Intrinsic(i) => Intrinsic::lookup(match i {
                Intrinsic::Print => "print",
                Intrinsic::Trace => "trace",
                Intrinsic::Walk => "walk",
                Intrinsic::Member2 => "internal.member_2",
                Intrinsic::Member3 => "internal.member_3",
                Intrinsic::OpaRuntime => "opa.runtime",
            })
            .and_then(|(_, a)| a),
            Callee::Unsupported { name, .. } => unsupported_arity(name),
        }
    }

    fn call(&mut self, name: &str, args: Vec<Term>, span: Span) -> Term {
        let path: Vec<Arc<str>> = name.split('.').map(Arc::from).collect();
        self.call_path(&path, args, span)
    }

    fn call_path(&mut self, path: &[Arc<str>], args: Vec<Term>, span: Span) -> Term {
        let loc = self.loc(span);
        let shown = join(path);
        if path.len() == 1 && &*shown == "set" && args.is_empty() {
            return Term {
                kind: TermKind::Value(Value::empty_set()),
                loc,
            };
        }
        if let Some(which) = MetadataCall::of(&shown) {
            let kind = TermKind::Value(self.metadata_value(which, args.len(), span));
            return Term { kind, loc };
        }
        let resolved = self.resolve_function(path).or_else(|| {
            let (name, reason) = builtins::unsupported(&shown)?;
            self.mocks.calls.push((name, reason, span));
            Some((Arc::from(name), Callee::Unsupported { name, reason }))
        });
        let Some((name, target)) = resolved else {
            self.errors.push(
                Diagnostic::new(
                    &codes::UNDEFINED_FUNCTION,
                    format!("undefined function {shown}"),
                )
                .with_primary(span, ""),
            );
            return Term {
                kind: TermKind::Value(Value::Null),
                loc,
            };
        };
        let arity = self.arity(&target);
        if let Some(arity) = arity
            && args.len() != arity
            && args.len() != arity + 1
        {
            self.errors.push(
                Diagnostic::new(
                    &codes::WRONG_ARITY,
                    format!(
                        "{shown}: arity mismatch: expected {arity} arguments, got {}",
                        args.len()
                    ),
                )
                .with_primary(span, ""),
            );
        }
        Term {
            kind: TermKind::Call(Box::new(Call {
                name,
                target,
                args,
                arity,
            })),
            loc,
        }
    }

    /// The constant a `rego.metadata.rule()` or `rego.metadata.chain()`
    /// call stands for in the rule being lowered. Outside rules (queries)
    /// there is no active rule: `{}` and `[]`.
    fn metadata_value(&mut self, which: MetadataCall, args: usize, span: Span) -> Value {
        if args != 0 {
            self.errors.push(
                Diagnostic::new(
                    &codes::WRONG_ARITY,
                    format!(
                        "{}: arity mismatch: expected 0 arguments, got {args}",
                        which.name()
                    ),
                )
                .with_primary(span, ""),
            );
        }
        let site = self.rule_site.as_ref().zip(self.ctx.metadata);
        let Some(((item, path), index)) = site else {
            return match which {
                MetadataCall::Rule => Value::empty_object(),
                MetadataCall::Chain => Value::array(Vec::new()),
            };
        };
        let metadata = index.for_rule(self.ctx.file, *item, &self.ctx.package, path);
        match which {
            MetadataCall::Rule => metadata.rule,
            MetadataCall::Chain => metadata.chain,
        }
    }

    pub(crate) fn lower_expr(&mut self, e: &ast::Expr) -> Term {
        let loc = self.loc(e.span);
        let kind = match &e.kind {
            ExprKind::Null => TermKind::Value(Value::Null),
            ExprKind::Bool(b) => TermKind::Value(Value::Bool(*b)),
            ExprKind::Number(text) => match Number::parse(text) {
                Some(n) => TermKind::Value(Value::Number(n)),
                None => {
                    self.errors.push(
                        Diagnostic::new(
                            &riskgate_dsl::diagnostics::codes::INVALID_NUMBER,
                            format!("invalid number {text}"),
                        )
                        .with_primary(e.span, ""),
                    );
                    TermKind::Value(Value::Null)
                }
            },
            ExprKind::String(s) => TermKind::Value(Value::string(&s.value)),
            ExprKind::Var(name) => return self.resolve_var(name, e.span),
            ExprKind::Ref { head, path } => {
                let head = self.lower_expr(head);
                let mut segs: Vec<Term> = path
                    .iter()
                    .map(|arg| match arg {
                        ast::RefArg::Dot(n) => self.constant(Value::string(&n.text), n.span),
                        ast::RefArg::Bracket(x) => self.lower_expr(x),
                    })
                    .collect();
                match head.kind {
                    TermKind::Ref { head, mut path } => {
                        path.append(&mut segs);
                        TermKind::Ref { head, path }
                    }
                    _ => TermKind::Ref {
                        head: RefHead::Term(Box::new(head)),
                        path: segs,
                    },
                }
            }
            ExprKind::Call { func, args } => {
                let path: Vec<Arc<str>> = func.iter().map(|n| Arc::from(n.text.as_str())).collect();
                let args = args.iter().map(|a| self.lower_expr(a)).collect();
                return self.call_path(&path, args, e.span);
            }
            ExprKind::Array(items) => {
                let items: Vec<Term> = items.iter().map(|a| self.lower_expr(a)).collect();
                match constants(&items) {
                    Some(vals) => TermKind::Value(Value::Array(Arc::new(vals))),
                    None => TermKind::Array(items),
                }
            }
            ExprKind::Set(items) => {
                let items: Vec<Term> = items.iter().map(|a| self.lower_expr(a)).collect();
                match constants(&items) {
                    Some(vals) => TermKind::Value(Value::Set(Arc::new(vals.into_iter().collect()))),
                    None => TermKind::Set(items),
                }
            }
            ExprKind::Object(items) => {
                let items: Vec<(Term, Term)> = items
                    .iter()
                    .map(|(k, v)| (self.lower_expr(k), self.lower_expr(v)))
                    .collect();
                let keys: Vec<Term> = items.iter().map(|(k, _)| k.clone()).collect();
                let vals: Vec<Term> = items.iter().map(|(_, v)| v.clone()).collect();
                match (constants(&keys), constants(&vals)) {
                    (Some(k), Some(v)) => {
                        TermKind::Value(Value::Object(Arc::new(k.into_iter().zip(v).collect())))
                    }
                    _ => TermKind::Object(items),
                }
            }
            ExprKind::ArrayCompr { term, body } => {
                let (terms, body) = self.lower_closure(&[term], body);
                let mut terms = terms.into_iter();
                TermKind::ArrayCompr(
                    Box::new(
                        terms
                            .next()
                            .unwrap_or_else(|| self.constant(Value::Null, e.span)),
                    ),
                    Box::new(body),
                )
            }
            ExprKind::SetCompr { term, body } => {
                let (terms, body) = self.lower_closure(&[term], body);
                let mut terms = terms.into_iter();
                TermKind::SetCompr(
                    Box::new(
                        terms
                            .next()
                            .unwrap_or_else(|| self.constant(Value::Null, e.span)),
                    ),
                    Box::new(body),
                )
            }
            ExprKind::ObjectCompr { key, value, body } => {
                let (terms, body) = self.lower_closure(&[key, value], body);
                let mut terms = terms.into_iter();
                let k = terms
                    .next()
                    .unwrap_or_else(|| self.constant(Value::Null, e.span));
                let v = terms
                    .next()
                    .unwrap_or_else(|| self.constant(Value::Null, e.span));
                TermKind::ObjectCompr(Box::new(k), Box::new(v), Box::new(body))
            }
            ExprKind::Paren(inner) => return self.lower_expr(inner),
            ExprKind::Neg(inner) => {
                let zero = self.constant(Value::int(0), e.span);
                let x = self.lower_expr(inner);
                return self.call("minus", vec![zero, x], e.span);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let args = vec![self.lower_expr(lhs), self.lower_expr(rhs)];
                return self.call(op.builtin_name(), args, e.span);
            }
            ExprKind::Membership {
                key,
                value,
                collection,
            } => {
                let mut args = Vec::new();
                if let Some(k) = key {
                    args.push(self.lower_expr(k));
                }
                args.push(self.lower_expr(value));
                args.push(self.lower_expr(collection));
                let name = if key.is_some() {
                    "internal.member_3"
                } else {
                    "internal.member_2"
                };
                return self.call(name, args, e.span);
            }
            ExprKind::Assign { .. } => {
                self.errors.push(
                    Diagnostic::new(
                        &codes::INVALID_RULE,
                        "assignment must be a statement of its own",
                    )
                    .with_primary(e.span, ""),
                );
                TermKind::Value(Value::Null)
            }
            ExprKind::Template(t) => TermKind::Template(
                t.parts
                    .iter()
                    .map(|p| match p {
                        ast::TemplatePart::Text(s) => TemplatePart::Text(Arc::from(s.as_str())),
                        ast::TemplatePart::Expr { expr: x, with } => {
                            let term = self.lower_expr(x);
                            let with = with.iter().filter_map(|w| self.lower_with(w)).collect();
                            TemplatePart::Expr(term, with)
                        }
                    })
                    .collect(),
            ),
        };
        Term { kind, loc }
    }

    fn lower_closure(&mut self, terms: &[&ast::Expr], body: &ast::Body) -> (Vec<Term>, Body) {
        self.open_scope(&body.literals, terms, &[]);
        let literals = self.lower_literals(&body.literals);
        let terms = terms.iter().map(|t| self.lower_expr(t)).collect();
        let locals = self.close_scope();
        (
            terms,
            Body {
                literals,
                locals,
                loc: self.loc(body.span),
            },
        )
    }

    fn resolve_var(&mut self, name: &str, span: Span) -> Term {
        let loc = self.loc(span);
        let kind = if name == "_" {
            TermKind::Var(self.new_slot("_"))
        } else if let Some(slot) = self.local_slot(name) {
            TermKind::Var(slot)
        } else if name == "input" {
            TermKind::Ref {
                head: RefHead::Input,
                path: Vec::new(),
            }
        } else if name == "data" {
            TermKind::Ref {
                head: RefHead::Data,
                path: Vec::new(),
            }
        } else if let Some((root, path)) = self.ctx.imports.get(name) {
            TermKind::Ref {
                head: match root {
                    Root::Input => RefHead::Input,
                    Root::Data => RefHead::Data,
                },
                path: path
                    .iter()
                    .map(|k| self.constant(Value::String(k.clone()), span))
                    .collect(),
            }
        } else if self.ctx.rule_names.is_some_and(|r| r.contains(name)) {
            let mut path: Vec<Term> = self
                .ctx
                .package
                .iter()
                .map(|k| self.constant(Value::String(k.clone()), span))
                .collect();
            path.push(self.constant(Value::string(name), span));
            TermKind::Ref {
                head: RefHead::Data,
                path,
            }
        } else {
            TermKind::Var(self.new_named(name))
        };
        Term { kind, loc }
    }
}

/// The two builtins the compiler answers from annotations.
#[derive(Clone, Copy)]
enum MetadataCall {
    Rule,
    Chain,
}

impl MetadataCall {
    fn of(name: &str) -> Option<Self> {
        match name {
            "rego.metadata.rule" => Some(Self::Rule),
            "rego.metadata.chain" => Some(Self::Chain),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Rule => "rego.metadata.rule",
            Self::Chain => "rego.metadata.chain",
        }
    }
}
