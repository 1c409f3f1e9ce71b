//! Which manifest fields reference evidence files: a governance document's
//! `uri`, every `*_ref` (evaluation and validation reports, signatures,
//! datasheets, remediation plans, ...) and a waiver's `risk_acceptance`.
//!
//! The listing is by name over the manifest as written, not over the typed
//! model, so a field added to the schema with the `_ref` suffix is listed
//! without a change here, and a manifest with errors still lists what it
//! references. `registry_uri` names a model registry, not a file, and is
//! not listed.

use riskgate_engine::json_pointer;
use riskgate_engine::value::Value;

/// A string field of the manifest that references evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceReference {
    /// Where the field is, as a JSON Pointer (`/spec/documents/0/uri`).
    pub pointer: String,
    /// The field's value as written (`docs/model-card.md`, `s3://...`).
    pub reference: String,
    /// The `digest` written next to it (a document's content digest), if
    /// any: what the referenced file's sha256 should be.
    pub claimed_digest: Option<String>,
}

/// Every evidence reference of `manifest`, in document order (object keys
/// sorted, arrays in order), so the listing is the same on every run.
#[must_use]
pub fn evidence_references(manifest: &Value) -> Vec<EvidenceReference> {
    let mut found = Vec::new();
    let mut pointer = String::new();
    walk(manifest, &mut pointer, &mut found);
    found
}

fn is_reference_field(key: &str) -> bool {
    key == "uri" || key == "risk_acceptance" || key.ends_with("_ref")
}

fn walk(node: &Value, pointer: &mut String, found: &mut Vec<EvidenceReference>) {
    let length = pointer.len();
    match node {
        Value::Object(entries) => {
            for (key, value) in entries.iter() {
                let Some(key) = key.as_str() else { continue };
                json_pointer::push(pointer, key);
                match value.as_str() {
                    Some(reference) if is_reference_field(key) && !reference.is_empty() => {
                        found.push(EvidenceReference {
                            pointer: pointer.clone(),
                            reference: reference.to_owned(),
                            claimed_digest: claimed_digest(node, key),
                        });
                    }
                    _ => walk(value, pointer, found),
                }
                pointer.truncate(length);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                json_pointer::push(pointer, &index.to_string());
                walk(item, pointer, found);
                pointer.truncate(length);
            }
        }
        _ => {}
    }
}

/// The sibling `digest` of a document's `uri`: the digest describes the
/// document the `uri` points at. Other references (a report next to a
/// dataset's `digest`) do not claim the referenced file's digest.
fn claimed_digest(object: &Value, key: &str) -> Option<String> {
    if key != "uri" {
        return None;
    }
    object
        .get(&Value::string("digest"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn references(json: serde_json::Value) -> Vec<(String, String, Option<String>)> {
        evidence_references(&Value::from_json(&json))
            .into_iter()
            .map(|r| (r.pointer, r.reference, r.claimed_digest))
            .collect()
    }

    #[test]
    fn lists_document_uris_refs_and_risk_acceptances_with_their_pointers() {
        let found = references(serde_json::json!({
            "spec": {
                "identity": {"registry_uri": "models://r/m", "artifact": {"signature_ref": "sig.bundle"}},
                "documents": [
                    {"kind": "model_card", "uri": "docs/card.md", "digest": "sha256:ab"},
                    {"kind": "runbook", "uri": "https://x/runbook"}
                ],
                "datasets": [{"name": "d", "digest": "sha256:cd", "datasheet_ref": "sheets/d.md"}],
                "waivers": [{"id": "W-1", "risk_acceptance": "file:ra.pdf", "remediation_ref": ""}],
                "odd/key": {"report_ref": "r.html"}
            }
        }));
        assert_eq!(
            found,
            vec![
                (
                    "/spec/datasets/0/datasheet_ref".into(),
                    "sheets/d.md".into(),
                    None
                ),
                (
                    "/spec/documents/0/uri".into(),
                    "docs/card.md".into(),
                    Some("sha256:ab".into())
                ),
                (
                    "/spec/documents/1/uri".into(),
                    "https://x/runbook".into(),
                    None
                ),
                (
                    "/spec/identity/artifact/signature_ref".into(),
                    "sig.bundle".into(),
                    None
                ),
                ("/spec/odd~1key/report_ref".into(), "r.html".into(), None),
                (
                    "/spec/waivers/0/risk_acceptance".into(),
                    "file:ra.pdf".into(),
                    None
                ),
            ]
        );
    }

    #[test]
    fn non_string_reference_fields_are_walked_not_listed() {
        let found = references(serde_json::json!({"uri": {"report_ref": "a.txt"}, "x_ref": 3}));
        assert_eq!(
            found,
            vec![("/uri/report_ref".into(), "a.txt".into(), None)]
        );
    }
}
