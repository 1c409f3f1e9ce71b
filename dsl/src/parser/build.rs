//! Builds AST nodes from pest pairs.
//!
//! Functions return `Option` only to stay panic-free: the grammar guarantees
//! the children they look for, so `None` means the grammar and this builder
//! disagree, which `Builder::internal` reports as a diagnostic.

use pest::iterators::{Pair, Pairs};

use super::trim::Trimmer;
use super::{Rule, Stmt};
use crate::ParseOptions;
use crate::ast::{
    Applies, AssignOp, BinOp, Body, ControlDecl, ControlMember, ElseClause, Expr, ExprKind, Field,
    HeadValue, Import, Item, Literal, LiteralKind, Name, Package, RefArg, RequirementKind,
    RiskDecl, Rule as RuleNode, RuleHead, RuleRef, StringLit, TemplatePart, TemplateString,
    WithModifier,
};
use crate::diagnostics::{Diagnostic, codes};
use crate::span::Span;

type P<'i> = Pair<'i, Rule>;

/// Most operators (and unary minus signs) one expression may chain.
const MAX_CHAIN: usize = 1000;

/// Converts pairs of one parsed chunk into AST nodes.
pub(super) struct Builder<'s> {
    source: &'s str,
    trimmer: Trimmer<'s>,
    /// Where the parsed chunk starts in `source`.
    offset: u32,
    options: ParseOptions,
    diagnostics: Vec<Diagnostic>,
}

/// A rule body together with whether `if` introduced it.
pub(super) struct ParsedBody {
    body: Body,
    has_if: bool,
}

impl<'s> Builder<'s> {
    pub(super) fn new(
        source: &'s str,
        comments: &'s [crate::ast::Comment],
        offset: usize,
        options: ParseOptions,
    ) -> Self {
        Self {
            source,
            trimmer: Trimmer::new(source, comments),
            offset: offset as u32,
            options,
            diagnostics: Vec::new(),
        }
    }

    pub(super) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// The span of a pair, without the whitespace and comments pest's
    /// implicit skipping leaves at its end.
    fn span(&self, pair: &P<'_>) -> Span {
        let s = pair.as_span();
        self.trimmer
            .trim(s.start() as u32 + self.offset, s.end() as u32 + self.offset)
    }

    fn internal(&mut self, span: Span) {
        self.diagnostics.push(
            Diagnostic::new(&codes::UNEXPECTED_TOKEN, "could not read this construct")
                .with_primary(span, "")
                .with_help(
                    "this is a bug in riskgate's parser; please report it with this snippet",
                ),
        );
    }

    // ------------------------------------------------------------ entry points

    pub(super) fn file(&mut self, mut pairs: Pairs<'_, Rule>) -> Vec<Stmt> {
        let Some(file) = pairs.next() else {
            return Vec::new();
        };
        let mut stmts: Vec<Stmt> = Vec::new();
        for pair in file.into_inner() {
            let span = self.span(&pair);
            let stmt = match pair.as_rule() {
                Rule::EOI => continue,
                Rule::package_decl => self.package(pair).map(Stmt::Package),
                Rule::import_decl => self.import(pair).map(Stmt::Import),
                Rule::risk_decl => self.risk(pair).map(|r| Stmt::Item(Item::Risk(r))),
                Rule::control_decl => self.control(pair).map(|c| Stmt::Item(Item::Control(c))),
                Rule::rule => self.rule(pair).map(|r| Stmt::Item(Item::Rule(r))),
                _ => None,
            };
            match stmt {
                Some(stmt) => {
                    if let Some(previous) = stmts.last() {
                        self.check_separated(previous.span(), stmt.span(), "statements");
                    }
                    stmts.push(stmt);
                }
                None => self.internal(span),
            }
        }
        stmts
    }

    pub(super) fn query(&mut self, mut pairs: Pairs<'_, Rule>) -> Option<Body> {
        let query = pairs.next()?;
        let span = self.span(&query);
        let literals = query
            .into_inner()
            .find(|p| p.as_rule() == Rule::query_literals)?;
        let literals = self.literals(literals.into_inner());
        Some(Body {
            span: literals.first().map_or(span, |first| {
                first
                    .span
                    .cover(literals.last().map_or(first.span, |l| l.span))
            }),
            literals,
            braced: false,
        })
    }

