//! Organisation overlays (`--overlay`): `examples/overlays/org.yaml` on the
//! examples, and each overlay ability on its own, evaluated in-process
//! against the embedded standard library at the fixed clock.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

#[path = "support/engine.rs"]
mod support;

use riskgate_controls::trace::{Action, ControlTrace, Decision, ManifestTrace, Status};
use riskgate_engine::Value;
use serde_json::json;

fn control<'a>(trace: &'a ManifestTrace, id: &str) -> &'a ControlTrace {
    trace.controls.iter().find(|c| c.id == id).unwrap()
}

fn org() -> Option<Value> {
    Some(support::overlay("examples/overlays/org.yaml"))
}

fn with_org(file: &str) -> ManifestTrace {
    // The CLI passes the overlay both at compile time and at check time.
    let set = support::compile(org());
    support::check_example(&set, file, &support::ci_options(org()))
}

#[test]
fn org_overlay_raises_the_fairness_threshold_for_high_tier() {
    let trace = with_org("credit-scorer-pass.yaml");
    let fair = control(&trace, "C-FAIR-01");
    let air = fair
        .requirements
        .iter()
        .find(|r| r.id == "adverse_impact_ratio")
        .unwrap();
    assert_eq!(air.status, Status::Fail, "{}", air.message);
    assert_eq!(air.expected.as_ref().unwrap().threshold, json!(0.85));
    assert_eq!(air.actual, Some(json!(0.84)));
    assert_eq!(trace.decision, Decision::Deny);
    // Without the overlay the same release passes.
    let plain = support::check_example(
        support::stdlib(),
        "credit-scorer-pass.yaml",
        &support::ci_options(None),
    );
    assert_eq!(control(&plain, "C-FAIR-01").status, Status::Pass);
}

#[test]
fn org_overlay_disables_a_control_with_its_reason() {
    let trace = with_org("credit-scorer-pass.yaml");
    let cal = control(&trace, "C-PERF-03");
    assert_eq!(cal.status, Status::NotApplicable);
    assert!(
        cal.disabled
            .as_deref()
            .unwrap()
            .contains("model risk committee")
    );
    assert!(
        cal.requirements
            .iter()
            .all(|r| r.status == Status::NotApplicable)
    );
}

#[test]
fn org_overlay_turns_a_denial_into_a_warning() {
    let trace = with_org("support-chatbot-fail.yaml");
    let perf = control(&trace, "C-PERF-01");
    assert_eq!(perf.status, Status::Fail);
    assert_eq!(perf.action, Action::Warn);
    assert_eq!(control(&trace, "C-SEC-01").action, Action::Deny);
    // Still denied by the other failures.
    assert_eq!(trace.decision, Decision::Deny);
}

#[test]
fn org_overlay_keeps_the_other_example_decisions() {
    for (file, decision) in [
        ("agent-with-waiver.yaml", Decision::Pass),
        ("agent-expired-waiver.yaml", Decision::Deny),
        ("fraud-sod-violation.yaml", Decision::Deny),
    ] {
        let trace = with_org(file);
        assert_eq!(trace.decision, decision, "{file}");
        assert!(
            trace.findings.iter().all(|f| f.code != "R0004"),
            "{file}: {:?}",
            trace.findings
        );
    }
}

#[test]
fn enforcement_change_alone_lets_a_release_pass_with_a_warning() {
    let overlay = Some(Value::from_json(
        &json!({"riskgate": {"config": {"controls": {
            "C-GOV-03": {"enforcement": {"ci": "warn"}}
        }}}}),
    ));
    let trace = support::check_example(
        support::stdlib(),
        "fraud-sod-violation.yaml",
        &support::ci_options(overlay),
    );
    assert_eq!(trace.decision, Decision::Warn);
    let mut strict = support::ci_options(None);
    strict.strict = true;
    strict.data = Some(Value::from_json(
        &json!({"riskgate": {"config": {"controls": {
            "C-GOV-03": {"enforcement": {"ci": "warn"}}
        }}}}),
    ));
    let trace = support::check_example(support::stdlib(), "fraud-sod-violation.yaml", &strict);
    assert_eq!(
        trace.decision,
        Decision::Deny,
        "--strict makes warnings deny"
    );
}

#[test]
fn stdlib_settings_are_merged_with_the_overlay() {
    // dp_epsilon 4 passes the default limit (8) and fails the org's (3).
    let mut manifest = support::example_json("credit-scorer-pass.yaml");
    manifest["spec"]["classification"]["flags"]
        .as_array_mut()
        .unwrap()
        .push(json!("differential_privacy"));
    manifest["spec"]["evaluations"][4]["metrics"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "dp_epsilon", "value": 4}));
    let dp = |data: Option<Value>| {
        let trace = support::check_json(
            support::stdlib(),
            "m.yaml",
            &manifest,
            &support::ci_options(data),
        );
        let priv02 = control(&trace, "C-PRIV-02").clone();
        priv02
            .requirements
            .into_iter()
            .find(|r| r.id == "dp_epsilon")
            .unwrap()
    };
    assert_eq!(dp(None).status, Status::Pass);
    let strict = dp(org());
    assert_eq!(strict.status, Status::Fail);
    assert_eq!(strict.expected.unwrap().threshold, json!(3));
    // Merging is per key: the other declared limit keeps its default.
    let trace = support::check_example(
        support::stdlib(),
        "credit-scorer-pass.yaml",
        &support::ci_options(org()),
    );
    assert_eq!(
        control(&trace, "C-GOV-01").status,
        Status::Pass,
        "tiering tables are untouched"
    );
}

#[test]
fn waiver_policy_from_the_overlay_replaces_the_catalogue_entry() {
    let overlay = |roles: serde_json::Value| {
        Some(Value::from_json(
            &json!({"riskgate": {"config": {"waiver_policy": {
                "approver_roles_by_residual_risk": {"medium": roles}
            }}}}),
        ))
    };
    let trace = support::check_example(
        support::stdlib(),
        "agent-with-waiver.yaml",
        &support::ci_options(overlay(json!(["risk_officer", "executive_accountable"]))),
    );
    let codes: Vec<&str> = trace.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        ["W3003"],
        "the waiver now lacks an executive approval"
    );
    assert_eq!(trace.decision, Decision::Deny);
}

#[test]
fn overlay_mistakes_are_findings_and_bad_values_are_errors() {
    let overlay = Some(Value::from_json(
        &json!({"riskgate": {"config": {"controls": {
            "C-FAIR-1": {"enforcement": {"ci": "warn"}},
            "C-GOV-01": {"requirements": {"nope": {"threshold": 1}}},
            "C-GOV-02": {"enforcement": {"ci": "allow"}},
            "C-PERF-01": {"requirements": {"auc_overall": {"threshold": "high", "colour": 1}}}
        }}}}),
    ));
    let trace = support::check_example(
        support::stdlib(),
        "credit-scorer-pass.yaml",
        &support::ci_options(overlay),
    );
    let messages: Vec<&str> = trace.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("no control C-FAIR-1")));
    assert!(
        messages
            .iter()
            .any(|m| m.contains("C-GOV-01 has no requirement nope"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("C-GOV-02.enforcement.ci"))
    );
    assert!(messages.iter().any(|m| m.contains("auc_overall.colour")));
    let auc = control(&trace, "C-PERF-01")
        .requirements
        .iter()
        .find(|r| r.id == "auc_overall")
        .unwrap();
    assert_eq!(auc.status, Status::Error);
    assert!(auc.message.contains("threshold"), "{}", auc.message);
}
