//! Declarations: controls without tests (L0008), risks without controls
//! (L0009), controls without risks (L0010) and test thresholds outside
//! their metric's domain (L0011).

use std::collections::BTreeSet;

use crate::codes;
use riskgate_dsl::ast::{ControlMember, Expr, ExprKind, Item, RequirementKind};
use riskgate_dsl::{Diagnostic, Span};

use riskgate_engine::lint::{Context, Finding};
use riskgate_engine::testing::TestMentions;

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let modules: Vec<&riskgate_dsl::ast::Module> = cx.files.iter().map(|f| f.module).collect();
    let mentions = TestMentions::of(&modules);
    let mut mitigated: BTreeSet<String> = BTreeSet::new();
    for file in cx.files {
        for item in &file.module.items {
            if let Item::Control(control) = item {
                mitigated.extend(mitigates(control).into_iter().map(|(id, _)| id));
            }
        }
    }
    for (index, file) in cx.files.iter().enumerate() {
        for item in &file.module.items {
            match item {
                Item::Risk(risk) => {
                    if !mitigated.contains(&risk.id.text) {
                        out.push(Finding {
                            file: index,
                            diagnostic: Diagnostic::new(
                                &codes::RISK_WITHOUT_CONTROL,
                                format!("risk `{}` is mitigated by no control", risk.id.text),
                            )
                            .with_primary(risk.id.span, "no control lists this risk in `mitigates`")
                            .with_help("add a control that mitigates it, or remove the risk"),
                        });
                    }
                }
                Item::Control(control) => {
                    let id = &control.id;
                    if !mentions.is_tested(&id.text) {
                        out.push(Finding {
                            file: index,
                            diagnostic: Diagnostic::new(
                                &codes::CONTROL_WITHOUT_TESTS,
                                format!("control `{}` has no tests", id.text),
                            )
                            .with_primary(id.span, "no test rule mentions this control")
                            .with_help(format!(
                                "add a test such as `test_{}_...` (see `riskgate test`)",
                                riskgate_engine::lint::snake_id(&id.text)
                            )),
                        });
                    }
                    if mitigates(control).is_empty() {
                        out.push(Finding {
                            file: index,
                            diagnostic: Diagnostic::new(
                                &codes::CONTROL_WITHOUT_RISK,
                                format!("control `{}` mitigates no risk", id.text),
                            )
                            .with_primary(id.span, "no `mitigates` risks")
                            .with_help("add `mitigates: [\"family.risk\"]`"),
                        });
                    }
                    thresholds(index, control, out);
                }
                Item::Rule(_) => {}
            }
        }
    }
}

fn mitigates(control: &riskgate_dsl::ast::ControlDecl) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for member in &control.members {
        if let ControlMember::Field(field) = member
            && field.name.text == "mitigates"
            && let ExprKind::Array(items) = &field.value.kind
        {
            for item in items {
                if let ExprKind::String(s) = &item.kind {
                    out.push((s.value.clone(), item.span));
                }
            }
        }
    }
    out
}

/// The domain of a metric, guessed from its name.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Domain {
    /// Rates, scores, probabilities: `[0, 1]`.
    Unit,
    /// Counts, ages, latencies: `>= 0`.
    NonNegative,
}

fn domain(metric: &str) -> Option<Domain> {
    const UNIT: &[&str] = &[
        "rate",
        "accuracy",
        "auc",
        "precision",
        "recall",
        "f1",
        "probability",
        "fraction",
        "share",
        "coverage",
        "faithfulness",
        "ratio",
    ];
    const COUNT: &[&str] = &["count", "days", "_ms", "latency", "items", "_n", "age"];
    let words: Vec<&str> = metric.split('_').collect();
    // Differences between two metrics (`auc_oot_minus_auc_test`) may be
    // negative or exceed the metrics' own range.
    const DIFFERENCE: &[&str] = &[
        "minus",
        "delta",
        "diff",
        "difference",
        "drop",
        "gap",
        "change",
    ];
    if words.iter().any(|w| DIFFERENCE.contains(w)) {
        return None;
    }
    if words.iter().any(|w| UNIT.contains(w)) {
        Some(Domain::Unit)
    } else if COUNT
        .iter()
        .any(|w| words.contains(&w.trim_start_matches('_')))
    {
        Some(Domain::NonNegative)
    } else {
        None
    }
}

fn number(expr: &Expr) -> Option<f64> {
    match &expr.kind {
        ExprKind::Number(text) => text.parse().ok(),
        ExprKind::Paren(inner) => number(inner),
        _ => None,
    }
}

fn thresholds(index: usize, control: &riskgate_dsl::ast::ControlDecl, out: &mut Vec<Finding>) {
    for member in &control.members {
        let ControlMember::Require(requirement) = member else {
            continue;
        };
        if requirement.kind != RequirementKind::Test {
            continue;
        }
        let field = |name: &str| requirement.fields.iter().find(|f| f.name.text == name);
        let Some(metric) = field("metric").and_then(|f| match &f.value.kind {
            ExprKind::String(s) => Some(s.value.clone()),
            _ => None,
        }) else {
            continue;
        };
        let Some(domain) = domain(&metric) else {
            continue;
        };
        let Some(threshold) = field("threshold") else {
            continue;
        };
        let values: Vec<&Expr> = match &threshold.value.kind {
            ExprKind::Object(pairs) => pairs.iter().map(|(_, v)| v).collect(),
            _ => vec![&threshold.value],
        };
        for value in values {
            let Some(n) = number(value) else { continue };
            let outside = match domain {
                Domain::Unit => !(0.0..=1.0).contains(&n),
                Domain::NonNegative => n < 0.0,
            };
            if outside {
                let range = match domain {
                    Domain::Unit => "between 0 and 1",
                    Domain::NonNegative => "at least 0",
                };
                out.push(Finding {
                    file: index,
                    diagnostic: Diagnostic::new(
                        &codes::THRESHOLD_OUT_OF_DOMAIN,
                        format!("threshold {n} is outside the domain of metric `{metric}`"),
                    )
                    .with_primary(value.span, format!("`{metric}` is {range}"))
                    .with_help(
                        if domain == Domain::Unit && n > 1.0 && n <= 100.0 {
                            format!("write the threshold as a fraction: {}", n / 100.0)
                        } else {
                            format!("use a threshold {range}")
                        },
                    ),
                });
            }
        }
    }
}