    pub(super) fn term_input(&mut self, mut pairs: Pairs<'_, Rule>) -> Option<Expr> {
        let input = pairs.next()?;
        let expr = input.into_inner().find(|p| p.as_rule() == Rule::in_expr)?;
        self.in_expr(expr)
    }

    // ------------------------------------------------------------ clauses

    fn package(&mut self, pair: P<'_>) -> Option<Package> {
        let span = self.span(&pair);
        let path = pair.into_inner().find(|p| p.as_rule() == Rule::path)?;
        Some(Package {
            span,
            path: self.path(path),
        })
    }

    fn import(&mut self, pair: P<'_>) -> Option<Import> {
        let span = self.span(&pair);
        let mut path = None;
        let mut alias = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::path => path = Some(self.path(child)),
                Rule::var_name => alias = Some(self.name(&child)),
                _ => {}
            }
        }
        Some(Import {
            span,
            path: path?,
            alias,
        })
    }

    fn path(&mut self, pair: P<'_>) -> Vec<Name> {
        pair.into_inner()
            .map(|segment| match segment.as_rule() {
                Rule::string => self.quoted_name(segment),
                _ => self.name(&segment),
            })
            .collect()
    }

    fn name(&self, pair: &P<'_>) -> Name {
        Name {
            span: self.span(pair),
            text: pair.as_str().to_string(),
            quoted: false,
        }
    }

    fn quoted_name(&mut self, pair: P<'_>) -> Name {
        let span = self.span(&pair);
        let value = self.string_value(pair);
        Name {
            span,
            text: value,
            quoted: true,
        }
    }

    // ------------------------------------------------------------ rules

    fn rule(&mut self, pair: P<'_>) -> Option<RuleNode> {
        let span = self.span(&pair);
        let mut is_default = false;
        let mut head = None;
        let mut body = None;
        let mut else_chain = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::kw_default => is_default = true,
                Rule::rule_head => head = Some(self.rule_head(child)?),
                Rule::rule_body => body = Some(self.rule_body(child)?),
                Rule::else_clause => else_chain.push(self.else_clause(child)?),
                _ => {}
            }
        }
        let mut head = head?;
        let body = body.map(|parsed| self.check_body_keywords(&mut head, parsed));
        Some(RuleNode {
            span,
            is_default,
            head,
            body,
            else_chain,
        })
    }

    /// Applies the v1 keyword rules to a body written after `head`.
    fn check_body_keywords(&mut self, head: &mut RuleHead, parsed: ParsedBody) -> Body {
        if parsed.has_if {
            return parsed.body;
        }
        let set_style = head.value.is_none()
            && head.contains.is_none()
            && head.args.is_none()
            && matches!(head.reference.path.last(), Some(RefArg::Bracket(_)));
        if self.options.v0_compatible {
            if set_style && head.reference.path.len() == 1 {
                // v0: `p[x] { ... }` defines a partial set.
                if let Some(RefArg::Bracket(term)) = head.reference.path.pop() {
                    head.contains = Some(term);
                }
            }
        } else if set_style {
            let name = head.reference.name.text.clone();
            self.diagnostics.push(
                Diagnostic::new(
                    &codes::MISSING_CONTAINS,
                    "`contains` keyword is required for partial set rules",
                )
                .with_primary(head.reference.span, "v0-style partial set head")
                .with_help(format!(
                    "write `{name} contains <term> if {{ ... }}`, or pass --v0-compatible"
                )),
            );
        } else {
            self.diagnostics.push(
                Diagnostic::new(
                    &codes::MISSING_IF,
                    "`if` keyword is required before a rule body",
                )
                .with_primary(
                    Span::new(parsed.body.span.start, parsed.body.span.start + 1),
                    "body without `if`",
                )
                .with_help("write `if` before `{`, or pass --v0-compatible for Rego v0 policies"),
            );
        }
        parsed.body
    }

    fn rule_head(&mut self, pair: P<'_>) -> Option<RuleHead> {
        let span = self.span(&pair);
        let mut reference = None;
        let mut args = None;
        let mut value = None;
        let mut contains = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::rule_ref => reference = Some(self.rule_ref(child)?),
                Rule::call_args => args = Some(self.call_args(child)?),
                Rule::head_value => value = Some(self.head_value(child)?),
                Rule::contains_clause => {
                    let term = child.into_inner().find(|p| p.as_rule() == Rule::in_expr)?;
                    contains = Some(self.in_expr(term)?);
                }
                _ => {}
            }
        }
        Some(RuleHead {
            span,
            reference: reference?,
            args,
            value,
            contains,
        })
    }

    fn rule_ref(&mut self, pair: P<'_>) -> Option<RuleRef> {
        let span = self.span(&pair);
        let mut children = pair.into_inner();
        let name = self.name(&children.next()?);
        let path = children
            .map(|arg| self.ref_arg(arg))
            .collect::<Option<_>>()?;
        Some(RuleRef { span, name, path })
    }

    fn head_value(&mut self, pair: P<'_>) -> Option<HeadValue> {
        let mut op = AssignOp::Unify;
        let mut value = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::op_assign => op = AssignOp::Assign,
                Rule::op_unify => op = AssignOp::Unify,
                Rule::in_expr => value = Some(self.in_expr(child)?),
                _ => {}
            }
        }
        Some(HeadValue { op, value: value? })
    }

    pub(super) fn rule_body(&mut self, pair: P<'_>) -> Option<ParsedBody> {
        let mut has_if = false;
        let mut body = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::kw_if => has_if = true,
                Rule::braced_body => body = Some(self.braced_body(child)),
                Rule::literal => {
                    let literal = self.literal(child)?;
                    body = Some(Body {
                        span: literal.span,
                        literals: vec![literal],
                        braced: false,
                    });
                }
                _ => {}
            }
        }
        Some(ParsedBody {
            body: body?,
            has_if,
        })
    }

    fn else_clause(&mut self, pair: P<'_>) -> Option<ElseClause> {
        let span = self.span(&pair);
        let mut value = None;
        let mut body = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::head_value => value = Some(self.head_value(child)?),
                Rule::rule_body => {
                    let parsed = self.rule_body(child)?;
                    if !parsed.has_if && !self.options.v0_compatible {
                        self.diagnostics.push(
                            Diagnostic::new(
                                &codes::MISSING_IF,
                                "`if` keyword is required before an `else` body",
                            )
                            .with_primary(
                                Span::new(parsed.body.span.start, parsed.body.span.start + 1),
                                "body without `if`",
                            )
                            .with_help("write `else := value if { ... }`"),
                        );
                    }
                    body = Some(parsed.body);
                }
                _ => {}
            }
        }
        Some(ElseClause { span, value, body })
    }

    fn braced_body(&mut self, pair: P<'_>) -> Body {
        let span = self.span(&pair);
        let literals = self.literals(pair.into_inner());
        Body {
            span,
            literals,
            braced: true,
        }
    }

    fn literals(&mut self, pairs: Pairs<'_, Rule>) -> Vec<Literal> {
        let mut literals: Vec<Literal> = Vec::new();
        for pair in pairs.filter(|p| p.as_rule() == Rule::literal) {
            let span = self.span(&pair);
            match self.literal(pair) {
                Some(literal) => {
                    if let Some(previous) = literals.last() {
                        self.check_separated(previous.span, literal.span, "expressions");
                    }
                    literals.push(literal);
                }
                None => self.internal(span),
            }
        }
        literals
    }

    /// Reports two statements that share a line without a `;` between them.
    fn check_separated(&mut self, previous: Span, next: Span, what: &str) {
        let gap = Span::new(previous.end, next.start).text(self.source);
        if !gap.contains('\n') && !gap.contains(';') {
            self.diagnostics.push(
                Diagnostic::new(
                    &codes::MISSING_SEPARATOR,
                    format!("{what} must be separated by a newline or `;`"),
                )
                .with_primary(
                    Span::new(next.start, next.start),
                    "a new statement starts here",
                )
                .with_secondary(previous, "after this one")
                .with_help("put each on its own line"),
            );
        }
    }

    pub(super) fn literal(&mut self, pair: P<'_>) -> Option<Literal> {
        let span = self.span(&pair);
        let mut children = pair.into_inner();
        let stmt = children.next()?;
        let kind = match stmt.as_rule() {
            Rule::some_decl => self.some_decl(stmt)?,
            Rule::every_stmt => self.every(stmt)?,
            Rule::not_stmt => {
                let inner = stmt.into_inner().find(|p| p.as_rule() == Rule::expr_stmt)?;
                LiteralKind::Not(self.expr_stmt(inner)?)
            }
            Rule::expr_stmt => LiteralKind::Expr(self.expr_stmt(stmt)?),
            _ => return None,
        };
        let with = children
            .filter(|p| p.as_rule() == Rule::with_modifier)
            .map(|p| self.with_modifier(p))
            .collect::<Option<_>>()?;
        Some(Literal { span, kind, with })
    }

    fn some_decl(&mut self, pair: P<'_>) -> Option<LiteralKind> {
        let form = pair
            .into_inner()
            .find(|p| matches!(p.as_rule(), Rule::some_in | Rule::some_vars))?;
        if form.as_rule() == Rule::some_vars {
            return Some(LiteralKind::SomeVars(
                form.into_inner().map(|p| self.name(&p)).collect(),
            ));
        }
        let mut terms: Vec<Expr> = form
            .into_inner()
            .filter(|p| p.as_rule() == Rule::rel_expr)
            .map(|p| self.rel_expr(p))
            .collect::<Option<_>>()?;
        let collection = terms.pop()?;
        let value = terms.pop()?;
        let key = terms.pop();
        Some(LiteralKind::SomeIn {
            key,
            value,
            collection,
        })
    }

    fn every(&mut self, pair: P<'_>) -> Option<LiteralKind> {
        let mut vars = Vec::new();
        let mut domain = None;
        let mut body = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::var_name => vars.push(self.name(&child)),
                Rule::rel_expr => domain = Some(self.rel_expr(child)?),
                Rule::braced_body => body = Some(self.braced_body(child)),
                _ => {}
            }
        }
        let value = vars.pop()?;
        Some(LiteralKind::Every {
            key: vars.pop(),
            value,
            domain: domain?,
            body: body?,
        })
    }

    fn with_modifier(&mut self, pair: P<'_>) -> Option<WithModifier> {
        let span = self.span(&pair);
        let mut target = None;
        let mut value = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::term => target = Some(self.term(child)?),
                Rule::in_expr => value = Some(self.in_expr(child)?),
                _ => {}
            }
        }
        Some(WithModifier {
            span,
            target: target?,
            value: value?,
        })
    }

    fn expr_stmt(&mut self, pair: P<'_>) -> Option<Expr> {
        let span = self.span(&pair);
        let mut children = pair.into_inner();
        let first = self.in_expr(children.next()?)?;
        let Some(tail) = children.next() else {
            return Some(first);
        };
        match tail.as_rule() {
            Rule::pair_in_tail => self.pair_in(span, first, tail),
            Rule::assign_tail => {
                let mut op = AssignOp::Unify;
                let mut rhs = None;
                for child in tail.into_inner() {
                    match child.as_rule() {
                        Rule::op_assign => op = AssignOp::Assign,
                        Rule::op_unify => op = AssignOp::Unify,
                        Rule::in_expr => rhs = Some(self.in_expr(child)?),
                        _ => {}
                    }
                }
                Some(Expr {
                    span,
                    kind: ExprKind::Assign {
                        op,
                        lhs: Box::new(first),
                        rhs: Box::new(rhs?),
                    },
                })
            }
            _ => None,
        }
    }

    /// `key, value in collection [in more...]` where `key` is already built;
    /// further `in`s test the membership result, left to right.
    fn pair_in(&mut self, span: Span, key: Expr, tail: P<'_>) -> Option<Expr> {
        let mut parts = tail
            .into_inner()
            .filter(|p| p.as_rule() == Rule::rel_expr)
            .map(|p| self.rel_expr(p));
        let value = parts.next()??;
        let collection = parts.next()??;
        let mut expr = Expr {
            span: key.span.cover(collection.span),
            kind: ExprKind::Membership {
                key: Some(Box::new(key)),
                value: Box::new(value),
                collection: Box::new(collection),
            },
        };
        for part in parts {
            let collection = part?;
            expr = Expr {
                span: expr.span.cover(collection.span),
                kind: ExprKind::Membership {
                    key: None,
                    value: Box::new(expr),
                    collection: Box::new(collection),
                },
            };
        }
        expr.span = span.cover(expr.span);
        Some(expr)
    }

    // ------------------------------------------------------------ expressions

    /// `in_expr` and `compr_head`: operands joined by `in`, left-associative.
    pub(super) fn in_expr(&mut self, pair: P<'_>) -> Option<Expr> {
        let mut operands = pair
            .into_inner()
            .filter(|p| matches!(p.as_rule(), Rule::rel_expr | Rule::compr_rel))
            .map(|p| self.rel_expr(p));
        let mut expr = operands.next()??;
        for operand in operands {
            let collection = operand?;
            expr = Expr {
                span: expr.span.cover(collection.span),
                kind: ExprKind::Membership {
                    key: None,
                    value: Box::new(expr),
                    collection: Box::new(collection),
                },
            };
        }
        Some(expr)
    }

    /// Operands and infix operators, combined by precedence climbing.
    ///
    /// Chains are bounded: a left-nested tree thousands deep would overflow
    /// the stack of every recursive consumer (and of `Drop`).
    fn rel_expr(&mut self, pair: P<'_>) -> Option<Expr> {
        let span = self.span(&pair);
        let children = pair.into_inner();
        if children.len() > 2 * MAX_CHAIN {
            self.diagnostics.push(
                Diagnostic::new(
                    &codes::NESTING_TOO_DEEP,
                    format!("expression has more than {MAX_CHAIN} operators"),
                )
                .with_primary(Span::new(span.start, span.start), "expression starts here")
                .with_help("split it into helper rules"),
            );
            return Some(Expr {
                span,
                kind: ExprKind::Null,
            });
        }
        if children.len() == 1 {
            // Most operands stand alone: skip precedence climbing.
            let only = children.peek()?;
            if only.as_rule() == Rule::term {
                return self.term(only);
            }
        }
        let mut operands: Vec<Expr> = Vec::with_capacity(children.len() / 2 + 1);
        let mut operators: Vec<BinOp> = Vec::with_capacity(children.len() / 2);
        let mut negations: Vec<Span> = Vec::new();
        for child in children {
            match child.as_rule() {
                Rule::neg => negations.push(self.span(&child)),
                Rule::term => {
                    let mut expr = self.term(child)?;
                    while let Some(neg) = negations.pop() {
                        expr = negate(neg, expr);
                    }
                    operands.push(expr);
                }
                operator => operators.push(binop(operator)?),
            }
        }
        climb(operands, &operators)
    }

    pub(super) fn term(&mut self, pair: P<'_>) -> Option<Expr> {
        let span = self.span(&pair);
        let mut children = pair.into_inner();
        let mut expr = self.term_head(children.next()?)?;
        let path: Vec<RefArg> = children
            .map(|arg| self.ref_arg(arg))
            .collect::<Option<_>>()?;
        if path.is_empty() {
            return Some(expr);
        }
        // `a.b` from var_or_call followed by `[c]` extends one reference.
        if let ExprKind::Ref { path: existing, .. } = &mut expr.kind {
            existing.extend(path);
            expr.span = span;
            return Some(expr);
        }
        Some(Expr {
            span,
            kind: ExprKind::Ref {
                head: Box::new(expr),
                path,
            },
        })
    }

    fn ref_arg(&mut self, pair: P<'_>) -> Option<RefArg> {
        match pair.as_rule() {
            Rule::dot_arg => {
                let name = pair.into_inner().next()?;
                Some(RefArg::Dot(self.name(&name)))
            }
            Rule::bracket_arg => {
                let expr = pair.into_inner().find(|p| p.as_rule() == Rule::in_expr)?;
                Some(RefArg::Bracket(self.in_expr(expr)?))
            }
            _ => None,
        }
    }

    fn term_head(&mut self, pair: P<'_>) -> Option<Expr> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::null_lit => ExprKind::Null,
            Rule::true_lit => ExprKind::Bool(true),
            Rule::false_lit => ExprKind::Bool(false),
            Rule::number => ExprKind::Number(pair.as_str().to_string()),
            Rule::string => ExprKind::String(StringLit {
                value: self.string_value(pair),
                raw: false,
            }),
            Rule::raw_string => ExprKind::String(StringLit {
                value: pair
                    .into_inner()
                    .next()
                    .map_or_else(String::new, |p| p.as_str().to_string()),
                raw: true,
            }),
            Rule::template | Rule::raw_template => self.template(pair)?,
            Rule::array => self.array(pair)?,
            Rule::brace => self.brace(pair)?,
            Rule::paren => {
                let mut children = pair.into_inner();
                let first = self.in_expr(children.next()?)?;
                let inner = match children.next() {
                    Some(tail) => self.pair_in(span, first, tail)?,
                    None => first,
                };
                ExprKind::Paren(Box::new(inner))
            }
            Rule::var_or_call => return self.var_or_call(pair),
            _ => return None,
        };
        Some(Expr { span, kind })
    }

    fn var_or_call(&mut self, pair: P<'_>) -> Option<Expr> {
        let span = self.span(&pair);
        let mut names = Vec::new();
        let mut args = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::var_name | Rule::any_name => names.push(self.name(&child)),
                Rule::call_args => args = Some(self.call_args(child)?),
                _ => {}
            }
        }
        if let Some(args) = args {
            return Some(Expr {
                span,
                kind: ExprKind::Call { func: names, args },
            });
        }
        let mut names = names.into_iter();
        let head = names.next()?;
        let var = Expr {
            span: head.span,
            kind: ExprKind::Var(head.text),
        };
        let path: Vec<RefArg> = names.map(RefArg::Dot).collect();
        if path.is_empty() {
            return Some(var);
        }
        Some(Expr {
            span,
            kind: ExprKind::Ref {
                head: Box::new(var),
                path,
            },
        })
    }

    fn call_args(&mut self, pair: P<'_>) -> Option<Vec<Expr>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::in_expr)
            .map(|p| self.in_expr(p))
            .collect()
    }

    fn array(&mut self, pair: P<'_>) -> Option<ExprKind> {
        let mut children = pair.into_inner();
        let Some(first) = children.next() else {
            return Some(ExprKind::Array(Vec::new()));
        };
        let first = self.in_expr(first)?;
        let tail = children.next()?;
        match tail.as_rule() {
            Rule::compr_tail_array => Some(ExprKind::ArrayCompr {
                term: Box::new(first),
                body: self.compr_body(tail)?,
            }),
            _ => {
                let mut items = vec![first];
                items.extend(self.list(tail)?);
                Some(ExprKind::Array(items))
            }
        }
    }

    fn brace(&mut self, pair: P<'_>) -> Option<ExprKind> {
        let mut children = pair.into_inner();
        let Some(first) = children.next() else {
            return Some(ExprKind::Object(Vec::new()));
        };
        let first = self.in_expr(first)?;
        let tail = children.next()?;
        match tail.as_rule() {
            Rule::compr_tail_set => Some(ExprKind::SetCompr {
                term: Box::new(first),
                body: self.compr_body(tail)?,
            }),
            Rule::list_tail_set => {
                let mut items = vec![first];
                items.extend(self.list(tail)?);
                Some(ExprKind::Set(items))
            }
            Rule::object_tail => {
                let mut parts = tail.into_inner();
                let value = self.in_expr(parts.next()?)?;
                let rest = parts.next()?;
                if rest.as_rule() == Rule::compr_tail_object {
                    return Some(ExprKind::ObjectCompr {
                        key: Box::new(first),
                        value: Box::new(value),
                        body: self.compr_body(rest)?,
                    });
                }
                let mut entries = vec![(first, value)];
                for entry in rest
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::object_entry)
                {
                    let mut kv = entry.into_inner().filter(|p| p.as_rule() == Rule::in_expr);
                    let key = self.in_expr(kv.next()?)?;
                    let value = self.in_expr(kv.next()?)?;
                    entries.push((key, value));
                }
                Some(ExprKind::Object(entries))
            }
            _ => None,
        }
    }

    fn list(&mut self, pair: P<'_>) -> Option<Vec<Expr>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::in_expr)
            .map(|p| self.in_expr(p))
            .collect()
    }

    fn compr_body(&mut self, tail: P<'_>) -> Option<Body> {
        let body = tail
            .into_inner()
            .find(|p| p.as_rule() == Rule::compr_body)?;
        let span = self.span(&body);
        let literals = self.literals(body.into_inner());
        Some(Body {
            span,
            literals,
            braced: false,
        })
    }

    fn template(&mut self, pair: P<'_>) -> Option<ExprKind> {
        let raw = pair.as_rule() == Rule::raw_template;
        let mut parts = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::template_text => parts.push(TemplatePart::Text(unescape(child.as_str()))),
                Rule::raw_template_text => {
                    parts.push(TemplatePart::Text(child.as_str().replace("\\{", "{")));
                }
                Rule::template_expr => {
                    let mut expr = None;
                    let mut with = Vec::new();
                    for inner in child.into_inner() {
                        match inner.as_rule() {
                            Rule::in_expr => expr = Some(self.in_expr(inner)?),
                            Rule::with_modifier => with.push(self.with_modifier(inner)?),
                            _ => {}
                        }
                    }
                    parts.push(TemplatePart::Expr { expr: expr?, with });
                }
                _ => {}
            }
        }
        Some(ExprKind::Template(TemplateString { parts, raw }))
    }

    fn string_value(&self, pair: P<'_>) -> String {
        pair.into_inner()
            .next()
            .map_or_else(String::new, |inner| unescape(inner.as_str()))
    }

    // ------------------------------------------------------------ declarations

    fn risk(&mut self, pair: P<'_>) -> Option<RiskDecl> {
        let span = self.span(&pair);
        let mut id = None;
        let mut fields = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::string => id = Some(self.quoted_name(child)),
                Rule::field => fields.push(self.field(child)?),
                _ => {}
            }
        }
        Some(RiskDecl {
            span,
            id: id?,
            fields,
        })
    }

    fn control(&mut self, pair: P<'_>) -> Option<ControlDecl> {
        let span = self.span(&pair);
        let mut id = None;
        let mut members = Vec::new();
        for child in pair.into_inner() {
            let member = match child.as_rule() {
                Rule::string => {
                    id = Some(self.quoted_name(child));
                    continue;
                }
                Rule::field => ControlMember::Field(self.field(child)?),
                Rule::applies_block => {
                    let block_span = self.span(&child);
                    let parsed = child
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::rule_body)
                        .and_then(|body| self.rule_body(body))?;
                    if !parsed.has_if {
                        self.diagnostics.push(
                            Diagnostic::new(
                                &codes::MISSING_IF,
                                "`applies` needs `if` before its condition",
                            )
                            .with_primary(
                                Span::new(parsed.body.span.start, parsed.body.span.start + 1),
                                "",
                            )
                            .with_help("write `applies if { ... }`"),
                        );
                    }
                    ControlMember::Applies(Applies {
                        span: block_span,
                        body: parsed.body,
                    })
                }
                Rule::require_block => match self.requirement(child) {
                    Some(requirement) => ControlMember::Require(requirement),
                    None => continue,
                },
                Rule::rule => ControlMember::Rule(self.rule(child)?),
                _ => continue,
            };
            members.push(member);
        }
        Some(ControlDecl {
            span,
            id: id?,
            members,
        })
    }

    fn requirement(&mut self, pair: P<'_>) -> Option<crate::ast::Requirement> {
        let span = self.span(&pair);
        let mut kind = None;
        let mut id = None;
        let mut fields = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::any_name => kind = Some(self.name(&child)),
                Rule::string => id = Some(self.quoted_name(child)),
                Rule::field => fields.push(self.field(child)?),
                _ => {}
            }
        }
        let kind_name = kind?;
        let Some(kind) = RequirementKind::from_keyword(&kind_name.text) else {
            let known: Vec<_> = RequirementKind::ALL.iter().map(|k| k.as_str()).collect();
            self.diagnostics.push(
                Diagnostic::new(
                    &codes::UNKNOWN_REQUIREMENT_KIND,
                    format!("unknown requirement kind `{}`", kind_name.text),
                )
                .with_primary(kind_name.span, "not a requirement kind")
                .with_help(format!("use one of: {}", known.join(", "))),
            );
            return None;
        };
        Some(crate::ast::Requirement {
            span,
            kind,
            kind_span: kind_name.span,
            id: id?,
            fields,
        })
    }

    fn field(&mut self, pair: P<'_>) -> Option<Field> {
        let span = self.span(&pair);
        let mut name = None;
        let mut value = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::any_name => name = Some(self.name(&child)),
                Rule::in_expr => value = Some(self.in_expr(child)?),
                _ => {}
            }
        }
        Some(Field {
            span,
            name: name?,
            value: value?,
        })
    }
}

