//! Checking one manifest: applicability, requirements, violations, then
//! waivers and the decision.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use riskgate_dsl::ast::RequirementKind;

use super::context::{Ctx, Fields, Outcome};
use super::overlay::{self, ControlOverlay};
use super::schema::{Ty, check_value, requirement_fields};
use super::spec::{ControlSpec, FieldValue, RequirementSpec};
use super::view::{self, Release};
use super::{CheckOptions, ManifestInput, PolicySet, requirements, waivers};
use crate::trace::{ControlTrace, Expected, Finding, ManifestTrace, RequirementTrace, Status};
use crate::trust::Trust;
use riskgate_engine::eval::EvalOptions;
use riskgate_engine::value::Value;

/// Checks one manifest against every control.
pub(crate) fn check_manifest(
    set: &PolicySet,
    manifest: &ManifestInput<'_>,
    options: &CheckOptions,
) -> ManifestTrace {
    let data = with_context(options.data.as_ref(), options);
    let eval = EvalOptions {
        input: Some(manifest.value.clone()),
        data: Some(data),
        now_ns: options.now_ns,
        limits: options.limits.clone(),
        strict_builtin_errors: false,
        trace: false,
    };
    let mut ctx = Ctx {
        set,
        session: RefCell::new(set.policy.session(&eval)),
        eval,
        input: manifest.value,
        now_ns: options.now_ns,
        locate: manifest.locate,
        release: Release::read(manifest.value),
        explain: options.explain,
        trust: Trust::off(),
    };
    let mut findings = Vec::new();
    let trust_config = config(&ctx, "trust", &mut findings);
    ctx.trust = Trust::assess(
        manifest.value,
        trust_config.as_ref(),
        options,
        manifest.locate,
    );
    findings.extend(ctx.trust.findings().iter().cloned());
    let policy = config(&ctx, "waiver_policy", &mut findings)
        .map_or_else(waivers::WaiverPolicy::default, |v| {
            waivers::WaiverPolicy::from_overlay(&v)
        });
    let disabled = config(&ctx, "disabled_controls", &mut findings);
    let overlays = config(&ctx, "controls", &mut findings);
    let overlays = overlay::read(overlays.as_ref(), &set.controls, &mut findings);
    let none = ControlOverlay::default();
    let mut controls: Vec<ControlTrace> = set
        .controls
        .controls
        .iter()
        .map(|control| {
            let overlay = overlays.get(&control.id).unwrap_or(&none);
            run_control(&ctx, control, disabled.as_ref(), overlay, options)
        })
        .collect();
    findings.extend(waivers::apply(&ctx, &policy, &mut controls));
    findings.extend(shadowed_metrics(&ctx, &set.controls.controls, &controls));
    let decision = super::decision::finish(&mut controls, options);
    ManifestTrace {
        file: manifest.file.to_owned(),
        document: manifest.document,
        name: view::str_at(manifest.value, &["metadata", "name"]).map(str::to_owned),
        namespace: view::str_at(manifest.value, &["metadata", "namespace"]).map(str::to_owned),
        decision,
        problems: Vec::new(),
        controls,
        findings,
        expiring: Vec::new(),
    }
}

/// A `W2003` finding for every evaluation metric that has the name of a
/// derived test of an applicable control: the value is not used.
fn shadowed_metrics(ctx: &Ctx<'_>, specs: &[ControlSpec], traces: &[ControlTrace]) -> Vec<Finding> {
    let mut derived: BTreeMap<&str, (&str, &[String])> = BTreeMap::new();
    for (spec, trace) in specs.iter().zip(traces) {
        if trace.status == crate::trace::Status::NotApplicable {
            continue;
        }
        for requirement in &spec.requirements {
            let metric = match requirement.fields.get("metric").map(|f| &f.value) {
                Some(FieldValue::Const(Value::String(metric))) => metric,
                _ => continue,
            };
            if requirement.fields.contains_key("value") {
                derived
                    .entry(metric)
                    .or_insert((spec.id.as_str(), &requirement.derived_from));
            }
        }
    }
    let mut findings = Vec::new();
    for (e, evaluation) in view::items(ctx.input, &["spec", "evaluations"])
        .iter()
        .enumerate()
    {
        for (m, metric) in view::items(evaluation, &["metrics"]).iter().enumerate() {
            let Some(name) = view::str_at(metric, &["name"]) else {
                continue;
            };
            let Some((control, fields)) = derived.get(name) else {
                continue;
            };
            let pointer = format!("/spec/evaluations/{e}/metrics/{m}");
            let from = if fields.is_empty() {
                String::new()
            } else {
                let fields: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
                format!(" from {}", fields.join(", "))
            };
            findings.push(Finding {
                code: crate::codes::DERIVED_METRIC_REPORTED.id.to_owned(),
                message: format!(
                    "metric {name} is not used: {control} derives it{from}, so the reported value changes nothing"
                ),
                location: (ctx.locate)(&pointer),
                pointer: Some(pointer),
            });
        }
    }
    findings
}

