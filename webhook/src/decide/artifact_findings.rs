//! What an artifact comparison ([`crate::artifact`]) does to a workload's
//! verdict: a denial before evaluation under `deny`, or the `artifact`
//! audit annotation and a warning on a verdict that admits the workload.
//! Pure, like the rest of [`super`].
//!
//! INVARIANT: a verdict that denies the workload is never changed here, so
//! a denial by the release's controls reads as it did before workloads'
//! artifacts were compared.

use kube::core::DynamicObject;

use super::{MAX_MESSAGE, Request, Settings, Verdict, WorkloadCheck, status, truncate, verdict};
use crate::artifact::{self, ArtifactAction, Comparison, Served};

/// What a workload runs, next to the artifact its release approved.
pub fn compare_artifact(check: &WorkloadCheck, release: &DynamicObject) -> Comparison {
    artifact::compare(&check.served, artifact::approved_digest(release))
}

/// Entries of a finding named in a message.
const TOP_SERVED: usize = 3;

/// `container api runs sha256:...`, for the first [`TOP_SERVED`] entries:
/// with `digests` each one's digest (cut to `sha256:4f1c9a7e2b8d…` when
/// `short`, for warnings), else its image or URI as written.
fn served_list(served: &[Served], digests: bool, short: bool) -> String {
    let mut parts: Vec<String> = served
        .iter()
        .take(TOP_SERVED)
        .map(|s| {
            let what = match (&s.digest, digests) {
                (Some(digest), true) if short => riskgate_controls::digest::short_digest(digest),
                (Some(digest), true) => digest.clone(),
                _ => s.reference.clone(),
            };
            format!("{} runs {what}", s.source)
        })
        .collect();
    if served.len() > TOP_SERVED {
        parts.push(format!("and {} more", served.len() - TOP_SERVED));
    }
    parts.join(", ")
}

/// The denial an artifact finding forces under `deny`, before the release
/// is evaluated (what runs is not what was approved, whatever the release's
/// evidence says).
pub fn artifact_denial(
    request: &Request,
    check: &WorkloadCheck,
    comparison: &Comparison,
    settings: &Settings,
    version: &str,
) -> Option<Verdict> {
    let (workload, release) = (&check.workload, &check.release);
    let (message, finding) = match comparison {
        Comparison::Mismatched { approved, found }
            if settings.artifacts.mismatched == ArtifactAction::Deny =>
        {
            (
                format!(
                    "riskgate denied {workload}: it does not run the artifact ModelRelease {release} approved: spec.identity.artifact.digest is {approved}, but {}; deploy the approved artifact, or release this one (--mismatched-artifacts deny)",
                    served_list(found, true, false)
                ),
                "mismatched",
            )
        }
        Comparison::Unpinned { approved, unpinned }
            if settings.artifacts.unpinned == ArtifactAction::Deny =>
        {
            (
                format!(
                    "riskgate denied {workload}: it pins no digest to compare with the artifact ModelRelease {release} approved ({approved}): {}; pin it by digest (name@sha256:...) (--unpinned-artifacts deny)",
                    served_list(unpinned, false, false)
                ),
                "unpinned",
            )
        }
        _ => return None,
    };
    let mut v = verdict(
        request,
        false,
        Some(status(403, truncate(&message, MAX_MESSAGE))),
        "deny",
        version,
    );
    v.response
        .audit_annotations
        .insert("artifact".to_owned(), finding.to_owned());
    Some(v)
}

