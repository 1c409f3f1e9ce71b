//! A release's audit as a policy report: OpenReports `Report`
//! (`openreports.io/v1alpha1`, the default) or the older
//! `wgpolicyk8s.io/v1alpha2` `PolicyReport` that Kyverno and Policy
//! Reporter installs before OpenReports read.
//!
//! One report per release, in its namespace, named `riskgate-<release>`,
//! owned by the release (deleted with it by the garbage collector, so
//! reports never outlive what they describe) and scoped to it. One result
//! per control that applies:
//!
//! | trace status | result |
//! |---|---|
//! | `pass` | `pass` |
//! | `waived` | `skip` (the waiver and its expiry in `properties`, as Kyverno reports exceptions) |
//! | `fail`, `insufficient_data` | `fail` |
//! | `error` | `error` |
//!
//! Controls that do not apply, or that an overlay disabled, are not
//! listed. Results are ordered failing first (`fail`, `error`, `skip`,
//! then `pass`), then by control id, and capped at `max_results`; the
//! `summary` counts every control, listed or not.
//!
//! Pure: the clock is an input.

use riskgate_controls::trace::{ControlTrace, Decision, Status};
use std::collections::BTreeMap;

use riskgate_controls::digest::{SHA256_PREFIX, sha256};
use serde_json::{Map, Value, json};

use super::evaluate::ReleaseAudit;
use crate::decide::{prefix_within, truncate};

/// Default cap on results per report.
pub const DEFAULT_MAX_RESULTS: usize = 100;
/// Longest result message.
const MAX_RESULT_MESSAGE: usize = 1024;
/// Longest object name Kubernetes accepts (a DNS subdomain).
const MAX_NAME: usize = 253;
/// The `source` of every result.
pub const SOURCE: &str = "riskgate";

/// Which report API to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportApi {
    /// `openreports.io/v1alpha1` `Report`.
    Openreports,
    /// `wgpolicyk8s.io/v1alpha2` `PolicyReport` (older Kyverno and Policy
    /// Reporter installs).
    Policyreport,
}

impl ReportApi {
    /// `(group, version, kind, plural)`.
    #[must_use]
    pub const fn resource(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Self::Openreports => ("openreports.io", "v1alpha1", "Report", "reports"),
            Self::Policyreport => (
                "wgpolicyk8s.io",
                "v1alpha2",
                "PolicyReport",
                "policyreports",
            ),
        }
    }
}

/// The report name of a release: `riskgate-<name>`, shortened with a
/// hash of the full name when that would be too long.
#[must_use]
pub fn report_name(release: &str) -> String {
    let name = format!("riskgate-{release}");
    if name.len() <= MAX_NAME {
        return name;
    }
    // The first 4 bytes of the name's sha256, in hex.
    let digest = sha256(release.as_bytes());
    let hash = digest
        .get(SHA256_PREFIX.len()..SHA256_PREFIX.len() + 8)
        .unwrap_or_default();
    let kept = prefix_within(&name, MAX_NAME - hash.len() - 1);
    format!("{}-{hash}", kept.trim_end_matches(['-', '.']))
}