/// Adds `riskgate.context` (`enforcement_point`, `now`, `now_ns`) to the
/// overlay data.
fn with_context(data: Option<&Value>, options: &CheckOptions) -> Value {
    let context = Value::from_json(&serde_json::json!({
        "enforcement_point": options.point.as_str(),
        "now": view::format_time(options.now_ns),
        "now_ns": options.now_ns,
    }));
    let mut root = match data {
        Some(Value::Object(entries)) => (**entries).clone(),
        _ => BTreeMap::new(),
    };
    let key = Value::string("riskgate");
    let mut riskgate = match root.get(&key) {
        Some(Value::Object(entries)) => (**entries).clone(),
        _ => BTreeMap::new(),
    };
    riskgate.insert(Value::string("context"), context);
    root.insert(key, Value::Object(Arc::new(riskgate)));
    Value::Object(Arc::new(root))
}

fn config(ctx: &Ctx<'_>, key: &str, findings: &mut Vec<Finding>) -> Option<Value> {
    match ctx.rule(&format!("data.riskgate.config.{key}")) {
        Ok(value) => value,
        Err(message) => {
            findings.push(Finding {
                code: "R0004".to_owned(),
                message: format!("data.riskgate.config.{key} could not be evaluated, using the defaults: {message}"),
                location: None,
                pointer: None,
            });
            None
        }
    }
}

fn run_control(
    ctx: &Ctx<'_>,
    control: &ControlSpec,
    disabled: Option<&Value>,
    overlay: &ControlOverlay,
    options: &CheckOptions,
) -> ControlTrace {
    let mut trace = ControlTrace {
        id: control.id.clone(),
        title: control.title.clone(),
        risks: control.mitigates.clone(),
        severity: control.severity.as_str().to_owned(),
        status: Status::NotApplicable,
        action: overlay.action(control, options.point),
        policy: control.location.clone(),
        disabled: disabled_reason(disabled, &control.id),
        requirements: Vec::new(),
    };
    let skip = |message: &str| {
        control
            .requirements
            .iter()
            .map(|r| to_trace(r, Outcome::new(Status::NotApplicable, message)))
            .collect::<Vec<_>>()
    };
    if trace.disabled.is_some() {
        trace.requirements = skip("the control is disabled by the overlay");
        return trace;
    }
    if let Some(rule) = &control.applies_rule {
        match ctx.rule(rule) {
            Ok(Some(value)) if value != Value::Bool(false) => {}
            Ok(_) => {
                trace.requirements = skip("the control does not apply to this release");
                return trace;
            }
            Err(message) => {
                trace.status = Status::Error;
                let explanation = if ctx.explain {
                    ctx.explain(&[rule.as_str()])
                } else {
                    Vec::new()
                };
                trace.requirements = control
                    .requirements
                    .iter()
                    .map(|r| {
                        let mut entry = to_trace(
                            r,
                            Outcome::error(format!(
                                "the control's `applies` condition failed: {message}"
                            )),
                        );
                        entry.explanation.clone_from(&explanation);
                        entry
                    })
                    .collect();
                return trace;
            }
        }
    }
    trace.status = Status::Pass;
    trace.requirements = control
        .requirements
        .iter()
        .map(|r| {
            let outcome = believed(ctx, run_requirement(ctx, r, overlay.fields(&r.id)));
            let mut entry = to_trace(r, outcome);
            if ctx.explain && entry.status.is_failing() {
                let rules: Vec<&str> = control
                    .applies_rule
                    .iter()
                    .map(String::as_str)
                    .chain(r.fields.values().filter_map(|f| match &f.value {
                        FieldValue::Rule(rule) => Some(rule.as_str()),
                        FieldValue::Const(_) => None,
                    }))
                    .collect();
                entry.explanation = ctx.explain(&rules);
            }
            entry
        })
        .collect();
    trace
        .requirements
        .extend(requirements::violations(ctx, control));
    trace
}

fn disabled_reason(disabled: Option<&Value>, id: &str) -> Option<String> {
    match disabled? {
        Value::Object(_) => view::get(disabled?, id).map(|v| {
            v.as_str()
                .map_or_else(|| "disabled by the overlay".to_owned(), str::to_owned)
        }),
        Value::Array(items) => items
            .iter()
            .any(|v| v.as_str() == Some(id))
            .then(|| "disabled by the overlay".to_owned()),
        Value::Set(items) => items
            .contains(&Value::string(id))
            .then(|| "disabled by the overlay".to_owned()),
        _ => None,
    }
}

