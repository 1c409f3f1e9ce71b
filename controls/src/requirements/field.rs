//! `require field`: a manifest field is present, optionally satisfying a
//! comparison.

use std::fmt::Write as _;

use super::comparison;
use crate::compare::{change_hint, show};
use crate::context::{Ctx, Fields, Outcome};
use crate::schema::{PathSegment, parse_path};
use crate::view;
use riskgate_engine::json_pointer;
use riskgate_engine::value::Value;

pub(crate) fn check(ctx: &Ctx<'_>, fields: &Fields<'_>) -> Outcome {
    let path = fields.str("path").unwrap_or_default();
    let Some(segments) = parse_path(path) else {
        return Outcome::error(format!("`{path}` is not a dotted manifest path"));
    };
    let comparison = match comparison(ctx, fields, "op", "threshold") {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let mut pointer = String::new();
    let mut current = Some(ctx.input);
    for segment in &segments {
        current = current.and_then(|value| match (segment, value) {
            (PathSegment::Key(key), Value::Object(_)) => view::get(value, key),
            (PathSegment::Index(i), Value::Array(items)) => items.get(*i),
            _ => None,
        });
        match segment {
            PathSegment::Key(key) => json_pointer::push(&mut pointer, key),
            PathSegment::Index(i) => {
                let _ = write!(pointer, "/{i}");
            }
        }
    }
    let expected = |o: Outcome| match &comparison {
        Some((op, t)) => o.expected(op.as_str(), t.clone()),
        None => o,
    };
    let Some(value) = current.filter(|v| comparison.is_some() || view::is_present(v)) else {
        let what = if current.is_some() {
            "is empty"
        } else {
            "is missing"
        };
        let hint = match &comparison {
            Some((op, t)) => format!("set {path} to a value {} {}", op.as_str(), show(t)),
            None => format!("set {path}"),
        };
        let evidence = current
            .map(|_| vec![ctx.evidence(&pointer)])
            .unwrap_or_default();
        return expected(Outcome::fail(format!("{path} {what}"), hint).evidence(evidence));
    };
    let evidence = vec![ctx.evidence(&pointer)];
    let Some((op, threshold)) = comparison else {
        return Outcome::pass(format!("{path} is set"))
            .actual(value.clone())
            .evidence(evidence);
    };
    let (v, t, o) = (show(value), show(&threshold), op.as_str());
    let outcome = match op.holds(value, &threshold) {
        Ok(true) => Outcome::pass(format!("{path} is {v} ({o} {t})")),
        Ok(false) => Outcome::fail(
            format!("{path} is {v}, required {o} {t}"),
            change_hint(path, value, op, &threshold),
        ),
        Err(message) => Outcome::fail(
            format!("{path} cannot be compared: {message}"),
            format!("set {path} to a value {o} {t}"),
        ),
    };
    outcome
        .actual(value.clone())
        .expected(o, threshold)
        .evidence(evidence)
}
