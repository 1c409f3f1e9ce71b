//! From an admission request to a verdict: which objects are checked, how
//! the trace becomes `allowed`, a short message, warnings and audit
//! annotations, and what evaluation errors do under each failure mode.
//! With `--warn-within`, an allowed release's warnings end with what stops
//! passing in the window (after the warned controls and evaluation errors,
//! within the same [`MAX_WARNINGS`] and [`MAX_WARNING`] caps).
//!
//! Pure: no I/O; the clock and deadline are inputs.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use riskgate_controls::trace::{Action, ControlTrace, Decision, EnforcementPoint, ManifestTrace};
use riskgate_controls::{CheckOptions, expiring, manifest};

use kube::core::DynamicObject;

use super::admission::{self, AdmissionResponse, Operation, Request, Status};
use super::artifact::{self, Served};
use super::store::Policies;
use super::workload::{self, Reference, ReleaseRef, WorkloadKind};

mod artifact_findings;
pub use artifact_findings::{artifact_denial, compare_artifact, note_artifact};

/// What evaluation errors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum FailureMode {
    /// Allow, with a warning naming what could not be evaluated.
    Open,
    /// Deny (the safe default).
    Closed,
}

/// What happens to objects of kinds riskgate does not check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum UnknownKinds {
    /// Allow them unchanged.
    Allow,
    /// Deny them.
    Deny,
}

/// Decision settings of a running webhook.
#[derive(Debug, Clone)]
pub struct Settings {
    /// What evaluation errors do.
    pub failure_mode: FailureMode,
    /// What happens to kinds riskgate does not check.
    pub unknown_kinds: UnknownKinds,
    /// Which workloads are checked through their release annotation.
    pub workloads: workload::Settings,
    /// What a workload running another artifact than its release's does.
    pub artifacts: artifact::Settings,
    /// Evidence verification (`--evidence-root`); `None`: only where the
    /// policy's `trust.verify` asks, without files.
    pub evidence: Option<riskgate_controls::trust::EvidenceOptions>,
    /// `--warn-within`, in whole days: allowed releases also get a warning
    /// for each requirement that stops passing within them (`None`: off,
    /// nothing is forecast).
    pub warn_within_days: Option<u32>,
}

/// Longest `status.message`.
const MAX_MESSAGE: usize = 1500;
/// The API server truncates longer warnings.
const MAX_WARNING: usize = 256;
/// At most this many warnings per response.
const MAX_WARNINGS: usize = 10;
/// Failing controls named in a denial message.
const TOP_CONTROLS: usize = 3;

/// The outcome of one admission request, with its labels for metrics.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The response to send.
    pub response: AdmissionResponse,
    /// `allow`, `warn`, `deny`, `error` (evaluation error), `invalid`
    /// (the release could not be read), `pass_through` (unchecked kind).
    pub decision: &'static str,
}

/// What to do with a request, before any evaluation.
#[derive(Debug)]
pub enum Plan {
    /// Evaluate `request.object` as a `ModelRelease`.
    Evaluate,
    /// Fetch the release a workload references, then evaluate it.
    Fetch(WorkloadCheck),
    /// Answer now (boxed: a verdict is large next to the other plans).
    Done(Box<Verdict>),
}

impl Plan {
    fn done(verdict: Verdict) -> Self {
        Self::Done(Box::new(verdict))
    }
}

/// A workload whose referenced release decides its admission.
#[derive(Debug, Clone)]
pub struct WorkloadCheck {
    /// `Deployment ml/fraud-scorer`, as messages name it.
    pub workload: String,
    /// The release its annotation names.
    pub release: ReleaseRef,
    /// What it runs that may be the model; empty when artifacts are not
    /// compared.
    pub served: Vec<Served>,
}

