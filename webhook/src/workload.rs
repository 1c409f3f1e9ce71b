//! Workloads that reference a `ModelRelease` by annotation: which kinds are
//! checked (`--workloads`), how the annotation is read and what a valid
//! reference looks like. Pure; the release is fetched by [`super::releases`].

use kube::core::DynamicObject;

use super::admission::Request;

/// The default annotation naming a workload's release.
pub const DEFAULT_ANNOTATION: &str = "riskgate.dev/release";

/// A workload kind `--workloads` can turn on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum WorkloadKind {
    /// `apps/v1` `Deployment`.
    Deployments,
    /// KServe `serving.kserve.io` `InferenceService`.
    Inferenceservices,
}

impl WorkloadKind {
    /// The API group and kind of the objects.
    fn group_kind(self) -> (&'static str, &'static str) {
        match self {
            Self::Deployments => ("apps", "Deployment"),
            Self::Inferenceservices => ("serving.kserve.io", "InferenceService"),
        }
    }

    /// The kind, as in messages and the `kind` metric label.
    pub fn kind(self) -> &'static str {
        self.group_kind().1
    }
}

/// How workloads are checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The kinds checked; empty: none (every workload is an unknown kind).
    pub kinds: Vec<WorkloadKind>,
    /// The annotation naming the release.
    pub annotation: String,
    /// Deny a checked workload without the annotation.
    pub require_annotation: bool,
    /// Accept `namespace/name` references to another namespace.
    pub cross_namespace: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            kinds: Vec::new(),
            annotation: DEFAULT_ANNOTATION.to_owned(),
            require_annotation: false,
            cross_namespace: false,
        }
    }
}

impl Settings {
    /// The configured workload kind of a request, if any.
    pub fn kind_of(&self, request: &Request) -> Option<WorkloadKind> {
        self.kinds.iter().copied().find(|kind| {
            let (group, name) = kind.group_kind();
            request.kind.group == group && request.kind.kind == name
        })
    }
}

/// A `ModelRelease` by namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReleaseRef {
    /// Namespace of the release.
    pub namespace: String,
    /// Name of the release.
    pub name: String,
}

impl std::fmt::Display for ReleaseRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// What the annotation of a workload says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// No annotation.
    Missing,
    /// A release to check.
    Release(ReleaseRef),
    /// An annotation that names no valid release; why.
    Invalid(String),
}

/// Reads the release annotation of a workload object in `namespace`.
///
/// The object's own `metadata.annotations` come first; a Deployment's pod
/// template annotations are the fallback, since some charts only let users
/// annotate the pods. The value is `name` (in the workload's namespace) or
/// `namespace/name`.
pub fn reference(
    object: &DynamicObject,
    kind: WorkloadKind,
    namespace: &str,
    settings: &Settings,
) -> Reference {
    let Some(value) = annotation(object, kind, &settings.annotation) else {
        return Reference::Missing;
    };
    let Some(text) = value.as_str().map(str::trim) else {
        return Reference::Invalid(format!(
            "annotation {} is not a string",
            settings.annotation
        ));
    };
    let (release_namespace, name) = match text.split_once('/') {
        Some((ns, name)) => (ns, name),
        None => (namespace, text),
    };
    if !is_dns_subdomain(name) {
        return Reference::Invalid(format!(
            "annotation {}: {text:?} is not a release name (lowercase letters, digits, '-' and '.')",
            settings.annotation
        ));
    }
    if !is_dns_label(release_namespace) {
        return Reference::Invalid(format!(
            "annotation {}: {release_namespace:?} is not a namespace",
            settings.annotation
        ));
    }
    if release_namespace != namespace && !settings.cross_namespace {
        return Reference::Invalid(format!(
            "annotation {} names a release in namespace {release_namespace}, but releases are only looked up in the workload's namespace {namespace} (--allow-cross-namespace-releases)",
            settings.annotation
        ));
    }
    Reference::Release(ReleaseRef {
        namespace: release_namespace.to_owned(),
        name: name.to_owned(),
    })
}

