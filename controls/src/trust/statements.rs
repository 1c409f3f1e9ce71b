//! The statements riskgate signs and reads: approval and waiver sign-offs
//! (`riskgate sign`), and riskgate's own decision as a SLSA Verification
//! Summary (`riskgate check --attest`, `riskgate verify-attestation`).
//!
//! Every statement's subject is the release's artifact digest, so a
//! signature made for one artifact never counts for another.

use std::collections::BTreeMap;

use riskgate_engine::value::Value;
use serde_json::json;

use super::dsse::{Envelope, STATEMENT_V1, Statement, Subject};
use super::keys::{PublicKey, TrustedKey};
use super::{APPROVAL_PREDICATE, WAIVER_PREDICATE};
use crate::trace::{Decision, EnforcementPoint, ManifestTrace, Status};
use crate::view::{items, str_at};

/// The SLSA Verification Summary Attestation predicate type.
pub const VSA_PREDICATE: &str = "https://slsa.dev/verification_summary/v1";

/// Who verified, in the VSA.
pub const VERIFIER_ID: &str = "https://riskgate.dev/riskgate";

/// The release a statement is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRef {
    /// `metadata.name` (or the model id).
    pub name: String,
    /// `spec.identity.artifact.digest`, `algo:hex`.
    pub digest: String,
}

impl ReleaseRef {
    /// Reads the release from a manifest.
    ///
    /// # Errors
    /// When the manifest has no usable artifact digest: a statement must
    /// be bound to one artifact.
    pub fn of(manifest: &Value) -> Result<ReleaseRef, String> {
        let digest = str_at(manifest, &["spec", "identity", "artifact", "digest"])
            .ok_or("the manifest has no spec.identity.artifact.digest to sign for")?;
        match digest.split_once(':') {
            Some((algo, hex)) if !algo.is_empty() && !hex.is_empty() => {}
            _ => {
                return Err(format!(
                    "spec.identity.artifact.digest `{digest}` is not `algorithm:hex`"
                ));
            }
        }
        let name = str_at(manifest, &["metadata", "name"])
            .or_else(|| str_at(manifest, &["spec", "identity", "model_id"]))
            .unwrap_or("release");
        Ok(ReleaseRef {
            name: name.to_owned(),
            digest: digest.to_owned(),
        })
    }

    fn subject(&self) -> Vec<Subject> {
        let (algo, hex) = self
            .digest
            .split_once(':')
            .unwrap_or(("sha256", &self.digest));
        vec![Subject {
            name: self.name.clone(),
            digest: BTreeMap::from([(algo.to_owned(), hex.to_lowercase())]),
        }]
    }
}

fn statement(
    release: &ReleaseRef,
    predicate_type: &str,
    predicate: serde_json::Value,
) -> Statement {
    Statement {
        statement_type: STATEMENT_V1.to_owned(),
        subject: release.subject(),
        predicate_type: predicate_type.to_owned(),
        predicate,
    }
}

/// A release approval by `approver` (e-mail) in `role`.
#[must_use]
pub fn approval(
    release: &ReleaseRef,
    role: &str,
    decision: &str,
    approver: &str,
    at: &str,
) -> Statement {
    statement(
        release,
        APPROVAL_PREDICATE,
        json!({"role": role, "decision": decision, "approver": approver, "at": at}),
    )
}

/// A sign-off by `approver` in `role` of the waiver `waiver` as the
/// manifest states it: the statement carries the waiver's id and
/// [`waiver_terms`], so a sign-off stops counting when anything it
/// approved (the controls, scope, expiry, compensating controls, ...)
/// is changed afterwards.
#[must_use]
pub fn waiver(
    release: &ReleaseRef,
    waiver: &Value,
    role: &str,
    approver: &str,
    at: &str,
) -> Statement {
    statement(
        release,
        WAIVER_PREDICATE,
        json!({
            "waiver": str_at(waiver, &["id"]).unwrap_or_default(),
            "terms": waiver_terms(waiver),
            "role": role,
            "approver": approver,
            "at": at,
        }),
    )
}

/// The waiver with id `id` in `manifest`'s `spec.waivers`.
///
/// # Errors
/// When there is none; the message lists the waivers there are.
pub fn waiver_of<'a>(manifest: &'a Value, id: &str) -> Result<&'a Value, String> {
    let waivers = items(manifest, &["spec", "waivers"]);
    if let Some(found) = waivers.iter().find(|w| str_at(w, &["id"]) == Some(id)) {
        return Ok(found);
    }
    let ids: Vec<&str> = waivers.iter().filter_map(|w| str_at(w, &["id"])).collect();
    let held = if ids.is_empty() {
        "it has no spec.waivers".to_owned()
    } else {
        format!("it has {}", ids.join(", "))
    };
    Err(format!(
        "no waiver `{id}` to sign ({held}); a sign-off covers the waiver as the manifest states it, so write the waiver first"
    ))
}