/// The `kind` label of a request for metrics: `ModelRelease`, a checked
/// workload kind (`Deployment`, `InferenceService`) or `other`.
pub fn kind_label(request: &Request, settings: &Settings) -> &'static str {
    if is_release(request) {
        "ModelRelease"
    } else if let Some(kind) = settings.workloads.kind_of(request) {
        kind.kind()
    } else {
        "other"
    }
}

fn is_release(request: &Request) -> bool {
    request.kind.group == "riskgate.dev" && request.kind.kind == "ModelRelease"
}

/// Decides whether a request needs an evaluation.
pub fn plan(request: &Request, settings: &Settings, version: &str) -> Plan {
    if let Some(kind) = settings.workloads.kind_of(request) {
        return plan_workload(request, kind, settings, version);
    }
    if !is_release(request) {
        let kind = format!("{}/{}", request.kind.group, request.kind.kind);
        return Plan::done(match settings.unknown_kinds {
            UnknownKinds::Allow => verdict(request, true, None, "pass_through", version),
            UnknownKinds::Deny => verdict(
                request,
                false,
                Some(status(
                    403,
                    format!(
                        "riskgate does not check objects of kind {kind} (--unknown-kinds deny)"
                    ),
                )),
                "pass_through",
                version,
            ),
        });
    }
    if request.operation == Operation::Delete || request.sub_resource.is_some() {
        // Deleting a release, or writing its status, needs no evidence.
        return Plan::done(verdict(request, true, None, "pass_through", version));
    }
    match &request.object {
        Some(_) => Plan::Evaluate,
        None => Plan::done(no_object(request, version)),
    }
}

fn no_object(request: &Request, version: &str) -> Verdict {
    verdict(
        request,
        false,
        Some(status(
            400,
            "riskgate: the admission request carries no object to check".to_owned(),
        )),
        "invalid",
        version,
    )
}

/// A checked workload kind: read its release annotation.
fn plan_workload(
    request: &Request,
    kind: WorkloadKind,
    settings: &Settings,
    version: &str,
) -> Plan {
    if request.operation == Operation::Delete || request.sub_resource.is_some() {
        // Removing a workload, or scaling it, is not a new use of a model.
        return Plan::done(verdict(request, true, None, "pass_through", version));
    }
    let Some(object) = request.object.as_ref() else {
        return Plan::done(no_object(request, version));
    };
    let name = display_name(request, object);
    let workload = format!("{} {name}", kind.kind());
    let namespace = name.split_once('/').map_or("", |(ns, _)| ns);
    let annotation = &settings.workloads.annotation;
    let deny = |code: u16, message: String, decision: &'static str| {
        let message = truncate(
            &format!("riskgate denied {workload}: {message}"),
            MAX_MESSAGE,
        );
        Plan::done(verdict(
            request,
            false,
            Some(status(code, message)),
            decision,
            version,
        ))
    };
    let reference = workload::reference(object, kind, namespace, &settings.workloads);
    // Only what can change a verdict is read: with both artifact findings
    // allowed, a bad model-container annotation is not refused either.
    let served = |object: &DynamicObject| {
        if settings.artifacts.enabled() {
            artifact::served(object, kind)
        } else {
            Ok(Vec::new())
        }
    };
    let served_now = served(object);
    if request.operation == Operation::Update
        && let Some(old) = &request.old_object
        && old.data.get("spec") == object.data.get("spec")
        && workload::reference(old, kind, namespace, &settings.workloads) == reference
        && served(old) == served_now
    {
        // Labels, annotations or finalizers written by people and
        // controllers: the workload serves the same release, and runs the
        // same images and model (they are in `spec`; the model-container
        // annotation is compared too), as before.
        return Plan::done(verdict(request, true, None, "pass_through", version));
    }
    match reference {
        Reference::Release(release) => match served_now {
            Ok(served) => Plan::Fetch(WorkloadCheck {
                workload,
                release,
                served,
            }),
            Err(why) => deny(400, why, "invalid"),
        },
        Reference::Missing if settings.workloads.require_annotation => deny(
            403,
            format!(
                "it has no {annotation} annotation naming the ModelRelease it serves (--require-release-annotation)"
            ),
            "deny",
        ),
        Reference::Missing => Plan::done(verdict(request, true, None, "pass_through", version)),
        Reference::Invalid(why) => deny(400, why, "invalid"),
    }
}

