//! Shadowing: names that hide a builtin or root document (L0005) and
//! locals that hide a rule of their package or an import (L0006).

use std::collections::{BTreeMap, BTreeSet};

use crate::codes;
use riskgate_dsl::ast::{AssignOp, Expr, ExprKind, LiteralKind, Rule};
use riskgate_dsl::{Diagnostic, Span};

use super::{Context, Finding, walk};

fn is_builtin_name(name: &str) -> bool {
    matches!(name, "input" | "data") || crate::builtins::lookup(name).is_some()
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Rule names per package, across files.
    let mut rules: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    for file in cx.files {
        let package = package_of(file.module);
        for item in &file.module.items {
            if let riskgate_dsl::ast::Item::Rule(rule) = item {
                rules
                    .entry(package.clone())
                    .or_default()
                    .insert(rule.head.reference.name.text.clone());
            }
        }
    }
    for (index, file) in cx.files.iter().enumerate() {
        let package = package_of(file.module);
        let package_rules = rules.get(&package).cloned().unwrap_or_default();
        let imports: BTreeSet<String> = file
            .module
            .imports
            .iter()
            .filter_map(|i| i.alias.as_ref().or(i.path.last()))
            .map(|n| n.text.clone())
            .collect();
        for item in &file.module.items {
            if let riskgate_dsl::ast::Item::Rule(rule) = item {
                let name = &rule.head.reference.name;
                if is_builtin_name(&name.text) {
                    out.push(Finding {
                        file: index,
                        diagnostic: Diagnostic::new(
                            &codes::SHADOWED_BUILTIN,
                            format!("rule `{}` has the name of a builtin", name.text),
                        )
                        .with_primary(name.span, "hides the builtin in this package")
                        .with_help("rename the rule"),
                    });
                }
            }
            for rule in walk::rules_of(item) {
                for (local, span) in locals(rule) {
                    if is_builtin_name(&local) {
                        out.push(Finding {
                            file: index,
                            diagnostic: Diagnostic::new(
                                &codes::SHADOWED_BUILTIN,
                                format!(
                                    "variable `{local}` has the name of a builtin or root document"
                                ),
                            )
                            .with_primary(span, "hides the builtin inside this rule")
                            .with_help("rename the variable"),
                        });
                    } else if package_rules.contains(&local) || imports.contains(&local) {
                        let what = if imports.contains(&local) {
                            "an import"
                        } else {
                            "a rule of this package"
                        };
                        out.push(Finding {
                            file: index,
                            diagnostic: Diagnostic::new(
                                &codes::SHADOWED_VARIABLE,
                                format!("variable `{local}` hides {what} of the same name"),
                            )
                            .with_primary(span, "declared here")
                            .with_help("give the variable its own name"),
                        });
                    }
                }
            }
        }
    }
}

fn package_of(module: &riskgate_dsl::ast::Module) -> Vec<String> {
    module
        .package
        .iter()
        .flat_map(|p| p.path.iter().map(|n| n.text.clone()))
        .collect()
}

/// Variables a rule declares: function arguments, `:=` targets, `some`
/// and `every` variables.
fn locals(rule: &Rule) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let vars_in = |e: &Expr, out: &mut Vec<(String, Span)>| {
        walk::expr(e, &mut |v: &Expr| {
            if let ExprKind::Var(name) = &v.kind
                && name != "_"
            {
                out.push((name.clone(), v.span));
            }
        });
    };
    for arg in rule.head.args.iter().flatten() {
        vars_in(arg, &mut out);
    }
    let mut assigned = Vec::new();
    walk::rule(rule, &mut |e: &Expr| {
        if let ExprKind::Assign {
            op: AssignOp::Assign,
            lhs,
            ..
        } = &e.kind
        {
            assigned.push((**lhs).clone());
        }
    });
    for lhs in &assigned {
        vars_in(lhs, &mut out);
    }
    let mut bodies: Vec<&riskgate_dsl::ast::Body> = rule.body.iter().collect();
    bodies.extend(rule.else_chain.iter().filter_map(|c| c.body.as_ref()));
    while let Some(body) = bodies.pop() {
        for literal in &body.literals {
            match &literal.kind {
                LiteralKind::SomeVars(names) => {
                    out.extend(names.iter().map(|n| (n.text.clone(), n.span)));
                }
                LiteralKind::SomeIn { key, value, .. } => {
                    if let Some(key) = key {
                        vars_in(key, &mut out);
                    }
                    vars_in(value, &mut out);
                }
                LiteralKind::Every {
                    key, value, body, ..
                } => {
                    out.extend(key.iter().map(|n| (n.text.clone(), n.span)));
                    out.push((value.text.clone(), value.span));
                    bodies.push(body);
                }
                LiteralKind::Expr(_) | LiteralKind::Not(_) => {}
            }
        }
    }
    out.retain(|(name, _)| name != "_");
    out
}
