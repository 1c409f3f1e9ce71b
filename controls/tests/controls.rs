//! The controls engine end to end: policies in `tests/data/controls/policy`,
//! the manifest `tests/data/controls/base.yaml` edited per case, and the
//! trace (JSON) as an insta snapshot. Compile errors of bad declarations
//! are snapshots of their diagnostics.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use riskgate_controls::manifest::load_manifests;
use riskgate_controls::trace::{EnforcementPoint, Location, ManifestTrace, Status};
use riskgate_controls::{CheckOptions, ControlsOptions, ManifestInput, PolicySet};
use riskgate_engine::Value;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/controls")
}

/// 2026-10-01T00:00:00Z.
const NOW_NS: i64 = 1_790_812_800_000_000_000;

fn read_dir_sorted(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "gate" || e == "rego"))
        .map(|p| {
            let name = format!("policy/{}", p.file_name().unwrap().to_string_lossy());
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn policy_set() -> PolicySet {
    let files = read_dir_sorted(&data_dir().join("policy"));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, s)| (n.as_str(), s.as_str()))
        .collect();
    match PolicySet::compile(&refs, &ControlsOptions::default()) {
        Ok(set) => set,
        Err(diagnostics) => panic!("{}", render_diagnostics(&files, &diagnostics)),
    }
}

fn render_diagnostics(
    files: &[(String, String)],
    diagnostics: &[riskgate_engine::FileDiagnostic],
) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let source = files
            .iter()
            .find(|(n, _)| n.as_str() == &*d.file)
            .map(|(_, s)| s.as_str())
            .unwrap_or("");
        let index = riskgate_dsl::LineIndex::new(source);
        let diagnostic = &d.diagnostic;
        let primary = diagnostic.labels().iter().find(|l| l.primary);
        let at = primary.map_or_else(String::new, |l| {
            let lc = index.line_col(source, l.span.start);
            format!(":{}:{}", lc.line, lc.col)
        });
        out.push_str(&format!(
            "{}{at}: {} {}\n",
            d.file,
            diagnostic.code().id,
            diagnostic.message()
        ));
        for label in diagnostic.labels() {
            if let Some(message) = &label.message {
                let lc = index.line_col(source, label.span.start);
                out.push_str(&format!("    {}:{}: {message}\n", lc.line, lc.col));
            }
        }
        if let Some(help) = diagnostic.help() {
            out.push_str(&format!("    help: {help}\n"));
        }
    }
    out
}

/// The base manifest with positions.
fn base() -> (serde_json::Value, riskgate_controls::manifest::PositionMap) {
    let text = std::fs::read_to_string(data_dir().join("base.yaml")).unwrap();
    let mut loaded = load_manifests("base.yaml", &text);
    let loaded = loaded.remove(0);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    (loaded.raw.unwrap().to_json(), loaded.positions)
}

/// Applies `pointer = json` edits; `<remove>` deletes, a trailing `/-`
/// appends to an array.
fn edit(doc: &mut serde_json::Value, edits: &[(&str, &str)]) {
    for (pointer, json) in edits {
        let (parent, last) = pointer.rsplit_once('/').unwrap();
        let target = doc
            .pointer_mut(parent)
            .unwrap_or_else(|| panic!("no {parent}"));
        if *json == "<remove>" {
            match target {
                serde_json::Value::Object(map) => {
                    map.remove(last);
                }
                serde_json::Value::Array(items) => {
                    items.remove(last.parse::<usize>().unwrap());
                }
                _ => panic!("cannot remove {pointer}"),
            }
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        match target {
            serde_json::Value::Object(map) => {
                map.insert(last.to_owned(), value);
            }
            serde_json::Value::Array(items) if last == "-" => items.push(value),
            serde_json::Value::Array(items) => items[last.parse::<usize>().unwrap()] = value,
            _ => panic!("cannot set {pointer}"),
        }
    }
}

fn run(set: &PolicySet, doc: &serde_json::Value, options: &CheckOptions) -> ManifestTrace {
    let (_, positions) = base();
    let locate = move |pointer: &str| {
        positions.line_col(pointer).map(|lc| Location {
            file: "base.yaml".to_owned(),
            line: lc.line,
            col: lc.col,
        })
    };
    let value = Value::from_json(doc);
    set.check(
        &ManifestInput::new("base.yaml", 0, &value).with_locate(&locate),
        options,
    )
}

/// Checks the edited base manifest and renders the trace, keeping only the
/// named controls (all when empty).
fn check(set: &PolicySet, edits: &[(&str, &str)], options: &CheckOptions, only: &[&str]) -> String {
    let (mut doc, _) = base();
    edit(&mut doc, edits);
    let mut trace = run(set, &doc, options);
    if !only.is_empty() {
        trace.controls.retain(|c| only.contains(&c.id.as_str()));
    }
    serde_json::to_string_pretty(&trace).unwrap()
}

struct Case {
    name: &'static str,
    point: EnforcementPoint,
    only: &'static [&'static str],
    edits: &'static [(&'static str, &'static str)],
}

