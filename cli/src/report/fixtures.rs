//! Hand-built decision traces for renderer and exit-code tests: every
//! status, every action, a waiver, an invalid-waiver finding, a disabled
//! control, a load error, and text that needs escaping in every format.

use std::collections::BTreeMap;

use riskgate_controls::trace::{
    Action, ControlTrace, Decision, EnforcementPoint, Evidence, Expected, Finding, Location,
    ManifestTrace, Problem, RequirementTrace, Status, Summary, TRACE_VERSION, Trace,
    WaiverCitation,
};
use serde_json::json;

pub const CREDIT_FILE: &str = "examples/credit.yaml";

/// The text of `examples/credit.yaml`, matching the fixture's locations.
pub const CREDIT_YAML: &str = "\
apiVersion: riskgate.dev/v1alpha1
kind: ModelRelease
metadata:
  name: credit-scoring
spec:
  classification:
    risk_tier: high
  evaluations:
    - suite: fairness
      metrics:
        - name: adverse_impact_ratio
          slice: {sex: female}
          value: 0.74
          n: 23
  approvals:
    - role: model_owner
      name: Ada
  waivers:
    - id: WV-2026-007
      controls: [C-DOC-02]
";

pub fn loc(file: &str, line: u32, col: u32) -> Location {
    Location {
        file: file.to_owned(),
        line,
        col,
    }
}

fn stdlib(file: &str, line: u32) -> Location {
    loc(&format!("<stdlib>/{file}"), line, 3)
}

fn requirement(id: &str, kind: &str, status: Status, message: &str) -> RequirementTrace {
    RequirementTrace {
        id: id.to_owned(),
        kind: kind.to_owned(),
        status,
        message: message.to_owned(),
        actual: None,
        expected: None,
        evidence: Vec::new(),
        policy: stdlib("controls.gate", 1),
        waiver: None,
        to_pass: None,
        explanation: Vec::new(),
    }
}

fn control(
    id: &str,
    title: &str,
    action: Action,
    policy: Location,
    requirements: Vec<RequirementTrace>,
) -> ControlTrace {
    let status = requirements
        .iter()
        .map(|r| r.status)
        .max()
        .unwrap_or(Status::NotApplicable);
    ControlTrace {
        id: id.to_owned(),
        title: title.to_owned(),
        risks: Vec::new(),
        severity: "medium".to_owned(),
        status,
        action,
        policy,
        disabled: None,
        requirements,
    }
}

