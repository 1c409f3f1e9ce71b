//! Style: names that are not snake_case (L0014) and long lines (L0015).

use crate::codes;
use riskgate_dsl::ast::{AssignOp, Expr, ExprKind};
use riskgate_dsl::{Diagnostic, LineIndex, Span};

use super::{Context, Finding, walk};

fn snake_case(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, file) in cx.files.iter().enumerate() {
        for item in &file.module.items {
            for rule in walk::rules_of(item) {
                let name = &rule.head.reference.name;
                if !name.quoted && !snake_case(&name.text) {
                    out.push(naming(index, "rule", &name.text, name.span));
                }
                let mut locals = Vec::new();
                for arg in rule.head.args.iter().flatten() {
                    if let ExprKind::Var(v) = &arg.kind {
                        locals.push((v.clone(), arg.span));
                    }
                }
                walk::rule(rule, &mut |e: &Expr| {
                    if let ExprKind::Assign {
                        op: AssignOp::Assign,
                        lhs,
                        ..
                    } = &e.kind
                        && let ExprKind::Var(v) = &lhs.kind
                    {
                        locals.push((v.clone(), lhs.span));
                    }
                });
                for (local, span) in locals {
                    if !snake_case(&local) {
                        out.push(naming(index, "variable", &local, span));
                    }
                }
            }
        }
        long_lines(cx, index, file.source, out);
    }
}

fn naming(file: usize, what: &str, name: &str, span: Span) -> Finding {
    Finding {
        file,
        diagnostic: Diagnostic::new(
            &codes::NAMING_STYLE,
            format!("{what} `{name}` is not snake_case"),
        )
        .with_primary(span, "rename to snake_case")
        .with_help(format!("e.g. `{}`", to_snake(name))),
    }
}

fn to_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

fn long_lines(cx: &Context<'_>, index: usize, source: &str, out: &mut Vec<Finding>) {
    let max = cx.config.max_line_length;
    let lines = LineIndex::new(source);
    for (n, line) in source.lines().enumerate() {
        let width = line.chars().count();
        if width <= max {
            continue;
        }
        // Long string values of documentation fields are fine.
        let trimmed = line.trim();
        if trimmed.ends_with('"') || trimmed.ends_with("\",") {
            let before: String = line.chars().take(max).collect();
            if before.contains('"') {
                continue;
            }
        }
        let Some(start) = u32::try_from(n + 1).ok().and_then(|l| lines.line_start(l)) else {
            continue;
        };
        let end = start.saturating_add(u32::try_from(line.len()).unwrap_or(u32::MAX));
        out.push(Finding {
            file: index,
            diagnostic: Diagnostic::new(
                &codes::LINE_TOO_LONG,
                format!("line is {width} characters long (maximum {max})"),
            )
            .with_primary(Span::new(start, end), "too long")
            .with_help("break the line"),
        });
    }
}
