//! What each policy file defines and refers to, and how references resolve
//! across the workspace.
//!
//! Each file yields a [`FileIndex`]: its definitions (rules, functions,
//! risks, controls) and every occurrence of a name that may refer to one
//! (rule names, `data.…` paths, import aliases, risk ids in `mitigates`,
//! builtin calls, `input.…` paths). Resolution happens against a
//! [`Symbols`] table built from all indexes, so a file's index does not
//! depend on other files and can be rebuilt alone when it changes.

use std::collections::{BTreeMap, BTreeSet};

use riskgate_dsl::Span;
use riskgate_dsl::ast::{
    Body, ControlMember, Expr, ExprKind, Item, LiteralKind, Module, RefArg, Rule, walk,
};

/// What a name refers to, independent of where it is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// A rule or function: its package (dotted, without `data`) and name.
    Rule {
        /// `a.b` for `package a.b`.
        package: String,
        /// The rule's first name segment.
        name: String,
    },
    /// A package, dotted.
    Package(String),
    /// A risk id.
    Risk(String),
    /// A control id.
    Control(String),
}

/// What kind of thing a definition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    /// A rule with a value or a set/object rule.
    Rule,
    /// A function (rule with arguments).
    Function,
    /// A `risk` declaration.
    Risk,
    /// A `control` declaration.
    Control,
}

/// A definition in one file.
#[derive(Debug, Clone)]
pub struct Def {
    /// What it defines.
    pub key: Key,
    /// The defined name as shown to users.
    pub name: String,
    /// Where the name is written (for risks and controls, inside the quotes).
    pub name_span: Span,
    /// The whole rule or declaration.
    pub span: Span,
    /// Its kind.
    pub kind: DefKind,
}

/// One segment of a `data` path as written or implied.
#[derive(Debug, Clone)]
pub struct Segment {
    /// The segment's name.
    pub name: String,
    /// Where it is written; `None` for segments implied by the package or
    /// an import.
    pub span: Option<Span>,
}

/// A place where a name is written.
#[derive(Debug, Clone)]
pub enum Occurrence {
    /// A path under `data` (rule names, imports, package clauses).
    Path {
        /// The segments after `data`.
        segments: Vec<Segment>,
        /// A builtin this may call when no rule matches (`count(x)`).
        builtin: Option<String>,
        /// Whether this occurrence is a rule definition's name.
        def: bool,
    },
    /// A risk id (span inside the quotes).
    Risk {
        /// The id.
        id: String,
        /// Where it is written.
        span: Span,
        /// Whether this is the declaration.
        def: bool,
    },
    /// A control id in its declaration.
    Control {
        /// The id.
        id: String,
        /// Where it is written (inside the quotes).
        span: Span,
    },
    /// A call of a builtin by a dotted name (`time.now_ns()`).
    Builtin {
        /// The builtin's name.
        name: String,
        /// The dotted name's span.
        span: Span,
    },
    /// `input.a.b`: segments after `input`.
    Input {
        /// Each segment with its span.
        segments: Vec<(String, Span)>,
    },
}

/// The definitions and occurrences of one file.
#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    /// The package path, dotted (empty when the file has none).
    pub package: String,
    /// Definitions in source order.
    pub defs: Vec<Def>,
    /// Occurrences in source order.
    pub occurrences: Vec<Occurrence>,
}