fn credit() -> ManifestTrace {
    let mut air_overall = requirement(
        "air_overall",
        "test",
        Status::Pass,
        "adverse_impact_ratio is 0.91",
    );
    air_overall.actual = Some(json!(0.91));
    air_overall.expected = Some(Expected {
        op: ">=".into(),
        threshold: json!(0.8),
    });
    air_overall.policy = stdlib("fairness.gate", 14);

    let mut air_slice = requirement(
        "air_by_slice",
        "test",
        Status::Fail,
        "adverse_impact_ratio for slice sex=female is 0.74",
    );
    air_slice.actual = Some(json!(0.74));
    air_slice.expected = Some(Expected {
        op: ">=".into(),
        threshold: json!(0.8),
    });
    air_slice.evidence = vec![Evidence {
        pointer: "/spec/evaluations/0/metrics/0/value".into(),
        location: Some(loc(CREDIT_FILE, 13, 18)),
        value: Some(json!(0.74)),
        source: None,
    }];
    air_slice.policy = stdlib("fairness.gate", 22);
    air_slice.to_pass =
        Some("raise slice sex=female adverse_impact_ratio from 0.74 to >= 0.8".into());

    let mut sample = requirement(
        "slice_sample_size",
        "test",
        Status::InsufficientData,
        "slice sex=female has 23 observations; at least 30 are needed",
    );
    sample.actual = Some(json!(23));
    sample.expected = Some(Expected {
        op: ">=".into(),
        threshold: json!(30),
    });
    sample.evidence = vec![Evidence {
        pointer: "/spec/evaluations/0/metrics/0/n".into(),
        location: Some(loc(CREDIT_FILE, 14, 14)),
        value: Some(json!(23)),
        source: None,
    }];
    sample.policy = stdlib("fairness.gate", 30);
    sample.to_pass = Some("evaluate slice sex=female on at least 30 observations".into());

    let mut fairness = control(
        "C-FAIR-01",
        "Disparate impact within bounds",
        Action::Deny,
        stdlib("fairness.gate", 10),
        vec![air_overall, air_slice, sample],
    );
    fairness.risks = vec!["fairness.disparate_impact".into()];
    fairness.severity = "high".into();

    let mut signoff = requirement(
        "validator_signoff",
        "approval",
        Status::Fail,
        "no approval by role model_validator",
    );
    signoff.evidence = vec![Evidence {
        pointer: "/spec/approvals".into(),
        location: Some(loc(CREDIT_FILE, 15, 3)),
        value: Some(json!([{"role": "model_owner", "name": "Ada"}])),
        source: None,
    }];
    signoff.policy = stdlib("governance.gate", 40);
    signoff.to_pass =
        Some("add an approval by role model_validator distinct from model_author".into());
    let approvals = control(
        "C-GOV-03",
        "Independent validation sign-off",
        Action::Deny,
        stdlib("governance.gate", 35),
        vec![signoff],
    );

    let mut lineage = requirement(
        "lineage",
        "field",
        Status::Error,
        "policy error: undefined function data.org.lineage_ok",
    );
    lineage.policy = loc("policies/data.gate", 8, 5);
    let data = control(
        "C-DATA-03",
        "Training data lineage recorded",
        Action::Deny,
        loc("policies/data.gate", 3, 1),
        vec![lineage],
    );

    let mut card = requirement(
        "model_card",
        "document",
        Status::Waived,
        "no document of kind model_card",
    );
    card.evidence = vec![Evidence {
        pointer: "/spec/documents".into(),
        location: None,
        value: None,
        source: None,
    }];
    card.policy = stdlib("documentation.gate", 12);
    card.waiver = Some(WaiverCitation {
        id: "WV-2026-007".into(),
        expires_at: "2026-06-30T00:00:00Z".into(),
        compensating_controls: vec!["C-MON-01".into()],
        location: Some(loc(CREDIT_FILE, 19, 7)),
    });
    card.to_pass = Some("add a document of kind model_card".into());
    let documentation = control(
        "C-DOC-02",
        "Model card published",
        Action::Deny,
        stdlib("documentation.gate", 8),
        vec![card],
    );

    let mut drift = requirement(
        "drift_monitor",
        "monitor",
        Status::Pass,
        "monitor psi runs daily, owner ml-ops",
    );
    drift.policy = stdlib("monitoring.gate", 9);
    let monitoring = control(
        "C-MON-01",
        "Drift monitored",
        Action::Warn,
        stdlib("monitoring.gate", 5),
        vec![drift],
    );

    let mut jailbreak = requirement(
        "jailbreak_rate",
        "test",
        Status::NotApplicable,
        "applies only to model kind llm",
    );
    jailbreak.policy = stdlib("llm.gate", 20);
    let llm = control(
        "C-LLM-05",
        "Jailbreak resistance tested",
        Action::Deny,
        stdlib("llm.gate", 15),
        vec![jailbreak],
    );

    let mut disabled = control(
        "C-OPS-09",
        "Rollback rehearsed",
        Action::Warn,
        stdlib("operations.gate", 30),
        Vec::new(),
    );
    disabled.disabled = Some("overlay org.yaml: not required for batch models".into());

    ManifestTrace {
        file: CREDIT_FILE.into(),
        document: 0,
        name: Some("credit-scoring".into()),
        namespace: None,
        decision: Decision::Deny,
        problems: vec![Problem {
            code: "W2001".into(),
            severity: "warning".into(),
            message: "unknown field `spec.foo`".into(),
            location: Some(loc(CREDIT_FILE, 5, 1)),
            pointer: Some("/spec/foo".into()),
            help: None,
        }],
        controls: vec![
            data,
            documentation,
            fairness,
            approvals,
            llm,
            monitoring,
            disabled,
        ],
        findings: vec![Finding {
            code: "W3001".into(),
            message: "waiver WV-2025-001 expired at 2026-01-31T00:00:00Z and was ignored".into(),
            location: Some(loc(CREDIT_FILE, 18, 3)),
            pointer: Some("/spec/waivers/0".into()),
        }],
        expiring: Vec::new(),
    }
}

