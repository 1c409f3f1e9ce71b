//! The `admission.k8s.io/v1` AdmissionReview wire format: exactly the
//! fields the webhook reads and writes.
//!
//! Written by hand rather than taken from `k8s-openapi`: the request and
//! response are a dozen fields, while that crate is one of the largest in
//! the ecosystem (every Kubernetes API type for every version). Unknown
//! fields are ignored, so newer API servers stay compatible.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The only AdmissionReview version served.
pub const API_VERSION: &str = "admission.k8s.io/v1";
/// The AdmissionReview kind.
pub const KIND: &str = "AdmissionReview";

/// An incoming AdmissionReview.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionReview {
    /// Must be [`API_VERSION`].
    #[serde(default)]
    pub api_version: String,
    /// Must be [`KIND`].
    #[serde(default)]
    pub kind: String,
    /// The request; absent only in malformed reviews.
    pub request: Option<AdmissionRequest>,
}

/// `request` of an AdmissionReview. `options` and the `request*` fields are
/// not read: an UPDATE is decided on the new object (`oldObject` only tells
/// whether a workload update changes anything riskgate checks).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionRequest {
    /// Identifies this admission call; echoed in the response.
    pub uid: String,
    /// The kind of the object as submitted.
    pub kind: GroupVersionKind,
    /// The resource being acted on.
    #[serde(default)]
    pub resource: GroupVersionResource,
    /// `status`, `scale`, ... when a subresource is written.
    #[serde(default)]
    pub sub_resource: Option<String>,
    /// The object's name (may be empty on CREATE with `generateName`).
    #[serde(default)]
    pub name: Option<String>,
    /// The object's namespace.
    #[serde(default)]
    pub namespace: Option<String>,
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    pub operation: String,
    /// Who is making the request.
    #[serde(default)]
    pub user_info: UserInfo,
    /// The object after the operation (absent for DELETE).
    #[serde(default)]
    pub object: Option<serde_json::Value>,
    /// The object before an UPDATE.
    #[serde(default)]
    pub old_object: Option<serde_json::Value>,
    /// The request will not be persisted.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// A group, version and kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct GroupVersionKind {
    /// API group (`""` for the core group).
    #[serde(default)]
    pub group: String,
    /// API version.
    #[serde(default)]
    pub version: String,
    /// Kind.
    #[serde(default)]
    pub kind: String,
}

/// A group, version and resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct GroupVersionResource {
    /// API group.
    #[serde(default)]
    pub group: String,
    /// API version.
    #[serde(default)]
    pub version: String,
    /// Resource (plural).
    #[serde(default)]
    pub resource: String,
}

/// The requesting user.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserInfo {
    /// User name.
    #[serde(default)]
    pub username: Option<String>,
}

/// The AdmissionReview sent back.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionReviewResponse {
    /// Always [`API_VERSION`].
    pub api_version: &'static str,
    /// Always [`KIND`].
    pub kind: &'static str,
    /// The verdict.
    pub response: AdmissionResponse,
}

impl AdmissionReviewResponse {
    /// Wraps a response.
    pub fn new(response: AdmissionResponse) -> Self {
        Self {
            api_version: API_VERSION,
            kind: KIND,
            response,
        }
    }
}

/// `response` of an AdmissionReview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionResponse {
    /// The request's uid.
    pub uid: String,
    /// Whether the operation may proceed.
    pub allowed: bool,
    /// Why it was denied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ResponseStatus>,
    /// Shown to the client (kubectl prints them as `Warning: ...`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Recorded in the audit log, prefixed by the webhook name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub audit_annotations: BTreeMap<String, String>,
}

/// The `metav1.Status` subset returned with a denial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseStatus {
    /// HTTP-style code (403 for a policy denial, 500 for an evaluation error).
    pub code: u16,
    /// Machine-readable reason (`Forbidden`, `InternalError`).
    pub reason: &'static str,
    /// The human explanation, shown by kubectl.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request as kube-apiserver sends it for `kubectl apply --dry-run=server`.
    const CREATE: &str = r#"{
      "kind": "AdmissionReview",
      "apiVersion": "admission.k8s.io/v1",
      "request": {
        "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
        "kind": {"group": "riskgate.dev", "version": "v1alpha1", "kind": "ModelRelease"},
        "resource": {"group": "riskgate.dev", "version": "v1alpha1", "resource": "modelreleases"},
        "requestKind": {"group": "riskgate.dev", "version": "v1alpha1", "kind": "ModelRelease"},
        "requestResource": {"group": "riskgate.dev", "version": "v1alpha1", "resource": "modelreleases"},
        "name": "credit-scorer",
        "namespace": "lending",
        "operation": "CREATE",
        "userInfo": {"username": "alice", "uid": "u-1", "groups": ["system:authenticated"],
                     "extra": {"scopes": ["x"]}},
        "object": {"apiVersion": "riskgate.dev/v1alpha1", "kind": "ModelRelease",
                   "metadata": {"name": "credit-scorer", "namespace": "lending"}, "spec": {}},
        "oldObject": null,
        "dryRun": true,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions", "dryRun": ["All"]}
      }
    }"#;

    #[test]
    fn reads_a_real_create_request() {
        let review: AdmissionReview = serde_json::from_str(CREATE).unwrap();
        assert_eq!(review.api_version, API_VERSION);
        let request = review.request.unwrap();
        assert_eq!(request.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
        assert_eq!(request.kind.kind, "ModelRelease");
        assert_eq!(request.resource.resource, "modelreleases");
        assert_eq!(request.namespace.as_deref(), Some("lending"));
        assert_eq!(request.operation, "CREATE");
        assert_eq!(request.user_info.username.as_deref(), Some("alice"));
        assert_eq!(request.dry_run, Some(true));
        assert!(request.object.unwrap()["spec"].is_object());
    }

    #[test]
    fn reads_a_delete_request_without_object() {
        let review: AdmissionReview = serde_json::from_str(
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                "uid":"d","kind":{"group":"apps","version":"v1","kind":"Deployment"},
                "operation":"DELETE","oldObject":{"metadata":{"name":"x"}}}}"#,
        )
        .unwrap();
        let request = review.request.unwrap();
        assert!(request.object.is_none());
        assert_eq!(request.dry_run, None);
    }

    #[test]
    fn writes_the_v1_response_shape() {
        let mut audit = BTreeMap::new();
        audit.insert("decision".to_owned(), "deny".to_owned());
        let response = AdmissionReviewResponse::new(AdmissionResponse {
            uid: "u".into(),
            allowed: false,
            status: Some(ResponseStatus {
                code: 403,
                reason: "Forbidden",
                message: "no".into(),
            }),
            warnings: vec!["w".into()],
            audit_annotations: audit,
        });
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            serde_json::json!({
                "apiVersion": "admission.k8s.io/v1",
                "kind": "AdmissionReview",
                "response": {
                    "uid": "u",
                    "allowed": false,
                    "status": {"code": 403, "reason": "Forbidden", "message": "no"},
                    "warnings": ["w"],
                    "auditAnnotations": {"decision": "deny"}
                }
            })
        );
        let allowed = AdmissionReviewResponse::new(AdmissionResponse {
            uid: "u".into(),
            allowed: true,
            ..AdmissionResponse::default()
        });
        assert_eq!(
            serde_json::to_string(&allowed).unwrap(),
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true}}"#
        );
    }
}
