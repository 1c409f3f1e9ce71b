//! Checking one manifest: applicability, requirements, violations, then
//! waivers and the decision.

use riskgate_engine::json_pointer;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use riskgate_dsl::ast::RequirementKind;

use super::overlay::{self, ControlOverlay};
use super::schema::{Ty, check_value, requirement_fields};
use super::spec::{ControlSpec, FieldValue, RequirementSpec};
use super::view::{self, Release};
use super::{CheckOptions, ManifestInput, PolicySet, requirements, waivers};
use crate::trace::{
    ControlTrace, Evidence, Expected, Finding, Location, ManifestTrace, RequirementTrace, Status,
};
use riskgate_engine::eval::EvalOptions;
use riskgate_engine::policy::Session;
use riskgate_engine::value::Value;

/// Everything requirement checks read.
pub(crate) struct Ctx<'a> {
    pub(crate) set: &'a PolicySet,
    pub(crate) eval: EvalOptions,
    /// One evaluator session per manifest: generated rules share the
    /// values of the helpers they call (`lib.*` metrics, config).
    session: RefCell<Session<'a>>,
    pub(crate) input: &'a Value,
    pub(crate) now_ns: i64,
    pub(crate) locate: &'a dyn Fn(&str) -> Option<Location>,
    pub(crate) release: Release,
    /// Attach rule traces to failing requirements.
    pub(crate) explain: bool,
}

impl Ctx<'_> {
    /// Evaluates a generated rule; `Err` carries the evaluation error.
    pub(crate) fn rule(&self, path: &str) -> Result<Option<Value>, String> {
        self.session
            .borrow_mut()
            .eval_rule(path)
            .map_err(|e| e.to_string())
    }

    /// The evaluation of generated rules as trace lines (`--explain full`),
    /// each rule from an empty memo so every rule it calls is shown.
    pub(crate) fn explain(&self, rules: &[&str]) -> Vec<String> {
        let mut lines = Vec::new();
        for rule in rules {
            let shown = rule.strip_prefix("data.").unwrap_or(rule);
            match self.set.policy.eval_rule_traced(rule, &self.eval) {
                Ok((value, events)) => {
                    let result = value.map_or_else(|| "undefined".to_owned(), |v| v.to_string());
                    lines.push(format!("{shown} => {result}"));
                    let total = events.len();
                    lines.extend(
                        events
                            .iter()
                            .take(MAX_EXPLANATION_LINES)
                            .map(|e| shorten(&format!("  {}", e.line()))),
                    );
                    if total > MAX_EXPLANATION_LINES {
                        lines.push(format!(
                            "  … {} more events (`riskgate eval --explain full` shows them all)",
                            total - MAX_EXPLANATION_LINES
                        ));
                    }
                }
                Err(error) => lines.push(format!("{shown} failed: {error}")),
            }
        }
        lines
    }

    /// Evidence at a JSON pointer, with its value when it exists.
    pub(crate) fn evidence(&self, pointer: &str) -> Evidence {
        Evidence {
            pointer: pointer.to_owned(),
            location: (self.locate)(pointer),
            value: pointer_value(self.input, pointer).map(Value::to_json),
        }
    }

    /// The manifest's `spec`.
    pub(crate) fn spec(&self) -> &Value {
        view::get(self.input, "spec").unwrap_or(&Value::Null)
    }
}

/// Trace events shown per explained rule.
const MAX_EXPLANATION_LINES: usize = 200;

/// Characters kept of one explanation line (values and bindings can be
/// whole manifest sections).
const MAX_EXPLANATION_WIDTH: usize = 240;

fn shorten(line: &str) -> String {
    match line.char_indices().nth(MAX_EXPLANATION_WIDTH) {
        Some((end, _)) => format!("{}…", line.get(..end).unwrap_or(line)),
        None => line.to_owned(),
    }
}

/// The value at a JSON pointer of the raw manifest.
pub(crate) fn pointer_value<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    let mut current = root;
    for token in json_pointer::tokens(pointer) {
        current = match current {
            Value::Object(_) => view::get(current, &token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The result of checking one requirement, before it becomes a trace.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) status: Status,
    pub(crate) message: String,
    pub(crate) actual: Option<Value>,
    pub(crate) expected: Option<(String, Value)>,
    pub(crate) evidence: Vec<Evidence>,
    pub(crate) to_pass: Option<String>,
}

impl Outcome {
    pub(crate) fn new(status: Status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            actual: None,
            expected: None,
            evidence: Vec::new(),
            to_pass: None,
        }
    }

    pub(crate) fn pass(message: impl Into<String>) -> Self {
        Self::new(Status::Pass, message)
    }

    pub(crate) fn fail(message: impl Into<String>, to_pass: impl Into<String>) -> Self {
        Self::new(Status::Fail, message).hint(to_pass)
    }

    pub(crate) fn error(message: impl Into<String>) -> Self {
        Self::new(Status::Error, message)
            .hint("fix the policy or the manifest so the requirement can be evaluated")
    }

    pub(crate) fn hint(mut self, to_pass: impl Into<String>) -> Self {
        self.to_pass = Some(to_pass.into());
        self
    }

    pub(crate) fn actual(mut self, actual: Value) -> Self {
        self.actual = Some(actual);
        self
    }

    pub(crate) fn expected(mut self, op: &str, threshold: Value) -> Self {
        self.expected = Some((op.to_owned(), threshold));
        self
    }

    pub(crate) fn evidence(mut self, evidence: Vec<Evidence>) -> Self {
        self.evidence = evidence;
        self
    }
}

/// A requirement's resolved field values.
pub(crate) struct Fields<'a>(BTreeMap<&'a str, Value>);

impl Fields<'_> {
    pub(crate) fn value(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        self.value(name).and_then(Value::as_str)
    }

    pub(crate) fn bool(&self, name: &str, default: bool) -> bool {
        self.value(name).and_then(Value::as_bool).unwrap_or(default)
    }

    pub(crate) fn num(&self, name: &str) -> Option<f64> {
        self.value(name)
            .and_then(Value::as_number)
            .map(riskgate_engine::number::Number::as_f64)
    }

    pub(crate) fn strings(&self, name: &str) -> Option<Vec<String>> {
        let items: Vec<&Value> = match self.value(name)? {
            Value::Array(items) => items.iter().collect(),
            Value::Set(items) => items.iter().collect(),
            _ => return None,
        };
        Some(
            items
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        )
    }
}

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
    let ctx = Ctx {
        set,
        session: RefCell::new(set.policy.session(&eval)),
        eval,
        input: manifest.value,
        now_ns: options.now_ns,
        locate: manifest.locate,
        release: Release::read(manifest.value),
        explain: options.explain,
    };
    let mut findings = Vec::new();
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
    }
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
            let mut entry = to_trace(r, run_requirement(ctx, r, overlay.fields(&r.id)));
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
    let mut fields = BTreeMap::new();
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
        fields.insert(name.as_str(), value);
    }
    let fields = Fields(fields);
    match requirement.kind {
        RequirementKind::Test => requirements::test::check(ctx, &fields),
        RequirementKind::Monitor => requirements::monitor::check(ctx, &fields),
        RequirementKind::Approval => requirements::approval::check(ctx, &fields),
        RequirementKind::Document => requirements::document::check(ctx, &fields, &requirement.id),
        RequirementKind::Field => requirements::field::check(ctx, &fields),
    }
}
