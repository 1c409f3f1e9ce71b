//! Open vocabularies from the controls catalogue: use-case flags, roles and
//! document kinds. Values outside them are allowed (organisations extend
//! them in overlays), but a near miss of a catalogue term is a warning.

use crate::codes;
use riskgate_dsl::Diagnostic;

use super::ManifestDiagnostic;
use super::model::ModelRelease;
use super::position::PositionMap;
use riskgate_dsl::suggest::closest;

/// Use-case flags defined by the catalogue (`vocabularies.use_case_flags`).
pub const USE_CASE_FLAGS: &[&str] = &[
    "credit_decision",
    "hiring",
    "insurance_pricing",
    "biometric",
    "medical",
    "public_facing",
    "minors",
    "critical_infrastructure",
    "automated_decision",
    "regulated_advice",
    "pii_processing",
    "rag",
    "tool_use",
    "write_actions",
    "third_party_model",
    "eu_market",
    "eu_high_risk",
    "gpai_provider",
    "gpai_systemic_risk",
    "adversarial_domain",
    "online_learning",
];

/// Roles defined by the catalogue (`vocabularies.roles`).
pub const ROLES: &[&str] = &[
    "model_author",
    "model_owner",
    "peer_reviewer",
    "model_validator",
    "risk_officer",
    "privacy_officer",
    "security_reviewer",
    "model_risk_committee",
    "executive_accountable",
];

/// Document kinds defined by the catalogue (`vocabularies.document_types`).
pub const DOCUMENT_KINDS: &[&str] = &[
    "model_card",
    "datasheet",
    "validation_report",
    "rollback_plan",
    "monitoring_plan",
    "impact_assessment",
    "technical_documentation",
    "instructions_for_use",
    "risk_register",
    "red_team_report",
    "incident_runbook",
    "ai_bom",
    "vendor_assessment",
];

fn near_miss(
    what: &str,
    term: &str,
    vocabulary: &[&str],
    pointer: &str,
    positions: &PositionMap,
    out: &mut Vec<ManifestDiagnostic>,
) {
    if vocabulary.contains(&term) {
        return;
    }
    let Some(suggestion) = closest(term, vocabulary.iter().copied()) else {
        return;
    };
    let span = positions.get(pointer).map(|p| p.span).unwrap_or_default();
    out.push(ManifestDiagnostic::at(
        pointer,
        Diagnostic::new(
            &codes::MANIFEST_UNKNOWN_TERM,
            format!("{what} `{term}` at {pointer} is not in the catalogue vocabulary"),
        )
        .with_primary(span, "unknown term")
        .with_help(format!("did you mean `{suggestion}`?")),
    ));
}

/// Warns about near misses of catalogue terms.
pub(crate) fn check(
    release: &ModelRelease,
    positions: &PositionMap,
    out: &mut Vec<ManifestDiagnostic>,
) {
    let spec = &release.spec;
    if let Some(classification) = &spec.classification {
        for (i, flag) in classification.flags.iter().enumerate() {
            let pointer = format!("/spec/classification/flags/{i}");
            near_miss(
                "use-case flag",
                flag,
                USE_CASE_FLAGS,
                &pointer,
                positions,
                out,
            );
        }
    }
    for (i, approval) in spec.approvals.iter().enumerate() {
        let pointer = format!("/spec/approvals/{i}/role");
        near_miss("role", &approval.role, ROLES, &pointer, positions, out);
    }
    for (i, waiver) in spec.waivers.iter().enumerate() {
        for (j, approver) in waiver.approved_by.iter().enumerate() {
            let pointer = format!("/spec/waivers/{i}/approved_by/{j}/role");
            near_miss("role", &approver.role, ROLES, &pointer, positions, out);
        }
    }
    for (i, document) in spec.documents.iter().enumerate() {
        let pointer = format!("/spec/documents/{i}/kind");
        near_miss(
            "document kind",
            &document.kind,
            DOCUMENT_KINDS,
            &pointer,
            positions,
            out,
        );
    }
}
