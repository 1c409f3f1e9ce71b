//! "Approved is what is served": what a workload will run, read from the
//! admitted object, and whether it is the artifact its release approved
//! (`spec.identity.artifact.digest`). Pure; [`super::decide`] turns a
//! [`Comparison`] into a denial, a warning or nothing.
//!
//! What runs, by kind:
//! - Deployment: the images of the pod template's `containers` and
//!   `initContainers` (an init container may copy the model in).
//! - InferenceService: the predictor's model location, `storageUri` or
//!   `storageUris[].uri` of `predictor.model`, of a framework predictor
//!   (`predictor.sklearn`, ...) or of any other predictor key that has one,
//!   and the images of `predictor.containers`/`initContainers` (a custom
//!   predictor). Transformers and explainers do not hold the model.
//!
//! The annotation [`MODEL_CONTAINER_ANNOTATION`] narrows this to the one
//! container that holds the model. Without it, a workload matches when any
//! of them pins the approved digest, and is a mismatch only when every one
//! pins a digest and none is the approved one: an unpinned container may be
//! the model, so it is not accused of serving another.
//!
//! INVARIANT: no input panics; a reference that cannot be read (not a
//! string, a malformed digest) counts as pinning nothing.

use kube::core::DynamicObject;
use riskgate_controls::digest::normalise_digest;
use serde_json::Value;

use super::workload::{self, WorkloadKind};

/// The annotation naming the container that holds the model, for
/// workloads whose other containers (sidecars, proxies) pin other digests.
pub const MODEL_CONTAINER_ANNOTATION: &str = "riskgate.dev/model-container";

/// Predictor keys of KServe v1beta1 that hold a model; an entry without a
/// `storageUri` still counts as something that runs, unpinned.
const PREDICTOR_MODEL_KEYS: [&str; 11] = [
    "model",
    "sklearn",
    "xgboost",
    "tensorflow",
    "pytorch",
    "triton",
    "onnx",
    "pmml",
    "lightgbm",
    "paddle",
    "huggingface",
];

/// What a finding does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum ArtifactAction {
    /// Admit the workload without a word.
    Allow,
    /// Admit it with a warning.
    Warn,
    /// Deny it.
    Deny,
}

/// How workloads' artifacts are compared with their release's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// A workload pinning only other digests (`--mismatched-artifacts`).
    pub mismatched: ArtifactAction,
    /// A workload pinning no digest (`--unpinned-artifacts`).
    pub unpinned: ArtifactAction,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            mismatched: ArtifactAction::Deny,
            unpinned: ArtifactAction::Warn,
        }
    }
}

impl Settings {
    /// Whether a comparison can change a verdict at all.
    pub fn enabled(self) -> bool {
        self.mismatched != ArtifactAction::Allow || self.unpinned != ArtifactAction::Allow
    }
}

/// One thing a workload runs that may be the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// Where it is: `container api`, `predictor.model storageUri`.
    pub source: String,
    /// The container's name, for images of named containers.
    pub container: Option<String>,
    /// The image or URI as written.
    pub reference: String,
    /// The digest it pins, normalised ([`normalise_digest`]).
    pub digest: Option<String>,
}

/// What a workload runs, or why the model-container annotation names
/// nothing it runs.
///
/// # Errors
/// When [`MODEL_CONTAINER_ANNOTATION`] is not a string or names no
/// container of the workload.
pub fn served(object: &DynamicObject, kind: WorkloadKind) -> Result<Vec<Served>, String> {
    let mut all = Vec::new();
    match kind {
        WorkloadKind::Deployments => {
            if let Some(pod) = object.data.pointer("/spec/template/spec") {
                containers(pod, "", &mut all);
            }
        }
        WorkloadKind::Inferenceservices => {
            if let Some(predictor) = object.data.pointer("/spec/predictor") {
                storage(predictor, &mut all);
                containers(predictor, "predictor ", &mut all);
            }
        }
    }
    let Some(named) = workload::annotation(object, kind, MODEL_CONTAINER_ANNOTATION) else {
        return Ok(all);
    };
    let Some(name) = named.as_str().map(str::trim) else {
        return Err(format!(
            "annotation {MODEL_CONTAINER_ANNOTATION} is not a string"
        ));
    };
    let names: Vec<&str> = all.iter().filter_map(|s| s.container.as_deref()).collect();
    if !names.contains(&name) {
        let known = if names.is_empty() {
            "it has none".to_owned()
        } else {
            format!("its containers are {}", names.join(", "))
        };
        return Err(format!(
            "annotation {MODEL_CONTAINER_ANNOTATION} names container {name:?}, which the workload does not run ({known})"
        ));
    }
    all.retain(|s| s.container.as_deref() == Some(name));
    Ok(all)
}