fn chatbot() -> ManifestTrace {
    let mut filter = requirement(
        "output_filter",
        "field",
        Status::Fail,
        "spec.safety.output_filter is \"none\": <filtered> & \"logged\" outputs, 100% of turns: none",
    );
    filter.actual = Some(json!("none"));
    filter.expected = Some(Expected {
        op: "in".into(),
        threshold: json!(["moderation", "classifier"]),
    });
    filter.evidence = vec![Evidence {
        pointer: "/spec/safety/output_filter".into(),
        location: Some(loc("examples/chat, bot.yaml", 31, 20)),
        value: Some(json!("none")),
        source: None,
    }];
    filter.policy = stdlib("llm.gate", 60);
    filter.to_pass = Some("set spec.safety.output_filter to \"moderation\" or \"classifier\"\n(see docs: safety | filters)".into());
    filter.explanation = vec![
        "stdlib.controls.c_llm_02.applies => true".into(),
        "  Enter applies if  (<stdlib>/llm.gate:56:3)".into(),
        "  | Eval  lib.is_llm  (<stdlib>/llm.gate:57:4)".into(),
        "  Exit  applies if  (<stdlib>/llm.gate:56:3) => true".into(),
    ];
    let safety = control(
        "C-LLM-02",
        "Outputs <filtered> & logged \"always\"",
        Action::Warn,
        stdlib("llm.gate", 55),
        vec![filter],
    );

    let mut cost = requirement(
        "cost_budget",
        "field",
        Status::Fail,
        "no spec.operations.cost_budget",
    );
    cost.policy = stdlib("operations.gate", 70);
    cost.to_pass = Some("add spec.operations.cost_budget".into());
    let operations = control(
        "C-OPS-12",
        "Cost budget declared",
        Action::Record,
        stdlib("operations.gate", 66),
        vec![cost],
    );

    ManifestTrace {
        file: "examples/chat, bot.yaml".into(),
        document: 1,
        name: Some("support-chatbot".into()),
        namespace: Some("ml".into()),
        decision: Decision::Warn,
        problems: Vec::new(),
        controls: vec![safety, operations],
        findings: Vec::new(),
        expiring: Vec::new(),
    }
}

fn fraud() -> ManifestTrace {
    let mut auc = requirement("auc", "test", Status::Pass, "auc is 0.93");
    auc.actual = Some(json!(0.93));
    auc.expected = Some(Expected {
        op: ">=".into(),
        threshold: json!(0.9),
    });
    let perf = control(
        "C-PERF-01",
        "Performance meets the tier threshold",
        Action::Deny,
        stdlib("performance.gate", 4),
        vec![auc],
    );
    ManifestTrace {
        file: "examples/fraud.json".into(),
        document: 0,
        name: Some("fraud-detector".into()),
        namespace: None,
        decision: Decision::Pass,
        problems: Vec::new(),
        controls: vec![perf],
        findings: Vec::new(),
        expiring: Vec::new(),
    }
}

fn broken() -> ManifestTrace {
    ManifestTrace {
        file: "examples/broken.yaml".into(),
        document: 0,
        name: None,
        namespace: None,
        decision: Decision::Error,
        problems: vec![Problem {
            code: "E2001".into(),
            severity: "error".into(),
            message: "expected a mapping at the document root, found a sequence".into(),
            location: Some(loc("examples/broken.yaml", 1, 1)),
            pointer: None,
            help: Some("a manifest starts with `apiVersion:` and `kind: ModelRelease`".into()),
        }],
        controls: Vec::new(),
        findings: Vec::new(),
        expiring: Vec::new(),
    }
}

/// A trace with a manifest list and a summary computed from it.
pub fn trace_of(manifests: Vec<ManifestTrace>) -> Trace {
    let count = |d: Decision| manifests.iter().filter(|m| m.decision == d).count();
    Trace {
        trace_version: TRACE_VERSION,
        riskgate_version: "0.1.0".into(),
        evaluated_at: "2026-03-01T12:00:00Z".into(),
        enforcement_point: EnforcementPoint::Ci,
        policy_source: "embedded stdlib".into(),
        summary: Summary {
            manifests: manifests.len(),
            deny: count(Decision::Deny),
            warn: count(Decision::Warn),
            pass: count(Decision::Pass),
            error: count(Decision::Error),
        },
        manifests,
    }
}

/// Four manifests: denied (every status), warned (escaping), passing, and
/// one that failed to load.
pub fn everything() -> Trace {
    trace_of(vec![credit(), chatbot(), fraud(), broken()])
}

/// One passing manifest.
pub fn passing() -> Trace {
    trace_of(vec![fraud()])
}

/// One manifest that passes with a warning.
pub fn warning() -> Trace {
    trace_of(vec![chatbot()])
}

/// One denied manifest.
pub fn denied() -> Trace {
    trace_of(vec![credit()])
}

/// One manifest that failed to load, next to a passing one.
pub fn load_error() -> Trace {
    trace_of(vec![fraud(), broken()])
}

/// File contents for source snippets.
pub fn sources() -> BTreeMap<String, String> {
    BTreeMap::from([(CREDIT_FILE.to_owned(), CREDIT_YAML.to_owned())])
}
