//! `require test`: a reported or derived metric compared with a threshold.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{comparison, staleness};
use crate::compare::{Op, change_hint, show};
use crate::context::{Ctx, Fields, Outcome};
use crate::trace::Status;
use crate::view::{self, items, short_digest, str_at};
use riskgate_engine::value::Value;

/// `derived_from`: the manifest fields a derived value is computed from
/// (see `reads.rs`), named in the to-pass hint.
pub(crate) fn check(ctx: &Ctx<'_>, fields: &Fields<'_>, derived_from: &[String]) -> Outcome {
    let metric = fields.str("metric").unwrap_or_default();
    let (op, threshold) = match comparison(ctx, fields, "op", "threshold") {
        Ok(Some(pair)) => pair,
        Ok(None) => return Outcome::error("the test has no `op`"),
        Err(outcome) => return outcome,
    };
    let outcome = match fields.value("value") {
        Some(value) => derived(
            metric,
            value,
            fields.value("details"),
            derived_from,
            op,
            &threshold,
        ),
        None => reported(ctx, fields, metric, op, &threshold),
    };
    outcome.expected(op.as_str(), threshold)
}

/// A value the policy computes; `details` (the requirement's `details:`
/// rule, a list of strings) says what a failing value consists of.
fn derived(
    metric: &str,
    value: &Value,
    details: Option<&Value>,
    derived_from: &[String],
    op: Op,
    threshold: &Value,
) -> Outcome {
    let (v, t) = (show(value), show(threshold));
    let o = op.as_str();
    match op.holds(value, threshold) {
        Ok(true) => Outcome::pass(format!("derived metric {metric} = {v} ({o} {t})")),
        Ok(false) => {
            let mut message = format!("derived metric {metric} is {v}, required {o} {t}");
            let listed: Vec<String> = match details {
                Some(Value::Array(items)) => items.iter().map(plain).collect(),
                Some(Value::Set(items)) => items.iter().map(plain).collect(),
                _ => Vec::new(),
            };
            if !listed.is_empty() {
                message.push_str(": ");
                message.push_str(&listed.join("; "));
            }
            let mut hint = change_hint(metric, value, op, threshold);
            if let Some(from) = computed_from(derived_from, "edit") {
                hint.push_str(&format!(" ({from})"));
            }
            Outcome::fail(message, hint)
        }
        Err(message) => {
            let error = Outcome::error(format!("derived metric {metric}: {message}"));
            // The value cannot be compared (a field left empty, say): name
            // the fields it comes from rather than a generic fix.
            match computed_from(derived_from, "set") {
                Some(from) => error.hint(format!("{from} so that {metric} is {o} {t}")),
                None => error,
            }
        }
    }
    .actual(value.clone())
}

/// `riskgate computes it from `a`, `b`: edit those fields`.
fn computed_from(derived_from: &[String], verb: &str) -> Option<String> {
    if derived_from.is_empty() {
        return None;
    }
    let fields: Vec<String> = derived_from.iter().map(|f| format!("`{f}`")).collect();
    let these = if fields.len() == 1 {
        "that field"
    } else {
        "those fields"
    };
    Some(format!(
        "riskgate computes it from {}: {verb} {these}",
        fields.join(", ")
    ))
}

/// A detail as text: strings without quotes.
fn plain(value: &Value) -> String {
    value.as_str().map_or_else(|| show(value), str::to_owned)
}

/// An evaluation that reports the metric.
struct Candidate<'a> {
    eval_index: usize,
    metric_index: usize,
    eval: &'a Value,
    metric: &'a Value,
    run_at: Option<i64>,
}

impl Candidate<'_> {
    fn id(&self) -> String {
        str_at(self.eval, &["id"]).map_or_else(|| format!("#{}", self.eval_index), str::to_owned)
    }

    fn pointer(&self) -> String {
        format!(
            "/spec/evaluations/{}/metrics/{}",
            self.eval_index, self.metric_index
        )
    }
}

