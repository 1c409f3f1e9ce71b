//! Expressions, collections and string literals.

use super::Printer;
use crate::ast::{Body, Expr, ExprKind, StringLit, TemplatePart, TemplateString};
use crate::span::Span;

impl Printer<'_> {
    pub(super) fn expr(&mut self, expr: &Expr) {
        self.flush_before(expr.span.start);
        match &expr.kind {
            ExprKind::Null => self.write("null"),
            ExprKind::Bool(true) => self.write("true"),
            ExprKind::Bool(false) => self.write("false"),
            ExprKind::Number(spelling) => self.write(spelling),
            ExprKind::String(lit) => self.string(lit),
            ExprKind::Template(template) => self.template(template),
            ExprKind::Var(name) => self.write(name),
            ExprKind::Ref { head, path } => {
                self.expr(head);
                for arg in path {
                    self.ref_arg(arg);
                }
            }
            ExprKind::Call { func, args } => {
                for (i, name) in func.iter().enumerate() {
                    if i > 0 {
                        self.write(".");
                    }
                    self.write(&name.text);
                }
                let open = func.last().map_or(expr.span.start, |name| name.span.end);
                self.call_args(open, args, expr.span.end.saturating_sub(1));
            }
            ExprKind::Array(items) => {
                self.collection(
                    ("[", "]"),
                    expr.span,
                    items,
                    |p, item| p.expr(item),
                    |item| item.span,
                );
            }
            ExprKind::Set(items) => {
                self.collection(
                    ("{", "}"),
                    expr.span,
                    items,
                    |p, item| p.expr(item),
                    |item| item.span,
                );
            }
            ExprKind::Object(entries) => self.collection(
                ("{", "}"),
                expr.span,
                entries,
                |p, (key, value)| {
                    p.expr(key);
                    p.write(": ");
                    p.expr(value);
                },
                |(key, value)| key.span.cover(value.span),
            ),
            ExprKind::ArrayCompr { term, body } => {
                self.write("[");
                self.expr(term);
                self.compr_body(term.span.end, body, expr.span, "]");
            }
            ExprKind::SetCompr { term, body } => {
                self.write("{");
                self.expr(term);
                self.compr_body(term.span.end, body, expr.span, "}");
            }
            ExprKind::ObjectCompr { key, value, body } => {
                self.write("{");
                self.expr(key);
                self.write(": ");
                self.expr(value);
                self.compr_body(value.span.end, body, expr.span, "}");
            }
            ExprKind::Paren(inner) => {
                self.write("(");
                self.expr(inner);
                self.write(")");
            }
            ExprKind::Neg(inner) => {
                self.write("-");
                self.expr(inner);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.expr(lhs);
                self.write(" ");
                self.write(op.as_str());
                self.write(" ");
                self.expr(rhs);
            }
            ExprKind::Membership {
                key,
                value,
                collection,
            } => {
                if let Some(key) = key {
                    self.expr(key);
                    self.write(", ");
                }
                self.expr(value);
                self.write(" in ");
                self.expr(collection);
            }
            ExprKind::Assign { op, lhs, rhs } => {
                self.expr(lhs);
                self.write(" ");
                self.write(op.as_str());
                self.write(" ");
                self.expr(rhs);
            }
        }
    }

    /// Prints `(args)`. Arguments go one per line, with trailing commas,
    /// when the first one was written on a line after the `(`.
    pub(super) fn call_args(&mut self, open: u32, args: &[Expr], close: u32) {
        self.write("(");
        let multiline = self.single_line == 0
            && args
                .first()
                .is_some_and(|first| self.breaks_between(open, first.span.start));
        if multiline {
            self.trailing_comment(open.saturating_add(1));
            self.end_line();
            self.indented(|p| {
                for arg in args {
                    p.leading(arg.span.start);
                    p.expr(arg);
                    p.write(",");
                    p.finish_line(arg.span.end);
                }
                p.flush_before(close);
            });
        } else {
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    self.write(", ");
                }
                self.expr(arg);
            }
        }
        self.write(")");
    }

    /// An array, set or object: on one line if it was written on one line,
    /// otherwise one element per line with trailing commas.
    fn collection<T>(
        &mut self,
        (open, close): (&str, &str),
        span: Span,
        items: &[T],
        print: impl Fn(&mut Self, &T),
        item_span: impl Fn(&T) -> Span,
    ) {
        let close_pos = span.end.saturating_sub(1);
        let multiline = self.single_line == 0
            && self.breaks_between(span.start, span.end)
            && (!items.is_empty() || self.comment_before(close_pos));
        self.write(open);
        if multiline {
            self.trailing_comment(span.start.saturating_add(1));
            self.end_line();
            self.indented(|p| {
                for item in items {
                    let item_span = item_span(item);
                    p.leading(item_span.start);
                    print(p, item);
                    p.write(",");
                    p.finish_line(item_span.end);
                }
                p.flush_before(close_pos);
            });
        } else {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.write(", ");
                }
                print(self, item);
            }
        }
        self.write(close);
    }

    /// ` | body` and the closing bracket of a comprehension.
    fn compr_body(&mut self, head_end: u32, body: &Body, span: Span, close: &str) {
        self.write(" |");
        let multiline = self.single_line == 0 && self.breaks_between(span.start, span.end);
        if multiline {
            let bar = self
                .find_char(head_end, body.span.start, '|')
                .unwrap_or(head_end);
            self.trailing_comment(bar.saturating_add(1));
            self.end_line();
            self.indented(|p| {
                p.literal_lines(&body.literals);
                p.flush_before(span.end.saturating_sub(1));
            });
        } else {
            self.write(" ");
            self.literals_inline(&body.literals);
        }
        self.write(close);
    }

    fn string(&mut self, lit: &StringLit) {
        if lit.raw && !lit.value.contains('`') {
            self.write("`");
            self.write(&lit.value);
            self.write("`");
        } else {
            self.write(&quote(&lit.value));
        }
    }

    fn template(&mut self, template: &TemplateString) {
        self.write(if template.raw { "$`" } else { "$\"" });
        self.single_line += 1;
        for part in &template.parts {
            match part {
                TemplatePart::Text(text) => {
                    let mut escaped = String::with_capacity(text.len());
                    for c in text.chars() {
                        if c == '{' {
                            escaped.push_str("\\{");
                        } else if template.raw {
                            escaped.push(c);
                        } else {
                            push_escaped(&mut escaped, c);
                        }
                    }
                    self.write(&escaped);
                }
                TemplatePart::Expr { expr, with } => {
                    self.write("{");
                    self.expr(expr);
                    self.with_modifiers(with, expr.span.end);
                    self.write("}");
                }
            }
        }
        self.single_line = self.single_line.saturating_sub(1);
        self.write(if template.raw { "`" } else { "\"" });
    }
}

/// `value` as a double-quoted string with JSON escaping.
pub(super) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        push_escaped(&mut out, c);
    }
    out.push('"');
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c if u32::from(c) < 0x20 => {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        }
        c => out.push(c),
    }
}