const fn case(
    name: &'static str,
    only: &'static [&'static str],
    edits: &'static [(&'static str, &'static str)],
) -> Case {
    Case {
        name,
        point: EnforcementPoint::Ci,
        only,
        edits,
    }
}

const FAIR_SLICE_FAIL: (&str, &str) = (
    "/spec/evaluations/1/metrics/0/slices/0",
    r#"{"name": "sex=female", "value": 0.74, "n": 21400}"#,
);

const VALID_WAIVER: &str = r#"{
    "id": "W-12", "controls": ["C-FAIR-01"], "requirements": ["adverse_impact_ratio"],
    "scope": {"model": "credit-scorer", "environments": ["production"]},
    "justification": "Remediation retrain in progress", "risk_acceptance": "grc://RA-1",
    "residual_risk": "medium", "compensating_controls": ["C-MON-01", "mon-score-psi"],
    "conditions": ["manual review of declines"],
    "requested_by": {"name": "Lena Fischer", "email": "lena.fischer@example.com"},
    "approved_by": [{"name": "Daniel Okafor", "email": "daniel.okafor@example.com", "role": "risk_officer"}],
    "issued_at": "2026-09-15T00:00:00Z", "expires_at": "2026-12-01T00:00:00Z",
    "remediation_ref": "jira://FAIR-9"
}"#;

