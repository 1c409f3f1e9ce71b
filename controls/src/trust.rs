//! Whether the evidence a manifest cites can be believed: digests compared
//! with the files, evaluation reports compared with the metrics the
//! manifest claims, signatures (DSSE envelopes with in-toto Statements)
//! verified against the keys the *policy* trusts.
//!
//! Verification runs once per manifest, before any requirement, and yields
//! a verdict per JSON pointer. After each requirement runs,
//! [`Trust::lowering`] looks at the evidence it used: evidence that
//! contradicts itself (a digest or metric that does not match, a bad
//! signature) turns a pass into `fail`; evidence that cannot be checked
//! turns it into `insufficient_data`. Approvals and waiver sign-offs ask
//! [`Trust::approval`] / [`Trust::waiver_approval`] whether a signature
//! makes them count.
//!
//! INVARIANTS:
//! - Nothing in the manifest can make evidence trusted: keys come only from
//!   `data.riskgate.config.trust`, and an approval key speaks only for the
//!   approver and roles registered with it.
//! - Verification only ever lowers a status; it never turns anything into
//!   a pass.
//! - No I/O here: files come through the [`EvidenceStore`] the caller
//!   injects.

pub mod dsse;
pub mod keys;
pub mod statements;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use riskgate_engine::value::Value;

use crate::CheckOptions;
use crate::codes;
use crate::trace::EnforcementPoint;
use crate::trace::{Evidence, Finding, Location, Status};
use crate::view::{self, Person, items, short_digest, str_at};
use dsse::{Envelope, Statement};
use keys::{Purpose, TrustedKey};

/// The predicate type of a signed release approval.
pub const APPROVAL_PREDICATE: &str = "https://riskgate.dev/approval/v1";

/// The field of a waiver sign-off that binds the waiver's content
/// ([`statements::waiver_terms`]).
const TERMS_CLAIM: &str = "terms";

/// The predicate type of a signed waiver sign-off.
pub const WAIVER_PREDICATE: &str = "https://riskgate.dev/waiver-approval/v1";

/// The in-toto test-result predicate: a signed evaluation report of this
/// type must say `PASSED`.
pub const TEST_RESULT_PREDICATE: &str = "https://in-toto.io/attestation/test-result/v0.1";

/// Where evidence files come from (a confined directory in the CLI).
pub trait EvidenceStore: Send + Sync {
    /// The bytes `reference` (a manifest's `uri`, `report_ref`,
    /// `signature_ref`) points at.
    ///
    /// # Errors
    /// Why it cannot be read, for the trace (not found, not a local file,
    /// outside the evidence root, too large).
    fn read(&self, reference: &str) -> Result<Vec<u8>, String>;
}

/// How to verify evidence (`--verify-evidence`).
#[derive(Clone, Default)]
pub struct EvidenceOptions {
    /// Where referenced files are read from; without one every digest is
    /// unverifiable.
    pub store: Option<Arc<dyn EvidenceStore>>,
    /// An approval or waiver sign-off counts only with a valid signature.
    pub require_signed_approvals: bool,
}

impl fmt::Debug for EvidenceOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EvidenceOptions")
            .field("store", &self.store.as_ref().map(|_| "…"))
            .field("require_signed_approvals", &self.require_signed_approvals)
            .finish()
    }
}

/// Why a piece of evidence is not believed.
#[derive(Debug, Clone)]
enum Verdict {
    /// It contradicts itself or its signature: the requirement fails.
    Contradicted { message: String, hint: String },
    /// It cannot be checked: the requirement has insufficient data.
    Unverifiable { message: String, hint: String },
}

/// The verification of one manifest's evidence.
pub(crate) struct Trust {
    active: bool,
    require_signed: bool,
    verdicts: BTreeMap<String, Verdict>,
    approvals: BTreeMap<usize, Result<(), String>>,
    waiver_approvals: BTreeMap<(usize, usize), Result<(), String>>,
    findings: Vec<Finding>,
}

impl Trust {
    /// Verification that is off: every status stands as it is.
    pub(crate) fn off() -> Trust {
        Trust {
            active: false,
            require_signed: false,
            verdicts: BTreeMap::new(),
            approvals: BTreeMap::new(),
            waiver_approvals: BTreeMap::new(),
            findings: Vec::new(),
        }
    }

