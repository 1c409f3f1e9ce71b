//! Which manifest fields a rule reads, found in the policy source: what a
//! derived test value is computed from, for the to-pass hints, the policy
//! graph and the catalogue ("derived from `spec.monitors`").
//!
//! A rule reads `spec.a.b` when its body refers to `input.spec.a.b`, or
//! calls a *path accessor* with the constant `"a.b"`, or refers to a rule
//! that reads it. A path accessor is a function that reads `input.spec` at
//! a dotted path it is given (`field(path) := object.get(input.spec,
//! split(path, "."), null)` in the standard library), or passes its
//! argument on to one; accessors are recognised by that shape, not by
//! name, so a custom library's own accessors count too.
//!
//! The answer over-approximates: a name that is both a local variable and
//! a rule of the package counts as the rule, and every branch counts.
//! References through a computed key stop at the last constant segment
//! (`input.spec.evaluations[i].metrics` reads `spec.evaluations`). Pure
//! and deterministic: fields are sorted and deduplicated.

use std::collections::{BTreeMap, BTreeSet};

use riskgate_dsl::ast::{self, Expr, ExprKind, Item, Module, RefArg};

/// The direct reads of every rule and function, by dotted `data` path.
#[derive(Debug, Default)]
pub(crate) struct ReadTable {
    rules: BTreeMap<String, Direct>,
    /// Accessor functions, with the index of their path argument.
    accessors: BTreeMap<String, usize>,
}

#[derive(Debug, Default)]
struct Direct {
    fields: BTreeSet<String>,
    /// Rules and functions referred to (dotted `data` paths).
    refers: BTreeSet<String>,
    /// Calls: (callee, constant string arguments by position).
    calls: Vec<(String, Vec<Option<String>>)>,
    /// For a function: (parameter index, callee, callee argument index)
    /// where a parameter is passed on unchanged.
    forwards: Vec<(usize, String, usize)>,
    /// For a function: parameters split on "." and used to index
    /// `input.spec` (the accessor shape).
    indexes_spec_with: BTreeSet<usize>,
}

/// The names a module's references start from: its package's rules and
/// its imports' aliases.
struct Scope<'m> {
    package: String,
    imports: BTreeMap<&'m str, String>,
    local_rules: BTreeSet<&'m str>,
}

impl Scope<'_> {
    /// The dotted `data` path a reference `head.segments…` names, if it
    /// names a rule: `lib.x` through `import data.stdlib.lib`, `data.a.b`,
    /// or a rule of the same package.
    fn resolve(&self, head: &str, segments: &[&str]) -> Option<String> {
        let base = if head == "data" {
            "data".to_owned()
        } else if let Some(path) = self.imports.get(head) {
            path.clone()
        } else if self.local_rules.contains(head) {
            return Some(format!("{}.{head}", self.package));
        } else {
            return None;
        };
        let mut path = base;
        for segment in segments {
            path.push('.');
            path.push_str(segment);
        }
        Some(path)
    }
}