/// Builds the index of a parsed module.
#[must_use]
pub fn index_module(module: &Module) -> FileIndex {
    let package: Vec<String> = module
        .package
        .as_ref()
        .map(|p| p.path.iter().map(|n| n.text.clone()).collect())
        .unwrap_or_default();
    let mut imports = BTreeMap::new();
    let mut out = FileIndex {
        package: package.join("."),
        ..FileIndex::default()
    };
    if let Some(clause) = &module.package {
        out.occurrences.push(Occurrence::Path {
            segments: clause
                .path
                .iter()
                .map(|n| Segment {
                    name: n.text.clone(),
                    span: Some(n.span),
                })
                .collect(),
            builtin: None,
            def: false,
        });
    }
    for import in &module.imports {
        let Some((root, rest)) = import.path.split_first() else {
            continue;
        };
        let alias = import
            .alias
            .as_ref()
            .map(|a| a.text.clone())
            .or_else(|| import.path.last().map(|n| n.text.clone()))
            .unwrap_or_default();
        if root.text == "data" {
            let segments: Vec<Segment> = rest
                .iter()
                .map(|n| Segment {
                    name: n.text.clone(),
                    span: Some(n.span),
                })
                .collect();
            imports.insert(alias, segments.iter().map(|s| s.name.clone()).collect());
            out.occurrences.push(Occurrence::Path {
                segments,
                builtin: None,
                def: false,
            });
        }
    }
    let mut walker = Walker {
        package,
        imports,
        locals: BTreeSet::new(),
        out,
    };
    for item in &module.items {
        match item {
            Item::Rule(rule) => walker.rule(rule, true),
            Item::Risk(risk) => {
                let span = inner(risk.id.span);
                walker.out.defs.push(Def {
                    key: Key::Risk(risk.id.text.clone()),
                    name: risk.id.text.clone(),
                    name_span: span,
                    span: risk.span,
                    kind: DefKind::Risk,
                });
                walker.out.occurrences.push(Occurrence::Risk {
                    id: risk.id.text.clone(),
                    span,
                    def: true,
                });
                for field in &risk.fields {
                    walker.expr(&field.value);
                }
            }
            Item::Control(control) => {
                let span = inner(control.id.span);
                walker.out.defs.push(Def {
                    key: Key::Control(control.id.text.clone()),
                    name: control.id.text.clone(),
                    name_span: span,
                    span: control.span,
                    kind: DefKind::Control,
                });
                walker.out.occurrences.push(Occurrence::Control {
                    id: control.id.text.clone(),
                    span,
                });
                for member in &control.members {
                    match member {
                        ControlMember::Field(field) if field.name.text == "mitigates" => {
                            walker.risk_ids(&field.value);
                        }
                        ControlMember::Field(field) => walker.expr(&field.value),
                        ControlMember::Applies(applies) => {
                            walker.locals.clear();
                            walker.body(&applies.body);
                        }
                        ControlMember::Require(requirement) => {
                            walker.locals.clear();
                            for field in &requirement.fields {
                                walker.expr(&field.value);
                            }
                        }
                        ControlMember::Rule(rule) => walker.rule(rule, false),
                    }
                }
            }
        }
    }
    walker.out
}

/// The span inside the quotes of a string-literal id.
fn inner(span: Span) -> Span {
    if span.len() >= 2 {
        Span::new(span.start + 1, span.end - 1)
    } else {
        span
    }
}

struct Walker {
    package: Vec<String>,
    imports: BTreeMap<String, Vec<String>>,
    locals: BTreeSet<String>,
    out: FileIndex,
}

impl Walker {
    fn implied(&self, names: &[String]) -> Vec<Segment> {
        names
            .iter()
            .map(|name| Segment {
                name: name.clone(),
                span: None,
            })
            .collect()
    }

