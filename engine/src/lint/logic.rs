//! Logic: `else` clauses that can never be chosen (L0012) and builtins
//! whose results do not follow from the release and data (L0013).

use crate::codes;
use riskgate_dsl::Diagnostic;
use riskgate_dsl::ast::{Body, Expr, ExprKind, LiteralKind, Rule};

use super::{Context, Finding, walk};

/// Builtins that read the wall clock, randomness, the network or the
/// runtime, with what to use instead.
const NON_DETERMINISTIC: &[(&str, &str)] = &[
    (
        "time.now_ns",
        "use the evaluation clock `data.riskgate.context.now_ns`",
    ),
    ("rand.intn", "derive the value from the release"),
    ("uuid.rfc4122", "use an id from the release"),
    ("http.send", "put the fact in the manifest or in data"),
    (
        "net.lookup_ip_addr",
        "put the fact in the manifest or in data",
    ),
    ("opa.runtime", "put configuration in data"),
];

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, file) in cx.files.iter().enumerate() {
        for item in &file.module.items {
            for rule in walk::rules_of(item) {
                unreachable_else(index, rule, out);
            }
            walk::item(item, &mut |e: &Expr| {
                let ExprKind::Call { func, .. } = &e.kind else {
                    return;
                };
                let name = func
                    .iter()
                    .map(|n| n.text.as_str())
                    .collect::<Vec<_>>()
                    .join(".");
                if let Some((_, instead)) = NON_DETERMINISTIC.iter().find(|(n, _)| *n == name) {
                    out.push(Finding {
                        file: index,
                        diagnostic: Diagnostic::new(
                            &codes::NON_DETERMINISTIC_BUILTIN,
                            format!("`{name}` makes the decision depend on when or where it runs"),
                        )
                        .with_primary(e.span, "non-deterministic call")
                        .with_help(*instead),
                    });
                }
            });
        }
    }
}

/// Whether a clause with this body always holds.
fn always_holds(body: Option<&Body>) -> bool {
    body.is_none_or(|b| {
        b.literals.iter().all(|l| {
            l.with.is_empty()
                && matches!(
                    &l.kind,
                    LiteralKind::Expr(Expr {
                        kind: ExprKind::Bool(true),
                        ..
                    })
                )
        })
    })
}

fn unreachable_else(index: usize, rule: &Rule, out: &mut Vec<Finding>) {
    let mut previous = always_holds(rule.body.as_ref());
    for clause in &rule.else_chain {
        if previous {
            out.push(Finding {
                file: index,
                diagnostic: Diagnostic::new(
                    &codes::UNREACHABLE_ELSE,
                    format!(
                        "this `else` of `{}` can never be chosen",
                        rule.head.reference.name.text
                    ),
                )
                .with_primary(clause.span, "unreachable")
                .with_help(
                    "the clause before it always holds; reorder the chain or give it a condition",
                ),
            });
            return;
        }
        previous = always_holds(clause.body.as_ref());
    }
}