    /// Verifies `input`'s evidence. Verification is on when the caller
    /// asks (`options.evidence`) or the policy's `trust.verify` lists the
    /// enforcement point; `config` is `data.riskgate.config.trust`.
    pub(crate) fn assess(
        input: &Value,
        config: Option<&Value>,
        options: &CheckOptions,
        locate: &dyn Fn(&str) -> Option<Location>,
    ) -> Trust {
        let config = config.unwrap_or(&Value::Null);
        let by_policy = verified_points(config).contains(&options.point);
        let evidence = match (&options.evidence, by_policy) {
            (Some(evidence), _) => evidence.clone(),
            (None, true) => EvidenceOptions::default(),
            (None, false) => return Trust::off(),
        };
        let require_signed = evidence.require_signed_approvals
            || view::get(config, "require_signed_approvals").and_then(Value::as_bool) == Some(true);
        let (keys, problems) = keys::read_keys(config);
        let mut check = Checker {
            store: evidence.store.as_deref(),
            keys,
            require_signed_evaluations: view::get(config, "require_signed_evaluations")
                .and_then(Value::as_bool)
                == Some(true),
            input,
            release_digest: str_at(input, &["spec", "identity", "artifact", "digest"]),
            trust: Trust {
                active: true,
                require_signed,
                ..Trust::off()
            },
            locate,
        };
        for (id, why) in problems {
            check.trust.findings.push(Finding {
                code: codes::INVALID_TRUSTED_KEY.id.to_owned(),
                message: format!("trusted key `{id}` is ignored: {why}"),
                location: None,
                pointer: None,
            });
        }
        check.documents();
        check.reports();
        check.artifact();
        check.approvals();
        check.waiver_approvals();
        check.trust
    }

    /// How a passing requirement that used `evidence` is lowered: `fail`
    /// when any of it is contradicted, `insufficient_data` when any cannot
    /// be checked, with why and what to do; `None` leaves it as it is.
    pub(crate) fn lowering(&self, evidence: &[Evidence]) -> Option<(Status, &str, &str)> {
        if !self.active {
            return None;
        }
        let verdicts: Vec<&Verdict> = self
            .verdicts
            .iter()
            .filter(|(at, _)| {
                evidence
                    .iter()
                    .any(|e| nested(at, &e.pointer) || nested(&e.pointer, at))
            })
            .map(|(_, verdict)| verdict)
            .collect();
        let contradicted = verdicts.iter().find_map(|v| match v {
            Verdict::Contradicted { message, hint } => {
                Some((Status::Fail, message.as_str(), hint.as_str()))
            }
            Verdict::Unverifiable { .. } => None,
        });
        contradicted.or_else(|| {
            verdicts.iter().find_map(|v| match v {
                Verdict::Unverifiable { message, hint } => {
                    Some((Status::InsufficientData, message.as_str(), hint.as_str()))
                }
                Verdict::Contradicted { .. } => None,
            })
        })
    }

    /// Whether approval `index` counts: `Err` says why not.
    pub(crate) fn approval(&self, index: usize) -> Result<(), String> {
        if !self.active {
            return Ok(());
        }
        self.approvals.get(&index).cloned().unwrap_or(Ok(()))
    }

    /// Whether sign-off `approver` of waiver `waiver` counts.
    pub(crate) fn waiver_approval(&self, waiver: usize, approver: usize) -> Result<(), String> {
        if !self.active {
            return Ok(());
        }
        self.waiver_approvals
            .get(&(waiver, approver))
            .cloned()
            .unwrap_or(Ok(()))
    }

    /// The findings verification raised.
    pub(crate) fn findings(&self) -> &[Finding] {
        &self.findings
    }
}

/// Whether `inner` is `outer` or below it (`/a/1` is below `/a`, not `/a1`).
fn nested(outer: &str, inner: &str) -> bool {
    inner
        .strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn verified_points(config: &Value) -> Vec<EnforcementPoint> {
    items(config, &["verify"])
        .iter()
        .filter_map(|v| {
            let name = v.as_str()?;
            EnforcementPoint::ALL
                .into_iter()
                .find(|p| p.as_str() == name)
        })
        .collect()
}

struct Checker<'a> {
    store: Option<&'a dyn EvidenceStore>,
    keys: Vec<TrustedKey>,
    /// `trust.require_signed_evaluations`: metrics count only from a
    /// report signed by a key trusted for evaluations.
    require_signed_evaluations: bool,
    input: &'a Value,
    release_digest: Option<&'a str>,
    trust: Trust,
    locate: &'a dyn Fn(&str) -> Option<Location>,
}