    fn rule(&mut self, rule: &Rule, top_level: bool) {
        self.locals = rule_locals(rule);
        let name = &rule.head.reference.name;
        if top_level {
            self.out.defs.push(Def {
                key: Key::Rule {
                    package: self.package.join("."),
                    name: name.text.clone(),
                },
                name: name.text.clone(),
                name_span: name.span,
                span: rule.span,
                kind: if rule.head.args.is_some() {
                    DefKind::Function
                } else {
                    DefKind::Rule
                },
            });
            let mut segments = self.implied(&self.package);
            segments.push(Segment {
                name: name.text.clone(),
                span: Some(name.span),
            });
            self.out.occurrences.push(Occurrence::Path {
                segments,
                builtin: None,
                def: true,
            });
        }
        for arg in &rule.head.reference.path {
            if let RefArg::Bracket(expr) = arg {
                self.expr(expr);
            }
        }
        if let Some(value) = &rule.head.value {
            self.expr(&value.value);
        }
        if let Some(contains) = &rule.head.contains {
            self.expr(contains);
        }
        if let Some(body) = &rule.body {
            self.body(body);
        }
        for clause in &rule.else_chain {
            if let Some(value) = &clause.value {
                self.expr(&value.value);
            }
            if let Some(body) = &clause.body {
                self.body(body);
            }
        }
    }

    fn body(&mut self, body: &Body) {
        walk::body_children(body, &mut |child| self.child(child));
    }

    fn risk_ids(&mut self, value: &Expr) {
        let items: Vec<&Expr> = match &value.kind {
            ExprKind::Array(items) | ExprKind::Set(items) => items.iter().collect(),
            _ => vec![value],
        };
        for item in items {
            if let ExprKind::String(s) = &item.kind {
                self.out.occurrences.push(Occurrence::Risk {
                    id: s.value.clone(),
                    span: inner(item.span),
                    def: false,
                });
            }
        }
    }

    /// Segments for a name written as the head of a reference, or `None`
    /// when it is a local variable or a root document.
    fn head_segments(&self, name: &str, span: Span) -> Option<Vec<Segment>> {
        if self.locals.contains(name) || name == "_" || name == "input" {
            return None;
        }
        if name == "data" {
            return Some(Vec::new());
        }
        if let Some(path) = self.imports.get(name) {
            let mut segments = self.implied(path);
            if let Some(last) = segments.last_mut() {
                last.span = Some(span);
            }
            return Some(segments);
        }
        let mut segments = self.implied(&self.package);
        segments.push(Segment {
            name: name.to_owned(),
            span: Some(span),
        });
        Some(segments)
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Var(name) => {
                if let Some(segments) = self.head_segments(name, expr.span)
                    && !segments.is_empty()
                {
                    self.out.occurrences.push(Occurrence::Path {
                        segments,
                        builtin: None,
                        def: false,
                    });
                }
            }
            ExprKind::Ref { head, path } if matches!(head.kind, ExprKind::Var(_)) => {
                if let ExprKind::Var(name) = &head.kind {
                    self.data_path(name, head.span, path);
                }
                for arg in path {
                    if let RefArg::Bracket(e) = arg {
                        self.expr(e);
                    }
                }
            }
            ExprKind::Call { func, .. } => {
                self.call(func, expr.span);
                self.children(expr);
            }
            _ => self.children(expr),
        }
    }

    /// Walks what `expr` contains.
    fn children(&mut self, expr: &Expr) {
        walk::children(expr, &mut |child| self.child(child));
    }

    fn child(&mut self, child: walk::Child<'_>) {
        match child {
            walk::Child::Expr(expr) => self.expr(expr),
            walk::Child::Body(body) => self.body(body),
        }
    }

    /// Records `name.a.b…` (a reference rooted at a variable): an `input`
    /// field, or a path into `data` through an import or the package.
    fn data_path(&mut self, name: &str, head_span: Span, path: &[RefArg]) {
        let dots: Vec<(String, Span)> = path
            .iter()
            .map_while(|arg| match arg {
                RefArg::Dot(n) => Some((n.text.clone(), n.span)),
                RefArg::Bracket(e) => match &e.kind {
                    ExprKind::String(s) => Some((s.value.clone(), e.span)),
                    _ => None,
                },
            })
            .collect();
        if name == "input" && !self.locals.contains("input") {
            self.out
                .occurrences
                .push(Occurrence::Input { segments: dots });
        } else if let Some(mut segments) = self.head_segments(name, head_span) {
            segments.extend(dots.into_iter().map(|(name, span)| Segment {
                name,
                span: Some(span),
            }));
            if !segments.is_empty() {
                self.out.occurrences.push(Occurrence::Path {
                    segments,
                    builtin: None,
                    def: false,
                });
            }
        }
    }

    fn call(&mut self, func: &[riskgate_dsl::ast::Name], span: Span) {
        let Some((first, rest)) = func.split_first() else {
            return;
        };
        let dotted = func
            .iter()
            .map(|n| n.text.as_str())
            .collect::<Vec<_>>()
            .join(".");
        let name_span = func.last().map_or(span, |last| first.span.cover(last.span));
        let expand = first.text == "data" || self.imports.contains_key(&first.text);
        if rest.is_empty() || expand {
            if let Some(mut segments) = self.head_segments(&first.text, first.span) {
                segments.extend(rest.iter().map(|n| Segment {
                    name: n.text.clone(),
                    span: Some(n.span),
                }));
                self.out.occurrences.push(Occurrence::Path {
                    segments,
                    builtin: (!expand).then(|| dotted.clone()),
                    def: false,
                });
            }
            return;
        }
        self.out.occurrences.push(Occurrence::Builtin {
            name: dotted,
            span: name_span,
        });
    }
}

