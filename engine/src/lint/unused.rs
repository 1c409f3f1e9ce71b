//! Unused code: functions and private rules nobody calls (L0001), imports
//! (L0002), function arguments (L0003) and `:=` locals (L0004).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::codes;
use riskgate_dsl::Diagnostic;
use riskgate_dsl::ast::{AssignOp, Expr, ExprKind, Item, RefArg, Rule};

use super::{Context, Finding, walk};

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let referenced = referenced_names(cx);
    let mut reported: BTreeSet<(Vec<String>, String)> = BTreeSet::new();
    for (index, file) in cx.files.iter().enumerate() {
        let package: Vec<String> = file
            .module
            .package
            .iter()
            .flat_map(|p| p.path.iter().map(|n| n.text.clone()))
            .collect();
        unused_imports(index, file.module, out);
        for item in &file.module.items {
            for rule in walk::rules_of(item) {
                let name = &rule.head.reference.name;
                let candidate = rule.head.args.is_some() || name.text.starts_with('_');
                if matches!(item, Item::Rule(_))
                    && candidate
                    && !Context::is_test_rule(&name.text)
                    && !referenced.contains(name.text.as_str())
                    && reported.insert((package.clone(), name.text.clone()))
                {
                    let what = if rule.head.args.is_some() {
                        "function"
                    } else {
                        "rule"
                    };
                    out.push(Finding {
                        file: index,
                        diagnostic: Diagnostic::new(
                            &codes::UNUSED_RULE,
                            format!("{what} `{}` is never used", name.text),
                        )
                        .with_primary(name.span, "not referenced in any linted file")
                        .with_help("use it or delete it"),
                    });
                }
                unused_arguments(index, rule, out);
                unused_locals(index, rule, out);
            }
        }
    }
}

/// Every identifier that may refer to a rule: variables, reference
/// segments, called names and string keys.
fn referenced_names<'a>(cx: &Context<'a>) -> HashSet<&'a str> {
    let mut names = HashSet::new();
    for file in cx.files {
        for item in &file.module.items {
            walk::item(item, &mut |e: &'a Expr| match &e.kind {
                ExprKind::Var(v) => {
                    names.insert(v.as_str());
                }
                ExprKind::String(s) => {
                    names.insert(s.value.as_str());
                }
                ExprKind::Ref { path, .. } => {
                    for arg in path {
                        if let RefArg::Dot(n) = arg {
                            names.insert(n.text.as_str());
                        }
                    }
                }
                ExprKind::Call { func, .. } => {
                    names.extend(func.iter().map(|n| n.text.as_str()));
                }
                _ => {}
            });
        }
    }
    names
}

/// How often each variable name occurs in `rule`.
fn var_counts(rule: &Rule) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    walk::rule(rule, &mut |e: &Expr| {
        if let ExprKind::Var(v) = &e.kind {
            *counts.entry(v.as_str()).or_insert(0) += 1;
        }
    });
    counts
}

fn unused_imports(index: usize, module: &riskgate_dsl::ast::Module, out: &mut Vec<Finding>) {
    let mut used = BTreeSet::new();
    for item in &module.items {
        walk::item(item, &mut |e: &Expr| match &e.kind {
            ExprKind::Var(v) => {
                used.insert(v.clone());
            }
            ExprKind::Call { func, .. } => {
                if let Some(first) = func.first() {
                    used.insert(first.text.clone());
                }
            }
            _ => {}
        });
    }
    for import in &module.imports {
        let Some(root) = import.path.first() else {
            continue;
        };
        if matches!(root.text.as_str(), "rego" | "future") {
            continue;
        }
        let Some(name) = import.alias.as_ref().or(import.path.last()) else {
            continue;
        };
        if !used.contains(&name.text) {
            out.push(Finding {
                file: index,
                diagnostic: Diagnostic::new(
                    &codes::UNUSED_IMPORT,
                    format!("import `{}` is never used", name.text),
                )
                .with_primary(import.span, "unused import")
                .with_help("remove the import"),
            });
        }
    }
}

fn unused_arguments(index: usize, rule: &Rule, out: &mut Vec<Finding>) {
    let Some(args) = &rule.head.args else {
        return;
    };
    let counts = var_counts(rule);
    let mut in_args: BTreeMap<String, usize> = BTreeMap::new();
    for arg in args {
        walk::expr(arg, &mut |e: &Expr| {
            if let ExprKind::Var(v) = &e.kind {
                *in_args.entry(v.clone()).or_insert(0) += 1;
            }
        });
    }
    for arg in args {
        let ExprKind::Var(name) = &arg.kind else {
            continue;
        };
        if name.starts_with('_') {
            continue;
        }
        let total = counts.get(name.as_str()).copied().unwrap_or(0);
        let declared = in_args.get(name).copied().unwrap_or(0);
        if total <= declared {
            out.push(Finding {
                file: index,
                diagnostic: Diagnostic::new(
                    &codes::UNUSED_ARGUMENT,
                    format!(
                        "argument `{name}` of `{}` is never used",
                        rule.head.reference.name.text
                    ),
                )
                .with_primary(arg.span, "unused argument")
                .with_help(format!(
                    "use it, remove it, or rename it `_{name}` to ignore it on purpose"
                )),
            });
        }
    }
}

fn unused_locals(index: usize, rule: &Rule, out: &mut Vec<Finding>) {
    let counts = var_counts(rule);
    let mut declared: Vec<(String, riskgate_dsl::Span)> = Vec::new();
    walk::rule(rule, &mut |e: &Expr| {
        if let ExprKind::Assign {
            op: AssignOp::Assign,
            lhs,
            ..
        } = &e.kind
        {
            walk::expr(lhs, &mut |v: &Expr| {
                if let ExprKind::Var(name) = &v.kind {
                    declared.push((name.clone(), v.span));
                }
            });
        }
    });
    for (name, span) in declared {
        if name.starts_with('_') || counts.get(name.as_str()).copied().unwrap_or(0) > 1 {
            continue;
        }
        out.push(Finding {
            file: index,
            diagnostic: Diagnostic::new(
                &codes::UNUSED_VARIABLE,
                format!("variable `{name}` is assigned but never used"),
            )
            .with_primary(span, "assigned here")
            .with_help("use the variable or remove the assignment"),
        });
    }
}
