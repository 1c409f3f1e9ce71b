//! `cargo xtask stdlib-check`: the stdlib `.gate` files must agree with the
//! controls catalogue on control ids, titles, mitigated risks,
//! applicability, required fields, tests (metric, operator, threshold per
//! tier, aggregate, `min_n`, scope) and waivability, and on the risk
//! taxonomy. Each disagreement has a key such as `C-REL-04/test/load_test_p95_latency_ms/threshold`;
//! it is accepted only when `stdlib-policies/catalogue-differences.yaml`
//! lists the key with a reason. Listed keys that no longer disagree are
//! reported too, so the file stays accurate.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use riskgate_dsl::ast::RequirementKind;
use serde::Deserialize;
use serde_yaml_ng::Value;

use super::catalogue::{Catalogue, Control, Scope, Test};
use super::gate::{self, GateControl, GateRequirement, Lit, Stdlib};

#[derive(Debug, Deserialize)]
pub struct Differences {
    #[serde(default)]
    pub differences: Vec<Difference>,
    #[serde(default)]
    pub encodings: Vec<Value>,
    #[serde(default)]
    pub known_gaps: Vec<Value>,
}

#[derive(Debug, Deserialize)]
pub struct Difference {
    pub key: String,
    pub reason: String,
}

/// Runs the check on the repository's files; returns the problems.
pub fn run() -> Result<Vec<String>> {
    let catalogue = Catalogue::load(&super::catalogue_path())?;
    let stdlib = gate::load(&super::policies_dir())?;
    let text = std::fs::read_to_string(super::differences_path())
        .context("reading stdlib-policies/catalogue-differences.yaml")?;
    let differences: Differences =
        serde_yaml_ng::from_str(&text).context("parsing catalogue-differences.yaml")?;
    Ok(check(&catalogue, &stdlib, &differences))
}

/// Disagreements not covered by `differences`, and stale differences.
pub fn check(catalogue: &Catalogue, stdlib: &Stdlib, differences: &Differences) -> Vec<String> {
    let found = disagreements(catalogue, stdlib);
    let mut problems = Vec::new();
    for (key, message) in &found {
        if !differences.differences.iter().any(|d| &d.key == key) {
            problems.push(format!("{key}: {message}"));
        }
    }
    for d in &differences.differences {
        if d.reason.trim().is_empty() {
            problems.push(format!("{}: listed difference has no reason", d.key));
        }
        if !found.contains_key(&d.key) {
            problems.push(format!(
                "{}: listed in catalogue-differences.yaml but the policies agree with the catalogue; remove the entry",
                d.key
            ));
        }
    }
    problems
}

/// Every disagreement, keyed.
pub fn disagreements(catalogue: &Catalogue, stdlib: &Stdlib) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    // Risks.
    for family in &catalogue.taxonomy {
        for risk in &family.risks {
            match stdlib.risks.iter().find(|r| r.id == risk.id) {
                None => {
                    out.insert(
                        format!("{}/risk", risk.id),
                        "risk is not declared".to_owned(),
                    );
                }
                Some(r) => {
                    if r.family != family.family {
                        out.insert(
                            format!("{}/risk/family", risk.id),
                            format!("family {:?}, catalogue {:?}", r.family, family.family),
                        );
                    }
                    if r.description != risk.description {
                        out.insert(
                            format!("{}/risk/description", risk.id),
                            "description differs from the catalogue".to_owned(),
                        );
                    }
                }
            }
        }
    }
    for r in &stdlib.risks {
        if !catalogue.risk_ids().any(|id| id == r.id) {
            out.insert(
                format!("{}/risk", r.id),
                "risk is not in the catalogue".to_owned(),
            );
        }
    }
    // Controls.
    let non_waivable = catalogue.non_waivable();
    for control in &catalogue.controls {
        let Some(gate) = stdlib.controls.iter().find(|c| c.id == control.id) else {
            out.insert(
                format!("{}/control", control.id),
                "control is not declared".to_owned(),
            );
            continue;
        };
        check_control(control, gate, &non_waivable, &mut out);
    }
    for c in &stdlib.controls {
        if !catalogue.controls.iter().any(|x| x.id == c.id) {
            out.insert(
                format!("{}/control", c.id),
                "control is not in the catalogue".to_owned(),
            );
        }
    }
    out
}