/// The verdict for a workload whose release does not exist.
pub fn release_not_found(
    request: &Request,
    check: &WorkloadCheck,
    annotation: &str,
    version: &str,
) -> Verdict {
    let message = format!(
        "riskgate denied {}: its ModelRelease {} (annotation {annotation}) does not exist; create the release first",
        check.workload, check.release
    );
    verdict(
        request,
        false,
        Some(status(403, truncate(&message, MAX_MESSAGE))),
        "deny",
        version,
    )
}

/// The release to evaluate and, when a workload is being admitted, the
/// workload that references it.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The `ModelRelease` object.
    pub object: &'a DynamicObject,
    /// The referencing workload.
    pub workload: Option<&'a WorkloadCheck>,
}

/// Evaluates a `ModelRelease` object (the request's own, or the release
/// `workload` references) and builds the verdict.
pub fn evaluate(
    request: &Request,
    target: Target<'_>,
    policies: &Policies,
    settings: &Settings,
    now_ns: i64,
    deadline: Option<Instant>,
    cancel: Option<Arc<AtomicBool>>,
) -> Verdict {
    let Target { object, workload } = target;
    let name = match workload {
        Some(check) => check.release.to_string(),
        None => display_name(request, object),
    };
    let subject = Subject {
        release: &name,
        workload: workload.map(|check| check.workload.as_str()),
    };
    // The object is already parsed: no text round trip, and no positions
    // (a verdict never shows line:col).
    let loaded = manifest::load_manifest_value(&format!("admission:{name}"), &release(object));
    let mut options = CheckOptions::new(EnforcementPoint::Admission, now_ns);
    options.data = policies.overlay.clone();
    options.limits.deadline = deadline;
    options.limits.cancel = cancel;
    options.evidence.clone_from(&settings.evidence);
    let mut trace = policies.set.check_loaded(&loaded, "", &options);
    // Only a release that is admitted has something to be warned about
    // ahead of time; a denied one is told what fails now. The forecast's
    // evaluations run under the same deadline: one cut short ends in
    // `error`, which is never a warning (see `riskgate_controls::expiring`).
    if let Some(days) = settings.warn_within_days
        && matches!(trace.decision, Decision::Pass | Decision::Warn)
    {
        trace.expiring = expiring::expiring(now_ns, days, loaded.raw.as_ref(), &trace, |clock| {
            let mut options = options.clone();
            options.now_ns = clock;
            policies.set.check_loaded(&loaded, "", &options)
        });
    }
    from_trace(request, &subject, &trace, settings, &policies.version)
}

/// What a verdict is about, for its messages.
struct Subject<'a> {
    /// `namespace/name` of the release evaluated.
    release: &'a str,
    /// `Deployment ml/fraud-scorer` when a workload is being admitted.
    workload: Option<&'a str>,
}

impl Subject<'_> {
    /// `riskgate denied ModelRelease ns/name` or `riskgate denied
    /// Deployment ns/name at admission: ModelRelease ns/name`.
    fn denied(&self) -> String {
        match self.workload {
            None => format!("riskgate denied ModelRelease {}", self.release),
            Some(workload) => format!(
                "riskgate denied {workload} at admission: ModelRelease {}",
                self.release
            ),
        }
    }
}