fn binop(operator: Rule) -> Option<BinOp> {
    Some(match operator {
        Rule::op_eq => BinOp::Eq,
        Rule::op_neq => BinOp::Neq,
        Rule::op_lt => BinOp::Lt,
        Rule::op_lte => BinOp::Lte,
        Rule::op_gt => BinOp::Gt,
        Rule::op_gte => BinOp::Gte,
        Rule::op_or => BinOp::Or,
        Rule::op_and => BinOp::And,
        Rule::op_add => BinOp::Add,
        Rule::op_sub => BinOp::Sub,
        Rule::op_mul => BinOp::Mul,
        Rule::op_div => BinOp::Div,
        Rule::op_rem => BinOp::Rem,
        _ => return None,
    })
}

/// Folds `-` into a number literal, or wraps the operand in `Neg`.
fn negate(neg: Span, operand: Expr) -> Expr {
    let span = neg.cover(operand.span);
    match operand.kind {
        ExprKind::Number(text) if !text.starts_with('-') => Expr {
            span,
            kind: ExprKind::Number(format!("-{text}")),
        },
        kind => Expr {
            span,
            kind: ExprKind::Neg(Box::new(Expr {
                span: operand.span,
                kind,
            })),
        },
    }
}

/// Combines `operands[0] op[0] operands[1] ...` respecting precedence; all
/// operators are left-associative.
fn climb(operands: Vec<Expr>, operators: &[BinOp]) -> Option<Expr> {
    let mut output: Vec<Expr> = Vec::with_capacity(operands.len());
    let mut pending: Vec<BinOp> = Vec::with_capacity(operators.len());
    let mut operands = operands.into_iter();
    output.push(operands.next()?);
    for (&op, operand) in operators.iter().zip(operands) {
        while pending
            .last()
            .is_some_and(|top| top.precedence() >= op.precedence())
        {
            reduce(&mut output, &mut pending)?;
        }
        pending.push(op);
        output.push(operand);
    }
    while !pending.is_empty() {
        reduce(&mut output, &mut pending)?;
    }
    output.pop()
}

