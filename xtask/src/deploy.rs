//! `cargo xtask deploy-check`: the `deploy/` manifests parse, every
//! kustomization resource exists, every object has the fields Kubernetes
//! requires, and the webhook-specific settings riskgate relies on are there
//! (no cluster or network needed).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{Value, json};

/// `deploy/`.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

/// Every problem found, as `file: message`.
pub fn check(dir: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let kustomization = read_docs(&dir.join("kustomization.yaml"))?;
    let resources: Vec<String> = kustomization
        .first()
        .and_then(|k| k.get("resources"))
        .and_then(Value::as_array)
        .context("kustomization.yaml has no resources")?
        .iter()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect();
    let mut objects = Vec::new();
    for resource in &resources {
        let path = dir.join(resource);
        match read_docs(&path) {
            Ok(docs) => objects.extend(docs.into_iter().map(|d| (resource.clone(), d))),
            Err(e) => problems.push(format!("{resource}: {e:#}")),
        }
    }
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") && name != "kustomization.yaml" && !resources.contains(&name) {
            problems.push(format!("{name}: not listed in kustomization.yaml"));
        }
    }
    for (file, object) in &objects {
        check_object(file, object, &mut problems);
    }
    for kind in [
        "Namespace",
        "CustomResourceDefinition",
        "ServiceAccount",
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "ValidatingWebhookConfiguration",
        "Certificate",
        "Issuer",
    ] {
        if !objects.iter().any(|(_, o)| o["kind"] == kind) {
            problems.push(format!("deploy/: no {kind}"));
        }
    }
    Ok(problems)
}

fn read_docs(path: &Path) -> Result<Vec<Value>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut docs = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(&text) {
        let value: Value = serde::Deserialize::deserialize(document)
            .with_context(|| format!("{}: not valid YAML", path.display()))?;
        if !value.is_null() {
            docs.push(value);
        }
    }
    Ok(docs)
}

/// Fields that must be present (JSON pointers) and values they must have.
fn check_object(file: &str, object: &Value, problems: &mut Vec<String>) {
    let kind = object["kind"].as_str().unwrap_or("");
    let mut need = |pointer: &str| {
        if object.pointer(pointer).is_none_or(Value::is_null) {
            problems.push(format!("{file}: {kind} has no {pointer}"));
        }
    };
    need("/apiVersion");
    need("/kind");
    need("/metadata/name");
    let required: &[&str] = match kind {
        "Deployment" => &[
            "/spec/selector/matchLabels",
            "/spec/template/metadata/labels",
            "/spec/template/spec/containers/0/image",
            "/spec/template/spec/containers/0/readinessProbe",
            "/spec/template/spec/containers/0/livenessProbe",
            "/spec/template/spec/containers/0/resources/limits/cpu",
            "/spec/template/spec/containers/0/resources/limits/memory",
            "/spec/template/spec/containers/0/resources/requests",
        ],
        "Service" => &[
            "/spec/selector",
            "/spec/ports/0/port",
            "/spec/ports/0/targetPort",
        ],
        "PodDisruptionBudget" => &["/spec/selector/matchLabels", "/spec/minAvailable"],
        "ValidatingWebhookConfiguration" => &[
            "/webhooks/0/name",
            "/webhooks/0/clientConfig/service/name",
            "/webhooks/0/clientConfig/service/namespace",
            "/webhooks/0/rules/0/resources",
            "/webhooks/0/namespaceSelector",
            "/metadata/annotations/cert-manager.io~1inject-ca-from",
        ],
        "Certificate" => &[
            "/spec/secretName",
            "/spec/dnsNames/0",
            "/spec/issuerRef/name",
        ],
        "CustomResourceDefinition" => &[
            "/spec/group",
            "/spec/names/kind",
            "/spec/versions/0/schema/openAPIV3Schema",
        ],
        _ => &[],
    };
    for pointer in required {
        need(pointer);
    }
    let mut expect = |pointer: &str, value: Value| {
        if object.pointer(pointer) != Some(&value) {
            problems.push(format!(
                "{file}: {kind} {pointer} should be {value}, is {}",
                object.pointer(pointer).unwrap_or(&Value::Null)
            ));
        }
    };
    match kind {
        "Deployment" => {
            expect("/spec/replicas", json!(2));
            expect(
                "/spec/template/spec/securityContext/runAsNonRoot",
                json!(true),
            );
            let container = "/spec/template/spec/containers/0/securityContext";
            expect(&format!("{container}/readOnlyRootFilesystem"), json!(true));
            expect(
                &format!("{container}/allowPrivilegeEscalation"),
                json!(false),
            );
            expect(&format!("{container}/capabilities/drop"), json!(["ALL"]));
            expect("/spec/template/spec/containers/0/args/0", json!("serve"));
            let labels = object.pointer("/spec/template/metadata/labels");
            if object.pointer("/spec/selector/matchLabels") != labels {
                problems.push(format!(
                    "{file}: Deployment selector does not match the pod labels"
                ));
            }
        }
        "ValidatingWebhookConfiguration" => {
            let hook = "/webhooks/0";
            expect(&format!("{hook}/sideEffects"), json!("None"));
            expect(&format!("{hook}/admissionReviewVersions"), json!(["v1"]));
            expect(&format!("{hook}/failurePolicy"), json!("Fail"));
            expect(
                &format!("{hook}/clientConfig/service/path"),
                json!("/validate"),
            );
            expect(
                &format!("{hook}/rules/0/apiGroups"),
                json!(["riskgate.dev"]),
            );
            let timeout = object
                .pointer(&format!("{hook}/timeoutSeconds"))
                .and_then(Value::as_u64);
            if !timeout.is_some_and(|t| (1..=30).contains(&t)) {
                problems.push(format!("{file}: timeoutSeconds must be 1..=30"));
            }
        }
        "CustomResourceDefinition" => {
            let mut structural = Vec::new();
            if let Some(schema) = object.pointer("/spec/versions/0/schema/openAPIV3Schema") {
                crate::crd::structural_problems(schema, "", &mut structural);
            }
            problems.extend(
                structural
                    .into_iter()
                    .map(|p| format!("{file}: CRD schema {p}")),
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_manifests_are_valid() {
        let problems = check(&dir()).unwrap();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn missing_fields_are_reported() {
        let object = json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": "x"},
            "webhooks": [{"name": "a", "sideEffects": "Some", "admissionReviewVersions": ["v1beta1"],
                          "timeoutSeconds": 60}]
        });
        let mut problems = Vec::new();
        check_object("w.yaml", &object, &mut problems);
        let text = problems.join("\n");
        for needle in [
            "sideEffects",
            "admissionReviewVersions",
            "timeoutSeconds",
            "namespaceSelector",
            "failurePolicy",
        ] {
            assert!(text.contains(needle), "{needle} not reported:\n{text}");
        }
    }
}