/// The verdict for an evaluation error, by failure mode.
pub fn failure(request: &Request, settings: &Settings, why: &str, version: &str) -> Verdict {
    let text = format!("riskgate could not evaluate {}: {why}", what(request));
    let mut v = match settings.failure_mode {
        FailureMode::Closed => verdict(
            request,
            false,
            Some(admission::status(
                500,
                "InternalError",
                format!("{text} (failure mode closed: denied)"),
            )),
            "error",
            version,
        ),
        FailureMode::Open => {
            let mut v = verdict(request, true, None, "error", version);
            v.warn(&format!("{text} (failure mode open: allowed)"));
            v
        }
    };
    v.response
        .audit_annotations
        .insert("evaluation-error".to_owned(), truncate(why, 256));
    v
}

fn from_trace(
    request: &Request,
    subject: &Subject<'_>,
    trace: &ManifestTrace,
    settings: &Settings,
    version: &str,
) -> Verdict {
    let invalid: Vec<&str> = trace
        .problems
        .iter()
        .filter(|p| p.severity == "error")
        .map(|p| p.message.as_str())
        .collect();
    if trace.decision == Decision::Error || !invalid.is_empty() {
        let mut message = format!("{}: the release is invalid", subject.denied());
        for problem in invalid.iter().take(TOP_CONTROLS) {
            message.push_str("; ");
            message.push_str(problem);
        }
        return verdict(
            request,
            false,
            Some(status(400, truncate(&message, MAX_MESSAGE))),
            "invalid",
            version,
        );
    }
    let failing = |action: Action| -> Vec<&ControlTrace> {
        let mut controls: Vec<&ControlTrace> = trace
            .controls
            .iter()
            .filter(|c| c.action == action && c.status.is_failing())
            .filter(|c| {
                settings.failure_mode == FailureMode::Closed
                    || c.status != riskgate_controls::trace::Status::Error
            })
            .collect();
        controls.sort_by_key(|c| (severity_rank(&c.severity), c.id.as_str()));
        controls
    };
    let denying = failing(Action::Deny);
    let warning = failing(Action::Warn);
    let errored: Vec<&ControlTrace> = trace
        .controls
        .iter()
        .filter(|c| c.action != Action::Record)
        .filter(|c| c.status == riskgate_controls::trace::Status::Error)
        .collect();

    let allowed = denying.is_empty();
    let decision = if !allowed {
        "deny"
    } else if settings.failure_mode == FailureMode::Open && !errored.is_empty() {
        "error"
    } else if !warning.is_empty() {
        "warn"
    } else {
        "allow"
    };
    let status = (!allowed).then(|| status(403, deny_message(subject, &denying, version)));
    let mut v = verdict(request, allowed, status, decision, version);
    // A workload's warnings say which release they are about.
    let about = subject
        .workload
        .map(|_| format!(" on ModelRelease {}", subject.release))
        .unwrap_or_default();
    for control in &warning {
        v.warn(&format!(
            "riskgate {}{about}: {}",
            control.id,
            hint(control)
        ));
    }
    if settings.failure_mode == FailureMode::Open && !errored.is_empty() {
        let ids: Vec<&str> = errored.iter().map(|c| c.id.as_str()).collect();
        v.warn(&format!(
            "riskgate could not evaluate {} (failure mode open: allowed): {}",
            plural(ids.len(), "control"),
            ids.join(", ")
        ));
    }
    // After what is wrong now, within the same caps: the sentence is
    // `riskgate check --warn-within`'s, word for word.
    if allowed {
        for expiring in &trace.expiring {
            v.warn(&format!("riskgate{about}: {}", expiring.warning));
        }
    }
    let audit = &mut v.response.audit_annotations;
    if !denying.is_empty() {
        audit.insert("denied-by".to_owned(), id_list(&denying));
    }
    if !warning.is_empty() {
        audit.insert("warned-by".to_owned(), id_list(&warning));
    }
    if !errored.is_empty() {
        audit.insert("evaluation-errors".to_owned(), id_list(&errored));
    }
    v
}