/// The report of one audited release.
#[must_use]
pub fn report(audit: &ReleaseAudit, api: ReportApi, now_ns: i64, max_results: usize) -> Value {
    let (group, version, kind, _) = api.resource();
    let mut results: Vec<(u8, &ControlTrace, &'static str)> = audit
        .trace
        .controls
        .iter()
        .filter(|c| c.disabled.is_none() && c.status != Status::NotApplicable)
        .map(|c| {
            let result = result_of(c.status);
            (rank(result), c, result)
        })
        .collect();
    results.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let mut summary: BTreeMap<&str, usize> = ["pass", "fail", "warn", "error", "skip"]
        .into_iter()
        .map(|result| (result, 0))
        .collect();
    for (_, _, result) in &results {
        *summary.entry(result).or_default() += 1;
    }
    let timestamp = json!({
        "seconds": now_ns.div_euclid(1_000_000_000),
        "nanos": 0,
    });
    let mut listed: Vec<Value> = Vec::new();
    if audit.trace.decision == Decision::Error && results.is_empty() {
        // Nothing was evaluated: one result says why.
        *summary.entry("error").or_default() += 1;
        listed.push(json!({
            "source": SOURCE,
            "policy": "riskgate",
            "rule": "load",
            "result": "error",
            "scored": true,
            "message": truncate(&audit.problems(), MAX_RESULT_MESSAGE),
            "timestamp": timestamp,
        }));
    }
    listed.extend(
        results
            .iter()
            .take(max_results.saturating_sub(listed.len()))
            .map(|(_, control, result)| result_entry(control, result, &timestamp)),
    );
    let mut metadata = Map::new();
    metadata.insert("name".into(), report_name(&audit.name).into());
    metadata.insert(
        "labels".into(),
        json!({
            "app.kubernetes.io/managed-by": "riskgate",
            "riskgate.dev/release": label_value(&audit.name),
        }),
    );
    let mut scope = Map::new();
    scope.insert("apiVersion".into(), "riskgate.dev/v1alpha1".into());
    scope.insert("kind".into(), "ModelRelease".into());
    scope.insert("name".into(), audit.name.clone().into());
    if !audit.namespace.is_empty() {
        metadata.insert("namespace".into(), audit.namespace.clone().into());
        scope.insert("namespace".into(), audit.namespace.clone().into());
    }
    if let Some(uid) = &audit.uid {
        scope.insert("uid".into(), uid.clone().into());
        metadata.insert(
            "ownerReferences".into(),
            json!([{
                "apiVersion": "riskgate.dev/v1alpha1",
                "kind": "ModelRelease",
                "name": audit.name,
                "uid": uid,
            }]),
        );
    }
    let mut out = Map::new();
    out.insert("apiVersion".into(), format!("{group}/{version}").into());
    out.insert("kind".into(), kind.into());
    out.insert("metadata".into(), Value::Object(metadata));
    if api == ReportApi::Openreports {
        out.insert("source".into(), SOURCE.into());
        out.insert(
            "configuration".into(),
            json!({"limits": {"maxResults": max_results}}),
        );
    }
    out.insert("scope".into(), Value::Object(scope));
    out.insert("summary".into(), json!(summary));
    out.insert("results".into(), listed.into());
    Value::Object(out)
}

const fn result_of(status: Status) -> &'static str {
    match status {
        Status::Pass | Status::NotApplicable => "pass",
        Status::Waived => "skip",
        Status::Fail | Status::InsufficientData => "fail",
        Status::Error => "error",
    }
}

/// Failing results first.
fn rank(result: &str) -> u8 {
    match result {
        "fail" => 0,
        "error" => 1,
        "warn" => 2,
        "skip" => 3,
        _ => 4,
    }
}

fn result_entry(control: &ControlTrace, result: &str, timestamp: &Value) -> Value {
    let mut properties = Map::new();
    properties.insert("title".into(), control.title.clone().into());
    properties.insert("status".into(), control.status.as_str().into());
    if !control.risks.is_empty() {
        properties.insert("risks".into(), control.risks.join(",").into());
    }
    let deciding = control
        .requirements
        .iter()
        .find(|r| r.status.is_failing())
        .or_else(|| {
            control
                .requirements
                .iter()
                .find(|r| r.status == Status::Waived)
        });
    let message = match deciding {
        Some(requirement) => {
            properties.insert("requirement".into(), requirement.id.clone().into());
            if let Some(to_pass) = &requirement.to_pass {
                properties.insert("toPass".into(), to_pass.clone().into());
            }
            if let Some(waiver) = &requirement.waiver {
                properties.insert("waiver".into(), waiver.id.clone().into());
                properties.insert("waiverExpiresAt".into(), waiver.expires_at.clone().into());
            }
            match &requirement.to_pass {
                Some(to_pass) if result == "fail" => {
                    format!("{}; to pass: {to_pass}", requirement.message)
                }
                _ => requirement.message.clone(),
            }
        }
        None => control.title.clone(),
    };
    let mut entry = Map::new();
    entry.insert("source".into(), SOURCE.into());
    entry.insert("policy".into(), control.id.clone().into());
    if let Some(requirement) = deciding {
        entry.insert("rule".into(), requirement.id.clone().into());
    }
    entry.insert("result".into(), result.into());
    entry.insert("scored".into(), true.into());
    // OpenReports' severities; a policy's own word is left out.
    if matches!(
        control.severity.as_str(),
        "critical" | "high" | "medium" | "low" | "info"
    ) {
        entry.insert("severity".into(), control.severity.clone().into());
    }
    entry.insert(
        "message".into(),
        truncate(&message, MAX_RESULT_MESSAGE).into(),
    );
    entry.insert("properties".into(), Value::Object(properties));
    entry.insert("timestamp".into(), timestamp.clone());
    Value::Object(entry)
}

/// A label value: at most 63 characters (a longer name is cut, the
/// report's name stays exact).
fn label_value(name: &str) -> String {
    prefix_within(name, 63)
        .trim_end_matches(['-', '.', '_'])
        .to_owned()
}
