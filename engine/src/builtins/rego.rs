//! `rego.parse_module`: a Rego module's syntax tree as OPA's AST JSON.
//!
//! The source is parsed with riskgate's own Rego v1 parser
//! ([`riskgate_dsl::parse_module`]) and the tree is written in the shape of
//! OPA's `ast.Module` JSON encoding, so policies that inspect
//! `module["package"].path`, `module.rules[i].head.name` and the like read
//! the same values as under OPA:
//!
//! - the module is `{"package": {"path": ref}, "imports": [...],
//!   "rules": [...]}`; `imports` and `rules` are left out when empty, as OPA
//!   leaves them out;
//! - the package path starts with `data` (`[{"type": "var", "value":
//!   "data"}, {"type": "string", "value": "foo"}, ...]`);
//! - an import is `{"path": ref_term}` plus `"alias"` when written;
//! - a rule is `{"head": ..., "body": [...]}` plus `"default": true` and a
//!   nested `"else"` rule; a rule written without a body gets OPA's
//!   generated body `[true]`;
//! - a head carries `ref`, `name` (for single-name refs), `value` (`true`
//!   when none is written, except for `contains` rules), `key` (the term
//!   after `contains`), `args` (functions) and `assign` (`:=`);
//! - an expression is `{"index": i, "terms": ...}` plus `"negated"` and
//!   `"with"`; `terms` is an array `[operator, operands...]` for calls and
//!   operators (`eq`, `assign`, `equal`, `plus`, `internal.member_2`, ...),
//!   a single term otherwise, `{"symbols": [...]}` for `some`, and
//!   `{"key", "value", "domain", "body"}` for `every`;
//! - terms are `{"type": ..., "value": ...}` of every kind: `null`,
//!   `boolean`, `number`, `string`, `var`, `ref`, `array`, `set`, `object`
//!   (a list of `[key, value]` pairs), `call`, and the three comprehensions
//!   (`{"term", "body"}` or `{"key", "value", "body"}`). Wildcards `_` are
//!   renamed `$0`, `$1`, ... in order, as OPA's parser does.
//!
//! Left out, and why:
//!
//! - locations (`"location"`) and comments: OPA itself omits them unless
//!   asked to include them, and riskgate's spans are byte offsets, not
//!   OPA's row/column/text triples;
//! - annotations (`# METADATA` blocks): riskgate's parser keeps comments as
//!   text and does not interpret metadata;
//! - template strings are written as a call of `internal.template_string`
//!   on an array of their text and expression parts, an approximation of
//!   OPA's node;
//! - unary minus on a non-literal (`-x`) is written as `minus(0, x)`; OPA
//!   folds only number literals, which riskgate's parser also does.
//!
//! Parse errors fail the call with `rego.parse_module: FILE:LINE:
//! rego_parse_error: MESSAGE` (`eval_builtin_error`) for the first error;
//! the input ending where a name was expected is worded as OPA words it,
//! `unexpected eof token: expected ident`.

use riskgate_dsl::ast::{
    AssignOp, Body, Expr, ExprKind, HeadValue, Import, Literal, LiteralKind, Module, Name, Package,
    RefArg, Rule, RuleHead, TemplatePart, WithModifier,
};
use riskgate_dsl::diagnostics::codes;
use riskgate_dsl::{Diagnostic, Dialect, LineIndex, ParseOptions, Severity};
use serde_json::{Map, Value as Json, json};

use crate::builtins::operands::{failed, string};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const NAME: &str = "rego.parse_module";

/// The `rego` category.
pub(crate) const BUILTINS: &[Builtin] = &[Builtin::new(
    "rego",
    NAME,
    2,
    parse_module,
    "Parses a Rego module into OPA's AST JSON object (no locations or annotations).",
)];

fn parse_module(_ctx: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let filename = string(NAME, args, 1)?;
    let source = string(NAME, args, 2)?;
    let parsed = riskgate_dsl::parse_module(source, ParseOptions::new(Dialect::Rego));
    if let Some(error) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity() == Severity::Error)
    {
        return Err(failed(NAME, parse_error(filename, source, error)));
    }
    let json = Writer::default().module(&parsed.module);
    Ok(Value::from_json(&json))
}

/// `FILE:LINE: rego_parse_error: MESSAGE`, OPA's rendering of an error.
fn parse_error(filename: &str, source: &str, error: &Diagnostic) -> String {
    let at = error.primary_span().start;
    let line = LineIndex::new(source).line_col(source, at).line;
    format!(
        "{filename}:{line}: rego_parse_error: {}",
        parse_message(error)
    )
}