fn reported(
    ctx: &Ctx<'_>,
    fields: &Fields<'_>,
    metric: &str,
    op: Op,
    threshold: &Value,
) -> Outcome {
    let suite = fields.str("suite");
    let in_suite = suite.map(|s| format!(" in suite {s}")).unwrap_or_default();
    let mut candidates = Vec::new();
    for (eval_index, eval) in items(ctx.spec(), &["evaluations"]).iter().enumerate() {
        if suite.is_some() && str_at(eval, &["suite"]) != suite {
            continue;
        }
        for (metric_index, m) in items(eval, &["metrics"]).iter().enumerate() {
            if str_at(m, &["name"]) == Some(metric) {
                candidates.push(Candidate {
                    eval_index,
                    metric_index,
                    eval,
                    metric: m,
                    run_at: view::get(eval, "run_at").and_then(view::parse_time),
                });
            }
        }
    }
    if candidates.is_empty() {
        let evidence = view::get(ctx.spec(), "evaluations")
            .map(|evaluations| vec![reported_metrics(ctx, evaluations)])
            .unwrap_or_default();
        return Outcome::fail(
            format!("no evaluation{in_suite} reports metric {metric}"),
            format!(
                "add an evaluation{in_suite} of the release artifact that reports metric {metric}"
            ),
        )
        .evidence(evidence);
    }
    let chosen = if fields.bool("bind_to_artifact", true) {
        let Some(digest) = ctx.release.digest.as_deref() else {
            return Outcome::fail(
                "the release has no spec.identity.artifact.digest to bind evaluations to",
                "set spec.identity.artifact.digest to the released artifact's digest",
            );
        };
        let (bound, unbound): (Vec<_>, Vec<_>) = candidates
            .into_iter()
            .partition(|c| str_at(c.eval, &["artifact_digest"]) == Some(digest));
        match most_recent(bound) {
            Some(c) => c,
            None => {
                let Some(c) = most_recent(unbound) else {
                    return Outcome::error("no candidate evaluation");
                };
                let id = c.id();
                let other = str_at(c.eval, &["artifact_digest"]);
                let ran_on = other.map_or_else(
                    || "no artifact digest".to_owned(),
                    |d| format!("artifact {}", short_digest(d)),
                );
                return Outcome::fail(
                    format!("evaluation {id} reports {metric} but was run on {ran_on}, not the release artifact {}", short_digest(digest)),
                    format!(
                        "re-run evaluation {id} on artifact {digest} (it was run on {})",
                        other.unwrap_or("an unrecorded artifact")
                    ),
                )
                .evidence(vec![
                    ctx.evidence(&format!("/spec/evaluations/{}/artifact_digest", c.eval_index)),
                    ctx.evidence("/spec/identity/artifact/digest"),
                ]);
            }
        }
    } else {
        match most_recent(candidates) {
            Some(c) => c,
            None => return Outcome::error("no candidate evaluation"),
        }
    };
    let id = chosen.id();
    if let Err(why) = staleness(
        ctx,
        view::get(chosen.eval, "run_at"),
        fields.num("max_age_days"),
    ) {
        return Outcome::fail(
            format!("evaluation {id} is too old to count: {why}"),
            format!("re-run evaluation {id} on the release artifact"),
        )
        .evidence(vec![
            ctx.evidence(&format!("/spec/evaluations/{}/run_at", chosen.eval_index)),
        ]);
    }
    let min_n = fields.num("min_n");
    match fields.str("aggregate").unwrap_or("overall") {
        "each_slice" => each_slice(ctx, &chosen, metric, op, threshold, min_n),
        "min_over_slices" => over_slices(ctx, &chosen, metric, op, threshold, min_n, true),
        "max_over_slices" => over_slices(ctx, &chosen, metric, op, threshold, min_n, false),
        _ => overall(ctx, &chosen, metric, op, threshold, min_n),
    }
}

/// Evidence for a metric no evaluation reports: what each evaluation does
/// report (`id`, `suite`, metric names), not the whole `evaluations` array
/// with every value and slice, which would bury the answer.
fn reported_metrics(ctx: &Ctx<'_>, evaluations: &Value) -> crate::trace::Evidence {
    let summary: serde_json::Value = match evaluations {
        Value::Array(evals) => evals
            .iter()
            .enumerate()
            .map(|(index, eval)| {
                let mut entry = serde_json::Map::new();
                let id = str_at(eval, &["id"]).map_or_else(|| format!("#{index}"), str::to_owned);
                entry.insert("id".to_owned(), id.into());
                if let Some(suite) = str_at(eval, &["suite"]) {
                    entry.insert("suite".to_owned(), suite.into());
                }
                let names: Vec<serde_json::Value> = items(eval, &["metrics"])
                    .iter()
                    .filter_map(|m| str_at(m, &["name"]).map(Into::into))
                    .collect();
                entry.insert("metrics".to_owned(), names.into());
                serde_json::Value::Object(entry)
            })
            .collect::<Vec<_>>()
            .into(),
        // Not an array: that is the problem to show, as it is.
        other => other.to_json(),
    };
    let pointer = "/spec/evaluations";
    crate::trace::Evidence {
        pointer: pointer.to_owned(),
        location: (ctx.locate)(pointer),
        value: Some(summary),
        source: None,
    }
}