const CASES: &[Case] = &[
    case("pass_all", &[], &[]),
    // test
    case("test_slice_fail", &["C-FAIR-01"], &[FAIR_SLICE_FAIL]),
    case(
        "test_slice_insufficient",
        &["C-FAIR-01"],
        &[("/spec/evaluations/1/metrics/0/slices/1/n", "42")],
    ),
    case(
        "test_max_over_slices_fail",
        &["C-FAIR-01"],
        &[("/spec/evaluations/1/metrics/1/slices/1/value", "0.071")],
    ),
    case(
        "test_min_over_slices_insufficient",
        &["C-PERF-01"],
        &[("/spec/evaluations/0/metrics/0/slices/0/n", "900")],
    ),
    case(
        "test_overall_fail",
        &["C-PERF-01"],
        &[("/spec/evaluations/0/metrics/0/value", "0.74")],
    ),
    case(
        "test_overall_no_n",
        &["C-PERF-01"],
        &[("/spec/evaluations/0/metrics/0/n", "<remove>")],
    ),
    case(
        "test_missing_metric",
        &["C-PERF-01"],
        &[("/spec/evaluations/0", "<remove>")],
    ),
    case(
        "test_unbound_artifact",
        &["C-PERF-01"],
        &[(
            "/spec/evaluations/0/artifact_digest",
            r#""sha256:0000000000000000000000000000000000000000000000000000000000000000""#,
        )],
    ),
    case(
        "test_stale_evaluation",
        &["C-PERF-01"],
        &[("/spec/evaluations/0/run_at", r#""2026-05-01T00:00:00Z""#)],
    ),
    case(
        "test_most_recent_evaluation_wins",
        &["C-PERF-01"],
        &[(
            "/spec/evaluations/-",
            r#"{"id": "performance-rerun", "suite": "performance", "run_at": "2026-09-20T00:00:00Z",
                "artifact_digest": "sha256:4f1c9a7e2b8d6035c1e94a7f0b3d52e8a6c9f01d7b2e4a85c3f6d9e0a1b2c3d4",
                "metrics": [{"name": "auc", "value": 0.69, "n": 50000}]}"#,
        )],
    ),
    case(
        "test_tier_critical_threshold",
        &["C-FAIR-01", "C-PERF-01"],
        &[("/spec/classification/risk_tier", r#""critical""#)],
    ),
    case(
        "test_not_applicable_tier",
        &["C-FAIR-01"],
        &[("/spec/classification/risk_tier", r#""low""#)],
    ),
    case(
        "test_value_not_a_number",
        &["C-PERF-01"],
        &[("/spec/evaluations/0/metrics/0/value", r#""good""#)],
    ),
    case(
        "test_derived_fail_custom_hint",
        &["C-GOV-02"],
        &[("/spec/ownership/authors", "[]")],
    ),
    case(
        "requirement_error_undefined_threshold",
        &["C-GOV-02"],
        &[("/spec/change/type", r#""broken""#)],
    ),
    // monitor
    case(
        "monitor_missing",
        &["C-MON-01"],
        &[("/spec/monitors", "[]")],
    ),
    case(
        "monitor_lax_slow_ownerless",
        &["C-MON-01"],
        &[(
            "/spec/monitors/0",
            r#"{"id": "mon-score-psi", "metric": "psi_score", "alert_op": ">", "alert_threshold": 0.3, "cadence": "monthly", "last_run_at": "2026-09-28T06:00:00Z"}"#,
        )],
    ),
    case(
        "monitor_stale",
        &["C-MON-01"],
        &[("/spec/monitors/0/last_run_at", r#""2026-09-10T00:00:00Z""#)],
    ),
    // approval
    case(
        "approval_by_author",
        &["C-GOV-03"],
        &[(
            "/spec/approvals/1/by",
            r#"{"name": "Lena Fischer", "email": "lena.fischer@example.com"}"#,
        )],
    ),
    case(
        "approval_outstanding_reject",
        &["C-GOV-03"],
        &[(
            "/spec/approvals/-",
            r#"{"role": "risk_officer", "by": {"name": "Daniel Okafor", "email": "daniel.okafor@example.com"}, "at": "2026-09-25T00:00:00Z", "decision": "reject",
                "artifact_digest": "sha256:4f1c9a7e2b8d6035c1e94a7f0b3d52e8a6c9f01d7b2e4a85c3f6d9e0a1b2c3d4"}"#,
        )],
    ),
    case(
        "approval_unbound",
        &["C-GOV-03"],
        &[(
            "/spec/approvals/2/artifact_digest",
            r#""sha256:1111111111111111111111111111111111111111111111111111111111111111""#,
        )],
    ),
    case(
        "approval_stale",
        &["C-GOV-03"],
        &[("/spec/approvals/0/at", r#""2026-06-01T00:00:00Z""#)],
    ),
    case(
        "approval_one_person_two_roles",
        &["C-GOV-03"],
        &[(
            "/spec/approvals/2/by",
            r#"{"name": "Ines Duarte", "email": "ines.duarte@example.com"}"#,
        )],
    ),
    // document
    case(
        "document_missing",
        &["C-DOC-01"],
        &[("/spec/documents/1", "<remove>")],
    ),
    case(
        "document_no_digest",
        &["C-DOC-01"],
        &[("/spec/documents/0/digest", "<remove>")],
    ),
    case(
        "document_stale",
        &["C-DOC-01"],
        &[("/spec/documents/0/approved_at", r#""2025-06-01T00:00:00Z""#)],
    ),
    // field and violations
    case(
        "field_missing_and_false",
        &["C-REL-01"],
        &[
            ("/spec/rollback/procedure_ref", r#""""#),
            ("/spec/rollback/kill_switch", "false"),
        ],
    ),
    case(
        "violation_fires",
        &["C-REL-01"],
        &[("/spec/rollback/previous_version", r#""3.2.0""#)],
    ),
    // waivers
    case(
        "waiver_valid",
        &["C-FAIR-01"],
        &[FAIR_SLICE_FAIL, ("/spec/waivers/-", VALID_WAIVER)],
    ),
    case(
        "waiver_expired",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/waivers/0/expires_at", r#""2026-09-30T00:00:00Z""#),
        ],
    ),
    case(
        "waiver_too_long",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/waivers/0/expires_at", r#""2027-06-01T00:00:00Z""#),
        ],
    ),
    case(
        "waiver_wrong_approver_role",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/waivers/0/residual_risk", r#""high""#),
        ],
    ),
    case(
        "waiver_requester_approves",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            (
                "/spec/waivers/0/requested_by",
                r#"{"name": "Daniel Okafor", "email": "daniel.okafor@example.com"}"#,
            ),
        ],
    ),
    case(
        "waiver_control_owner_approves",
        &["C-DOC-01"],
        &[
            ("/spec/documents/0/digest", "<remove>"),
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/waivers/0/controls", r#"["C-DOC-01"]"#),
            ("/spec/waivers/0/requirements", "[]"),
        ],
    ),
    case(
        "waiver_non_waivable",
        &["C-GOV-03"],
        &[
            ("/spec/approvals/2", "<remove>"),
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/waivers/0/controls", r#"["C-GOV-03"]"#),
            ("/spec/waivers/0/requirements", "<remove>"),
        ],
    ),
    case(
        "waiver_compensating_control_failing",
        &["C-FAIR-01", "C-MON-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/monitors/0/cadence", r#""monthly""#),
        ],
    ),
    // One person signing in both roles that high residual risk needs
    // fills one of them (the e-mail identifies them, whatever the name).
    case(
        "waiver_one_person_in_two_roles",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/waivers/0/residual_risk", r#""high""#),
            (
                "/spec/waivers/0/approved_by/-",
                r#"{"name": "D. Okafor", "email": "Daniel.Okafor@example.com", "role": "executive_accountable"}"#,
            ),
        ],
    ),
    // The waiver's quorum of 3 is above the policy's 1 for medium risk;
    // a second record of the same person under another name adds nobody.
    case(
        "waiver_quorum_not_met",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/waivers/0/quorum", "3"),
            (
                "/spec/waivers/0/approved_by/-",
                r#"{"name": "Ana Lima", "email": "ana.lima@example.com", "role": "risk_officer"}"#,
            ),
            (
                "/spec/waivers/0/approved_by/-",
                r#"{"name": "D. Okafor", "email": "daniel.okafor@example.com", "role": "risk_officer"}"#,
            ),
        ],
    ),
    case(
        "waiver_compensating_measures_hold",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            (
                "/spec/waivers/0/compensating_controls",
                r#"[
                    {"monitor": "mon-score-psi", "alert_op": ">=", "alert_threshold": 0.3},
                    {"limit": "requests_per_minute", "at_most": 100},
                    {"human_review_rate": 0.1, "description": "declines sampled for manual review"}
                ]"#,
            ),
            (
                "/spec/deployment/limits",
                r#"{"rate_limit": {"requests_per_minute": 60, "scope": "per_client"}}"#,
            ),
            ("/spec/oversight", r#"{"review_sample_rate": 0.2}"#),
        ],
    ),
    case(
        "waiver_compensating_measures_failing",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            (
                "/spec/waivers/0/compensating_controls",
                r#"[
                    {"monitor": "mon-score-psi", "alert_op": ">=", "alert_threshold": 0.2},
                    {"monitor": "mon-missing", "alert_op": ">=", "alert_threshold": 0.2},
                    {"limit": "requests_per_minute", "at_most": 30},
                    {"limit": "max_tokens_per_request", "at_most": 512},
                    {"human_review_rate": 0.5},
                    {"monitor": "mon-score-psi", "limit": "budget_per_day", "at_most": 10}
                ]"#,
            ),
            (
                "/spec/deployment/limits",
                r#"{"rate_limit": {"requests_per_minute": 60, "scope": "per_client"}}"#,
            ),
            ("/spec/oversight", r#"{"review_sample_rate": 0.2}"#),
        ],
    ),
    case(
        "waiver_out_of_scope",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            (
                "/spec/waivers/0/scope",
                r#"{"version_range_or_digest": "sha256:2222222222222222222222222222222222222222222222222222222222222222", "environments": ["staging"]}"#,
            ),
        ],
    ),
    case(
        "waiver_incomplete_unknown_target",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            (
                "/spec/waivers/-",
                r#"{"id": "W-13", "controls": ["C-FAIR-1"], "expires_at": "2026-12-01T00:00:00Z"}"#,
            ),
        ],
    ),
    // Renewals: W-12 renews W-11, which renews W-10, ... (max_renewals 2,
    // max_cumulative_days 365 in the catalogue's waiver policy).
    case(
        "waiver_renewed_too_often",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            (
                "/spec/waivers/-",
                r#"{"id": "W-9", "issued_at": "2026-05-01T00:00:00Z", "expires_at": "2026-06-01T00:00:00Z"}"#,
            ),
            (
                "/spec/waivers/-",
                r#"{"id": "W-10", "renewal_of": "W-9", "issued_at": "2026-06-01T00:00:00Z", "expires_at": "2026-07-01T00:00:00Z"}"#,
            ),
            (
                "/spec/waivers/-",
                r#"{"id": "W-11", "renewal_of": "W-10", "issued_at": "2026-07-01T00:00:00Z", "expires_at": "2026-08-01T00:00:00Z"}"#,
            ),
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/waivers/3/renewal_of", r#""W-11""#),
        ],
    ),
    case(
        "waiver_renewed_beyond_cumulative_days",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            (
                "/spec/waivers/-",
                r#"{"id": "W-10", "issued_at": "2025-07-01T00:00:00Z", "expires_at": "2025-12-28T00:00:00Z"}"#,
            ),
            (
                "/spec/waivers/-",
                r#"{"id": "W-11", "renewal_of": "W-10", "issued_at": "2026-01-01T00:00:00Z", "expires_at": "2026-06-30T00:00:00Z"}"#,
            ),
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/waivers/2/renewal_of", r#""W-11""#),
        ],
    ),
    case(
        "waiver_renewal_history_missing",
        &["C-FAIR-01"],
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/waivers/0/renewal_of", r#""W-3""#),
        ],
    ),
    case(
        "waiver_covers_insufficient_data",
        &["C-FAIR-01"],
        &[
            ("/spec/evaluations/1/metrics/0/slices/1/n", "42"),
            ("/spec/waivers/-", VALID_WAIVER),
        ],
    ),
];

#[test]
fn traces() {
    let set = policy_set();
    for case in CASES {
        let options = CheckOptions::new(case.point, NOW_NS);
        let out = check(&set, case.edits, &options, case.only);
        insta::assert_snapshot!(case.name, out);
    }
}

#[test]
fn decision_per_enforcement_point() {
    let set = policy_set();
    let mut out = String::new();
    for (name, edits) in [
        (
            "fairness slice fails (C-FAIR-01: ci deny, admission warn, audit record)",
            &[FAIR_SLICE_FAIL][..],
        ),
        (
            "kill switch off (C-REL-01: ci warn, admission deny, audit record)",
            &[("/spec/rollback/kill_switch", "false")][..],
        ),
        (
            "monitor missing (C-MON-01: default enforcement)",
            &[("/spec/monitors", "[]")][..],
        ),
    ] {
        out.push_str(&format!("{name}\n"));
        for point in EnforcementPoint::ALL {
            for strict in [false, true] {
                let mut options = CheckOptions::new(point, NOW_NS);
                options.strict = strict;
                let (mut doc, _) = base();
                edit(&mut doc, edits);
                let trace = run(&set, &doc, &options);
                let failing: Vec<String> = trace
                    .controls
                    .iter()
                    .filter(|c| c.status.is_failing())
                    .map(|c| format!("{} {} → {}", c.id, c.status.as_str(), c.action.as_str()))
                    .collect();
                out.push_str(&format!(
                    "  {:<9} strict={:<5} decision={:<4} [{}]\n",
                    point.as_str(),
                    strict,
                    trace.decision.as_str(),
                    failing.join(", ")
                ));
            }
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn statuses_cover_every_kind() {
    // Guard: the cases above exercise every status.
    let set = policy_set();
    let mut seen = std::collections::BTreeSet::new();
    for case in CASES {
        let (mut doc, _) = base();
        edit(&mut doc, case.edits);
        let trace = run(&set, &doc, &CheckOptions::new(case.point, NOW_NS));
        for c in &trace.controls {
            for r in &c.requirements {
                seen.insert(r.status);
            }
        }
    }
    for status in [
        Status::Pass,
        Status::Fail,
        Status::InsufficientData,
        Status::Waived,
        Status::NotApplicable,
        Status::Error,
    ] {
        assert!(seen.contains(&status), "no case produces {status:?}");
    }
}

#[test]
fn compile_errors() {
    let dir = data_dir().join("bad");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        // A directory is one policy set of several files; a file is one set.
        let files: Vec<(String, String)> = if path.is_dir() {
            read_dir_sorted(&path)
        } else {
            vec![(
                format!("policy/{}", path.file_name().unwrap().to_string_lossy()),
                std::fs::read_to_string(&path).unwrap(),
            )]
        };
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_str()))
            .collect();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        match PolicySet::compile(&refs, &ControlsOptions::default()) {
            Ok(_) => panic!("{name} compiled"),
            Err(diagnostics) => {
                insta::assert_snapshot!(
                    format!("compile_{name}"),
                    render_diagnostics(&files, &diagnostics)
                );
            }
        }
    }
}

#[test]
fn overlay_roles_extend_the_vocabulary() {
    let source = "package x\n\ncontrol \"C-X-01\" {\n\ttitle: \"x\"\n\trequire approval \"a\" { roles: [\"ethics_board\"] }\n}\n";
    assert!(PolicySet::compile(&[("x.gate", source)], &ControlsOptions::default()).is_err());
    let options = ControlsOptions {
        data: Some(Value::from_json(
            &serde_json::json!({"riskgate": {"config": {"roles": ["ethics_board"]}}}),
        )),
        ..ControlsOptions::default()
    };
    assert!(PolicySet::compile(&[("x.gate", source)], &options).is_ok());
}

#[test]
fn overlay_waiver_policy_and_disabled_controls() {
    let set = policy_set();
    let (mut doc, _) = base();
    edit(
        &mut doc,
        &[
            FAIR_SLICE_FAIL,
            ("/spec/waivers/-", VALID_WAIVER),
            ("/spec/monitors", "[]"),
        ],
    );
    // Without C-MON-01 passing the waiver is void...
    let trace = run(&set, &doc, &CheckOptions::new(EnforcementPoint::Ci, NOW_NS));
    let fair = trace.controls.iter().find(|c| c.id == "C-FAIR-01").unwrap();
    assert_eq!(fair.status, Status::Fail);
    // ...and disabling C-MON-01 does not make it pass either.
    let mut options = CheckOptions::new(EnforcementPoint::Ci, NOW_NS);
    options.data = Some(Value::from_json(
        &serde_json::json!({"riskgate": {"config": {
            "disabled_controls": {"C-MON-01": "monitoring handled by platform team"},
            "waiver_policy": {"approver_roles_by_residual_risk": {"medium": ["peer_reviewer"]}}
        }}}),
    ));
    let trace = run(&set, &doc, &options);
    let mon = trace.controls.iter().find(|c| c.id == "C-MON-01").unwrap();
    assert_eq!(mon.status, Status::NotApplicable);
    assert_eq!(
        mon.disabled.as_deref(),
        Some("monitoring handled by platform team")
    );
    let codes: Vec<&str> = trace.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"W3003"), "{codes:?}"); // peer_reviewer now required
    assert!(codes.contains(&"W3006"), "{codes:?}"); // C-MON-01 is not passing
}

#[test]
fn an_overlay_raises_the_number_of_distinct_approvers() {
    let set = policy_set();
    let (mut doc, _) = base();
    edit(
        &mut doc,
        &[FAIR_SLICE_FAIL, ("/spec/waivers/-", VALID_WAIVER)],
    );
    let fair = |trace: &ManifestTrace| {
        trace
            .controls
            .iter()
            .find(|c| c.id == "C-FAIR-01")
            .unwrap()
            .status
    };
    let trace = run(&set, &doc, &CheckOptions::new(EnforcementPoint::Ci, NOW_NS));
    assert_eq!(fair(&trace), Status::Waived);
    let mut options = CheckOptions::new(EnforcementPoint::Ci, NOW_NS);
    options.data = Some(Value::from_json(
        &serde_json::json!({"riskgate": {"config": {
            "waiver_policy": {"min_approvers_by_residual_risk": {"medium": 2}}
        }}}),
    ));
    let trace = run(&set, &doc, &options);
    assert_eq!(fair(&trace), Status::Fail);
    let messages: Vec<&str> = trace.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages.contains(&"waiver W-12 is ignored: it is approved by 1 distinct person in role risk_officer, fewer than the 2 the waiver policy for medium residual risk requires"),
        "{messages:#?}"
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> {
        proptest::sample::select(options).prop_map(str::to_owned)
    }

    /// Waivers built from plausible and implausible parts.
    fn waiver() -> impl Strategy<Value = serde_json::Value> {
        (
            proptest::collection::vec(pick(&["C-FAIR-01", "C-PERF-01", "C-GOV-03", "C-MON-01", "C-NOPE"]), 0..3),
            proptest::option::of(proptest::collection::vec(pick(&["adverse_impact_ratio", "auc", "eod_max", "x"]), 0..2)),
            pick(&["low", "medium", "high", "critical", "unknown"]),
            pick(&["2026-01-01T00:00:00Z", "2026-09-15T00:00:00Z", "2026-11-01T00:00:00Z", "garbage"]),
            pick(&["2026-09-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-09-01T00:00:00Z", "nope"]),
            proptest::collection::vec(
                (pick(&["risk_officer", "executive_accountable", "model_risk_committee", "peer_reviewer"]),
                 pick(&["daniel.okafor@example.com", "priya.raman@example.com", "x@example.com"])),
                0..3,
            ),
            // As JSON: ids, measures that hold, fail or are malformed.
            proptest::collection::vec(pick(&[
                r#""C-MON-01""#, r#""mon-score-psi""#, r#""C-DOC-01""#, r#""nothing""#,
                r#"{"monitor": "mon-score-psi", "alert_op": ">=", "alert_threshold": 0.3}"#,
                r#"{"monitor": "mon-score-psi", "alert_op": "<", "alert_threshold": 0.3}"#,
                r#"{"limit": "requests_per_minute", "at_most": 5}"#,
                r#"{"limit": "nope", "at_most": "x"}"#,
                r#"{"human_review_rate": 0.1, "limit": "budget_per_day"}"#,
                "{}", "7",
            ]), 0..3),
            proptest::option::of(pick(&["production", "staging"])),
            proptest::option::of(pick(&["0", "1", "2", "5", r#""three""#])),
        )
            .prop_map(|(controls, requirements, residual, issued, expires, approvers, compensating, env, quorum)| {
                let compensating: Vec<serde_json::Value> =
                    compensating.iter().map(|c| serde_json::from_str(c).unwrap()).collect();
                let mut w = serde_json::json!({
                    "id": "W-P", "controls": controls, "scope": {}, "justification": "j",
                    "risk_acceptance": "r", "residual_risk": residual,
                    "compensating_controls": compensating, "conditions": [],
                    "requested_by": {"email": "lena.fischer@example.com"},
                    "approved_by": approvers.iter().map(|(role, email)| serde_json::json!({"email": email, "role": role})).collect::<Vec<_>>(),
                    "issued_at": issued, "expires_at": expires, "remediation_ref": "x",
                });
                if let Some(r) = requirements {
                    w["requirements"] = serde_json::json!(r);
                }
                if let Some(env) = env {
                    w["scope"]["environments"] = serde_json::json!([env]);
                }
                if let Some(quorum) = quorum {
                    w["quorum"] = serde_json::from_str(&quorum).unwrap();
                }
                w
            })
    }

    fn statuses(trace: &ManifestTrace) -> Vec<(String, String, Status)> {
        trace
            .controls
            .iter()
            .flat_map(|c| {
                c.requirements
                    .iter()
                    .map(move |r| (c.id.clone(), r.id.clone(), r.status))
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn waivers_never_turn_failures_into_passes(
            waivers in proptest::collection::vec(waiver(), 1..3),
            slice in 0.5f64..1.0,
            n in 0u64..200,
        ) {
            let set = policy_set();
            let options = CheckOptions::new(EnforcementPoint::Ci, NOW_NS);
            let (mut doc, _) = base();
            doc["spec"]["evaluations"][1]["metrics"][0]["slices"][0]["value"] = serde_json::json!(slice);
            doc["spec"]["evaluations"][1]["metrics"][0]["slices"][1]["n"] = serde_json::json!(n);
            doc["spec"]["approvals"].as_array_mut().unwrap().pop();
            let before = run(&set, &doc, &options);
            doc["spec"]["waivers"] = serde_json::Value::Array(waivers);
            let after = run(&set, &doc, &options);
            let again = run(&set, &doc, &options);
            // Deterministic: the same inputs give the same trace.
            prop_assert_eq!(&after, &again);
            prop_assert_eq!(serde_json::to_string(&after).unwrap(), serde_json::to_string(&again).unwrap());
            for ((control, id, old), (_, _, new)) in statuses(&before).into_iter().zip(statuses(&after)) {
                if old != Status::Pass {
                    prop_assert_ne!(new, Status::Pass, "{} {} was {:?}", control, id, old);
                }
                if old != new {
                    prop_assert_eq!(new, Status::Waived, "{} {}: {:?} became {:?}", control, id, old, new);
                    prop_assert!(matches!(old, Status::Fail | Status::InsufficientData));
                }
            }
            for (b, a) in before.controls.iter().zip(&after.controls) {
                if b.status.is_failing() || b.status == Status::Waived {
                    prop_assert_ne!(a.status, Status::Pass);
                }
            }
        }
    }
}

/// `cargo test -p riskgate-controls --test controls perf -- --ignored --nocapture`
#[test]
#[ignore = "timing report, not a check"]
fn perf_many_controls() {
    let mut source = String::from(
        "package perf\n\ntier_threshold(t) := t[input.spec.classification.risk_tier]\n\n",
    );
    let n = 300;
    for i in 0..n {
        source.push_str(&format!(
            "control \"C-P-{i:03}\" {{\n\ttitle: \"c{i}\"\n\tapplies if input.spec.classification.risk_tier == \"high\"\n\trequire test \"auc\" {{ metric: \"auc\", op: \">=\", threshold: tier_threshold({{\"high\": 0.7}}) }}\n\trequire approval \"a\" {{ roles: [\"model_validator\"] }}\n\trequire field \"f\" {{ path: \"spec.rollback.procedure_ref\" }}\n\tviolation contains \"v\" if input.spec.rollback.kill_switch == false\n}}\n\n"
        ));
    }
    let start = std::time::Instant::now();
    let set = PolicySet::compile(&[("perf.gate", &source)], &ControlsOptions::default()).unwrap();
    let compiled = start.elapsed();
    let (doc, _) = base();
    let start = std::time::Instant::now();
    let trace = run(&set, &doc, &CheckOptions::new(EnforcementPoint::Ci, NOW_NS));
    let checked = start.elapsed();
    assert_eq!(trace.controls.len(), n);
    println!("{n} controls: compile {compiled:?}, check one manifest {checked:?}");
}