fn check_control(
    control: &Control,
    gate: &GateControl,
    non_waivable: &[String],
    out: &mut BTreeMap<String, String>,
) {
    let id = &control.id;
    let mut put = |key: String, message: String| {
        out.insert(format!("{id}/{key}"), message);
    };
    if gate.str_field("title") != control.title {
        put(
            "title".into(),
            format!(
                "title {:?}, catalogue {:?}",
                gate.str_field("title"),
                control.title
            ),
        );
    }
    if gate.str_field("family") != control.family {
        put(
            "family".into(),
            format!(
                "family {:?}, catalogue {:?}",
                gate.str_field("family"),
                control.family
            ),
        );
    }
    let mut mitigates = gate
        .field("mitigates")
        .map(Lit::strings)
        .unwrap_or_default();
    let mut expected = control.mitigates.clone();
    mitigates.sort();
    expected.sort();
    if mitigates != expected {
        put(
            "mitigates".into(),
            format!("mitigates {mitigates:?}, catalogue {expected:?}"),
        );
    }
    let waivable = !matches!(gate.field("waivable"), Some(Lit::Bool(false)));
    let should_be = !(control.non_waivable || non_waivable.contains(id));
    if waivable != should_be {
        put(
            "waivable".into(),
            format!("waivable is {waivable}, catalogue says {should_be}"),
        );
    }

    // Applicability.
    let app = &control.applicability;
    let mut alts = Vec::new();
    let main = gate::AppliesAlt {
        tiers: app.tier_condition(),
        model_kinds: app.kind_condition(),
        flags_any: app.flags_any.clone(),
        other: Vec::new(),
    };
    if main != gate::AppliesAlt::default() {
        alts.push(main);
        if !app.also_when_flags_any.is_empty() {
            alts.push(gate::AppliesAlt {
                flags_any: app.also_when_flags_any.clone(),
                ..Default::default()
            });
        }
    }
    let norm = |alts: &[gate::AppliesAlt]| -> Vec<gate::AppliesAlt> {
        alts.iter()
            .map(|a| {
                let mut a = a.clone();
                a.tiers.sort();
                a.model_kinds.sort();
                a.flags_any.sort();
                a
            })
            .collect()
    };
    if norm(&alts) != norm(&gate.applies) {
        put(
            "applicability".into(),
            format!("applies {:?}, catalogue {:?}", gate.applies, alts),
        );
    }

    // Required fields.
    let mut list_fields: Vec<String> = Vec::new();
    for path in &control.requires_fields {
        if let Some((list, key)) = path.split_once(".*.") {
            list_fields.push(list.to_owned());
            let ok = gate
                .requirements
                .iter()
                .find(|r| r.kind == RequirementKind::Test && &r.id == path)
                .and_then(|r| r.field("value"))
                .and_then(|v| call_args(v, "items_missing"))
                .is_some_and(|args| args == [Lit::Str(list.to_owned()), Lit::Str(key.to_owned())]);
            if !ok {
                put(
                    format!("requires_fields/{path}"),
                    format!(
                        "no `require test {path:?}` with value lib.items_missing({list:?}, {key:?})"
                    ),
                );
            }
        } else {
            let ok = gate.requirements.iter().any(|r| {
                r.kind == RequirementKind::Field
                    && &r.id == path
                    && r.field("path").and_then(Lit::as_str) == Some(&format!("spec.{path}"))
            });
            if !ok {
                put(
                    format!("requires_fields/{path}"),
                    format!("no `require field {path:?}` with path spec.{path}"),
                );
            }
        }
    }
    for r in gate
        .requirements
        .iter()
        .filter(|r| r.kind == RequirementKind::Field)
    {
        if !control.requires_fields.contains(&r.id) && !list_fields.contains(&r.id) {
            put(
                format!("requires_fields/{}", r.id),
                "required field is not in the catalogue".to_owned(),
            );
        }
    }

    // Tests.
    let mut nth: BTreeMap<&str, usize> = BTreeMap::new();
    for test in &control.tests {
        let n = nth.entry(test.metric.as_str()).or_insert(0);
        let index = *n;
        *n += 1;
        let label = if index == 0 {
            test.metric.clone()
        } else {
            format!("{}#{}", test.metric, index + 1)
        };
        let candidates: Vec<&GateRequirement> = gate
            .requirements
            .iter()
            .filter(|r| {
                r.kind == RequirementKind::Test
                    && r.field("metric").and_then(Lit::as_str) == Some(test.metric.as_str())
            })
            .collect();
        let Some(req) = candidates.get(index) else {
            put(format!("test/{label}"), "test is not declared".to_owned());
            continue;
        };
        for (aspect, message) in compare_test(test, req) {
            put(format!("test/{label}/{aspect}"), message);
        }
    }
}