/// The error's message, in OPA's words where riskgate's differ.
fn parse_message(error: &Diagnostic) -> String {
    let expected = error
        .labels()
        .iter()
        .find(|label| label.primary)
        .and_then(|label| label.message.as_deref());
    if std::ptr::eq(error.code(), &codes::UNEXPECTED_EOF) {
        if expected.is_some_and(|m| m.starts_with("expected a name")) {
            return "unexpected eof token: expected ident".to_owned();
        }
        return match expected {
            Some(expected) => format!("unexpected eof token: {expected}"),
            None => "unexpected eof token".to_owned(),
        };
    }
    match expected {
        Some(expected) => format!("{}: {expected}", error.message()),
        None => error.message().to_owned(),
    }
}

fn term(kind: &str, value: Json) -> Json {
    json!({"type": kind, "value": value})
}

fn var(name: &str) -> Json {
    term("var", Json::String(name.to_owned()))
}

fn str_term(text: &str) -> Json {
    term("string", Json::String(text.to_owned()))
}

/// A dotted path as OPA writes a ref's parts: the first a var, the rest
/// strings (`internal.member_2` is `[var internal, string member_2]`).
fn dotted_path<'a>(mut names: impl Iterator<Item = &'a str>) -> Vec<Json> {
    let mut path = vec![var(names.next().unwrap_or_default())];
    path.extend(names.map(str_term));
    path
}

/// A dotted operator name as OPA's ref.
fn operator(dotted: &str) -> Json {
    term("ref", Json::Array(dotted_path(dotted.split('.'))))
}

fn bool_term(value: bool) -> Json {
    term("boolean", Json::Bool(value))
}

/// Writes one module; keeps the wildcard counter.
#[derive(Default)]
struct Writer {
    wildcards: usize,
}

impl Writer {
    fn module(&mut self, module: &Module) -> Json {
        let mut out = Map::new();
        out.insert("package".into(), package(module.package.as_ref()));
        if !module.imports.is_empty() {
            out.insert(
                "imports".into(),
                Json::Array(module.imports.iter().map(import).collect()),
            );
        }
        let rules: Vec<Json> = module
            .items
            .iter()
            .filter_map(|item| match item {
                riskgate_dsl::ast::Item::Rule(rule) => Some(self.rule(rule)),
                _ => None,
            })
            .collect();
        if !rules.is_empty() {
            out.insert("rules".into(), Json::Array(rules));
        }
        Json::Object(out)
    }

    fn rule(&mut self, rule: &Rule) -> Json {
        let mut out = Map::new();
        out.insert("head".into(), self.head(&rule.head));
        out.insert("body".into(), self.body_or_true(rule.body.as_ref()));
        if rule.is_default {
            out.insert("default".into(), Json::Bool(true));
        }
        if let Some(chain) = self.else_chain(&rule.head, &rule.else_chain) {
            out.insert("else".into(), chain);
        }
        Json::Object(out)
    }

    /// The `else` clauses as OPA's nested rules: each repeats the head's
    /// name, ref and args with its own value (`true` when none).
    fn else_chain(
        &mut self,
        head: &RuleHead,
        clauses: &[riskgate_dsl::ast::ElseClause],
    ) -> Option<Json> {
        let (first, rest) = clauses.split_first()?;
        let mut h = Map::new();
        self.head_ref(head, &mut h);
        self.head_value(first.value.as_ref(), true, &mut h);
        let mut out = Map::new();
        out.insert("head".into(), Json::Object(h));
        out.insert("body".into(), self.body_or_true(first.body.as_ref()));
        if let Some(next) = self.else_chain(head, rest) {
            out.insert("else".into(), next);
        }
        Some(Json::Object(out))
    }

    /// `name`, `ref` and `args` of a head.
    fn head_ref(&mut self, head: &RuleHead, out: &mut Map<String, Json>) {
        let reference = &head.reference;
        if reference.path.is_empty() {
            out.insert("name".into(), Json::String(reference.name.text.clone()));
        }
        let mut path = vec![var(&reference.name.text)];
        path.extend(reference.path.iter().map(|arg| self.ref_arg(arg)));
        out.insert("ref".into(), Json::Array(path));
        if let Some(args) = &head.args {
            let args = args.iter().map(|a| self.term(a)).collect();
            out.insert("args".into(), Json::Array(args));
        }
    }

    fn head(&mut self, head: &RuleHead) -> Json {
        let mut out = Map::new();
        self.head_ref(head, &mut out);
        if let Some(key) = &head.contains {
            out.insert("key".into(), self.term(key));
        }
        self.head_value(head.value.as_ref(), head.contains.is_none(), &mut out);
        Json::Object(out)
    }