/// The images of a pod spec's `initContainers` and `containers`.
fn containers(pod: &Value, prefix: &str, out: &mut Vec<Served>) {
    for (field, what) in [
        ("initContainers", "init container"),
        ("containers", "container"),
    ] {
        let Some(list) = pod.get(field).and_then(Value::as_array) else {
            continue;
        };
        for (i, container) in list.iter().enumerate() {
            let Some(image) = container.get("image").and_then(Value::as_str) else {
                continue;
            };
            let name = container.get("name").and_then(Value::as_str);
            let shown = name.map_or_else(|| format!("#{i}"), str::to_owned);
            out.push(Served {
                source: format!("{prefix}{what} {shown}"),
                container: name.map(str::to_owned),
                reference: image.to_owned(),
                digest: pinned_digest(image),
            });
        }
    }
}

/// The model locations of an InferenceService predictor.
fn storage(predictor: &Value, out: &mut Vec<Served>) {
    let Some(keys) = predictor.as_object() else {
        return;
    };
    for (key, spec) in keys {
        let before = out.len();
        let uri = spec.get("storageUri").and_then(Value::as_str);
        if let Some(uri) = uri {
            out.push(Served {
                source: format!("predictor.{key} storageUri"),
                container: None,
                reference: uri.to_owned(),
                digest: pinned_digest(uri),
            });
        }
        let uris = spec.get("storageUris").and_then(Value::as_array);
        for (i, uri) in uris.into_iter().flatten().enumerate() {
            if let Some(uri) = uri.get("uri").and_then(Value::as_str) {
                out.push(Served {
                    source: format!("predictor.{key} storageUris[{i}]"),
                    container: None,
                    reference: uri.to_owned(),
                    digest: pinned_digest(uri),
                });
            }
        }
        // A model spec without a URI (a ModelMesh `storage` key and path,
        // a runtime's default): it runs, but pins nothing.
        if out.len() == before && spec.is_object() && PREDICTOR_MODEL_KEYS.contains(&key.as_str()) {
            out.push(Served {
                source: format!("predictor.{key}"),
                container: None,
                reference: "no storageUri".to_owned(),
                digest: None,
            });
        }
    }
}

/// The digest an image reference (`name[:tag]@sha256:<hex>`) or a URI
/// (`oci://registry/repo@sha256:<hex>`) pins: what follows its last `@`,
/// when that is a digest. `https://user@host/path` pins nothing (the `@`
/// is the user's).
pub fn pinned_digest(reference: &str) -> Option<String> {
    let (_, after) = reference.trim().rsplit_once('@')?;
    if after.contains('/') {
        return None;
    }
    normalise_digest(after)
}

/// The artifact digest a release approved, if it states a readable one.
pub fn approved_digest(release: &DynamicObject) -> Option<String> {
    release
        .data
        .pointer("/spec/identity/artifact/digest")
        .and_then(Value::as_str)
        .and_then(normalise_digest)
}

/// What runs, next to what the release approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// Nothing to compare: the release states no readable digest (its own
    /// controls judge that), or nothing that runs was found.
    Unchecked,
    /// Something that runs pins the approved digest.
    Matched {
        /// The approved digest.
        approved: String,
    },
    /// Everything that runs pins a digest, none the approved one.
    Mismatched {
        /// The approved digest.
        approved: String,
        /// What runs instead.
        found: Vec<Served>,
    },
    /// No match, and something runs unpinned.
    Unpinned {
        /// The approved digest.
        approved: String,
        /// What pins no digest.
        unpinned: Vec<Served>,
    },
}