/// The arguments of `lib.<name>(...)` in an expression's text.
fn call_args(value: &Lit, name: &str) -> Option<Vec<Lit>> {
    let Lit::Expr(text) = value else { return None };
    let expr = riskgate_dsl::parse_term(text).ok()?;
    let (called, args) = gate::lib_call(&expr)?;
    if called != name {
        return None;
    }
    Some(args.iter().map(|a| gate::lit(a, text)).collect())
}

/// The test's scope from `when: lib.in_scope({...})`; `Some(None)` when it
/// has no `when`, `None` when `when` is something else.
fn gate_scope(req: &GateRequirement) -> Option<Option<Scope>> {
    let Some(when) = req.field("when") else {
        return Some(None);
    };
    let args = call_args(when, "in_scope")?;
    let object = args.first()?;
    let get = |k: &str| object.get(k).map(Lit::strings).unwrap_or_default();
    Some(Some(Scope {
        tiers: get("tiers"),
        model_kinds: get("model_kinds"),
        flags_any: get("flags_any"),
        also_flags_any: get("also_flags_any"),
    }))
}

fn compare_test(test: &Test, req: &GateRequirement) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    // Operator and threshold, with contains/contains_all normalised.
    let (want_op, want_threshold) = match test.op.as_str() {
        "contains" => (
            "contains_all",
            Value::Sequence(vec![test.threshold.clone()]),
        ),
        op => (op, test.threshold.clone()),
    };
    let gate_op = req
        .field("op")
        .and_then(Lit::as_str)
        .unwrap_or_default()
        .to_owned();
    let gate_threshold = req.field("threshold").cloned().unwrap_or(Lit::Null);
    let (op, threshold) = match req
        .field("value")
        .and_then(|v| call_args(v, "missing_from"))
    {
        Some(args) if gate_op == "==" && gate_threshold == Lit::Array(Vec::new()) => (
            "contains_all".to_owned(),
            args.get(1).cloned().unwrap_or(Lit::Null),
        ),
        _ => (gate_op, gate_threshold),
    };
    if op != want_op {
        out.push(("op", format!("op {op:?}, catalogue {want_op:?}")));
    }
    if !yaml_eq(&want_threshold, &threshold) {
        out.push((
            "threshold",
            format!(
                "threshold {}, catalogue {}",
                threshold.render(),
                super::rego::term(&want_threshold)
            ),
        ));
    }
    let aggregate = req
        .field("aggregate")
        .and_then(Lit::as_str)
        .map(str::to_owned);
    if aggregate != test.aggregate {
        out.push((
            "aggregate",
            format!("aggregate {aggregate:?}, catalogue {:?}", test.aggregate),
        ));
    }
    let min_n = match req.field("min_n") {
        Some(Lit::Num(n)) => Some(*n),
        _ => None,
    };
    #[allow(clippy::cast_precision_loss)]
    let want_min_n = test.min_n.map(|n| n as f64);
    if min_n != want_min_n {
        out.push((
            "min_n",
            format!("min_n {min_n:?}, catalogue {:?}", test.min_n),
        ));
    }
    let want_scope = test.scope();
    let want_scope = (!want_scope.is_empty()).then_some(want_scope);
    let scope_matches = test.applies_when.is_none()
        && gate_scope(req).is_some_and(|got| {
            let sorted = |s: Option<Scope>| {
                s.map(|mut s| {
                    s.tiers.sort();
                    s.model_kinds.sort();
                    s.flags_any.sort();
                    s.also_flags_any.sort();
                    s
                })
            };
            sorted(got) == sorted(want_scope.clone())
        });
    if !scope_matches {
        out.push((
            "when",
            format!(
                "when {}, catalogue scope {:?}{}",
                req.field("when")
                    .map_or_else(|| "(none)".to_owned(), Lit::render),
                want_scope,
                test.applies_when
                    .as_ref()
                    .map(|w| format!(", applies_when {w:?}"))
                    .unwrap_or_default()
            ),
        ));
    }
    out
}