    /// `value` and `assign` of a head or `else` clause; with no value
    /// written, `true` when `true_if_none` (not for `contains` rules).
    fn head_value(
        &mut self,
        value: Option<&HeadValue>,
        true_if_none: bool,
        out: &mut Map<String, Json>,
    ) {
        match value {
            Some(value) => {
                out.insert("value".into(), self.term(&value.value));
                if value.op == AssignOp::Assign {
                    out.insert("assign".into(), Json::Bool(true));
                }
            }
            None if true_if_none => {
                out.insert("value".into(), bool_term(true));
            }
            None => {}
        }
    }

    /// A body, or OPA's generated `[true]` for rules written without one.
    fn body_or_true(&mut self, body: Option<&Body>) -> Json {
        match body {
            Some(body) => self.body(body),
            None => json!([{"index": 0, "terms": bool_term(true)}]),
        }
    }

    fn body(&mut self, body: &Body) -> Json {
        Json::Array(
            body.literals
                .iter()
                .enumerate()
                .map(|(index, literal)| self.literal(index, literal))
                .collect(),
        )
    }

    fn literal(&mut self, index: usize, literal: &Literal) -> Json {
        let mut out = Map::new();
        out.insert("index".into(), json!(index));
        let terms = match &literal.kind {
            LiteralKind::Expr(expr) => self.expr_terms(expr),
            LiteralKind::Not(expr) => {
                out.insert("negated".into(), Json::Bool(true));
                self.expr_terms(expr)
            }
            LiteralKind::SomeVars(names) => {
                let symbols: Vec<Json> = names.iter().map(|n| self.name_var(n)).collect();
                json!({ "symbols": symbols })
            }
            LiteralKind::SomeIn {
                key,
                value,
                collection,
            } => {
                let call = self.membership(key.as_ref(), value, collection);
                json!({ "symbols": [term("call", call)] })
            }
            LiteralKind::Every {
                key,
                value,
                domain,
                body,
            } => {
                let key = key.as_ref().map_or(Json::Null, |k| self.name_var(k));
                json!({
                    "key": key,
                    "value": self.name_var(value),
                    "domain": self.term(domain),
                    "body": self.body(body),
                })
            }
        };
        out.insert("terms".into(), terms);
        if !literal.with.is_empty() {
            let with: Vec<Json> = literal.with.iter().map(|w| self.with(w)).collect();
            out.insert("with".into(), Json::Array(with));
        }
        Json::Object(out)
    }

    fn with(&mut self, with: &WithModifier) -> Json {
        json!({"target": self.term(&with.target), "value": self.term(&with.value)})
    }

    /// An expression's `terms`: `[operator, operands...]` for calls and
    /// operators, the single term otherwise.
    fn expr_terms(&mut self, expr: &Expr) -> Json {
        match self.call_parts(expr) {
            Some(parts) => parts,
            None => self.term(expr),
        }
    }

    /// `[operator, operands...]` when `expr` is a call or operator.
    fn call_parts(&mut self, expr: &Expr) -> Option<Json> {
        Some(match &expr.kind {
            ExprKind::Paren(inner) => return self.call_parts(inner),
            ExprKind::Call { func, args } => {
                let path = dotted_path(func.iter().map(|name| name.text.as_str()));
                let mut parts = vec![term("ref", Json::Array(path))];
                parts.extend(args.iter().map(|a| self.term(a)));
                Json::Array(parts)
            }
            ExprKind::Binary { op, lhs, rhs } => Json::Array(vec![
                operator(op.builtin_name()),
                self.term(lhs),
                self.term(rhs),
            ]),
            ExprKind::Assign { op, lhs, rhs } => {
                let name = match op {
                    AssignOp::Assign => "assign",
                    AssignOp::Unify => "eq",
                };
                Json::Array(vec![operator(name), self.term(lhs), self.term(rhs)])
            }
            ExprKind::Membership {
                key,
                value,
                collection,
            } => self.membership(key.as_deref(), value, collection),
            ExprKind::Neg(inner) => Json::Array(vec![
                operator("minus"),
                term("number", json!(0)),
                self.term(inner),
            ]),
            ExprKind::Template(template) => {
                let parts: Vec<Json> = template
                    .parts
                    .iter()
                    .map(|part| match part {
                        TemplatePart::Text(text) => str_term(text),
                        TemplatePart::Expr { expr, .. } => self.term(expr),
                    })
                    .collect();
                Json::Array(vec![
                    operator("internal.template_string"),
                    term("array", Json::Array(parts)),
                ])
            }
            _ => return None,
        })
    }

