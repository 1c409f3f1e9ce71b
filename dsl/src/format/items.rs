//! Rules, bodies and literals.

use super::Printer;
use crate::ast::{
    Body, Expr, ExprKind, HeadValue, Item, Literal, LiteralKind, Name, RefArg, Rule, RuleHead,
    RuleRef, WithModifier,
};

impl Printer<'_> {
    pub(super) fn items(&mut self, items: &[Item]) {
        let mut prev: Option<&Item> = None;
        for item in items {
            let grouped = prev.is_some_and(|prev| {
                self.groupable(prev)
                    && self.groupable(item)
                    && self
                        .text(prev.span().end, item.span().start)
                        .matches('\n')
                        .count()
                        == 1
            });
            if grouped {
                self.end_line();
            } else {
                self.blank_line();
            }
            self.leading(item.span().start);
            match item {
                Item::Rule(rule) => self.rule(rule),
                Item::Risk(risk) => self.risk(risk),
                Item::Control(control) => self.control(control),
            }
            prev = Some(item);
        }
    }

    /// Whether an item is a one-line rule that may sit directly below or
    /// above another one, without a blank line, as `opa fmt` allows.
    fn groupable(&self, item: &Item) -> bool {
        match item {
            Item::Rule(rule) => {
                !rule.is_default
                    && rule.else_chain.is_empty()
                    && rule
                        .body
                        .as_ref()
                        .is_none_or(|body| self.prints_inline(body))
                    && !self.text(rule.span.start, rule.span.end).contains('\n')
            }
            Item::Risk(_) | Item::Control(_) => false,
        }
    }

    /// Whether a rule body is printed as `if literal` on the head's line.
    fn prints_inline(&self, body: &Body) -> bool {
        match body.literals.as_slice() {
            [literal] => !body.braced && !starts_with_brace(literal),
            _ => false,
        }
    }

    /// Prints a rule, its `else` chain and the end of its last line.
    pub(super) fn rule(&mut self, rule: &Rule) {
        if rule.is_default {
            self.write("default ");
        }
        self.head(&rule.head);
        let mut end = rule.head.span.end;
        let mut braced = false;
        if let Some(body) = &rule.body {
            braced = !self.prints_inline(body);
            end = self.rule_body(body);
        }
        for clause in &rule.else_chain {
            if braced && !self.comment_before(clause.span.start) {
                self.write(" ");
            } else {
                self.finish_line(end);
                self.blank_line();
                self.leading(clause.span.start);
            }
            self.write("else");
            if let Some(value) = &clause.value {
                self.head_value(value);
            }
            match &clause.body {
                Some(body) => {
                    braced = !self.prints_inline(body);
                    end = self.rule_body(body);
                }
                None => {
                    braced = false;
                    end = clause.span.end;
                }
            }
        }
        self.finish_line(end);
    }

    /// Prints ` if literal` or ` if { ... }`; returns where the body ends
    /// in the source.
    pub(super) fn rule_body(&mut self, body: &Body) -> u32 {
        self.write(" if ");
        match body.literals.as_slice() {
            [literal] if self.prints_inline(body) => {
                self.literal(literal);
                literal.span.end.max(body.span.end)
            }
            _ => {
                self.block(body);
                body.span.end
            }
        }
    }

    fn head(&mut self, head: &RuleHead) {
        self.rule_ref(&head.reference);
        if let Some(args) = &head.args {
            let open = head.reference.span.end;
            let limit = match (&head.value, &head.contains) {
                (Some(value), _) => value.value.span.start,
                (None, Some(term)) => term.span.start,
                (None, None) => head.span.end,
            };
            let from = args.last().map_or(open, |arg| arg.span.end);
            let close = self.find_char(from, limit, ')').unwrap_or(from);
            self.call_args(open, args, close);
        }
        if let Some(term) = &head.contains {
            self.write(" contains ");
            self.expr(term);
        }
        if let Some(value) = &head.value {
            self.head_value(value);
        }
    }

    fn head_value(&mut self, value: &HeadValue) {
        self.write(" ");
        self.write(value.op.as_str());
        self.write(" ");
        self.expr(&value.value);
    }

    fn rule_ref(&mut self, reference: &RuleRef) {
        self.flush_before(reference.span.start);
        self.write(&reference.name.text);
        for arg in &reference.path {
            self.ref_arg(arg);
        }
    }

    pub(super) fn ref_arg(&mut self, arg: &RefArg) {
        match arg {
            RefArg::Dot(name) => self.path_segment(name),
            RefArg::Bracket(expr) => {
                self.write("[");
                self.expr(expr);
                self.write("]");
            }
        }
    }

    fn path_segment(&mut self, name: &Name) {
        if name.quoted {
            self.write("[");
            self.write(&super::expr::quote(&name.text));
            self.write("]");
        } else {
            self.write(".");
            self.write(&name.text);
        }
    }

    /// A `package` or `import` path.
    pub(super) fn path(&mut self, path: &[Name]) {
        for (i, name) in path.iter().enumerate() {
            if i == 0 {
                self.write(&name.text);
            } else {
                self.path_segment(name);
            }
        }
    }

    /// Prints `{`, the literals one per line, and `}`.
    pub(super) fn block(&mut self, body: &Body) {
        self.write("{");
        if body.literals.is_empty() && !self.comment_before(body.span.end) {
            self.write("}");
            return;
        }
        if body.braced {
            self.trailing_comment(body.span.start.saturating_add(1));
        }
        self.end_line();
        self.indented(|p| {
            p.literal_lines(&body.literals);
            p.flush_before(body.span.end);
        });
        self.write("}");
    }

    /// Literals one per line, keeping one empty line where the source had
    /// one.
    pub(super) fn literal_lines(&mut self, literals: &[Literal]) {
        let mut prev_end: Option<u32> = None;
        for literal in literals {
            if let Some(end) = prev_end
                && self.blank_before(end, literal.span.start)
            {
                self.blank_line();
            }
            self.leading(literal.span.start);
            self.literal(literal);
            self.finish_line(literal.span.end);
            prev_end = Some(literal.span.end);
        }
    }

    /// Literals on one line, separated by `; `.
    pub(super) fn literals_inline(&mut self, literals: &[Literal]) {
        for (i, literal) in literals.iter().enumerate() {
            if i > 0 {
                self.write("; ");
            }
            self.literal(literal);
        }
    }

    pub(super) fn literal(&mut self, literal: &Literal) {
        self.flush_before(literal.span.start);
        let end = match &literal.kind {
            LiteralKind::Expr(expr) => {
                self.expr(expr);
                expr.span.end
            }
            LiteralKind::Not(expr) => {
                self.write("not ");
                self.expr(expr);
                expr.span.end
            }
            LiteralKind::SomeVars(names) => {
                self.write("some ");
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        self.write(", ");
                    }
                    self.flush_before(name.span.start);
                    self.write(&name.text);
                }
                names
                    .last()
                    .map_or(literal.span.start, |name| name.span.end)
            }
            LiteralKind::SomeIn {
                key,
                value,
                collection,
            } => {
                self.write("some ");
                if let Some(key) = key {
                    self.expr(key);
                    self.write(", ");
                }
                self.expr(value);
                self.write(" in ");
                self.expr(collection);
                collection.span.end
            }
            LiteralKind::Every {
                key,
                value,
                domain,
                body,
            } => {
                self.write("every ");
                if let Some(key) = key {
                    self.write(&key.text);
                    self.write(", ");
                }
                self.write(&value.text);
                self.write(" in ");
                self.expr(domain);
                self.write(" ");
                let inline =
                    self.single_line > 0 || !self.breaks_between(body.span.start, body.span.end);
                if inline && !body.literals.is_empty() {
                    self.write("{ ");
                    self.literals_inline(&body.literals);
                    self.write(" }");
                } else {
                    self.block(body);
                }
                body.span.end
            }
        };
        self.with_modifiers(&literal.with, end);
    }

    pub(super) fn with_modifiers(&mut self, modifiers: &[WithModifier], mut prev_end: u32) {
        let mut indented = false;
        for with in modifiers {
            if self.single_line == 0 && self.breaks_between(prev_end, with.span.start) {
                if !indented {
                    self.indent += 1;
                    indented = true;
                }
                self.finish_line(prev_end);
            } else {
                self.write(" ");
            }
            self.flush_before(with.span.start);
            self.write("with ");
            self.expr(&with.target);
            self.write(" as ");
            self.expr(&with.value);
            prev_end = with.span.end;
        }
        if indented {
            self.indent = self.indent.saturating_sub(1);
        }
    }

    /// The offset of the first `ch` in the source between two offsets.
    pub(super) fn find_char(&self, from: u32, to: u32, ch: char) -> Option<u32> {
        let offset = self.text(from, to).find(ch)?;
        u32::try_from(offset).ok().map(|offset| from + offset)
    }
}

/// Whether a literal's text would start with `{`; such a literal after a
/// bare `if` would read as a braced body.
fn starts_with_brace(literal: &Literal) -> bool {
    match &literal.kind {
        LiteralKind::Expr(expr) => expr_starts_with_brace(expr),
        _ => false,
    }
}

fn expr_starts_with_brace(expr: &Expr) -> bool {
    match &expr.kind {
        // `{"a": 1}` cannot be read as a body, so objects are fine.
        ExprKind::Set(_) | ExprKind::SetCompr { .. } => true,
        ExprKind::Ref { head, .. } => expr_starts_with_brace(head),
        ExprKind::Binary { lhs, .. } | ExprKind::Assign { lhs, .. } => expr_starts_with_brace(lhs),
        ExprKind::Membership { key, value, .. } => match key {
            Some(key) => expr_starts_with_brace(key),
            None => expr_starts_with_brace(value),
        },
        _ => false,
    }
}