impl ReadTable {
    /// The table of every rule of `modules`.
    pub(crate) fn build(modules: &[Module]) -> ReadTable {
        let mut table = ReadTable::default();
        for module in modules {
            let package = module.package.as_ref().map_or_else(
                || "data".to_owned(),
                |p| {
                    std::iter::once("data")
                        .chain(p.path.iter().map(|n| n.text.as_str()))
                        .collect::<Vec<_>>()
                        .join(".")
                },
            );
            let imports = module
                .imports
                .iter()
                .filter(|i| i.path.first().is_some_and(|n| n.text == "data"))
                .filter_map(|i| {
                    let alias = i.alias.as_ref().or(i.path.last())?;
                    let path: Vec<&str> = i.path.iter().map(|n| n.text.as_str()).collect();
                    Some((alias.text.as_str(), path.join(".")))
                })
                .collect();
            let rules: Vec<&ast::Rule> = module
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Rule(rule) => Some(rule),
                    _ => None,
                })
                .collect();
            let scope = Scope {
                package,
                imports,
                local_rules: rules
                    .iter()
                    .map(|r| r.head.reference.name.text.as_str())
                    .collect(),
            };
            for rule in rules {
                let key = format!("{}.{}", scope.package, rule.head.reference.name.text);
                let direct = direct_reads(&scope, rule);
                let entry = table.rules.entry(key).or_default();
                entry.fields.extend(direct.fields);
                entry.refers.extend(direct.refers);
                entry.calls.extend(direct.calls);
                entry.forwards.extend(direct.forwards);
                entry.indexes_spec_with.extend(direct.indexes_spec_with);
            }
        }
        table.find_accessors();
        table
    }

    /// Functions that index `input.spec` with a dotted path argument, and
    /// those that pass an argument on to one, to a fixpoint.
    fn find_accessors(&mut self) {
        for (name, direct) in &self.rules {
            if let Some(&index) = direct.indexes_spec_with.first() {
                self.accessors.insert(name.clone(), index);
            }
        }
        loop {
            let mut found = Vec::new();
            for (name, direct) in &self.rules {
                if self.accessors.contains_key(name) {
                    continue;
                }
                let forwarded = direct
                    .forwards
                    .iter()
                    .find(|(_, callee, at)| self.accessors.get(callee) == Some(at));
                if let Some((param, _, _)) = forwarded {
                    found.push((name.clone(), *param));
                }
            }
            if found.is_empty() {
                break;
            }
            self.accessors.extend(found);
        }
    }

    /// The manifest fields the rule at `path` reads, directly or through
    /// the rules it refers to.
    pub(crate) fn fields_of(&self, path: &str) -> Vec<String> {
        let mut fields = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut queue = vec![path.to_owned()];
        while let Some(next) = queue.pop() {
            if !seen.insert(next.clone()) {
                continue;
            }
            let Some(direct) = self.rules.get(&next) else {
                continue;
            };
            // An accessor's own `input.spec` is the path it is given.
            if !self.accessors.contains_key(&next) {
                fields.extend(direct.fields.iter().cloned());
            }
            for (callee, args) in &direct.calls {
                if let Some(&index) = self.accessors.get(callee)
                    && let Some(Some(path)) = args.get(index)
                {
                    fields.insert(format!("spec.{path}"));
                }
            }
            queue.extend(direct.refers.iter().cloned());
        }
        // `spec.a` covers `spec.a.b`.
        let all: Vec<String> = fields.into_iter().collect();
        all.iter()
            .filter(|f| {
                !all.iter()
                    .any(|other| other != *f && f.starts_with(&format!("{other}.")))
            })
            .cloned()
            .collect()
    }
}