impl Checker<'_> {
    fn finding(&mut self, code: &str, pointer: &str, message: String) {
        self.trust.findings.push(Finding {
            code: code.to_owned(),
            message,
            location: (self.locate)(pointer),
            pointer: Some(pointer.to_owned()),
        });
    }

    fn contradicted(&mut self, code: &str, pointer: &str, message: String, hint: String) {
        self.finding(code, pointer, message.clone());
        self.trust
            .verdicts
            .entry(pointer.to_owned())
            .or_insert(Verdict::Contradicted { message, hint });
    }

    fn unverifiable(&mut self, pointer: &str, message: String, hint: String) {
        self.finding(codes::EVIDENCE_UNVERIFIABLE.id, pointer, message.clone());
        self.trust
            .verdicts
            .entry(pointer.to_owned())
            .or_insert(Verdict::Unverifiable { message, hint });
    }

    fn read(&self, reference: &str) -> Result<Vec<u8>, String> {
        match self.store {
            Some(store) => store.read(reference),
            None => Err("no evidence root to read it from (`--evidence-root DIR`)".to_owned()),
        }
    }

    /// Compares the file `reference` with `claimed`; the bytes when they
    /// match, `None` after recording a verdict at `pointer`.
    fn verify_digest(
        &mut self,
        pointer: &str,
        what: &str,
        reference: Option<&str>,
        claimed: &str,
    ) -> Option<Vec<u8>> {
        let Some(reference) = reference else {
            self.unverifiable(
                pointer,
                format!(
                    "{what} has digest {} but no reference to the file",
                    short_digest(claimed)
                ),
                format!("record where the {what} is, so its digest can be checked"),
            );
            return None;
        };
        if !claimed.starts_with("sha256:") {
            self.unverifiable(
                pointer,
                format!("{what} {reference} has a digest riskgate cannot check ({claimed}); only sha256 is supported"),
                format!("record the {what}'s digest as sha256:<hex>"),
            );
            return None;
        }
        let bytes = match self.read(reference) {
            Ok(bytes) => bytes,
            Err(why) => {
                self.unverifiable(
                    pointer,
                    format!("{what} {reference} could not be read to check its digest: {why}"),
                    format!("make {reference} available under the evidence root"),
                );
                return None;
            }
        };
        let actual = crate::digest::sha256(&bytes);
        if !crate::digest::same_digest(claimed, &actual) {
            self.contradicted(
                codes::EVIDENCE_DIGEST_MISMATCH.id,
                pointer,
                format!(
                    "{what} {reference} has digest {}, not the {} the manifest records",
                    short_digest(&actual),
                    short_digest(claimed)
                ),
                format!("restore the original {reference}, or re-run and record the new digest"),
            );
            return None;
        }
        Some(bytes)
    }

    fn documents(&mut self) {
        let documents = items(self.input, &["spec", "documents"]);
        for (index, document) in documents.iter().enumerate() {
            let Some(claimed) = str_at(document, &["digest"]) else {
                continue;
            };
            let kind = str_at(document, &["kind"]).unwrap_or("document");
            let what = format!("document {kind}");
            let pointer = format!("/spec/documents/{index}");
            self.verify_digest(&pointer, &what, str_at(document, &["uri"]), claimed);
        }
    }

    fn reports(&mut self) {
        let input = self.input;
        if let Some(validation) = view::at(input, &["spec", "validation"])
            && let Some(claimed) = str_at(validation, &["report_digest"])
        {
            let reference = str_at(validation, &["report_ref"]);
            self.verify_digest("/spec/validation", "validation report", reference, claimed);
        }
        for (index, evaluation) in items(input, &["spec", "evaluations"]).iter().enumerate() {
            let pointer = format!("/spec/evaluations/{index}");
            let id = str_at(evaluation, &["id"]).unwrap_or("?");
            let what = format!("the report of evaluation {id}");
            let reference = str_at(evaluation, &["report_ref"]);
            let bytes = match str_at(evaluation, &["report_digest"]) {
                Some(claimed) => self.verify_digest(&pointer, &what, reference, claimed),
                // Without a recorded digest the report still shows whether
                // the claimed metrics are real, when it can be read.
                None => reference.and_then(|r| self.read(r).ok()),
            };
            let report = bytes.map_or(Report::Unsigned, |bytes| {
                self.compare_metrics(&pointer, &what, evaluation, &bytes)
            });
            if self.require_signed_evaluations && !self.trust.verdicts.contains_key(&pointer) {
                self.require_signed(&pointer, id, report);
            }
        }
    }

    /// `trust.require_signed_evaluations`: claimed metrics count only as a
    /// trusted key signed them.
    fn require_signed(&mut self, pointer: &str, id: &str, report: Report) {
        let why = match report {
            Report::SignedAndValid => return,
            Report::SignedWithoutMetrics => "a signed report that states none of its metrics",
            Report::Unsigned => "no signed report",
        };
        self.unverifiable(
            pointer,
            format!(
                "evaluation {id} has {why}, and the policy counts only signed metrics (trust.require_signed_evaluations)"
            ),
            "have CI sign the report it read the metrics from (`riskgate import ... --sign-key`, or `riskgate sign evaluation`) and cite the envelope in report_ref".to_owned(),
        );
    }

    /// Compares the manifest's metrics with a JSON report's (`metrics` as
    /// an object of name → value, or the manifest's own list form; inside
    /// a DSSE envelope, the predicate's).
    fn compare_metrics(
        &mut self,
        pointer: &str,
        what: &str,
        evaluation: &Value,
        bytes: &[u8],
    ) -> Report {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(bytes) else {
            return Report::Unsigned; // Not a machine-readable report (PDF, HTML): digest only.
        };
        let (report, kind) =
            if json.get("payloadType").is_some() && json.get("signatures").is_some() {
                match self.open(bytes, Purpose::Evaluation) {
                    Ok(statement) => {
                        if let Some(release) = self.release_digest
                            && !statement.names_digest(release)
                        {
                            self.contradicted(
                                codes::EVIDENCE_SIGNATURE_INVALID.id,
                                pointer,
                                format!(
                                    "{what} is signed for another artifact, not {}",
                                    short_digest(release)
                                ),
                                "evaluate the released artifact and sign that report".to_owned(),
                            );
                            return Report::Unsigned;
                        }
                        if statement.predicate_type == TEST_RESULT_PREDICATE {
                            let result = statement.predicate.get("result").and_then(|r| r.as_str());
                            if result != Some("PASSED") {
                                self.contradicted(
                                    codes::EVIDENCE_REPORT_MISMATCH.id,
                                    pointer,
                                    format!(
                                        "{what} is a signed test result that says {}, not PASSED",
                                        result.unwrap_or("nothing")
                                    ),
                                    "fix what the test run found and re-run it".to_owned(),
                                );
                                return Report::Unsigned;
                            }
                        }
                        // Unbound to an artifact, a signature vouches for no release.
                        let kind = if self.release_digest.is_some() {
                            Report::SignedAndValid
                        } else {
                            Report::Unsigned
                        };
                        (statement.predicate, kind)
                    }
                    Err(why) => {
                        self.contradicted(
                            codes::EVIDENCE_SIGNATURE_INVALID.id,
                            pointer,
                            format!("{what} is a signed envelope that does not verify: {why}"),
                            "sign the report with a key trusted for evaluations".to_owned(),
                        );
                        return Report::Unsigned;
                    }
                }
            } else {
                (json, Report::Unsigned)
            };
        let reported = reported_metrics(&report);
        if reported.is_empty() {
            // e.g. a signed in-toto test result: it vouches for its
            // verdict, not for the metrics the manifest lists beside it.
            return match kind {
                Report::SignedAndValid if !items(evaluation, &["metrics"]).is_empty() => {
                    Report::SignedWithoutMetrics
                }
                kind => kind,
            };
        }
        for (m, metric) in items(evaluation, &["metrics"]).iter().enumerate() {
            let Some(name) = str_at(metric, &["name"]) else {
                continue;
            };
            let metric_pointer = format!("{pointer}/metrics/{m}");
            let claimed = view::get(metric, "value").map(Value::to_json);
            self.compare_one(
                &metric_pointer,
                what,
                name,
                claimed.as_ref(),
                reported.get(name).map(|r| &r.value),
            );
            let claimed_slices = items(metric, &["slices"]);
            for (s, slice) in claimed_slices.iter().enumerate() {
                let Some(slice_name) = str_at(slice, &["name"]) else {
                    continue;
                };
                let claimed = view::get(slice, "value").map(Value::to_json);
                let reported = reported.get(name).and_then(|r| r.slices.get(slice_name));
                let label = format!("{name}[{slice_name}]");
                let slice_pointer = format!("{metric_pointer}/slices/{s}");
                self.compare_one(&slice_pointer, what, &label, claimed.as_ref(), reported);
                // A minimum or maximum over slices depends on every slice,
                // not only the one it names: an edited slice discredits the
                // whole metric.
                if let Some(verdict @ Verdict::Contradicted { .. }) =
                    self.trust.verdicts.get(&slice_pointer).cloned()
                {
                    self.trust
                        .verdicts
                        .entry(metric_pointer.clone())
                        .or_insert(verdict);
                }
            }
            // A slice left out of the manifest (the worst one, say) changes
            // every aggregate over slices as surely as an edited one.
            let omitted: Vec<&str> = reported
                .get(name)
                .into_iter()
                .flat_map(|r| r.slices.keys().map(String::as_str))
                .filter(|&reported_slice| {
                    !claimed_slices
                        .iter()
                        .any(|c| str_at(c, &["name"]) == Some(reported_slice))
                })
                .collect();
            if let Some(first) = omitted.first()
                && !claimed_slices.is_empty()
            {
                self.contradicted(
                    codes::EVIDENCE_REPORT_MISMATCH.id,
                    &metric_pointer,
                    format!(
                        "{what} states {name} for slice{} {}, which the manifest leaves out",
                        if omitted.len() == 1 { "" } else { "s" },
                        omitted.join(", ")
                    ),
                    format!("record every slice of {name} the report states, including {first}"),
                );
            }
        }
        kind
    }

    fn compare_one(
        &mut self,
        pointer: &str,
        what: &str,
        name: &str,
        claimed: Option<&serde_json::Value>,
        reported: Option<&serde_json::Value>,
    ) {
        let (Some(claimed), Some(reported)) = (claimed, reported) else {
            if claimed.is_some() {
                self.unverifiable(
                    pointer,
                    format!("{what} does not report metric {name}"),
                    format!("include {name} in the report, or remove the unsupported claim"),
                );
            }
            return;
        };
        let same = match (claimed.as_f64(), reported.as_f64()) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
            _ => claimed == reported,
        };
        if !same {
            self.contradicted(
                codes::EVIDENCE_REPORT_MISMATCH.id,
                pointer,
                format!("{what} says {name} is {reported}, not the {claimed} the manifest claims"),
                format!("record {name} as the report states it, or re-run the evaluation"),
            );
        }
    }

    fn open(&self, bytes: &[u8], purpose: Purpose) -> Result<Statement, String> {
        let envelope = Envelope::parse(bytes).map_err(|e| e.to_string())?;
        let keys: Vec<&TrustedKey> = self
            .keys
            .iter()
            .filter(|k| k.signs.contains(&purpose))
            .collect();
        envelope
            .open(&keys, &format!("{}s", purpose.as_str()))
            .map(|(statement, _)| statement)
            .map_err(|e| e.to_string())
    }

    fn artifact(&mut self) {
        let pointer = "/spec/identity/artifact/signature_ref";
        let Some(reference) = str_at(
            self.input,
            &["spec", "identity", "artifact", "signature_ref"],
        ) else {
            return;
        };
        let bytes = match self.read(reference) {
            Ok(bytes) => bytes,
            Err(why) => {
                self.unverifiable(
                    pointer,
                    format!("the artifact attestation {reference} could not be read: {why}"),
                    format!("make {reference} available under the evidence root"),
                );
                return;
            }
        };
        let statement = match self.open(&bytes, Purpose::Artifact) {
            Ok(statement) => statement,
            Err(why) => {
                self.contradicted(
                    codes::EVIDENCE_SIGNATURE_INVALID.id,
                    pointer,
                    format!("the artifact attestation {reference} does not verify: {why}"),
                    "attach an attestation signed by a key trusted for artifacts".to_owned(),
                );
                return;
            }
        };
        match self.release_digest {
            Some(digest) if statement.names_digest(digest) => {}
            digest => self.contradicted(
                codes::EVIDENCE_SIGNATURE_INVALID.id,
                pointer,
                format!(
                    "the artifact attestation {reference} is for another artifact, not {}",
                    digest.map_or_else(|| "(no artifact digest)".to_owned(), short_digest)
                ),
                "attach the attestation of the released artifact".to_owned(),
            ),
        }
    }

    /// Checks a signed approval record: signed by a key registered for
    /// the person in the role, over the release's artifact, saying what
    /// the record claims.
    fn signed_by(&self, signed: &SignOff<'_>) -> Result<(), String> {
        let SignOff {
            purpose,
            predicate_type,
            person,
            role,
            ..
        } = *signed;
        let Some(reference) = signed.reference else {
            return Err("it is not signed (no signature_ref)".to_owned());
        };
        let bytes = self
            .read(reference)
            .map_err(|why| format!("its signature {reference} could not be read: {why}"))?;
        let envelope = Envelope::parse(&bytes).map_err(|e| format!("{reference}: {e}"))?;
        let email = person.and_then(|p| p.email.as_deref());
        let keys: Vec<&TrustedKey> = self
            .keys
            .iter()
            .filter(|k| k.signs.contains(&purpose) && k.speaks_for(email, role))
            .collect();
        let who = person.map_or_else(|| "the approver".to_owned(), Person::display);
        let (statement, _) = envelope
            .open(&keys, &format!("{}s for {who} as {role}", purpose.as_str()))
            .map_err(|e| format!("{reference}: {e}"))?;
        if statement.predicate_type != predicate_type {
            return Err(format!(
                "{reference} is a `{}` statement, not `{predicate_type}`",
                statement.predicate_type
            ));
        }
        match self.release_digest {
            Some(digest) if statement.names_digest(digest) => {}
            _ => return Err(format!("{reference} is signed for another artifact")),
        }
        for (field, expected) in &signed.claims {
            let signed = statement
                .predicate
                .get(*field)
                .and_then(serde_json::Value::as_str);
            if signed != *expected && *field == TERMS_CLAIM {
                return Err(format!(
                    "the waiver has changed since {reference} was signed (it signs terms {}, the waiver's are now {}); have the approver sign it again",
                    signed.map_or_else(|| "(none)".to_owned(), short_digest),
                    expected.map_or_else(|| "(none)".to_owned(), short_digest),
                ));
            }
            if signed != *expected {
                return Err(format!(
                    "{reference} signs {field} {}, not {}",
                    signed.unwrap_or("(none)"),
                    expected.unwrap_or("(none)")
                ));
            }
        }
        Ok(())
    }

    /// Checks one sign-off and reports why it does not count: `E5002`
    /// for a signature that fails, `W5005` for a missing one. `what` names
    /// it in the message.
    fn sign_off(&mut self, signed: &SignOff<'_>, pointer: &str, what: &str) -> Result<(), String> {
        let result = self.signed_by(signed);
        if let Err(why) = &result {
            let code = if signed.reference.is_some() {
                codes::EVIDENCE_SIGNATURE_INVALID.id
            } else {
                codes::APPROVAL_UNSIGNED.id
            };
            self.finding(code, pointer, format!("{what} does not count: {why}"));
        }
        result
    }

    fn approvals(&mut self) {
        let input = self.input;
        for (index, approval) in items(input, &["spec", "approvals"]).iter().enumerate() {
            let reference = str_at(approval, &["signature_ref"]);
            if reference.is_none() && !self.trust.require_signed {
                continue;
            }
            let role = str_at(approval, &["role"]).unwrap_or("");
            let person = view::get(approval, "by").and_then(Person::from_value);
            let signed = SignOff {
                reference,
                purpose: Purpose::Approval,
                predicate_type: APPROVAL_PREDICATE,
                person: person.as_ref(),
                role,
                claims: vec![
                    ("role", Some(role)),
                    ("decision", str_at(approval, &["decision"])),
                    ("approver", person.as_ref().and_then(|p| p.email.as_deref())),
                ],
            };
            let pointer = format!("/spec/approvals/{index}");
            let what = format!("approval #{index} ({role})");
            let result = self.sign_off(&signed, &pointer, &what);
            self.trust.approvals.insert(index, result);
        }
    }

    fn waiver_approvals(&mut self) {
        let input = self.input;
        for (w, waiver) in items(input, &["spec", "waivers"]).iter().enumerate() {
            let id = str_at(waiver, &["id"]);
            // Digested once per waiver, and only if a sign-off is checked.
            let mut terms = None;
            for (a, approver) in items(waiver, &["approved_by"]).iter().enumerate() {
                let reference = str_at(approver, &["signature_ref"]);
                if reference.is_none() && !self.trust.require_signed {
                    continue;
                }
                let terms: &str = terms.get_or_insert_with(|| statements::waiver_terms(waiver));
                let role = str_at(approver, &["role"]).unwrap_or("");
                let person = Person::from_value(approver);
                let signed = SignOff {
                    reference,
                    purpose: Purpose::Waiver,
                    predicate_type: WAIVER_PREDICATE,
                    person: person.as_ref(),
                    role,
                    claims: vec![
                        ("waiver", id),
                        (TERMS_CLAIM, Some(terms)),
                        ("role", Some(role)),
                        ("approver", person.as_ref().and_then(|p| p.email.as_deref())),
                    ],
                };
                let pointer = format!("/spec/waivers/{w}/approved_by/{a}");
                let what = format!("waiver {}'s sign-off by {role}", id.unwrap_or("?"));
                let result = self.sign_off(&signed, &pointer, &what);
                self.trust.waiver_approvals.insert((w, a), result);
            }
        }
    }
}

