//! One audit pass over the cluster: list the releases, audit each, write
//! what the settings ask for (status, report, event) and say what
//! happened to each.
//!
//! - **Writes are server-side apply** with the field manager `riskgate`
//!   (forced: riskgate owns the status and its reports), so a field a
//!   later audit no longer sets is removed, and an unchanged result is an
//!   unchanged object.
//! - **One failure never hides the rest**: a write that fails is recorded
//!   on its release and the pass goes on; only a failed list (nothing to
//!   audit) ends the pass with an error.
//! - **Events only on change**: one when the `Compliant` condition's
//!   status differs from what the release carried (including its first
//!   audit), none when it is the same.
//!
//! INVARIANT: the RBAC this needs is `list` on `modelreleases`, `patch`
//! on `modelreleases/status`, `get`/`create`/`patch` on the report kind
//! and `create`/`patch` on `events.k8s.io` `events` (`deploy/rbac.yaml`).

use kube::api::{ListParams, Patch, PatchParams};
use kube::core::{ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::{Api, Client};
use serde_json::{Value, json};

use super::evaluate::{ReleaseAudit, audit_release};
use super::report::{ReportApi, report, report_name};
use super::status::{COMPLIANT, find_condition, status};
use crate::Policies;
use crate::releases::{RELEASES, describe, release_resource};

/// The field manager of every write.
pub const FIELD_MANAGER: &str = "riskgate";
/// Releases per LIST page.
const PAGE: u32 = 250;

/// What one pass does.
#[derive(Debug, Clone)]
pub struct AuditSettings {
    /// Only this namespace (`None`: all).
    pub namespace: Option<String>,
    /// The clock, ns.
    pub now_ns: i64,
    /// Write each release's `status` and report (`false`: a dry run,
    /// which writes nothing at all).
    pub write: bool,
    /// The report API each release's report is built for.
    pub report_api: Option<ReportApi>,
    /// Emit an Event when a release's compliance changes (when writing).
    pub events: bool,
    /// Results per report.
    pub max_results: usize,
    /// Evidence verification, as at admission.
    pub evidence: Option<riskgate_controls::trust::EvidenceOptions>,
}

/// One release after the pass.
#[derive(Debug, Clone)]
pub struct Audited {
    /// Its audit.
    pub audit: ReleaseAudit,
    /// The status computed (written when the settings say so).
    pub status: Value,
    /// The report computed, when a report API is set.
    pub report: Option<Value>,
    /// What was written: `status`, `report`, `event`.
    pub written: Vec<&'static str>,
    /// Writes that failed, with why.
    pub failures: Vec<String>,
}

/// Lists every release (paged) in the settings' scope.
///
/// # Errors
/// When the API server does not answer the list.
pub async fn list_releases(
    client: &Client,
    namespace: Option<&str>,
) -> anyhow::Result<Vec<DynamicObject>> {
    let resource = release_resource();
    let api: Api<DynamicObject> = match namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    };
    let mut releases = Vec::new();
    let mut params = ListParams::default().limit(PAGE);
    loop {
        let page = api.list(&params).await.map_err(|e| {
            anyhow::anyhow!(
                "cannot list ModelReleases: {}",
                describe(&e, RELEASES, "list modelreleases")
            )
        })?;
        releases.extend(page.items);
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => break,
        }
    }
    releases.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    Ok(releases)
}

/// Audits `releases` (CPU only: run it off the async workers).
#[must_use]
pub fn evaluate_all(
    releases: &[DynamicObject],
    policies: &Policies,
    settings: &AuditSettings,
) -> Vec<Audited> {
    releases
        .iter()
        .map(|object| {
            let audit = audit_release(
                object,
                policies,
                settings.evidence.as_ref(),
                settings.now_ns,
            );
            let status = status(&audit, &policies.version, settings.now_ns);
            let report = settings
                .report_api
                .map(|api| report(&audit, api, settings.now_ns, settings.max_results));
            Audited {
                audit,
                status,
                report,
                written: Vec::new(),
                failures: Vec::new(),
            }
        })
        .collect()
}