fn direct_reads(scope: &Scope<'_>, rule: &ast::Rule) -> Direct {
    let mut direct = Direct::default();
    let params: Vec<Option<&str>> = rule
        .head
        .args
        .iter()
        .flatten()
        .map(|arg| match &arg.kind {
            ExprKind::Var(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let param_index = |e: &Expr| match &e.kind {
        ExprKind::Var(name) => params.iter().position(|p| *p == Some(name.as_str())),
        _ => None,
    };
    let mut visit = |e: &Expr| match &e.kind {
        ExprKind::Var(name) => {
            if let Some(path) = scope.resolve(name, &[]) {
                direct.refers.insert(path);
            }
        }
        ExprKind::Ref { head, path } => {
            let ExprKind::Var(root) = &head.kind else {
                return;
            };
            let segments: Vec<&str> = path
                .iter()
                .map_while(|arg| match arg {
                    RefArg::Dot(name) => Some(name.text.as_str()),
                    RefArg::Bracket(Expr {
                        kind: ExprKind::String(key),
                        ..
                    }) => Some(key.value.as_str()),
                    RefArg::Bracket(_) => None,
                })
                .collect();
            if root == "input" {
                if segments.first() == Some(&"spec") && segments.len() > 1 {
                    direct.fields.insert(segments.join("."));
                }
            } else if let Some(target) = scope.resolve(root, &segments) {
                direct.refers.insert(target);
            }
        }
        ExprKind::Call { func, args } => {
            let names: Vec<&str> = func.iter().map(|n| n.text.as_str()).collect();
            let Some((head, rest)) = names.split_first() else {
                return;
            };
            if names == ["object", "get"] && is_input_spec(args.first()) {
                if let Some(path) = args.get(1).and_then(constant_path) {
                    direct.fields.insert(format!("spec.{path}"));
                } else if let Some(Expr {
                    kind: ExprKind::Call { func, args: split },
                    ..
                }) = args.get(1)
                    && func.iter().map(|n| n.text.as_str()).eq(["split"])
                    && let Some(index) = split.first().and_then(param_index)
                {
                    direct.indexes_spec_with.insert(index);
                }
                return;
            }
            let Some(callee) = scope.resolve(head, rest) else {
                return;
            };
            let constants = args
                .iter()
                .map(|arg| match &arg.kind {
                    ExprKind::String(text) => Some(text.value.clone()),
                    _ => None,
                })
                .collect();
            for (at, arg) in args.iter().enumerate() {
                if let Some(param) = param_index(arg) {
                    direct.forwards.push((param, callee.clone(), at));
                }
            }
            direct.refers.insert(callee.clone());
            direct.calls.push((callee, constants));
        }
        _ => {}
    };
    riskgate_dsl::ast::walk::rule(rule, &mut visit);
    direct
}

/// `"a"` or `["a", "b"]` as `a` / `a.b`.
fn constant_path(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::String(key) => Some(key.value.clone()),
        ExprKind::Array(items) if !items.is_empty() => items
            .iter()
            .map(|item| match &item.kind {
                ExprKind::String(key) => Some(key.value.as_str()),
                _ => None,
            })
            .collect::<Option<Vec<&str>>>()
            .map(|keys| keys.join(".")),
        _ => None,
    }
}

fn is_input_spec(expr: Option<&Expr>) -> bool {
    let Some(Expr {
        kind: ExprKind::Ref { head, path },
        ..
    }) = expr
    else {
        return false;
    };
    matches!(&head.kind, ExprKind::Var(root) if root == "input")
        && matches!(path.as_slice(), [RefArg::Dot(name)] if name.text == "spec")
}

#[cfg(test)]
mod tests {
    use super::*;
    use riskgate_dsl::{Dialect, ParseOptions};

    fn table(sources: &[&str]) -> ReadTable {
        let modules: Vec<Module> = sources
            .iter()
            .map(|s| riskgate_dsl::parse_module(s, ParseOptions::new(Dialect::Rego)).module)
            .collect();
        ReadTable::build(&modules)
    }

    const LIB: &str = r#"package lib
field(path) := object.get(input.spec, split(path, "."), null)
list(p) := v if { v := field(p); is_array(v) } else := []
monitors := list("monitors")
owners := count([m | some m in monitors; m.owner])
tier := input.spec.classification.risk_tier
clocks := object.get(input.spec, ["incident", "reporting_clocks"], {})
"#;

    #[test]
    fn reads_through_accessors_rules_and_imports() {
        let t = table(&[
            LIB,
            r#"package c
import data.lib
a := lib.owners
b := lib.field("rollback.kill_switch")
c if { lib.tier == "high"; input.spec.evaluations[i].metrics }
d := x if { x := data.lib.list("approvals") }
"#,
        ]);
        assert_eq!(t.fields_of("data.c.a"), ["spec.monitors"]);
        assert_eq!(t.fields_of("data.c.b"), ["spec.rollback.kill_switch"]);
        assert_eq!(
            t.fields_of("data.c.c"),
            ["spec.classification.risk_tier", "spec.evaluations"]
        );
        assert_eq!(t.fields_of("data.c.d"), ["spec.approvals"]);
        assert_eq!(
            t.fields_of("data.lib.clocks"),
            ["spec.incident.reporting_clocks"]
        );
        // An accessor alone reads nothing in particular.
        assert!(t.fields_of("data.lib.field").is_empty());
    }
}