/// What an evaluation's report turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Report {
    /// Signed by a key trusted for evaluations, about the release's
    /// artifact: its metrics were compared with the manifest's claims.
    SignedAndValid,
    /// Signed and valid, but with no metrics while the manifest claims
    /// some.
    SignedWithoutMetrics,
    /// Anything else: unsigned, unreadable, or a signature that did not
    /// hold (which has its own finding).
    Unsigned,
}

/// An approval or waiver sign-off to check against its signature.
struct SignOff<'a> {
    reference: Option<&'a str>,
    purpose: Purpose,
    predicate_type: &'a str,
    person: Option<&'a Person>,
    role: &'a str,
    /// Predicate fields the signature must state, and their values.
    claims: Vec<(&'a str, Option<&'a str>)>,
}

/// One metric as a report states it.
struct Reported {
    value: serde_json::Value,
    slices: BTreeMap<String, serde_json::Value>,
}

fn reported_metrics(report: &serde_json::Value) -> BTreeMap<String, Reported> {
    let mut out = BTreeMap::new();
    let slices_of = |entry: &serde_json::Value| -> BTreeMap<String, serde_json::Value> {
        match entry.get("slices") {
            Some(serde_json::Value::Object(map)) => map
                .iter()
                .map(|(k, v)| (k.clone(), v.get("value").unwrap_or(v).clone()))
                .collect(),
            Some(serde_json::Value::Array(list)) => list
                .iter()
                .filter_map(|s| {
                    Some((s.get("name")?.as_str()?.to_owned(), s.get("value")?.clone()))
                })
                .collect(),
            _ => BTreeMap::new(),
        }
    };
    match report.get("metrics") {
        Some(serde_json::Value::Object(map)) => {
            for (name, entry) in map {
                let value = entry.get("value").unwrap_or(entry).clone();
                out.insert(
                    name.clone(),
                    Reported {
                        value,
                        slices: slices_of(entry),
                    },
                );
            }
        }
        Some(serde_json::Value::Array(list)) => {
            for entry in list {
                let (Some(name), Some(value)) = (
                    entry.get("name").and_then(|n| n.as_str()),
                    entry.get("value"),
                ) else {
                    continue;
                };
                out.insert(
                    name.to_owned(),
                    Reported {
                        value: value.clone(),
                        slices: slices_of(entry),
                    },
                );
            }
        }
        _ => {}
    }
    out
}