fn most_recent(list: Vec<Candidate<'_>>) -> Option<Candidate<'_>> {
    list.into_iter()
        .max_by_key(|c| (c.run_at.unwrap_or(i64::MIN), c.eval_index))
}

/// Why a count of observations is insufficient.
fn insufficient(n: Option<&Value>, min_n: Option<f64>) -> Option<String> {
    let min = min_n?;
    match n.and_then(Value::as_number) {
        Some(n) if n.as_f64() >= min => None,
        Some(n) => Some(format!(
            "n = {} < min_n {}",
            show(&Value::Number(n)),
            view::days(min)
        )),
        None => Some(format!("n is not reported (min_n {})", view::days(min))),
    }
}

fn overall(
    ctx: &Ctx<'_>,
    c: &Candidate<'_>,
    metric: &str,
    op: Op,
    threshold: &Value,
    min_n: Option<f64>,
) -> Outcome {
    let id = c.id();
    let pointer = format!("{}/value", c.pointer());
    let Some(value) = view::get(c.metric, "value") else {
        return Outcome::fail(
            format!("metric {metric} in evaluation {id} has no value"),
            format!("report the overall value of {metric} in evaluation {id}"),
        )
        .evidence(vec![ctx.evidence(&c.pointer())]);
    };
    let mut evidence = vec![ctx.evidence(&pointer)];
    if let Some(why) = insufficient(view::get(c.metric, "n"), min_n) {
        evidence.push(ctx.evidence(&format!("{}/n", c.pointer())));
        return Outcome::new(
            Status::InsufficientData,
            format!("metric {metric} in evaluation {id} has too few observations: {why}"),
        )
        .hint(format!(
            "re-run evaluation {id} with at least {} observations",
            view::days(min_n.unwrap_or(0.0))
        ))
        .actual(value.clone())
        .evidence(evidence);
    }
    compare_one(
        metric,
        &format!("{metric} in evaluation {id}"),
        value,
        op,
        threshold,
    )
    .evidence(evidence)
}

fn compare_one(
    subject: &str,
    described: &str,
    value: &Value,
    op: Op,
    threshold: &Value,
) -> Outcome {
    let (v, t, o) = (show(value), show(threshold), op.as_str());
    match op.holds(value, threshold) {
        Ok(true) => Outcome::pass(format!("{described} is {v} ({o} {t})")),
        Ok(false) => Outcome::fail(
            format!("{described} is {v}, required {o} {t}"),
            change_hint(subject, value, op, threshold),
        ),
        Err(message) => Outcome::fail(
            format!("{described} cannot be compared: {message}"),
            format!(
                "report {subject} as a {}",
                if op.is_ordering() {
                    "number"
                } else {
                    "comparable value"
                }
            ),
        ),
    }
    .actual(value.clone())
}

struct SliceResult<'a> {
    name: String,
    pointer: String,
    value: Option<&'a Value>,
    insufficient: Option<String>,
}

fn slices<'a>(c: &Candidate<'a>) -> Vec<SliceResult<'a>> {
    items(c.metric, &["slices"])
        .iter()
        .enumerate()
        .map(|(i, slice)| SliceResult {
            name: str_at(slice, &["name"]).map_or_else(|| format!("#{i}"), str::to_owned),
            pointer: format!("{}/slices/{i}", c.pointer()),
            value: view::get(slice, "value"),
            insufficient: None,
        })
        .collect()
}

fn no_slices(ctx: &Ctx<'_>, c: &Candidate<'_>, metric: &str) -> Outcome {
    let id = c.id();
    Outcome::fail(
        format!("metric {metric} in evaluation {id} reports no slices"),
        format!("report {metric} per slice (cohort) in evaluation {id}"),
    )
    .evidence(vec![ctx.evidence(&c.pointer())])
}

fn with_n<'a>(c: &Candidate<'a>, min_n: Option<f64>) -> Vec<SliceResult<'a>> {
    let raw = items(c.metric, &["slices"]);
    slices(c)
        .into_iter()
        .zip(raw.iter())
        .map(|(mut s, slice)| {
            s.insufficient = insufficient(view::get(slice, "n"), min_n);
            s
        })
        .collect()
}

