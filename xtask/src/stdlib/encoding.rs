//! How catalogue entries that have no 1:1 form in `docs/controls.md` are
//! encoded. Used by the generator; the consistency check knows the same
//! conventions (see `check.rs`). Every choice is listed in
//! `stdlib-policies/catalogue-differences.yaml`.

/// The value expression of a **derived** metric: computed by the standard
/// library from the manifest, never read from `spec.evaluations`.
pub fn derived_value(metric: &str) -> Option<&'static str> {
    Some(match metric {
        "computed_tier_rank_minus_declared_rank" => "lib.computed_tier_rank_minus_declared_rank",
        "owner_present" => "lib.owner_present",
        "distinct_qualified_approvers" => "lib.distinct_qualified_approvers",
        "sod_violations" => "lib.sod_violations",
        "rejections_outstanding" => "lib.rejections_outstanding",
        "validation_rating" => "lib.field(\"validation.rating\")",
        "validated_artifact_digest_matches_release" => {
            "lib.validated_artifact_digest_matches_release"
        }
        "open_findings_severity_critical" => "lib.open_findings_severity_critical",
        "overdue_findings_severity_high" => "lib.overdue_findings_severity_high",
        "open_findings_without_remediation_plan" => "lib.open_findings_without_remediation_plan",
        "material_change_without_new_validation" => "lib.material_change_without_new_validation",
        "unpinned_components" => "lib.unpinned_components",
        "oversight_mode" => "lib.field(\"oversight.mode\")",
        "vendor_components_unpinned" => "lib.vendor_components_unpinned",
        "vendor_assessment_missing" => "lib.vendor_assessment_missing",
        "eu_serious_incident_clocks_defined" => "lib.eu_serious_incident_clocks_defined",
        "fria_present" => "lib.fria_present",
        "dpia_present" => "lib.dpia_present",
        "out_of_scope_uses_declared" => "count(lib.field_list(\"intended_use.out_of_scope\"))",
        "required_monitors_missing" => "lib.required_monitors_missing",
        "monitors_without_owner_or_channel" => "lib.monitors_without_owner_or_channel",
        "monitors_stale" => "lib.monitors_stale",
        "prohibited_practice_flags" => "lib.prohibited_practice_flags",
        "category" => "lib.field(\"classification.eu_ai_act.category\")",
        "retention_days" => "lib.field(\"logging.retention_days\")",
        "datasets_without_digest" => "lib.datasets_without_digest",
        "datasets_without_datasheet" => "lib.datasets_without_datasheet",
        "write_tools_without_confirmation" => "lib.write_tools_without_confirmation",
        "max_autonomous_steps_set" => "lib.present(\"deployment.limits.max_autonomous_steps\")",
        "max_tokens_per_request_set" => "lib.present(\"deployment.limits.max_tokens_per_request\")",
        "per_user_rate_limit_set" | "per_client_query_quota_set" => "lib.caller_rate_limit_set",
        "evaluations_bound_to_other_digest" => "lib.evaluations_bound_to_other_digest",
        "eval_slices_cover_declared_locales" => "lib.eval_slices_cover_declared_locales",
        _ => return None,
    })
}

/// For `contains` / `contains_all` tests: the manifest list that must
/// contain the threshold's items. Encoded as a derived test whose value is
/// the list of missing items (`lib.missing_from(list, wanted)`), compared
/// `== []`.
pub fn contains_source(metric: &str) -> Option<&'static str> {
    Some(match metric {
        "validation_scope_covers" => "validation.scope",
        "log_fields_include" => "logging.fields",
        _ => return None,
    })
}

/// Thresholds the catalogue gives as prose.
pub fn threshold_override(control: &str, metric: &str) -> Option<&'static str> {
    Some(match (control, metric) {
        ("C-REL-04", "load_test_p95_latency_ms") => "lib.field(\"deployment.slos.p95_latency_ms\")",
        ("C-PRIV-02", "dp_epsilon") => "lib.config.declared_limits.dp_epsilon",
        ("C-SAFE-04", "dangerous_capability_uplift_level") => {
            "lib.config.declared_limits.dangerous_capability_uplift_level"
        }
        _ => return None,
    })
}

/// `when` conditions the catalogue gives as prose (`applies_when`, or a note).
pub fn when_override(control: &str, metric: &str) -> Option<&'static str> {
    Some(match (control, metric) {
        ("C-GOV-11", "fria_present") => "lib.fria_required",
        ("C-TRN-03", "synthetic_media_marked") => {
            "lib.in_scope({\"flags_any\": [\"synthetic_media\"]})"
        }
        ("C-PRIV-02", "dp_epsilon") => "lib.in_scope({\"flags_any\": [\"differential_privacy\"]})",
        _ => return None,
    })
}

/// Extra `applies` alternatives for prose `also_when` applicability.
pub fn extra_applies(control: &str) -> Option<&'static str> {
    Some(match control {
        "C-SAFE-04" => {
            "applies if {\n\tlib.kind_in({\"agent\"})\n\tlib.flags_any({\"code_execution\", \"network_tools\"})\n}\n\n"
        }
        _ => return None,
    })
}

/// Ids for tests whose metric appears more than once in a control.
pub fn test_id_override(control: &str, metric: &str, nth: usize) -> Option<&'static str> {
    Some(match (control, metric, nth) {
        ("C-FAIR-01", "adverse_impact_ratio", 0) => "adverse_impact_ratio",
        ("C-FAIR-01", "adverse_impact_ratio", 1) => "adverse_impact_ratio_intersectional",
        _ => return None,
    })
}

/// Which `evidence_freshness_days` entry bounds the age of a document kind.
pub fn document_freshness(kind: &str) -> &'static str {
    match kind {
        "validation_report" => "independent_validation",
        "red_team_report" => "red_team",
        "impact_assessment" => "impact_assessment",
        "vendor_assessment" => "vendor_assessment",
        _ => "document_review",
    }
}

/// Freshness of evidence held in a manifest timestamp rather than in an
/// evaluation or document: `(freshness key, control, metric, path)`.
pub const TIMESTAMP_FRESHNESS: &[(&str, &str, &str, &str)] = &[
    (
        "tier_assessment",
        "C-GOV-01",
        "tier_assessment_age_days",
        "classification.assessed_at",
    ),
    (
        "independent_validation",
        "C-GOV-04",
        "validation_age_days",
        "validation.completed_at",
    ),
    (
        "rollback_drill",
        "C-GOV-07",
        "rollback_drill_age_days",
        "rollback.last_drill_at",
    ),
    (
        "impact_assessment",
        "C-GOV-11",
        "impact_assessment_age_days",
        "impact_assessment.completed_at",
    ),
];

/// Which freshness entry bounds the age of a control's reported tests:
/// `(control, metric or "*", freshness key)`.
pub const TEST_FRESHNESS: &[(&str, &str, &str)] = &[
    ("C-PERF-01", "*", "performance_evaluation"),
    ("C-FAIR-01", "adverse_impact_ratio", "fairness_evaluation"),
    (
        "C-FAIR-01",
        "adverse_impact_ratio_intersectional",
        "hiring_bias_audit",
    ),
    ("C-ROB-02", "*", "red_team"),
    ("C-SEC-01", "*", "red_team"),
];