/// A catalogue value equals a policy constant (numbers compared as numbers,
/// objects without regard to key order).
pub fn yaml_eq(value: &Value, lit: &Lit) -> bool {
    match (value, lit) {
        (Value::Null, Lit::Null) => true,
        (Value::Bool(a), Lit::Bool(b)) => a == b,
        (Value::Number(a), Lit::Num(b)) => a
            .as_f64()
            .is_some_and(|a| (a - b).abs() <= 1e-12 * a.abs().max(1.0)),
        (Value::String(a), Lit::Str(b)) => a == b,
        (Value::Sequence(a), Lit::Array(b) | Lit::Set(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| yaml_eq(x, y))
        }
        (Value::Mapping(a), Lit::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| {
                    let key = k
                        .as_str()
                        .map(str::to_owned)
                        .or_else(|| k.as_u64().map(|n| n.to_string()));
                    key.is_some_and(|key| b.iter().any(|(bk, bv)| bk == &key && yaml_eq(v, bv)))
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CI fails when the policies drift from the catalogue without a
    /// reviewed entry in catalogue-differences.yaml.
    #[test]
    fn stdlib_agrees_with_the_catalogue() {
        let problems = run().unwrap();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn a_changed_threshold_is_reported() {
        let catalogue = Catalogue::load(&super::super::catalogue_path()).unwrap();
        let mut stdlib = gate::load(&super::super::policies_dir()).unwrap();
        let control = stdlib
            .controls
            .iter_mut()
            .find(|c| c.id == "C-FAIR-01")
            .unwrap();
        let test = control
            .requirements
            .iter_mut()
            .find(|r| r.id == "adverse_impact_ratio")
            .unwrap();
        for (name, value) in &mut test.fields {
            if name == "threshold" {
                *value = Lit::Num(0.7);
            }
        }
        let found = disagreements(&catalogue, &stdlib);
        assert!(
            found.contains_key("C-FAIR-01/test/adverse_impact_ratio/threshold"),
            "{found:?}"
        );
    }

    /// The vendored catalogue is the shared one, when the shared copy exists.
    #[test]
    fn vendored_catalogue_matches_the_shared_one() {
        let shared =
            super::super::workspace_root().join("../shared/stdlib/controls-catalogue.yaml");
        if let Ok(text) = std::fs::read_to_string(shared) {
            let vendored = std::fs::read_to_string(super::super::catalogue_path()).unwrap();
            assert_eq!(
                text, vendored,
                "re-vendor the catalogue and run `cargo xtask stdlib-check`"
            );
        }
    }
}