/// `riskgate denied ModelRelease ns/name at admission: 2 controls fail: ...`
/// or `riskgate denied Deployment ns/w at admission: ModelRelease ns/r
/// fails 2 controls: ...`.
fn deny_message(subject: &Subject<'_>, denying: &[&ControlTrace], version: &str) -> String {
    let count = plural(denying.len(), "control");
    let mut message = match subject.workload {
        None => format!(
            "{} at admission: {count} {}",
            subject.denied(),
            if denying.len() == 1 { "fails" } else { "fail" }
        ),
        Some(_) => format!("{} fails {count}", subject.denied()),
    };
    for (i, control) in denying.iter().take(TOP_CONTROLS).enumerate() {
        message.push_str(if i == 0 { ": " } else { "; " });
        message.push_str(&format!(
            "{} ({}): {}",
            control.id,
            control.title,
            hint(control)
        ));
    }
    if denying.len() > TOP_CONTROLS {
        message.push_str(&format!("; and {} more", denying.len() - TOP_CONTROLS));
    }
    let manifest = if subject.workload.is_some() {
        "the release's manifest"
    } else {
        "the manifest"
    };
    let footer = format!(
        ". Policy {version}; run `riskgate check --context admission` on {manifest} for the full trace"
    );
    let mut message = truncate(&message, MAX_MESSAGE.saturating_sub(footer.len()));
    message.push_str(&footer);
    message
}

/// The first failing requirement's "to pass" hint, else its message.
fn hint(control: &ControlTrace) -> String {
    let Some(requirement) = control.requirements.iter().find(|r| r.status.is_failing()) else {
        return control.title.clone();
    };
    let more = control
        .requirements
        .iter()
        .filter(|r| r.status.is_failing())
        .count()
        .saturating_sub(1);
    let text = match &requirement.to_pass {
        Some(to_pass) => format!("to pass, {to_pass}"),
        None => requirement.message.clone(),
    };
    if more > 0 {
        format!("{text} (+{more} more)")
    } else {
        text
    }
}

fn severity_rank(severity: &str) -> u8 {
    match severity {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        "low" => 3,
        _ => 4,
    }
}

fn id_list(controls: &[&ControlTrace]) -> String {
    let ids: Vec<&str> = controls.iter().map(|c| c.id.as_str()).collect();
    truncate(&ids.join(","), 1000)
}

/// `1 control`, `2 controls`.
pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn status(code: u16, message: String) -> Status {
    let reason = if code == 403 {
        "Forbidden"
    } else {
        "BadRequest"
    };
    admission::status(code, reason, message)
}

/// A verdict with the common audit annotations.
fn verdict(
    request: &Request,
    allowed: bool,
    status: Option<Status>,
    decision: &'static str,
    version: &str,
) -> Verdict {
    let mut audit = HashMap::new();
    audit.insert("decision".to_owned(), decision.replace('_', "-"));
    audit.insert("policy-version".to_owned(), version.to_owned());
    if request.dry_run {
        audit.insert("dry-run".to_owned(), "true".to_owned());
    }
    // The uid is the request's; the response is allowed unless denied.
    let mut response = AdmissionResponse::from(request);
    response.allowed = allowed;
    response.result = status.unwrap_or_default();
    response.audit_annotations = audit;
    Verdict { response, decision }
}

impl Verdict {
    /// Adds a warning (cut to what the API server keeps), up to
    /// [`MAX_WARNINGS`].
    fn warn(&mut self, text: &str) {
        let warnings = self.response.warnings.get_or_insert_with(Vec::new);
        if warnings.len() < MAX_WARNINGS {
            warnings.push(truncate(text, MAX_WARNING));
        }
    }
}

/// `namespace/name` of the object (the request's when the object has none).
fn display_name(request: &Request, object: &DynamicObject) -> String {
    let metadata = &object.metadata;
    let name = metadata
        .name
        .as_deref()
        .filter(|n| !n.is_empty())
        .or(Some(request.name.as_str()).filter(|n| !n.is_empty()))
        .or(metadata.generate_name.as_deref())
        .unwrap_or("<unnamed>");
    match metadata
        .namespace
        .as_deref()
        .or(request.namespace.as_deref())
    {
        Some(namespace) if !namespace.is_empty() => format!("{namespace}/{name}"),
        _ => name.to_owned(),
    }
}