fn slice_map(list: &[&SliceResult<'_>]) -> Value {
    let map: BTreeMap<Value, Value> = list
        .iter()
        .map(|s| {
            (
                Value::string(&s.name),
                s.value.cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    Value::Object(Arc::new(map))
}

fn insufficient_outcome(
    ctx: &Ctx<'_>,
    metric: &str,
    list: &[&SliceResult<'_>],
    min_n: Option<f64>,
    prefix: &str,
) -> Outcome {
    let described: Vec<String> = list
        .iter()
        .map(|s| {
            format!(
                "{} ({})",
                s.name,
                s.insufficient.as_deref().unwrap_or_default()
            )
        })
        .collect();
    let names: Vec<&str> = list.iter().map(|s| s.name.as_str()).collect();
    Outcome::new(
        Status::InsufficientData,
        format!(
            "{prefix}{metric}: too few observations in slice {}",
            described.join(", ")
        ),
    )
    .hint(format!(
        "collect at least {} observations for slice {} of {metric}",
        view::days(min_n.unwrap_or(0.0)),
        names.join(", ")
    ))
    .actual(slice_map(list))
    .evidence(
        list.iter()
            .map(|s| ctx.evidence(&format!("{}/n", s.pointer)))
            .collect(),
    )
}

fn each_slice(
    ctx: &Ctx<'_>,
    c: &Candidate<'_>,
    metric: &str,
    op: Op,
    threshold: &Value,
    min_n: Option<f64>,
) -> Outcome {
    let all = with_n(c, min_n);
    if all.is_empty() {
        return no_slices(ctx, c, metric);
    }
    let (t, o) = (show(threshold), op.as_str());
    let mut failing = Vec::new();
    let mut short = Vec::new();
    for s in &all {
        if s.insufficient.is_some() {
            short.push(s);
        } else if s.value.is_none_or(|v| op.holds(v, threshold) != Ok(true)) {
            failing.push(s);
        }
    }
    if !failing.is_empty() {
        let listed: Vec<String> = failing
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    s.name,
                    s.value.map_or_else(|| "(no value)".to_owned(), show)
                )
            })
            .collect();
        let hints: Vec<String> = failing
            .iter()
            .map(|s| match s.value {
                Some(v) if op.holds(v, threshold).is_ok() => {
                    change_hint(&format!("slice {} {metric}", s.name), v, op, threshold)
                }
                Some(_) => format!("report slice {} {metric} as a number", s.name),
                None => format!("report a value for slice {} {metric}", s.name),
            })
            .collect();
        return Outcome::fail(
            format!(
                "{} of {} slices of {metric} in evaluation {} fail {o} {t}: {}",
                failing.len(),
                all.len(),
                c.id(),
                listed.join(", ")
            ),
            hints.join("; "),
        )
        .actual(slice_map(&failing))
        .evidence(
            failing
                .iter()
                .map(|s| ctx.evidence(&format!("{}/value", s.pointer)))
                .collect(),
        );
    }
    if !short.is_empty() {
        return insufficient_outcome(ctx, metric, &short, min_n, "");
    }
    let refs: Vec<&SliceResult<'_>> = all.iter().collect();
    Outcome::pass(format!(
        "all {} slices of {metric} in evaluation {} satisfy {o} {t}",
        all.len(),
        c.id()
    ))
    .actual(slice_map(&refs))
    .evidence(
        all.iter()
            .map(|s| ctx.evidence(&format!("{}/value", s.pointer)))
            .collect(),
    )
}

fn over_slices(
    ctx: &Ctx<'_>,
    c: &Candidate<'_>,
    metric: &str,
    op: Op,
    threshold: &Value,
    min_n: Option<f64>,
    minimum: bool,
) -> Outcome {
    let all = with_n(c, min_n);
    if all.is_empty() {
        return no_slices(ctx, c, metric);
    }
    let (usable, short): (Vec<&SliceResult<'_>>, Vec<&SliceResult<'_>>) =
        all.iter().partition(|s| s.insufficient.is_none());
    let which = if minimum { "minimum" } else { "maximum" };
    let mut extreme: Option<&SliceResult<'_>> = None;
    for s in &usable {
        let Some(n) = s.value.and_then(Value::as_number) else {
            return Outcome::fail(
                format!("slice {} of {metric} has no numeric value", s.name),
                format!("report slice {} {metric} as a number", s.name),
            )
            .evidence(vec![ctx.evidence(&s.pointer)]);
        };
        let better = extreme
            .and_then(|e| e.value.and_then(Value::as_number))
            .is_none_or(|best| if minimum { n < best } else { n > best });
        if better {
            extreme = Some(s);
        }
    }
    let Some(extreme) = extreme else {
        return insufficient_outcome(
            ctx,
            metric,
            &short,
            min_n,
            &format!("no slice can be used for the {which} of "),
        );
    };
    let value = extreme.value.cloned().unwrap_or(Value::Null);
    let subject = format!("slice {} {metric}", extreme.name);
    let described = format!(
        "the {which} of {metric} over slices (slice {})",
        extreme.name
    );
    let outcome = compare_one(&subject, &described, &value, op, threshold)
        .evidence(vec![ctx.evidence(&format!("{}/value", extreme.pointer))]);
    if outcome.status == Status::Pass && !short.is_empty() {
        return insufficient_outcome(
            ctx,
            metric,
            &short,
            min_n,
            &format!("the {which} over usable slices passes, but for "),
        );
    }
    outcome
}
