//! The webhook's AdmissionReview decoding and decision never panic: any
//! JSON that decodes is planned, a ModelRelease object is evaluated
//! against the standard library as a request would be (with the
//! `--warn-within` forecast on), and any object's served artifacts are
//! read as a workload's would be and compared with it as a release.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use riskgate_webhook::Policies;
use riskgate_webhook::admission;
use riskgate_webhook::artifact;
use riskgate_webhook::decide::{self, FailureMode, Plan, Settings, Target, UnknownKinds};
use riskgate_webhook::workload;

fn policies() -> &'static Policies {
    static POLICIES: OnceLock<Policies> = OnceLock::new();
    // What the webhook serves without `--policy` or `--overlay`.
    POLICIES.get_or_init(|| Policies::load(&[], None).expect("the stdlib compiles"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(request) = admission::parse(data) else {
        return;
    };
    let settings = Settings {
        failure_mode: FailureMode::Closed,
        unknown_kinds: UnknownKinds::Allow,
        workloads: workload::Settings {
            kinds: vec![workload::WorkloadKind::Deployments],
            ..workload::Settings::default()
        },
        artifacts: artifact::Settings::default(),
        evidence: None,
        warn_within_days: Some(14),
    };
    if let Some(object) = &request.object {
        for kind in [
            workload::WorkloadKind::Deployments,
            workload::WorkloadKind::Inferenceservices,
        ] {
            if let Ok(served) = artifact::served(object, kind) {
                let _ = artifact::compare(&served, artifact::approved_digest(object));
            }
        }
    }
    if let Plan::Evaluate = decide::plan(&request, &settings, "fuzz") {
        if let Some(object) = &request.object {
            let target = Target {
                object,
                workload: None,
            };
            let _ = decide::evaluate(
                &request,
                target,
                policies(),
                &settings,
                1_790_000_000_000_000_000,
                None,
                None,
            );
        }
    }
});