/// Names a rule declares locally: function arguments, `:=` targets,
/// `some` and `every` variables.
fn rule_locals(rule: &Rule) -> BTreeSet<String> {
    let mut locals = BTreeSet::new();
    for arg in rule.head.args.iter().flatten() {
        pattern_vars(arg, &mut locals);
    }
    if let Some(body) = &rule.body {
        body_locals(body, &mut locals);
    }
    for clause in &rule.else_chain {
        if let Some(body) = &clause.body {
            body_locals(body, &mut locals);
        }
    }
    locals
}

fn body_locals(body: &Body, locals: &mut BTreeSet<String>) {
    for literal in &body.literals {
        match &literal.kind {
            LiteralKind::SomeVars(names) => locals.extend(names.iter().map(|n| n.text.clone())),
            LiteralKind::SomeIn { key, value, .. } => {
                if let Some(key) = key {
                    pattern_vars(key, locals);
                }
                pattern_vars(value, locals);
            }
            LiteralKind::Every {
                key, value, body, ..
            } => {
                if let Some(key) = key {
                    locals.insert(key.text.clone());
                }
                locals.insert(value.text.clone());
                body_locals(body, locals);
            }
            LiteralKind::Expr(expr) => expr_locals(expr, locals),
            LiteralKind::Not(_) => {}
        }
    }
}

fn expr_locals(expr: &Expr, locals: &mut BTreeSet<String>) {
    match &expr.kind {
        ExprKind::Assign {
            op: riskgate_dsl::ast::AssignOp::Assign,
            lhs,
            ..
        } => pattern_vars(lhs, locals),
        ExprKind::ArrayCompr { body, .. }
        | ExprKind::SetCompr { body, .. }
        | ExprKind::ObjectCompr { body, .. } => body_locals(body, locals),
        _ => {}
    }
}

fn pattern_vars(pattern: &Expr, locals: &mut BTreeSet<String>) {
    match &pattern.kind {
        ExprKind::Var(name) => {
            locals.insert(name.clone());
        }
        ExprKind::Array(items) => {
            for item in items {
                pattern_vars(item, locals);
            }
        }
        ExprKind::Object(entries) => {
            for (_, v) in entries {
                pattern_vars(v, locals);
            }
        }
        _ => {}
    }
}

/// Every definition of the workspace, for resolution.
#[derive(Debug, Default)]
pub struct Symbols {
    /// Known packages.
    pub packages: BTreeSet<String>,
    /// Known rules (package, name).
    pub rules: BTreeSet<(String, String)>,
}