fn reduce(output: &mut Vec<Expr>, pending: &mut Vec<BinOp>) -> Option<()> {
    let op = pending.pop()?;
    let rhs = output.pop()?;
    let lhs = output.pop()?;
    output.push(Expr {
        span: lhs.span.cover(rhs.span),
        kind: ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
    });
    Some(())
}

/// Decodes JSON-style escapes; invalid escapes (already reported by the
/// scanner) are kept as written.
pub(super) fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let code = hex4(&mut chars);
                match code {
                    Some(high @ 0xD800..=0xDBFF) => {
                        let mut lookahead = chars.clone();
                        let low = (lookahead.next() == Some('\\') && lookahead.next() == Some('u'))
                            .then(|| hex4(&mut lookahead))
                            .flatten()
                            .filter(|low| (0xDC00..=0xDFFF).contains(low));
                        if let Some(low) = low {
                            chars = lookahead;
                            let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                            out.push(char::from_u32(combined).unwrap_or('\u{FFFD}'));
                        } else {
                            out.push('\u{FFFD}');
                        }
                    }
                    Some(code) => out.push(char::from_u32(code).unwrap_or('\u{FFFD}')),
                    None => out.push_str("\\u"),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn hex4(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<u32> {
    let mut value = 0;
    for _ in 0..4 {
        value = value * 16 + chars.next()?.to_digit(16)?;
    }
    Some(value)
}