/// The value of annotation `key` on a workload: the object's own
/// `metadata.annotations` first, then (for a Deployment) its pod template's,
/// since some charts only let users annotate the pods.
pub fn annotation(
    object: &DynamicObject,
    kind: WorkloadKind,
    key: &str,
) -> Option<serde_json::Value> {
    // The object's own annotations are typed (strings); the pod template's
    // are plain JSON.
    let own = object
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(|value| serde_json::Value::from(value.as_str()));
    own.or_else(|| match kind {
        WorkloadKind::Deployments => object
            .data
            .pointer("/spec/template/metadata/annotations")
            .and_then(|a| a.get(key))
            .cloned(),
        WorkloadKind::Inferenceservices => None,
    })
}

/// A Kubernetes object name (RFC 1123 subdomain). Checked before the name
/// goes into a URL path, so no reference can reach another API endpoint.
fn is_dns_subdomain(name: &str) -> bool {
    !name.is_empty() && name.len() <= 253 && name.split('.').all(is_label_chars)
}

/// A namespace name (RFC 1123 label).
fn is_dns_label(name: &str) -> bool {
    name.len() <= 63 && is_label_chars(name)
}

fn is_label_chars(label: &str) -> bool {
    let bytes = label.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum)
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(object: &serde_json::Value, kind: WorkloadKind, settings: &Settings) -> Reference {
        let object: DynamicObject = serde_json::from_value(object.clone()).unwrap();
        reference(&object, kind, "ml", settings)
    }

    fn release(namespace: &str, name: &str) -> Reference {
        Reference::Release(ReleaseRef {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        })
    }

    #[test]
    fn names_resolve_in_the_workload_namespace() {
        let settings = Settings::default();
        let object = json!({"metadata": {"annotations": {"riskgate.dev/release": "fraud-v3"}}});
        assert_eq!(
            read(&object, WorkloadKind::Deployments, &settings),
            release("ml", "fraud-v3")
        );
        let object = json!({"metadata": {"annotations": {"riskgate.dev/release": "ml/fraud-v3"}}});
        assert_eq!(
            read(&object, WorkloadKind::Inferenceservices, &settings),
            release("ml", "fraud-v3")
        );
    }

    #[test]
    fn object_annotations_win_over_the_pod_template() {
        let settings = Settings::default();
        let object = json!({
            "metadata": {"annotations": {"riskgate.dev/release": "a"}},
            "spec": {"template": {"metadata": {"annotations": {"riskgate.dev/release": "b"}}}}
        });
        assert_eq!(
            read(&object, WorkloadKind::Deployments, &settings),
            release("ml", "a")
        );
        let template_only = json!({"spec": {"template": {"metadata": {"annotations": {"riskgate.dev/release": "b"}}}}});
        assert_eq!(
            read(&template_only, WorkloadKind::Deployments, &settings),
            release("ml", "b")
        );
        // InferenceServices have no pod template at that path.
        assert_eq!(
            read(&template_only, WorkloadKind::Inferenceservices, &settings),
            Reference::Missing
        );
    }

    #[test]
    fn a_custom_annotation_key_is_used() {
        let settings = Settings {
            annotation: "example.com/model-release".to_owned(),
            ..Settings::default()
        };
        let object = json!({"metadata": {"annotations": {"riskgate.dev/release": "a",
                                                         "example.com/model-release": "b"}}});
        assert_eq!(
            read(&object, WorkloadKind::Deployments, &settings),
            release("ml", "b")
        );
    }

    #[test]
    fn bad_references_are_invalid() {
        let settings = Settings::default();
        for value in [
            json!(""),
            json!("Fraud"),
            json!("a/b/c"),
            json!("../secrets"),
            json!("x?y"),
            json!("-a"),
            json!("other/fraud-v3"),
        ] {
            let object = json!({"metadata": {"annotations": {"riskgate.dev/release": value}}});
            assert!(
                matches!(
                    read(&object, WorkloadKind::Deployments, &settings),
                    Reference::Invalid(_)
                ),
                "{value}"
            );
        }
        // Object annotations are strings by type; a pod template's may not be.
        let object = json!({"spec": {"template": {"metadata": {"annotations": {"riskgate.dev/release": 3}}}}});
        assert!(matches!(
            read(&object, WorkloadKind::Deployments, &settings),
            Reference::Invalid(_)
        ));
        let open = Settings {
            cross_namespace: true,
            ..Settings::default()
        };
        let object =
            json!({"metadata": {"annotations": {"riskgate.dev/release": "other/fraud-v3"}}});
        assert_eq!(
            read(&object, WorkloadKind::Deployments, &open),
            release("other", "fraud-v3")
        );
    }
}
