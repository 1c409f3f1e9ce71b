//! The `admission.k8s.io/v1` AdmissionReview wire format, with the types of
//! `kube::core::admission` (requests carry their object as a
//! [`DynamicObject`]): reading a request body and writing a response.
//!
//! kube's types are stricter and looser than the hand-written ones riskgate
//! had before in a few places; what the API server sends is read the same,
//! and the differences a client can see are pinned here:
//!
//! - The envelope (`apiVersion`, `kind`) is checked on the parsed JSON
//!   before the request's fields, so a review of another version always
//!   gets the `admissionReviewVersions` hint, even when its request would
//!   not decode.
//! - `request.userInfo` and `request.resource` are required by kube; a
//!   request without them (hand-written reviews, `curl` tests) is read as
//!   before, with an anonymous user and an empty resource.
//! - Type errors in the request are reported without a line and column
//!   (the body is parsed once as JSON, then decoded); syntax errors keep
//!   them. `operation` must be one of `CREATE`, `UPDATE`, `DELETE` or
//!   `CONNECT`, and an `object` that is not a JSON object is a malformed
//!   review (HTTP 400) rather than a denial. An object's `apiVersion` and
//!   `kind` are read together: an object with only one of them is checked
//!   as having neither (it is an invalid release either way).
//! - kube always writes `response.status`; an allowed response without a
//!   status object leaves it out, as before, so the response bytes of an
//!   allowed request are `{"allowed":true,"uid":...}` plus annotations.
//!   Audit annotations are written in key order.

use kube::core::admission::{self, AdmissionRequest, AdmissionReview};
use kube::core::{DynamicObject, TypeMeta};

pub use kube::core::Status;
pub use kube::core::admission::{AdmissionResponse, Operation};

/// The only AdmissionReview version served.
pub const API_VERSION: &str = admission::META_API_VERSION_V1;
/// The AdmissionReview kind.
pub const KIND: &str = admission::META_KIND;

/// An admission request; its object is any Kubernetes object.
pub type Request = AdmissionRequest<DynamicObject>;

/// Reads an AdmissionReview body; `Err` is the reason it cannot be reviewed
/// (answered with HTTP 400).
pub fn parse(body: &[u8]) -> Result<Request, String> {
    let malformed = |e: serde_json::Error| format!("malformed AdmissionReview JSON: {e}");
    let mut json: serde_json::Value = serde_json::from_slice(body).map_err(malformed)?;
    let field = |key: &str| json.get(key).and_then(serde_json::Value::as_str);
    let is_string_or_absent = |key: &str| json.get(key).is_none_or(serde_json::Value::is_string);
    if is_string_or_absent("apiVersion")
        && is_string_or_absent("kind")
        && (field("apiVersion") != Some(API_VERSION) || field("kind") != Some(KIND))
    {
        return Err(format!(
            "unsupported review {}/{}: riskgate serves {API_VERSION} {KIND} only (set admissionReviewVersions: [\"v1\"])",
            field("apiVersion").unwrap_or_default(),
            field("kind").unwrap_or_default()
        ));
    }
    if let Some(request) = json
        .get_mut("request")
        .and_then(serde_json::Value::as_object_mut)
    {
        request
            .entry("userInfo")
            .or_insert_with(|| serde_json::json!({}));
        request
            .entry("resource")
            .or_insert_with(|| serde_json::json!({"group": "", "version": "", "resource": ""}));
    }
    let review: AdmissionReview<DynamicObject> = serde_json::from_value(json).map_err(malformed)?;
    review
        .try_into()
        .map_err(|_| "the AdmissionReview has no request".to_owned())
}

/// The AdmissionReview JSON sent back for a response.
pub fn to_json(mut response: AdmissionResponse) -> Vec<u8> {
    response.types = TypeMeta {
        api_version: API_VERSION.to_owned(),
        kind: KIND.to_owned(),
    };
    if response.warnings.as_ref().is_some_and(Vec::is_empty) {
        response.warnings = None;
    }
    let Ok(mut review) = serde_json::to_value(response.into_review()) else {
        return b"{}".to_vec();
    };
    if let Some(response) = review
        .get_mut("response")
        .and_then(serde_json::Value::as_object_mut)
        && response
            .get("status")
            .and_then(serde_json::Value::as_object)
            .is_some_and(serde_json::Map::is_empty)
    {
        response.remove("status");
    }
    serde_json::to_vec(&review).unwrap_or_else(|_| b"{}".to_vec())
}

/// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`, as logged.
pub fn operation_name(operation: &Operation) -> &'static str {
    match operation {
        Operation::Create => "CREATE",
        Operation::Update => "UPDATE",
        Operation::Delete => "DELETE",
        Operation::Connect => "CONNECT",
    }
}

/// A denial status as riskgate writes it: code, reason and message (no
/// `status: Failure`, no details).
pub fn status(code: u16, reason: &str, message: String) -> Status {
    Status {
        code,
        reason: reason.to_owned(),
        message,
        ..Status::default()
    }
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
        let request = parse(CREATE.as_bytes()).unwrap();
        assert_eq!(request.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
        assert_eq!(request.kind.kind, "ModelRelease");
        assert_eq!(request.resource.resource, "modelreleases");
        assert_eq!(request.namespace.as_deref(), Some("lending"));
        assert_eq!(request.operation, Operation::Create);
        assert_eq!(request.user_info.username.as_deref(), Some("alice"));
        assert!(request.dry_run);
        assert!(request.object.unwrap().data["spec"].is_object());
    }

    #[test]
    fn reads_a_delete_request_without_object_user_or_resource() {
        let request = parse(
            br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                "uid":"d","kind":{"group":"apps","version":"v1","kind":"Deployment"},
                "operation":"DELETE","oldObject":{"metadata":{"name":"x"}}}}"#,
        )
        .unwrap();
        assert!(request.object.is_none());
        assert!(!request.dry_run);
        assert_eq!(request.user_info.username, None);
        assert_eq!(request.resource.resource, "");
    }

    #[test]
    fn malformed_reviews_say_why() {
        let error = parse(b"{\"apiVersion\": ").unwrap_err();
        assert!(
            error.starts_with("malformed AdmissionReview JSON: "),
            "{error}"
        );
        assert!(error.contains("line 1"), "{error}");
        let error = parse(br#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"}"#)
            .unwrap_err();
        assert!(
            error.starts_with("unsupported review admission.k8s.io/v1beta1/AdmissionReview"),
            "{error}"
        );
        let error = parse(br#"{"kind":"AdmissionReview"}"#).unwrap_err();
        assert!(
            error.starts_with("unsupported review /AdmissionReview"),
            "{error}"
        );
        let error =
            parse(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#).unwrap_err();
        assert_eq!(error, "the AdmissionReview has no request");
        let error = parse(
            br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                "kind":{"group":"apps","version":"v1","kind":"Deployment"},"operation":"CREATE"}}"#,
        )
        .unwrap_err();
        assert_eq!(error, "malformed AdmissionReview JSON: missing field `uid`");
    }

    #[test]
    fn writes_the_v1_response_shape() {
        let request = parse(CREATE.as_bytes()).unwrap();
        let mut response = AdmissionResponse::from(&request);
        response.uid = "u".into();
        response.allowed = false;
        response.result = status(403, "Forbidden", "no".into());
        response.warnings = Some(vec!["w".into()]);
        response
            .audit_annotations
            .insert("decision".to_owned(), "deny".to_owned());
        response
            .audit_annotations
            .insert("dry-run".to_owned(), "true".to_owned());
        assert_eq!(
            String::from_utf8(to_json(response)).unwrap(),
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"allowed":false,"auditAnnotations":{"decision":"deny","dry-run":"true"},"status":{"code":403,"message":"no","reason":"Forbidden"},"uid":"u","warnings":["w"]}}"#
        );
        let mut allowed = AdmissionResponse::from(&request);
        allowed.uid = "u".into();
        allowed.warnings = Some(Vec::new());
        assert_eq!(
            String::from_utf8(to_json(allowed)).unwrap(),
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"allowed":true,"uid":"u"}}"#
        );
    }
}
