//! `risk` and `control` declarations.

use super::Printer;
use super::expr::quote;
use crate::ast::{ControlDecl, ControlMember, Field, Name, RiskDecl};
use crate::span::Span;

impl Printer<'_> {
    pub(super) fn risk(&mut self, risk: &RiskDecl) {
        self.write("risk ");
        self.write(&quote(&risk.id.text));
        self.write(" ");
        self.fields_block(risk.span, &risk.id, &risk.fields, false);
        self.finish_line(risk.span.end);
    }

    pub(super) fn control(&mut self, control: &ControlDecl) {
        self.write("control ");
        self.write(&quote(&control.id.text));
        self.write(" {");
        if control.members.is_empty() && !self.comment_before(control.span.end) {
            self.write("}");
            self.finish_line(control.span.end);
            return;
        }
        if let Some(brace) = self.find_char(control.id.span.end, control.span.end, '{') {
            self.trailing_comment(brace.saturating_add(1));
        }
        self.end_line();
        self.indented(|p| {
            let mut prev_end: Option<u32> = None;
            for member in &control.members {
                let span = member_span(member);
                if let Some(end) = prev_end
                    && p.blank_before(end, span.start)
                {
                    p.blank_line();
                }
                p.leading(span.start);
                match member {
                    ControlMember::Field(field) => {
                        p.field(field);
                        p.finish_line(field.span.end);
                    }
                    ControlMember::Applies(applies) => {
                        p.write("applies");
                        let end = p.rule_body(&applies.body);
                        p.finish_line(end);
                    }
                    ControlMember::Require(requirement) => {
                        p.write("require ");
                        p.write(requirement.kind.as_str());
                        p.write(" ");
                        p.write(&quote(&requirement.id.text));
                        p.write(" ");
                        p.fields_block(
                            requirement.span,
                            &requirement.id,
                            &requirement.fields,
                            true,
                        );
                        p.finish_line(requirement.span.end);
                    }
                    ControlMember::Rule(rule) => p.rule(rule),
                }
                prev_end = Some(span.end);
            }
            p.flush_before(control.span.end);
        });
        self.write("}");
        self.finish_line(control.span.end);
    }

    /// `{ fields }`: one field per line, or on one line separated by commas
    /// when `allow_inline` is set and the block was written on one line.
    fn fields_block(&mut self, span: Span, id: &Name, fields: &[Field], allow_inline: bool) {
        if fields.is_empty() && !self.comment_before(span.end) {
            self.write("{}");
            return;
        }
        let inline = self.single_line > 0
            || (allow_inline && !fields.is_empty() && !self.breaks_between(span.start, span.end));
        if inline {
            self.write("{ ");
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    self.write(", ");
                }
                self.field(field);
            }
            self.write(" }");
            return;
        }
        self.write("{");
        if let Some(brace) = self.find_char(id.span.end, span.end, '{') {
            self.trailing_comment(brace.saturating_add(1));
        }
        self.end_line();
        self.indented(|p| {
            let mut prev_end: Option<u32> = None;
            for field in fields {
                if let Some(end) = prev_end
                    && p.blank_before(end, field.span.start)
                {
                    p.blank_line();
                }
                p.leading(field.span.start);
                p.field(field);
                p.finish_line(field.span.end);
                prev_end = Some(field.span.end);
            }
            p.flush_before(span.end);
        });
        self.write("}");
    }

    fn field(&mut self, field: &Field) {
        self.flush_before(field.span.start);
        self.write(&field.name.text);
        self.write(": ");
        self.expr(&field.value);
    }
}

fn member_span(member: &ControlMember) -> Span {
    match member {
        ControlMember::Field(field) => field.span,
        ControlMember::Applies(applies) => applies.span,
        ControlMember::Require(requirement) => requirement.span,
        ControlMember::Rule(rule) => rule.span,
    }
}
