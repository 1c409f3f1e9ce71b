//! Visiting every span of a subtree mutably: moving a reused item after an
//! edit before it (incremental re-parsing), or clearing spans to compare
//! trees parsed from differently laid out text.

use super::{
    Body, ControlDecl, ControlMember, ElseClause, Expr, ExprKind, Field, HeadValue, Import, Item,
    Literal, LiteralKind, Module, Name, Package, RefArg, RiskDecl, Rule, RuleHead, RuleRef,
    TemplatePart, WithModifier,
};
use crate::span::Span;

/// A syntax node whose spans can be visited mutably.
pub trait SpansMut {
    /// Calls `f` on every span in this node and its children.
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span));

    /// Moves every span by `delta` bytes (negative: towards the start).
    fn shift(&mut self, delta: i64) {
        self.spans_mut(&mut |span| {
            let moved = |offset: u32| u32::try_from(i64::from(offset) + delta).unwrap_or(0);
            *span = Span::new(moved(span.start), moved(span.end));
        });
    }
}

impl SpansMut for Span {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(self);
    }
}

impl<T: SpansMut> SpansMut for Vec<T> {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        for node in self {
            node.spans_mut(f);
        }
    }
}

impl<T: SpansMut> SpansMut for Option<T> {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some(node) = self {
            node.spans_mut(f);
        }
    }
}

impl<T: SpansMut> SpansMut for Box<T> {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.as_mut().spans_mut(f);
    }
}

impl SpansMut for Module {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(&mut self.span);
        self.package.spans_mut(f);
        self.imports.spans_mut(f);
        self.items.spans_mut(f);
        for comment in &mut self.comments {
            f(&mut comment.span);
        }
    }
}

impl SpansMut for Name {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
    }
}

impl SpansMut for Package {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.path.spans_mut(f);
    }
}

impl SpansMut for Import {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.path.spans_mut(f);
        self.alias.spans_mut(f);
    }
}

impl SpansMut for Item {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Item::Rule(rule) => rule.spans_mut(f),
            Item::Risk(risk) => risk.spans_mut(f),
            Item::Control(control) => control.spans_mut(f),
        }
    }
}

impl SpansMut for Rule {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.head.spans_mut(f);
        self.body.spans_mut(f);
        self.else_chain.spans_mut(f);
    }
}

impl SpansMut for RuleHead {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.reference.spans_mut(f);
        self.args.spans_mut(f);
        self.value.spans_mut(f);
        self.contains.spans_mut(f);
    }
}

impl SpansMut for RuleRef {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.name.spans_mut(f);
        self.path.spans_mut(f);
    }
}

impl SpansMut for HeadValue {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.value.spans_mut(f);
    }
}

impl SpansMut for ElseClause {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.value.spans_mut(f);
        self.body.spans_mut(f);
    }
}

impl SpansMut for Body {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.literals.spans_mut(f);
    }
}

impl SpansMut for Literal {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.with.spans_mut(f);
        match &mut self.kind {
            LiteralKind::Expr(expr) | LiteralKind::Not(expr) => expr.spans_mut(f),
            LiteralKind::SomeVars(names) => names.spans_mut(f),
            LiteralKind::SomeIn {
                key,
                value,
                collection,
            } => {
                key.spans_mut(f);
                value.spans_mut(f);
                collection.spans_mut(f);
            }
            LiteralKind::Every {
                key,
                value,
                domain,
                body,
            } => {
                key.spans_mut(f);
                value.spans_mut(f);
                domain.spans_mut(f);
                body.spans_mut(f);
            }
        }
    }
}

impl SpansMut for WithModifier {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.target.spans_mut(f);
        self.value.spans_mut(f);
    }
}

impl SpansMut for RefArg {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            RefArg::Dot(name) => name.spans_mut(f),
            RefArg::Bracket(expr) => expr.spans_mut(f),
        }
    }
}

impl SpansMut for TemplatePart {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let TemplatePart::Expr { expr, with } = self {
            expr.spans_mut(f);
            with.spans_mut(f);
        }
    }
}

impl SpansMut for (Expr, Expr) {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.0.spans_mut(f);
        self.1.spans_mut(f);
    }
}

impl SpansMut for Expr {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        match &mut self.kind {
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::String(_)
            | ExprKind::Var(_) => {}
            ExprKind::Template(template) => template.parts.spans_mut(f),
            ExprKind::Ref { head, path } => {
                head.spans_mut(f);
                path.spans_mut(f);
            }
            ExprKind::Call { func, args } => {
                func.spans_mut(f);
                args.spans_mut(f);
            }
            ExprKind::Array(items) | ExprKind::Set(items) => items.spans_mut(f),
            ExprKind::Object(pairs) => pairs.spans_mut(f),
            ExprKind::ArrayCompr { term, body } | ExprKind::SetCompr { term, body } => {
                term.spans_mut(f);
                body.spans_mut(f);
            }
            ExprKind::ObjectCompr { key, value, body } => {
                key.spans_mut(f);
                value.spans_mut(f);
                body.spans_mut(f);
            }
            ExprKind::Paren(inner) | ExprKind::Neg(inner) => inner.spans_mut(f),
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Assign { lhs, rhs, .. } => {
                lhs.spans_mut(f);
                rhs.spans_mut(f);
            }
            ExprKind::Membership {
                key,
                value,
                collection,
            } => {
                key.spans_mut(f);
                value.spans_mut(f);
                collection.spans_mut(f);
            }
        }
    }
}

impl SpansMut for RiskDecl {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.id.spans_mut(f);
        self.fields.spans_mut(f);
    }
}

impl SpansMut for ControlDecl {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.id.spans_mut(f);
        for member in &mut self.members {
            match member {
                ControlMember::Field(field) => field.spans_mut(f),
                ControlMember::Applies(applies) => {
                    applies.span.spans_mut(f);
                    applies.body.spans_mut(f);
                }
                ControlMember::Require(requirement) => {
                    requirement.span.spans_mut(f);
                    requirement.kind_span.spans_mut(f);
                    requirement.id.spans_mut(f);
                    requirement.fields.spans_mut(f);
                }
                ControlMember::Rule(rule) => rule.spans_mut(f),
            }
        }
    }
}

impl SpansMut for Field {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.span.spans_mut(f);
        self.name.spans_mut(f);
        self.value.spans_mut(f);
    }
}
