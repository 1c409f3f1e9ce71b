//! `require monitor`: a production monitor with a strict enough alert, a
//! fast enough cadence, an owner, and a recent heartbeat.

use super::comparison;
use crate::compare::{Op, at_least_as_strict, show};
use crate::context::{Ctx, Fields, Outcome};
use crate::schema::cadence_hours;
use crate::trace::Evidence;
use crate::view::{self, items, str_at};
use riskgate_engine::value::Value;

struct Problem {
    message: String,
    hint: String,
    pointer: String,
}

pub(crate) fn check(ctx: &Ctx<'_>, fields: &Fields<'_>) -> Outcome {
    let metric = fields.str("metric").unwrap_or_default();
    let alert = match comparison(ctx, fields, "alert_op", "alert_threshold") {
        Ok(alert) => alert,
        Err(outcome) => return outcome,
    };
    let cadence = fields.str("cadence");
    let owner_required = fields.bool("owner_required", true);
    let candidates: Vec<(usize, &Value)> = items(ctx.spec(), &["monitors"])
        .iter()
        .enumerate()
        .filter(|(_, m)| str_at(m, &["metric"]) == Some(metric))
        .collect();
    let expected = |o: Outcome| match &alert {
        Some((op, t)) => o.expected(op.as_str(), t.clone()),
        None => o,
    };
    if candidates.is_empty() {
        let mut wanted = Vec::new();
        if let Some((op, t)) = &alert {
            wanted.push(format!("alert {} {}", op.as_str(), show(t)));
        }
        if let Some(c) = cadence {
            wanted.push(format!("cadence {c}"));
        }
        if owner_required {
            wanted.push("an owner".to_owned());
        }
        let with = if wanted.is_empty() {
            String::new()
        } else {
            format!(" with {}", wanted.join(", "))
        };
        return expected(Outcome::fail(
            format!("no monitor in spec.monitors watches metric {metric}"),
            format!("add a monitor of metric {metric}{with} to spec.monitors"),
        ));
    }
    let mut best: Option<(usize, Vec<Problem>)> = None;
    for (index, monitor) in &candidates {
        let problems = problems(
            ctx,
            *index,
            monitor,
            alert.as_ref(),
            cadence,
            owner_required,
        );
        if problems.is_empty() {
            let id = str_at(monitor, &["id"]).map_or_else(|| format!("#{index}"), str::to_owned);
            let evidence = vec![ctx.evidence(&format!("/spec/monitors/{index}"))];
            return expected(
                Outcome::pass(format!("monitor {id} watches {metric} as required"))
                    .actual(monitor_actual(monitor))
                    .evidence(evidence),
            );
        }
        if best.as_ref().is_none_or(|(_, b)| problems.len() < b.len()) {
            best = Some((*index, problems));
        }
    }
    let Some((index, problems)) = best else {
        return Outcome::error("no monitor candidate");
    };
    let monitor = candidates
        .iter()
        .find(|(i, _)| *i == index)
        .map_or(&Value::Null, |(_, m)| *m);
    let id = str_at(monitor, &["id"]).map_or_else(|| format!("#{index}"), str::to_owned);
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    let hints: Vec<&str> = problems.iter().map(|p| p.hint.as_str()).collect();
    let evidence: Vec<Evidence> = problems.iter().map(|p| ctx.evidence(&p.pointer)).collect();
    expected(
        Outcome::fail(
            format!("monitor {id} of {metric}: {}", messages.join("; ")),
            hints.join("; "),
        )
        .actual(monitor_actual(monitor))
        .evidence(evidence),
    )
}

fn monitor_actual(monitor: &Value) -> Value {
    let pick = [
        "alert_op",
        "alert_threshold",
        "cadence",
        "owner",
        "last_run_at",
    ];
    let map = pick
        .iter()
        .filter_map(|k| view::get(monitor, k).map(|v| (Value::string(k), v.clone())))
        .collect();
    Value::object(map)
}