/// A passing outcome lowered by what evidence verification found about
/// the evidence it used (verification never raises a status).
fn believed(ctx: &Ctx<'_>, outcome: Outcome) -> Outcome {
    if outcome.status != Status::Pass {
        return outcome;
    }
    match ctx.trust.lowering(&outcome.evidence) {
        Some((status, why, hint)) => {
            let message = format!("{}, but {why}", outcome.message);
            let hint = hint.to_owned();
            let mut lowered = outcome;
            lowered.status = status;
            lowered.message = message;
            lowered.hint(hint)
        }
        None => outcome,
    }
}

/// Turns an outcome into a trace entry, applying a custom `hint`.
pub(crate) fn to_trace(requirement: &RequirementSpec, outcome: Outcome) -> RequirementTrace {
    let custom = match requirement.fields.get("hint").map(|f| &f.value) {
        Some(FieldValue::Const(v)) => v.as_str().map(str::to_owned),
        _ => None,
    };
    let to_pass = if matches!(outcome.status, Status::Pass | Status::NotApplicable) {
        None
    } else {
        custom.or(outcome.to_pass)
    };
    RequirementTrace {
        id: requirement.id.clone(),
        kind: requirement.kind.as_str().to_owned(),
        status: outcome.status,
        message: outcome.message,
        actual: outcome.actual.map(|v| v.to_json()),
        expected: outcome.expected.map(|(op, threshold)| Expected {
            op,
            threshold: threshold.to_json(),
        }),
        evidence: outcome.evidence,
        policy: requirement.location.clone(),
        waiver: None,
        to_pass,
        explanation: Vec::new(),
    }
}

/// Checks one requirement; `replaced` are the overlay's field values, which
/// take the place of the policy's.
fn run_requirement(
    ctx: &Ctx<'_>,
    requirement: &RequirementSpec,
    replaced: Option<&BTreeMap<String, Value>>,
) -> Outcome {
    match requirement.fields.get("when").map(|f| &f.value) {
        Some(FieldValue::Const(value)) if *value == Value::Bool(false) || *value == Value::Null => {
            return Outcome::new(Status::NotApplicable, "`when` is false");
        }
        Some(FieldValue::Rule(rule)) => match ctx.rule(rule) {
            Ok(Some(value)) if value != Value::Bool(false) => {}
            Ok(_) => {
                return Outcome::new(
                    Status::NotApplicable,
                    "`when` does not hold for this release",
                );
            }
            Err(message) => return Outcome::error(format!("evaluating `when` failed: {message}")),
        },
        _ => {}
    }
    let defs = requirement_fields(requirement.kind);
    let mut fields = Vec::with_capacity(requirement.fields.len());
    // Without an overlay the policy's fields are the names (already sorted
    // and unique): no set to build.
    let names: Vec<&String> = match replaced {
        None => requirement.fields.keys().collect(),
        Some(replaced) => requirement
            .fields
            .keys()
            .chain(replaced.keys())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    for name in names {
        let Some(def) = defs.iter().find(|d| d.name == name) else {
            continue;
        };
        if def.ty == Ty::Cond {
            continue;
        }
        let from_overlay = replaced.and_then(|r| r.get(name));
        let value = match (from_overlay, requirement.fields.get(name).map(|f| &f.value)) {
            (Some(value), _) | (None, Some(FieldValue::Const(value))) => value.clone(),
            (None, Some(FieldValue::Rule(rule))) => match ctx.rule(rule) {
                Ok(Some(value)) => value,
                Ok(None) => {
                    return Outcome::error(format!("`{name}` is undefined for this release"));
                }
                Err(message) => {
                    return Outcome::error(format!("evaluating `{name}` failed: {message}"));
                }
            },
            (None, None) => continue,
        };
        if let Err(error) = check_value(def.ty, &value, None) {
            let message = match error {
                super::schema::TypeError::Invalid(message, _) => message,
                super::schema::TypeError::UnknownRole(role) => format!("unknown role `{role}`"),
            };
            let origin = if from_overlay.is_some() {
                " (set by the overlay)"
            } else {
                ""
            };
            return Outcome::error(format!("`{name}`{origin} is invalid: {message}"));
        }
        fields.push((name.as_str(), value));
    }
    let fields = Fields(fields);
    match requirement.kind {
        RequirementKind::Test => requirements::test::check(ctx, &fields, &requirement.derived_from),
        RequirementKind::Monitor => requirements::monitor::check(ctx, &fields),
        RequirementKind::Approval => requirements::approval::check(ctx, &fields),
        RequirementKind::Document => requirements::document::check(ctx, &fields, &requirement.id),
        RequirementKind::Field => requirements::field::check(ctx, &fields),
    }
}