    fn membership(&mut self, key: Option<&Expr>, value: &Expr, collection: &Expr) -> Json {
        let mut parts = vec![operator(if key.is_some() {
            "internal.member_3"
        } else {
            "internal.member_2"
        })];
        if let Some(key) = key {
            parts.push(self.term(key));
        }
        parts.push(self.term(value));
        parts.push(self.term(collection));
        Json::Array(parts)
    }

    fn name_var(&mut self, name: &Name) -> Json {
        self.var(&name.text)
    }

    /// A variable; `_` becomes the next `$N`.
    fn var(&mut self, name: &str) -> Json {
        if name == "_" {
            let renamed = format!("${}", self.wildcards);
            self.wildcards += 1;
            var(&renamed)
        } else {
            var(name)
        }
    }

    fn ref_arg(&mut self, arg: &RefArg) -> Json {
        match arg {
            RefArg::Dot(name) => str_term(&name.text),
            RefArg::Bracket(expr) => self.term(expr),
        }
    }

    fn term(&mut self, expr: &Expr) -> Json {
        if let Some(parts) = self.call_parts(expr) {
            return term("call", parts);
        }
        match &expr.kind {
            ExprKind::Null => term("null", Json::Null),
            ExprKind::Bool(value) => bool_term(*value),
            ExprKind::Number(spelling) => term("number", number(spelling)),
            ExprKind::String(lit) => str_term(&lit.value),
            ExprKind::Var(name) => self.var(name),
            ExprKind::Ref { head, path } => {
                let mut out = match self.term(head) {
                    Json::Object(mut head) if head.get("type") == Some(&json!("ref")) => {
                        match head.remove("value") {
                            Some(Json::Array(items)) => items,
                            _ => Vec::new(),
                        }
                    }
                    head => vec![head],
                };
                out.extend(path.iter().map(|arg| self.ref_arg(arg)));
                term("ref", Json::Array(out))
            }
            ExprKind::Array(items) => {
                let items = items.iter().map(|i| self.term(i)).collect();
                term("array", Json::Array(items))
            }
            ExprKind::Set(items) => {
                let items = items.iter().map(|i| self.term(i)).collect();
                term("set", Json::Array(items))
            }
            ExprKind::Object(pairs) => {
                let pairs = pairs
                    .iter()
                    .map(|(k, v)| Json::Array(vec![self.term(k), self.term(v)]))
                    .collect();
                term("object", Json::Array(pairs))
            }
            ExprKind::ArrayCompr { term: t, body } => term(
                "arraycomprehension",
                json!({"term": self.term(t), "body": self.body(body)}),
            ),
            ExprKind::SetCompr { term: t, body } => term(
                "setcomprehension",
                json!({"term": self.term(t), "body": self.body(body)}),
            ),
            ExprKind::ObjectCompr { key, value, body } => term(
                "objectcomprehension",
                json!({
                    "key": self.term(key),
                    "value": self.term(value),
                    "body": self.body(body),
                }),
            ),
            // Calls, operators, parentheses, negation and templates are
            // handled by `call_parts` above.
            ExprKind::Paren(_)
            | ExprKind::Call { .. }
            | ExprKind::Binary { .. }
            | ExprKind::Assign { .. }
            | ExprKind::Membership { .. }
            | ExprKind::Neg(_)
            | ExprKind::Template(_) => Json::Null,
        }
    }
}

/// A number literal as a JSON number; a spelling JSON cannot hold (too
/// large) stays a string.
fn number(spelling: &str) -> Json {
    match serde_json::from_str::<Json>(spelling) {
        Ok(Json::Number(n)) => Json::Number(n),
        _ => Json::String(spelling.to_owned()),
    }
}

fn package(package: Option<&Package>) -> Json {
    let mut path = vec![var("data")];
    if let Some(package) = package {
        path.extend(package.path.iter().map(|n| str_term(&n.text)));
    }
    json!({ "path": path })
}

fn import(import: &Import) -> Json {
    let mut path = dotted_path(import.path.iter().map(|n| n.text.as_str()));
    let path = if path.len() == 1 {
        path.remove(0)
    } else {
        term("ref", Json::Array(path))
    };
    let mut out = Map::new();
    out.insert("path".into(), path);
    if let Some(alias) = &import.alias {
        out.insert("alias".into(), Json::String(alias.text.clone()));
    }
    Json::Object(out)
}

#[cfg(test)]
mod tests;