/// Adds what an artifact comparison found to a verdict that admits the
/// workload: the `artifact` audit annotation and, under `warn`, a warning
/// (an `allow` becomes `warn`). A denial is left as it is: it says what
/// blocks the workload, and the finding shows once that is fixed.
pub fn note_artifact(
    verdict: &mut Verdict,
    check: &WorkloadCheck,
    comparison: &Comparison,
    settings: &Settings,
) {
    if !verdict.response.allowed {
        return;
    }
    let release = &check.release;
    let (finding, warning) = match comparison {
        Comparison::Unchecked => return,
        Comparison::Matched { .. } => ("matched", None),
        Comparison::Mismatched { approved, found } => (
            "mismatched",
            (settings.artifacts.mismatched == ArtifactAction::Warn).then(|| {
                format!(
                    "riskgate artifact-mismatch on ModelRelease {release}: {}, not the approved {}",
                    served_list(found, true, true),
                    riskgate_controls::digest::short_digest(approved)
                )
            }),
        ),
        Comparison::Unpinned { approved, unpinned } => (
            "unpinned",
            (settings.artifacts.unpinned == ArtifactAction::Warn).then(|| {
                format!(
                    "riskgate unpinned-artifact on ModelRelease {release}: nothing pins the approved {} by digest: {}",
                    riskgate_controls::digest::short_digest(approved),
                    served_list(unpinned, false, true)
                )
            }),
        ),
    };
    verdict
        .response
        .audit_annotations
        .insert("artifact".to_owned(), finding.to_owned());
    if let Some(warning) = warning {
        verdict.warn(&warning);
        if verdict.decision == "allow" {
            verdict.decision = "warn";
            verdict
                .response
                .audit_annotations
                .insert("decision".to_owned(), "warn".to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{FailureMode, MAX_WARNING, Plan, UnknownKinds, plan};
    use super::*;
    use crate::admission;
    use crate::workload::{self, ReleaseRef, WorkloadKind};

    fn workload_request() -> Request {
        admission::parse(
            br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                "uid":"u","kind":{"group":"apps","version":"v1","kind":"Deployment"},
                "operation":"CREATE","namespace":"ml","name":"w","object":{"metadata":{"name":"w"}}}}"#,
        )
        .unwrap()
    }

    fn settings(artifacts: artifact::Settings) -> Settings {
        Settings {
            failure_mode: FailureMode::Closed,
            unknown_kinds: UnknownKinds::Allow,
            workloads: workload::Settings::default(),
            artifacts,
            evidence: None,
            warn_within_days: None,
        }
    }

    /// A workload running `n` containers with long tag-only images, or
    /// pinned to `digest`.
    fn check(n: usize, digest: Option<&str>) -> WorkloadCheck {
        WorkloadCheck {
            workload: "Deployment ml/w".to_owned(),
            release: ReleaseRef {
                namespace: "ml".to_owned(),
                name: "r".to_owned(),
            },
            served: (0..n)
                .map(|i| Served {
                    source: format!("container c{i}"),
                    container: Some(format!("c{i}")),
                    reference: format!("registry.example.com/{}:{i}", "x".repeat(400)),
                    digest: digest.map(str::to_owned),
                })
                .collect(),
        }
    }

    const APPROVED: &str =
        "sha256:4f1c9a7e2b8d6035c1e94a7f0b3d52e8a6c9f01d7b2e4a85c3f6d9e0a1b2c3d4";
    const OTHER: &str = "sha256:00000000000000000000000000000000000000000000000000000000000000ff";

    #[test]
    fn artifact_findings_name_a_few_entries_within_the_caps() {
        let request = workload_request();
        let strict = settings(artifact::Settings {
            mismatched: ArtifactAction::Deny,
            unpinned: ArtifactAction::Deny,
        });
        for check in [check(5, Some(OTHER)), check(5, None)] {
            let comparison = artifact::compare(&check.served, Some(APPROVED.to_owned()));
            let denial = artifact_denial(&request, &check, &comparison, &strict, "v").unwrap();
            let message = &denial.response.result.message;
            assert!(message.len() <= MAX_MESSAGE, "{}", message.len());
            assert!(message.contains(APPROVED), "{message}");
            assert_eq!(denial.decision, "deny");

            let mut admitted = verdict(&request, true, None, "allow", "v");
            note_artifact(
                &mut admitted,
                &check,
                &comparison,
                &settings(artifact::Settings::default()),
            );
            let warnings = admitted.response.warnings.clone().unwrap_or_default();
            assert!(
                warnings.iter().all(|w| w.len() <= MAX_WARNING),
                "{warnings:?}"
            );
        }
        let comparison =
            artifact::compare(&check(5, Some(OTHER)).served, Some(APPROVED.to_owned()));
        let denial =
            artifact_denial(&request, &check(5, Some(OTHER)), &comparison, &strict, "v").unwrap();
        assert!(denial.response.result.message.contains("and 2 more"));
    }

    #[test]
    fn only_admitting_verdicts_get_the_finding_and_unchecked_changes_nothing() {
        let request = workload_request();
        let defaults = settings(artifact::Settings::default());
        let unpinned = check(1, None);
        let comparison = artifact::compare(&unpinned.served, Some(APPROVED.to_owned()));
        // The default warns: no denial before evaluation.
        assert!(artifact_denial(&request, &unpinned, &comparison, &defaults, "v").is_none());

        let mut denied = verdict(&request, false, None, "deny", "v");
        let before = format!("{:?}", denied.response);
        note_artifact(&mut denied, &unpinned, &comparison, &defaults);
        assert_eq!(format!("{:?}", denied.response), before);

        let mut allowed = verdict(&request, true, None, "allow", "v");
        note_artifact(&mut allowed, &unpinned, &comparison, &defaults);
        assert_eq!(allowed.decision, "warn");
        assert_eq!(allowed.response.audit_annotations["decision"], "warn");
        assert_eq!(allowed.response.audit_annotations["artifact"], "unpinned");

        // A release without a digest: nothing is compared, nothing said.
        let mut allowed = verdict(&request, true, None, "allow", "v");
        let before = format!("{:?}", allowed.response);
        let comparison = artifact::compare(&unpinned.served, None);
        note_artifact(&mut allowed, &unpinned, &comparison, &defaults);
        assert_eq!(format!("{:?}", allowed.response), before);
        assert_eq!(allowed.decision, "allow");
    }

    #[test]
    fn a_model_container_annotation_naming_nothing_is_refused_unless_nothing_is_compared() {
        let request = admission::parse(
            br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                "uid":"u","kind":{"group":"apps","version":"v1","kind":"Deployment"},
                "operation":"CREATE","namespace":"ml","name":"w","object":{
                "metadata":{"name":"w","namespace":"ml","annotations":{
                    "riskgate.dev/release":"r","riskgate.dev/model-container":"nope"}},
                "spec":{"template":{"spec":{"containers":[{"name":"api","image":"a:1"}]}}}}}}"#,
        )
        .unwrap();
        let with_kinds = |artifacts| Settings {
            workloads: workload::Settings {
                kinds: vec![WorkloadKind::Deployments],
                ..workload::Settings::default()
            },
            ..settings(artifacts)
        };
        match plan(&request, &with_kinds(artifact::Settings::default()), "v") {
            Plan::Done(verdict) => {
                assert_eq!(verdict.decision, "invalid");
                assert_eq!(verdict.response.result.code, 400);
            }
            other => panic!("{other:?}"),
        }
        let off = artifact::Settings {
            mismatched: ArtifactAction::Allow,
            unpinned: ArtifactAction::Allow,
        };
        assert!(matches!(
            plan(&request, &with_kinds(off), "v"),
            Plan::Fetch(WorkloadCheck { ref served, .. }) if served.is_empty()
        ));
    }
}