fn what(request: &Request) -> String {
    let name = Some(request.name.as_str())
        .filter(|n| !n.is_empty())
        .unwrap_or("<unnamed>");
    match request.namespace.as_deref() {
        Some(ns) if !ns.is_empty() => format!("{} {ns}/{name}", request.kind.kind),
        _ => format!("{} {name}", request.kind.kind),
    }
}

/// The release as the manifest loader reads it: `apiVersion`, `kind`,
/// `spec` and the user-written part of `metadata` (server-populated fields
/// such as `uid`, `managedFields` and `resourceVersion` are dropped).
pub fn release(object: &DynamicObject) -> serde_json::Value {
    use serde_json::Value;
    let mut release = serde_json::Map::new();
    // kube reads `apiVersion` and `kind` together: an object with only one
    // of them has neither (and is invalid either way).
    if let Some(types) = &object.types {
        release.insert("apiVersion".to_owned(), types.api_version.clone().into());
        release.insert("kind".to_owned(), types.kind.clone().into());
    }
    let metadata = &object.metadata;
    let mut kept = serde_json::Map::new();
    let mut keep = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            kept.insert(key.to_owned(), value);
        }
    };
    let map = |m: &std::collections::BTreeMap<String, String>| {
        Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), v.clone().into()))
                .collect(),
        )
    };
    keep(
        "name",
        metadata
            .name
            .clone()
            .or_else(|| metadata.generate_name.clone())
            .map(Value::from),
    );
    keep("namespace", metadata.namespace.clone().map(Value::from));
    keep("labels", metadata.labels.as_ref().map(map));
    keep("annotations", metadata.annotations.as_ref().map(map));
    if !kept.is_empty() {
        release.insert("metadata".to_owned(), Value::Object(kept));
    }
    if let Some(spec) = object.data.get("spec") {
        release.insert("spec".to_owned(), spec.clone());
    }
    Value::Object(release)
}

/// Cuts `text` to at most `max` bytes on a character boundary, marking the
/// cut with `…`.
pub fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    format!(
        "{}…",
        prefix_within(text, max.saturating_sub('…'.len_utf8()))
    )
}

/// The longest prefix of `text` of at most `max` bytes that ends on a
/// character boundary.
#[must_use]
pub fn prefix_within(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcdef", 5), "ab…");
        assert_eq!(truncate("ééé", 5), "é…");
        assert!(truncate(&"x".repeat(1000), 256).len() <= 256);
    }

    #[test]
    fn a_release_without_a_kind_has_no_api_version_either() {
        let object: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "riskgate.dev/v1alpha1",
            "metadata": {"name": "m"},
            "spec": {}
        }))
        .unwrap();
        assert_eq!(
            release(&object),
            serde_json::json!({"metadata": {"name": "m"}, "spec": {}})
        );
    }

    #[test]
    fn server_populated_metadata_is_dropped() {
        let object: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "riskgate.dev/v1alpha1",
            "kind": "ModelRelease",
            "metadata": {"name": "m", "namespace": "n", "uid": "x", "resourceVersion": "1",
                         "managedFields": [{}], "labels": {"a": "b"}},
            "spec": {"identity": {}},
            "status": {"phase": "x"}
        }))
        .unwrap();
        let text = release(&object);
        assert_eq!(
            text,
            serde_json::json!({
                "apiVersion": "riskgate.dev/v1alpha1",
                "kind": "ModelRelease",
                "metadata": {"name": "m", "namespace": "n", "labels": {"a": "b"}},
                "spec": {"identity": {}}
            })
        );
    }
}