fn problems(
    ctx: &Ctx<'_>,
    index: usize,
    monitor: &Value,
    alert: Option<&(Op, Value)>,
    cadence: Option<&str>,
    owner_required: bool,
) -> Vec<Problem> {
    let base = format!("/spec/monitors/{index}");
    let id = str_at(monitor, &["id"]).map_or_else(|| format!("#{index}"), str::to_owned);
    let mut out = Vec::new();
    if let Some((rop, rt)) = alert {
        let want = format!("{} {}", rop.as_str(), show(rt));
        let mop = str_at(monitor, &["alert_op"]).and_then(Op::parse);
        let mt = view::get(monitor, "alert_threshold");
        let strict = match (mop, mt.and_then(Value::as_number), rt.as_number()) {
            (Some(mop), Some(mt), Some(rt)) => {
                at_least_as_strict(*rop, rt.as_f64(), mop, mt.as_f64())
            }
            _ => false,
        };
        if !strict {
            let have = match (str_at(monitor, &["alert_op"]), mt) {
                (Some(op), Some(t)) => format!("alerts at {op} {}", show(t)),
                _ => "has no numeric alert".to_owned(),
            };
            out.push(Problem {
                message: format!("{have}, which is less strict than {want}"),
                hint: format!("set monitor {id} to alert at {want} or stricter"),
                pointer: format!("{base}/alert_threshold"),
            });
        }
    }
    let own_hours = str_at(monitor, &["cadence"]).and_then(cadence_hours);
    if let Some(required) = cadence {
        let need = cadence_hours(required).unwrap_or(f64::INFINITY);
        if own_hours.is_none_or(|h| h > need) {
            let have = str_at(monitor, &["cadence"])
                .map_or_else(|| "has no cadence".to_owned(), |c| format!("runs {c}"));
            out.push(Problem {
                message: format!("{have}, required at least {required}"),
                hint: format!("run monitor {id} at least {required}"),
                pointer: format!("{base}/cadence"),
            });
        }
    }
    if owner_required && !view::get(monitor, "owner").is_some_and(view::is_present) {
        out.push(Problem {
            message: "has no owner".to_owned(),
            hint: format!("name an owner for monitor {id}"),
            pointer: base.clone(),
        });
    }
    let period = own_hours.or_else(|| cadence.and_then(cadence_hours));
    match view::get(monitor, "last_run_at").and_then(view::parse_time) {
        None => out.push(Problem {
            message: "has no last_run_at (never ran, or the heartbeat is not recorded)".to_owned(),
            hint: format!("record monitor {id}'s last successful run in last_run_at"),
            pointer: base,
        }),
        Some(last) => {
            if let Some(hours) = period {
                let age = view::age_days(ctx.now_ns, last);
                let limit = hours * 2.0 / 24.0;
                if age > limit {
                    out.push(Problem {
                        message: format!(
                            "is stale: last ran {} days ago, more than twice its cadence ({} days)",
                            view::days(age),
                            view::days(limit)
                        ),
                        hint: format!("get monitor {id} running again (last run must be within twice its cadence)"),
                        pointer: format!("{base}/last_run_at"),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadences_parse_names_and_durations() {
        assert_eq!(cadence_hours("daily"), Some(24.0));
        assert_eq!(cadence_hours("30m"), Some(0.5));
        assert_eq!(cadence_hours("2w"), Some(336.0));
        assert_eq!(cadence_hours("sometimes"), None);
    }

    #[test]
    fn stricter_alerts_fire_earlier() {
        assert!(at_least_as_strict(Op::Gt, 0.25, Op::Gte, 0.25));
        assert!(at_least_as_strict(Op::Gt, 0.25, Op::Gt, 0.2));
        assert!(!at_least_as_strict(Op::Gt, 0.25, Op::Gt, 0.3));
        assert!(!at_least_as_strict(Op::Gte, 0.25, Op::Gt, 0.25));
        assert!(at_least_as_strict(Op::Lt, 0.8, Op::Lte, 0.8));
        assert!(!at_least_as_strict(Op::Lt, 0.8, Op::Gt, 0.8));
    }
}