/// The digest of what a waiver's approvers sign: the waiver without its
/// `approved_by` list (so each sign-off is independent of the others), as
/// JSON with sorted keys and no whitespace, `sha256:<hex>`.
#[must_use]
pub fn waiver_terms(waiver: &Value) -> String {
    let mut terms = waiver.to_json();
    if let Some(fields) = terms.as_object_mut() {
        fields.remove("approved_by");
    }
    crate::digest::sha256(terms.to_string().as_bytes())
}

/// The predicate type of a signed evaluation report.
pub const EVALUATION_PREDICATE: &str = "https://riskgate.dev/evaluation-report/v1";

/// An evaluation report (its JSON as the predicate) for the release's
/// artifact.
#[must_use]
pub fn evaluation(release: &ReleaseRef, report: serde_json::Value) -> Statement {
    statement(release, EVALUATION_PREDICATE, report)
}

/// What a decision attestation records about the run.
#[derive(Debug, Clone)]
pub struct RunInfo<'a> {
    /// The evaluation clock, RFC 3339.
    pub evaluated_at: &'a str,
    /// The enforcement point decided for.
    pub point: EnforcementPoint,
    /// Where the policies came from.
    pub policy_source: &'a str,
    /// `sha256:<hex>` over the policy set and overlay.
    pub policy_digest: &'a str,
    /// riskgate's version.
    pub version: &'a str,
}

/// riskgate's decision for one release as a SLSA Verification Summary.
#[must_use]
pub fn decision(release: &ReleaseRef, trace: &ManifestTrace, run: &RunInfo<'_>) -> Statement {
    let passed = matches!(trace.decision, Decision::Pass | Decision::Warn);
    let failing: Vec<&str> = trace
        .controls
        .iter()
        .filter(|c| c.status.is_failing() && c.status != Status::Waived)
        .map(|c| c.id.as_str())
        .collect();
    let policy_hex = run
        .policy_digest
        .strip_prefix("sha256:")
        .unwrap_or(run.policy_digest);
    statement(
        release,
        VSA_PREDICATE,
        json!({
            "verifier": {"id": VERIFIER_ID, "version": {"riskgate": run.version}},
            "timeVerified": run.evaluated_at,
            "resourceUri": format!("riskgate:manifest:{}#{}", trace.file, trace.document),
            "policy": {"uri": run.policy_source, "digest": {"sha256": policy_hex}},
            "verificationResult": if passed { "PASSED" } else { "FAILED" },
            "verifiedLevels": [],
            "riskgate": {
                "decision": trace.decision.as_str(),
                "enforcement_point": run.point.as_str(),
                "failing_controls": failing,
            },
        }),
    )
}

/// A verified decision attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDecision {
    /// The release name in the subject.
    pub name: String,
    /// `PASSED` or `FAILED`.
    pub result: String,
    /// riskgate's decision (`pass`, `warn`, `deny`, `error`).
    pub decision: String,
    /// When it was decided.
    pub time: String,
    /// The policy digest, `sha256:<hex>`.
    pub policy_digest: String,
}

/// Verifies a decision attestation with `key`, for artifact `digest`
/// when given.
///
/// # Errors
/// Why the envelope is not a valid riskgate decision for that artifact.
pub fn verify_decision(
    envelope: &Envelope,
    key: &PublicKey,
    digest: Option<&str>,
) -> Result<VerifiedDecision, String> {
    let trusted = TrustedKey {
        id: String::new(),
        key: key.clone(),
        signs: std::collections::BTreeSet::new(),
        approver: None,
        roles: Vec::new(),
    };
    let (statement, _) = envelope
        .open(&[&trusted], "decisions")
        .map_err(|e| e.to_string())?;
    if statement.predicate_type != VSA_PREDICATE {
        return Err(format!(
            "the statement is `{}`, not a verification summary",
            statement.predicate_type
        ));
    }
    if statement
        .predicate
        .pointer("/verifier/id")
        .and_then(|v| v.as_str())
        != Some(VERIFIER_ID)
    {
        return Err("the verification summary was not made by riskgate".to_owned());
    }
    if let Some(digest) = digest
        && !statement.names_digest(digest)
    {
        return Err(format!("the attestation is not about artifact {digest}"));
    }
    let text = |pointer: &str| {
        statement
            .predicate
            .pointer(pointer)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    Ok(VerifiedDecision {
        name: statement
            .subject
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        result: text("/verificationResult"),
        decision: text("/riskgate/decision"),
        time: text("/timeVerified"),
        policy_digest: format!("sha256:{}", text("/policy/digest/sha256")),
    })
}