impl Symbols {
    /// Builds the table from file indexes.
    pub fn build<'a>(files: impl Iterator<Item = &'a FileIndex>) -> Self {
        let mut symbols = Symbols::default();
        for file in files {
            let mut prefix = String::new();
            for part in file.package.split('.') {
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(part);
                symbols.packages.insert(prefix.clone());
            }
            for def in &file.defs {
                if let Key::Rule { package, name } = &def.key {
                    symbols.rules.insert((package.clone(), name.clone()));
                }
            }
        }
        symbols
    }

    /// What segment `i` of a `data` path refers to.
    #[must_use]
    pub fn resolve_segment(&self, segments: &[Segment], i: usize) -> Option<Key> {
        let names: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
        let name = names.get(i)?;
        let package = names.get(..i)?.join(".");
        if self.rules.contains(&(package.clone(), (*name).to_owned())) {
            return Some(Key::Rule {
                package,
                name: (*name).to_owned(),
            });
        }
        let dotted = names.get(..=i)?.join(".");
        self.packages
            .contains(&dotted)
            .then_some(Key::Package(dotted))
    }
}

/// What an occurrence refers to at a byte offset, with the span of the
/// name under the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A workspace symbol.
    Symbol(Key),
    /// A builtin function.
    Builtin(String),
    /// An `input` path (segments up to and including the cursor).
    Input(Vec<String>),
}

impl FileIndex {
    /// The target at `offset`, if a name there refers to something.
    #[must_use]
    pub fn target_at(&self, symbols: &Symbols, offset: u32) -> Option<(Target, Span)> {
        let hit = |span: Span| span.start <= offset && offset <= span.end;
        for occurrence in &self.occurrences {
            match occurrence {
                Occurrence::Path {
                    segments, builtin, ..
                } => {
                    for (i, segment) in segments.iter().enumerate() {
                        let Some(span) = segment.span.filter(|s| hit(*s)) else {
                            continue;
                        };
                        if let Some(key) = symbols.resolve_segment(segments, i) {
                            return Some((Target::Symbol(key), span));
                        }
                        if let Some(name) = builtin {
                            return Some((Target::Builtin(name.clone()), span));
                        }
                    }
                }
                Occurrence::Risk { id, span, .. } if hit(*span) => {
                    return Some((Target::Symbol(Key::Risk(id.clone())), *span));
                }
                Occurrence::Control { id, span } if hit(*span) => {
                    return Some((Target::Symbol(Key::Control(id.clone())), *span));
                }
                Occurrence::Builtin { name, span } if hit(*span) => {
                    return Some((Target::Builtin(name.clone()), *span));
                }
                Occurrence::Input { segments } => {
                    if let Some(i) = segments.iter().position(|(_, span)| hit(*span)) {
                        let path = segments
                            .iter()
                            .take(i + 1)
                            .map(|(n, _)| n.clone())
                            .collect();
                        let span = segments.get(i).map_or_else(Span::default, |s| s.1);
                        return Some((Target::Input(path), span));
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Every span in this file that refers to `key`, with whether it is a
    /// definition.
    #[must_use]
    pub fn references(&self, symbols: &Symbols, key: &Key) -> Vec<(Span, bool)> {
        let mut out = Vec::new();
        for occurrence in &self.occurrences {
            match occurrence {
                Occurrence::Path { segments, def, .. } => {
                    for (i, segment) in segments.iter().enumerate() {
                        if let Some(span) = segment.span
                            && symbols.resolve_segment(segments, i).as_ref() == Some(key)
                        {
                            out.push((span, *def && i + 1 == segments.len()));
                        }
                    }
                }
                Occurrence::Risk { id, span, def } => {
                    if *key == Key::Risk(id.clone()) {
                        out.push((*span, *def));
                    }
                }
                Occurrence::Control { id, span } => {
                    if *key == Key::Control(id.clone()) {
                        out.push((*span, true));
                    }
                }
                Occurrence::Builtin { .. } | Occurrence::Input { .. } => {}
            }
        }
        out
    }
}