/// Compares what runs with the approved digest.
pub fn compare(served: &[Served], approved: Option<String>) -> Comparison {
    let Some(approved) = approved else {
        return Comparison::Unchecked;
    };
    if served.is_empty() {
        // Not a real workload: the API server rejects a pod template
        // without containers, and KServe a predictor without a model.
        return Comparison::Unchecked;
    }
    if served.iter().any(|s| s.digest.as_ref() == Some(&approved)) {
        return Comparison::Matched { approved };
    }
    let unpinned: Vec<Served> = served
        .iter()
        .filter(|s| s.digest.is_none())
        .cloned()
        .collect();
    if unpinned.is_empty() {
        Comparison::Mismatched {
            approved,
            found: served.to_vec(),
        }
    } else {
        Comparison::Unpinned { approved, unpinned }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const A: &str = "sha256:4f1c9a7e2b8d6035c1e94a7f0b3d52e8a6c9f01d7b2e4a85c3f6d9e0a1b2c3d4";
    const B: &str = "sha256:c0ffee0b4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a";

    fn object(value: Value) -> DynamicObject {
        serde_json::from_value(value).unwrap()
    }

    fn deployment(containers: Value, annotations: Value) -> DynamicObject {
        object(json!({
            "metadata": {"name": "d", "annotations": annotations},
            "spec": {"template": {"spec": {"containers": containers}}}
        }))
    }

    fn sources(served: &[Served]) -> Vec<(&str, Option<&str>)> {
        served
            .iter()
            .map(|s| (s.source.as_str(), s.digest.as_deref()))
            .collect()
    }

    #[test]
    fn image_digests_are_read_and_normalised() {
        assert_eq!(pinned_digest(&format!("reg/m@{A}")).as_deref(), Some(A));
        assert_eq!(
            pinned_digest(&format!("reg:5000/m:1.0@{}", A.to_uppercase())).as_deref(),
            Some(A)
        );
        assert_eq!(
            pinned_digest(&format!("oci://reg/m@{A}")).as_deref(),
            Some(A)
        );
        for unpinned in [
            "reg/m:1.0",
            "reg/m",
            "",
            "@",
            "m@",
            "m@sha256:",
            "m@sha256:xyz",
            "m@sha256:abc",
            "m@md5:4f1c9a7e2b8d6035c1e94a7f0b3d52e8",
            "https://user@host/models/m",
            "m@sha256:4f1c9a7e2b8d6035c1e94a7f0b3d52e8a6c9f01d7b2e4a85c3f6d9e0a1b2c3d4ff",
            "m@sha256:é4f1c9a7e2b8d6035c1e94a7f0b3d52e8a6c9f01d7b2e4a85c3f6d9e0a1b2c3",
        ] {
            assert_eq!(pinned_digest(unpinned), None, "{unpinned}");
        }
    }

    #[test]
    fn a_release_states_its_digest_as_a_string() {
        let release = object(json!({"spec": {"identity": {"artifact": {"digest": A}}}}));
        assert_eq!(approved_digest(&release).as_deref(), Some(A));
        let without = object(json!({"spec": {"identity": {"artifact": {"digest": 7}}}}));
        assert_eq!(approved_digest(&without), None);
    }

    #[test]
    fn a_deployment_runs_its_init_containers_and_containers() {
        let object = object(json!({"spec": {"template": {"spec": {
            "initContainers": [{"name": "fetch", "image": format!("reg/model@{A}")}],
            "containers": [{"name": "api", "image": "reg/api:2"}, {"image": "reg/side"},
                           {"name": "broken", "image": 3}]
        }}}}));
        let served = served(&object, WorkloadKind::Deployments).unwrap();
        assert_eq!(
            sources(&served),
            [
                ("init container fetch", Some(A)),
                ("container api", None),
                ("container #1", None)
            ]
        );
    }

    #[test]
    fn an_inference_service_runs_its_predictor_model_and_containers() {
        let object = object(json!({"spec": {
            "predictor": {
                "model": {"modelFormat": {"name": "sklearn"}, "storageUri": format!("oci://reg/m@{A}")},
                "sklearn": {"storageUris": [{"uri": "s3://b/m", "mountPath": "/m"}, {"uri": 4}]},
                "onnx": {"storage": {"key": "k", "path": "m.onnx"}},
                "containers": [{"name": "kserve-container", "image": "reg/server:1"}],
                "affinity": {},
                "tolerations": []
            },
            "transformer": {"containers": [{"name": "t", "image": "reg/t:1"}]}
        }}));
        let served = served(&object, WorkloadKind::Inferenceservices).unwrap();
        assert_eq!(
            sources(&served),
            [
                ("predictor.model storageUri", Some(A)),
                ("predictor.onnx", None),
                ("predictor.sklearn storageUris[0]", None),
                ("predictor container kserve-container", None),
            ]
        );
    }

    #[test]
    fn the_model_container_annotation_narrows_what_is_compared() {
        let containers = json!([{"name": "api", "image": format!("reg/api@{A}")},
                                {"name": "envoy", "image": format!("reg/envoy@{B}")}]);
        let narrowed = deployment(
            containers.clone(),
            json!({MODEL_CONTAINER_ANNOTATION: "envoy"}),
        );
        let served = served(&narrowed, WorkloadKind::Deployments).unwrap();
        assert_eq!(sources(&served), [("container envoy", Some(B))]);

        let wrong = deployment(containers, json!({MODEL_CONTAINER_ANNOTATION: "model"}));
        let why = super::served(&wrong, WorkloadKind::Deployments).unwrap_err();
        assert_eq!(
            why,
            "annotation riskgate.dev/model-container names container \"model\", which the workload does not run (its containers are api, envoy)"
        );
        let none = deployment(
            json!([{"image": "x"}]),
            json!({MODEL_CONTAINER_ANNOTATION: "model"}),
        );
        assert!(
            super::served(&none, WorkloadKind::Deployments)
                .unwrap_err()
                .contains("it has none")
        );
        let template = object(json!({"spec": {"template": {
            "metadata": {"annotations": {MODEL_CONTAINER_ANNOTATION: 1}},
            "spec": {"containers": [{"name": "api", "image": "x"}]}}}}));
        assert!(
            super::served(&template, WorkloadKind::Deployments)
                .unwrap_err()
                .contains("not a string")
        );
    }

    #[test]
    fn malformed_workloads_run_nothing_and_do_not_panic() {
        for spec in [
            json!(null),
            json!([]),
            json!({"template": "x"}),
            json!({"template": {"spec": {"containers": "x"}}}),
            json!({"template": {"spec": {"containers": [null, 1, {"image": null}]}}}),
            json!({"predictor": []}),
            json!({"predictor": {"model": "x", "containers": {}}}),
        ] {
            let object = object(json!({"spec": spec}));
            for kind in [WorkloadKind::Deployments, WorkloadKind::Inferenceservices] {
                let served = served(&object, kind).unwrap();
                assert!(served.is_empty(), "{spec}: {served:?}");
            }
        }
    }

    fn serve(digest: Option<&str>) -> Served {
        Served {
            source: "container c".to_owned(),
            container: Some("c".to_owned()),
            reference: "r".to_owned(),
            digest: digest.map(str::to_owned),
        }
    }

    #[test]
    fn any_match_passes_and_only_a_fully_pinned_set_mismatches() {
        let approved = || Some(A.to_owned());
        assert_eq!(
            compare(&[serve(Some(B)), serve(Some(A))], approved()),
            Comparison::Matched {
                approved: A.to_owned()
            }
        );
        assert_eq!(
            compare(&[serve(Some(B))], approved()),
            Comparison::Mismatched {
                approved: A.to_owned(),
                found: vec![serve(Some(B))]
            }
        );
        assert_eq!(
            compare(&[serve(Some(B)), serve(None)], approved()),
            Comparison::Unpinned {
                approved: A.to_owned(),
                unpinned: vec![serve(None)]
            }
        );
        assert_eq!(compare(&[serve(Some(B))], None), Comparison::Unchecked);
        assert_eq!(compare(&[], approved()), Comparison::Unchecked);
    }
}