/// The event recorder the settings ask for, reporting as `instance` (the
/// pod, or the Lease identity of `serve --audit`). Made once per process:
/// it remembers the events it sent, so that a repeated one is counted in
/// a series instead of written again.
#[must_use]
pub fn recorder(
    client: &Client,
    settings: &AuditSettings,
    instance: Option<String>,
) -> Option<Recorder> {
    (settings.write && settings.events).then(|| {
        Recorder::new(
            client.clone(),
            Reporter {
                controller: "riskgate-audit".to_owned(),
                instance,
            },
        )
    })
}

/// Writes what the settings ask for of each audited release, recording
/// on each what was written and what failed.
pub async fn write_all(
    client: &Client,
    recorder: Option<&Recorder>,
    audited: &mut [Audited],
    settings: &AuditSettings,
) {
    if !settings.write {
        return;
    }
    for done in audited {
        write(client, recorder, settings, done).await;
    }
}

async fn write(
    client: &Client,
    recorder: Option<&Recorder>,
    settings: &AuditSettings,
    done: &mut Audited,
) {
    let audit = &done.audit;
    let apply = PatchParams::apply(FIELD_MANAGER).force();
    {
        let api: Api<DynamicObject> =
            Api::namespaced_with(client.clone(), &audit.namespace, &release_resource());
        let patch = json!({
            "apiVersion": "riskgate.dev/v1alpha1",
            "kind": "ModelRelease",
            "status": done.status,
        });
        match api
            .patch_status(&audit.name, &apply, &Patch::Apply(&patch))
            .await
        {
            Ok(_) => done.written.push("status"),
            Err(e) => done.failures.push(format!(
                "status: {}",
                describe(&e, RELEASES, "patch modelreleases/status")
            )),
        }
    }
    if let (Some(api_kind), Some(report)) = (settings.report_api, &done.report) {
        let (group, version, kind, plural) = api_kind.resource();
        let resource =
            ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural);
        let api: Api<DynamicObject> =
            Api::namespaced_with(client.clone(), &audit.namespace, &resource);
        let name = report_name(&audit.name);
        match api.patch(&name, &apply, &Patch::Apply(report)).await {
            Ok(_) => done.written.push("report"),
            Err(e) => done.failures.push(format!(
                "{kind}: {}",
                describe(&e, &format!("{plural}.{group}"), &format!("patch {plural}"))
            )),
        }
    }
    if let Some(recorder) = recorder
        && let Some(event) = compliance_event(audit, &done.status)
    {
        let reference = k8s_openapi::api::core::v1::ObjectReference {
            api_version: Some("riskgate.dev/v1alpha1".to_owned()),
            kind: Some("ModelRelease".to_owned()),
            name: Some(audit.name.clone()),
            namespace: Some(audit.namespace.clone()),
            uid: audit.uid.clone(),
            ..Default::default()
        };
        match recorder.publish(&event, &reference).await {
            Ok(()) => done.written.push("event"),
            Err(e) => done.failures.push(format!(
                "event: {}",
                describe(&e, "events.events.k8s.io", "create events")
            )),
        }
    }
}

/// The event for a change of the `Compliant` condition; `None` when it
/// kept its status.
fn compliance_event(audit: &ReleaseAudit, status: &Value) -> Option<Event> {
    let condition = |status: Option<&Value>| {
        find_condition(status, COMPLIANT)
            .and_then(|c| c.get("status"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let now = condition(Some(status))?;
    if condition(audit.previous_status.as_ref()).as_deref() == Some(now.as_str()) {
        return None;
    }
    let message = find_condition(Some(status), COMPLIANT)
        .and_then(|c| c.get("message"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let (type_, reason) = match now.as_str() {
        "True" => (EventType::Normal, "Compliant"),
        "False" => (EventType::Warning, "NonCompliant"),
        _ => (EventType::Warning, "EvaluationError"),
    };
    Some(Event {
        type_,
        reason: reason.to_owned(),
        note: Some(message),
        action: "Audit".to_owned(),
        secondary: None,
    })
}
