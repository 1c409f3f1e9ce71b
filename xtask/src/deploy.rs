//! `cargo xtask deploy-check`: the `deploy/` manifests parse, every
//! kustomization resource exists, every object has the fields Kubernetes
//! requires, and the webhook-specific settings riskgate relies on are there,
//! including what workload checks (`--workloads`) need: webhook rules, a
//! mounted token and a role that only reads and watches releases, and
//! for the audit CronJob in `deploy/audit/` a service account of its own
//! whose role grants exactly the audit's writes (no cluster or network
//! needed).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{Value, json};

/// `deploy/`.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

/// Every problem found, as `file: message`: the webhook in `deploy/`
/// and the audit CronJob in `deploy/audit/`.
pub fn check(dir: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let objects = read_kustomization(dir, "", &mut problems)?;
    check_workload_setup(&objects, &mut problems);
    require_kinds(
        &objects,
        "deploy/",
        &[
            "Namespace",
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "ValidatingWebhookConfiguration",
            "Certificate",
            "Issuer",
        ],
        &mut problems,
    );
    let audit = read_kustomization(&dir.join("audit"), "audit/", &mut problems)?;
    require_kinds(
        &audit,
        "deploy/audit/",
        &[
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "CronJob",
        ],
        &mut problems,
    );
    check_audit_setup(&audit, &mut problems);
    let controller = read_kustomization(
        &dir.join("audit-controller"),
        "audit-controller/",
        &mut problems,
    )?;
    require_kinds(
        &controller,
        "deploy/audit-controller/",
        &["ClusterRoleBinding", "Role", "RoleBinding"],
        &mut problems,
    );
    // The webhook's service account gets the audit's ClusterRole (defined
    // in deploy/audit/) and the Lease Role, and nothing else.
    for (file, binding) in controller
        .iter()
        .filter(|(_, o)| o["kind"] == "ClusterRoleBinding" || o["kind"] == "RoleBinding")
    {
        let role = binding["roleRef"]["name"].as_str().unwrap_or_default();
        let defined = audit
            .iter()
            .chain(&controller)
            .any(|(_, o)| o["metadata"]["name"] == role && o["kind"] == binding["roleRef"]["kind"]);
        if !defined || !["riskgate-audit", "riskgate-audit-lease"].contains(&role) {
            problems.push(format!(
                "{file}: {} binds {role}, which is not the audit's role",
                binding["metadata"]["name"]
            ));
        }
        let webhook_only = binding["subjects"].as_array().is_some_and(|subjects| {
            subjects.len() == 1
                && subjects[0]["kind"] == "ServiceAccount"
                && subjects[0]["name"] == "riskgate-webhook"
                && subjects[0]["namespace"] == "riskgate-system"
        });
        if !webhook_only {
            problems.push(format!(
                "{file}: {} must bind the riskgate-webhook service account only",
                binding["metadata"]["name"]
            ));
        }
    }
    Ok(problems)
}

/// The objects of the kustomization in `dir` (files named `{prefix}{file}`
/// in problems), each checked; a YAML file there that the kustomization
/// does not list is a problem.
fn read_kustomization(
    dir: &Path,
    prefix: &str,
    problems: &mut Vec<String>,
) -> Result<Vec<(String, Value)>> {
    let kustomization = read_docs(&dir.join("kustomization.yaml"))?;
    let resources: Vec<String> = kustomization
        .first()
        .and_then(|k| k.get("resources"))
        .and_then(Value::as_array)
        .with_context(|| format!("{prefix}kustomization.yaml has no resources"))?
        .iter()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect();
    let mut objects = Vec::new();
    for resource in &resources {
        let path = dir.join(resource);
        match read_docs(&path) {
            Ok(docs) => {
                objects.extend(docs.into_iter().map(|d| (format!("{prefix}{resource}"), d)))
            }
            Err(e) => problems.push(format!("{prefix}{resource}: {e:#}")),
        }
    }
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") && name != "kustomization.yaml" && !resources.contains(&name) {
            problems.push(format!("{prefix}{name}: not listed in kustomization.yaml"));
        }
    }
    for (file, object) in &objects {
        check_object(file, object, problems);
    }
    Ok(objects)
}

fn require_kinds(
    objects: &[(String, Value)],
    dir: &str,
    kinds: &[&str],
    problems: &mut Vec<String>,
) {
    for kind in kinds {
        if !objects.iter().any(|(_, o)| o["kind"] == *kind) {
            problems.push(format!("{dir}: no {kind}"));
        }
    }
}

/// `(API group, resource, verbs)`.
type Grant = (&'static str, &'static str, &'static [&'static str]);

/// What each ClusterRole may grant, exactly: `(role, [(group, resource,
/// verbs)])`. Least privilege: the webhook watches releases (list,
/// watch) and reads one by name on a store miss (get); the audit lists
/// them, applies their status and one report each, and records events.
const GRANTS: [(&str, &[Grant]); 3] = [
    (
        "riskgate-webhook-release-reader",
        &[("riskgate.dev", "modelreleases", &["get", "list", "watch"])],
    ),
    (
        "riskgate-audit",
        &[
            ("riskgate.dev", "modelreleases", &["list"]),
            ("riskgate.dev", "modelreleases/status", &["patch"]),
            ("openreports.io", "reports", &["create", "patch"]),
            ("wgpolicyk8s.io", "policyreports", &["create", "patch"]),
            ("events.k8s.io", "events", &["create", "patch"]),
        ],
    ),
    // `serve --audit`'s leader election: one Lease, read, created, renewed.
    (
        "riskgate-audit-lease",
        &[("coordination.k8s.io", "leases", &["get", "create", "patch"])],
    ),
];

/// A ClusterRole's rules grant exactly what [`GRANTS`] says for its name.
fn check_cluster_role(file: &str, object: &Value, problems: &mut Vec<String>) {
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    let kind = object["kind"].as_str().unwrap_or("ClusterRole");
    let Some((_, expected)) = GRANTS.iter().find(|(role, _)| *role == name) else {
        problems.push(format!(
            "{file}: {kind} {name} is not one riskgate needs (see GRANTS in xtask/src/deploy.rs)"
        ));
        return;
    };
    let expected: std::collections::BTreeSet<(&str, &str, &str)> = expected
        .iter()
        .flat_map(|(group, resource, verbs)| {
            verbs.iter().map(move |verb| (*group, *resource, *verb))
        })
        .collect();
    let rules = object["rules"].as_array().map_or(&[][..], Vec::as_slice);
    let strings = |value: &Value| -> Vec<String> {
        value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut granted = std::collections::BTreeSet::new();
    let mut narrowed = false;
    for rule in rules {
        narrowed |= rule.get("resourceNames").is_some() || rule.get("nonResourceURLs").is_some();
        for group in strings(&rule["apiGroups"]) {
            for resource in strings(&rule["resources"]) {
                for verb in strings(&rule["verbs"]) {
                    granted.insert((group.clone(), resource.clone(), verb));
                }
            }
        }
    }
    let granted: std::collections::BTreeSet<(&str, &str, &str)> = granted
        .iter()
        .map(|(g, r, v)| (g.as_str(), r.as_str(), v.as_str()))
        .collect();
    if narrowed || granted != expected {
        let want: Vec<String> = GRANTS
            .iter()
            .find(|(role, _)| *role == name)
            .map(|(_, grants)| {
                grants
                    .iter()
                    .map(|(group, resource, verbs)| {
                        format!("{} on {group} {resource}", verbs.join(", "))
                    })
                    .collect()
            })
            .unwrap_or_default();
        problems.push(format!(
            "{file}: {kind} {name} must grant exactly: {}",
            want.join("; ")
        ));
    }
}

/// The audit CronJob runs `riskgate audit` as its own service account,
/// which mounts its token and is bound to the audit ClusterRole.
fn check_audit_setup(objects: &[(String, Value)], problems: &mut Vec<String>) {
    let Some((file, job)) = objects.iter().find(|(_, o)| o["kind"] == "CronJob") else {
        return;
    };
    let pod = "/spec/jobTemplate/spec/template/spec";
    let mut expect = |pointer: &str, value: Value| {
        let at = format!("{pod}{pointer}");
        if job.pointer(&at) != Some(&value) {
            problems.push(format!(
                "{file}: CronJob {at} should be {value}, is {}",
                job.pointer(&at).unwrap_or(&Value::Null)
            ));
        }
    };
    expect("/serviceAccountName", json!("riskgate-audit"));
    expect("/automountServiceAccountToken", json!(true));
    expect("/securityContext/runAsNonRoot", json!(true));
    expect("/containers/0/args/0", json!("audit"));
    expect(
        "/containers/0/securityContext/readOnlyRootFilesystem",
        json!(true),
    );
    expect(
        "/containers/0/securityContext/allowPrivilegeEscalation",
        json!(false),
    );
    expect(
        "/containers/0/securityContext/capabilities/drop",
        json!(["ALL"]),
    );
    let bound = objects.iter().any(|(_, binding)| {
        binding["kind"] == "ClusterRoleBinding"
            && binding["roleRef"]["name"] == "riskgate-audit"
            && binding["subjects"].as_array().is_some_and(|subjects| {
                subjects.iter().any(|s| {
                    s["kind"] == "ServiceAccount"
                        && s["name"] == "riskgate-audit"
                        && s["namespace"] == job["metadata"]["namespace"]
                })
            })
    });
    if !bound {
        problems.push(format!(
            "{file}: the audit needs a ClusterRoleBinding of riskgate-audit to its service account"
        ));
    }
}

/// The resources `--workloads` values stand for, as webhook rules name them.
const WORKLOAD_RESOURCES: [(&str, &str, &str); 2] = [
    ("deployments", "apps", "deployments"),
    (
        "inferenceservices",
        "serving.kserve.io",
        "inferenceservices",
    ),
];

/// The release annotation the server reads without `--release-annotation`.
const DEFAULT_RELEASE_ANNOTATION: &str = "riskgate.dev/release";

/// Whether a webhook entry's rules send a workload kind.
fn sends_workloads(hook: &Value) -> bool {
    hook["rules"].as_array().into_iter().flatten().any(|rule| {
        WORKLOAD_RESOURCES.iter().any(|(_, group, resource)| {
            let has = |field: &str, value: &str| {
                rule[field]
                    .as_array()
                    .is_some_and(|values| values.iter().any(|v| v == value))
            };
            has("apiGroups", group) && has("resources", resource)
        })
    })
}

/// A workload entry sends only objects naming a release: a CEL
/// `matchConditions` entry that reads the annotation the server reads and
/// guards against the null `object` of a DELETE (an expression error is a
/// denial under `failurePolicy: Fail`).
fn check_match_conditions(hook: &Value, name: &str, annotation: &str, problems: &mut Vec<String>) {
    let conditions = hook["matchConditions"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let quoted = format!("'{annotation}'");
    let narrowing = conditions.iter().any(|condition| {
        condition["expression"].as_str().is_some_and(|expression| {
            expression.trim_start().starts_with("object != null &&") && expression.contains(&quoted)
        })
    });
    if !narrowing {
        problems.push(format!(
            "webhook.yaml: {name} needs a matchConditions expression `object != null && ...` testing the release annotation {quoted}, so only annotated workloads are sent"
        ));
    }
}

/// When the Deployment passes `--workloads`: a webhook rule covers each
/// kind, the pod mounts its service-account token, and a binding gives that
/// service account a ClusterRole of the manifests.
fn check_workload_setup(objects: &[(String, Value)], problems: &mut Vec<String>) {
    let Some((file, deployment)) = objects.iter().find(|(_, o)| o["kind"] == "Deployment") else {
        return;
    };
    let args = deployment
        .pointer("/spec/template/spec/containers/0/args")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let kinds: Vec<&str> = args
        .iter()
        .filter_map(|a| a.as_str()?.strip_prefix("--workloads="))
        .flat_map(|list| list.split(','))
        .collect();
    if kinds.is_empty() {
        return;
    }
    let rules: Vec<&Value> = objects
        .iter()
        .filter(|(_, o)| o["kind"] == "ValidatingWebhookConfiguration")
        .flat_map(|(_, o)| o["webhooks"].as_array().into_iter().flatten())
        .flat_map(|hook| hook["rules"].as_array().into_iter().flatten())
        .collect();
    let annotation = args
        .iter()
        .find_map(|a| a.as_str()?.strip_prefix("--release-annotation="))
        .unwrap_or(DEFAULT_RELEASE_ANNOTATION);
    for (hook, name) in objects
        .iter()
        .filter(|(_, o)| o["kind"] == "ValidatingWebhookConfiguration")
        .flat_map(|(_, o)| o["webhooks"].as_array().into_iter().flatten())
        .filter(|hook| sends_workloads(hook))
        .map(|hook| (hook, hook["name"].as_str().unwrap_or("?")))
    {
        check_match_conditions(hook, name, annotation, problems);
    }
    for kind in kinds {
        let Some((_, group, resource)) = WORKLOAD_RESOURCES.iter().find(|(k, ..)| *k == kind)
        else {
            problems.push(format!("{file}: --workloads names an unknown kind {kind}"));
            continue;
        };
        let covered = rules.iter().any(|rule| {
            let has = |field: &str, value: &str| {
                rule[field]
                    .as_array()
                    .is_some_and(|values| values.iter().any(|v| v == value))
            };
            has("apiGroups", group) && has("resources", resource)
        });
        if !covered {
            problems.push(format!(
                "{file}: --workloads includes {kind}, but no webhook rule sends {group} {resource}"
            ));
        }
    }
    if deployment.pointer("/spec/template/spec/automountServiceAccountToken") != Some(&json!(true))
    {
        problems.push(format!(
            "{file}: --workloads reads releases from the API server, so the pod must mount its token (automountServiceAccountToken: true)"
        ));
    }
    let account = deployment
        .pointer("/spec/template/spec/serviceAccountName")
        .cloned()
        .unwrap_or(Value::Null);
    let namespace = deployment["metadata"]["namespace"].clone();
    let roles: Vec<&Value> = objects
        .iter()
        .filter(|(_, o)| o["kind"] == "ClusterRole")
        .map(|(_, o)| &o["metadata"]["name"])
        .collect();
    let bound = objects
        .iter()
        .filter(|(_, o)| o["kind"] == "ClusterRoleBinding")
        .any(|(_, binding)| {
            roles.contains(&&binding["roleRef"]["name"])
                && binding["subjects"].as_array().is_some_and(|subjects| {
                    subjects.iter().any(|s| {
                        s["kind"] == "ServiceAccount"
                            && s["name"] == account
                            && s["namespace"] == namespace
                    })
                })
        });
    if !bound {
        problems.push(format!(
            "{file}: --workloads needs a ClusterRoleBinding of the release-reader ClusterRole to service account {account}"
        ));
    }
}

/// What the API server would refuse in a webhook entry's
/// `matchConditions` (a name of at most 63 characters, unique, and an
/// expression; at most 64 of them), and conditions on the `ModelRelease`
/// entry, which must see every release.
fn condition_problems(hook: &Value) -> Vec<String> {
    let Some(conditions) = hook.get("matchConditions") else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    let sends_releases = hook["rules"].as_array().into_iter().flatten().any(|rule| {
        rule["resources"]
            .as_array()
            .is_some_and(|r| r.iter().any(|v| v == "modelreleases"))
    });
    if sends_releases {
        problems.push("has matchConditions, but every ModelRelease must be checked".to_owned());
    }
    let Some(conditions) = conditions.as_array() else {
        problems.push("matchConditions is not a list".to_owned());
        return problems;
    };
    if conditions.len() > 64 {
        problems.push("has more than 64 matchConditions".to_owned());
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, condition) in conditions.iter().enumerate() {
        let name = condition["name"].as_str().unwrap_or("");
        if name.is_empty() || name.len() > 63 {
            problems.push(format!(
                "matchConditions[{i}] needs a name of 1 to 63 characters"
            ));
        } else if !names.insert(name) {
            problems.push(format!("matchConditions[{i}] repeats the name {name}"));
        }
        if condition["expression"]
            .as_str()
            .is_none_or(|e| e.trim().is_empty())
        {
            problems.push(format!("matchConditions[{i}] has no expression"));
        }
    }
    problems
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
            expect("/webhooks/0/rules/0/apiGroups", json!(["riskgate.dev"]));
            let hooks = object["webhooks"].as_array().map_or(0, Vec::len);
            // `expect` holds `problems` until the loop ends.
            let mut found = Vec::new();
            for i in 0..hooks {
                let hook = format!("/webhooks/{i}");
                expect(&format!("{hook}/sideEffects"), json!("None"));
                expect(&format!("{hook}/admissionReviewVersions"), json!(["v1"]));
                expect(&format!("{hook}/failurePolicy"), json!("Fail"));
                expect(
                    &format!("{hook}/clientConfig/service/path"),
                    json!("/validate"),
                );
                let timeout = object
                    .pointer(&format!("{hook}/timeoutSeconds"))
                    .and_then(Value::as_u64);
                if !timeout.is_some_and(|t| (1..=30).contains(&t)) {
                    found.push(format!("{file}: {hook} timeoutSeconds must be 1..=30"));
                }
                if object
                    .pointer(&format!("{hook}/namespaceSelector"))
                    .is_none()
                {
                    found.push(format!("{file}: {hook} has no namespaceSelector"));
                }
                found.extend(
                    condition_problems(object.pointer(&hook).unwrap_or(&Value::Null))
                        .into_iter()
                        .map(|p| format!("{file}: {hook} {p}")),
                );
            }
            problems.extend(found);
        }
        "ClusterRole" | "Role" => check_cluster_role(file, object, problems),
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
    fn workload_checks_need_rules_a_token_and_a_binding() {
        let deployment = json!({
            "kind": "Deployment",
            "metadata": {"name": "w", "namespace": "riskgate-system"},
            "spec": {"template": {"spec": {
                "serviceAccountName": "riskgate-webhook",
                "containers": [{"args": ["serve", "--workloads=deployments,inferenceservices"]}]
            }}}
        });
        let webhook = json!({
            "kind": "ValidatingWebhookConfiguration",
            "webhooks": [{"rules": [{"apiGroups": ["apps"], "resources": ["deployments"]}]}]
        });
        let objects = vec![
            ("deployment.yaml".to_owned(), deployment),
            ("webhook.yaml".to_owned(), webhook),
        ];
        let mut problems = Vec::new();
        check_workload_setup(&objects, &mut problems);
        let text = problems.join("\n");
        for needle in [
            "no webhook rule sends serving.kserve.io inferenceservices",
            "automountServiceAccountToken",
            "ClusterRoleBinding",
        ] {
            assert!(text.contains(needle), "{needle} not reported:\n{text}");
        }
        assert!(!text.contains("apps deployments"), "{text}");
    }

    #[test]
    fn workload_entries_send_only_annotated_objects() {
        let deployment = |args: Value| {
            json!({"kind": "Deployment", "metadata": {"name": "w", "namespace": "ns"},
                   "spec": {"template": {"spec": {"containers": [{"args": args}]}}}})
        };
        let webhook = |conditions: Value| {
            json!({"kind": "ValidatingWebhookConfiguration", "webhooks": [{
                "name": "workloads.riskgate.dev",
                "rules": [{"apiGroups": ["apps"], "resources": ["deployments"]}],
                "matchConditions": conditions
            }]})
        };
        let problems = |args: Value, conditions: Value| {
            let objects = vec![
                ("deployment.yaml".to_owned(), deployment(args)),
                ("webhook.yaml".to_owned(), webhook(conditions)),
            ];
            let mut problems = Vec::new();
            check_workload_setup(&objects, &mut problems);
            problems.join("\n")
        };
        let guarded = json!([{"name": "a", "expression":
            "object != null && 'riskgate.dev/release' in object.metadata.annotations"}]);
        let text = problems(json!(["serve", "--workloads=deployments"]), guarded.clone());
        assert!(!text.contains("matchConditions"), "{text}");
        for (args, conditions) in [
            (json!(["serve", "--workloads=deployments"]), json!(null)),
            (
                json!(["serve", "--workloads=deployments"]),
                json!([{"name": "a", "expression": "'riskgate.dev/release' in object.metadata.annotations"}]),
            ),
            (
                json!([
                    "serve",
                    "--workloads=deployments",
                    "--release-annotation=example.com/r"
                ]),
                guarded,
            ),
        ] {
            let text = problems(args.clone(), conditions.clone());
            assert!(
                text.contains("needs a matchConditions"),
                "{args} {conditions}: {text}"
            );
        }
    }

    #[test]
    fn match_conditions_are_well_formed_and_never_on_releases() {
        let hook = |resource: &str, conditions: Value| json!({"rules": [{"resources": [resource]}], "matchConditions": conditions});
        assert!(
            condition_problems(&hook(
                "deployments",
                json!([{"name": "a", "expression": "true"}])
            ))
            .is_empty()
        );
        assert!(
            condition_problems(&json!({"rules": [{"resources": ["modelreleases"]}]})).is_empty()
        );
        let text = condition_problems(&hook(
            "modelreleases",
            json!([{"name": "a", "expression": "true"}, {"name": "a"}, {"expression": "x"}]),
        ))
        .join("\n");
        for needle in [
            "every ModelRelease must be checked",
            "repeats the name a",
            "matchConditions[1] has no expression",
            "matchConditions[2] needs a name",
        ] {
            assert!(text.contains(needle), "{needle} not reported:\n{text}");
        }
    }

    #[test]
    fn the_cluster_role_grants_exactly_get_list_and_watch_on_releases() {
        let role = |rules: Value| {
            let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                              "metadata": {"name": "riskgate-webhook-release-reader"}, "rules": rules});
            let mut problems = Vec::new();
            check_object("rbac.yaml", &role, &mut problems);
            problems
        };
        let rule = |verbs: Value| json!({"apiGroups": ["riskgate.dev"], "resources": ["modelreleases"], "verbs": verbs});
        assert_eq!(
            role(json!([rule(json!(["watch", "get", "list"]))])),
            Vec::<String>::new()
        );
        for rules in [
            json!([rule(json!(["get"]))]),
            json!([rule(json!(["get", "list"]))]),
            json!([rule(json!(["get", "list", "watch", "update"]))]),
            json!([rule(json!(["*"]))]),
            json!([rule(json!(["get", "list", "watch"])), {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]),
            json!([{"apiGroups": ["riskgate.dev"], "resources": ["*"], "verbs": ["get", "list", "watch"]}]),
            json!([]),
        ] {
            let problems = role(rules.clone());
            assert!(
                problems.iter().any(|p| p.contains(
                    "must grant exactly: get, list, watch on riskgate.dev modelreleases"
                )),
                "{rules}: {problems:?}"
            );
        }
    }

    #[test]
    fn the_audit_role_grants_its_writes_and_nothing_more() {
        let check = |rules: Value, name: &str| {
            let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                              "metadata": {"name": name}, "rules": rules});
            let mut problems = Vec::new();
            check_object("audit/rbac.yaml", &role, &mut problems);
            problems
        };
        let shipped = read_docs(&dir().join("audit/rbac.yaml")).unwrap();
        let rules = shipped[0]["rules"].clone();
        assert_eq!(check(rules.clone(), "riskgate-audit"), Vec::<String>::new());
        let mut more = rules.clone();
        more.as_array_mut().unwrap().push(
            json!({"apiGroups": ["riskgate.dev"], "resources": ["modelreleases"], "verbs": ["update"]}),
        );
        let mut wider = rules.clone();
        wider[1]["resources"] = json!(["modelreleases/*"]);
        let mut named = rules.clone();
        named[0]["resourceNames"] = json!(["one"]);
        let mut fewer = rules.clone();
        fewer.as_array_mut().unwrap().pop();
        for (what, rules) in [
            ("more", more),
            ("wider", wider),
            ("named", named),
            ("fewer", fewer),
        ] {
            let problems = check(rules, "riskgate-audit");
            assert!(
                problems.iter().any(|p| p.contains("ClusterRole riskgate-audit must grant exactly: list on riskgate.dev modelreleases; patch on")),
                "{what}: {problems:?}"
            );
        }
        assert!(check(rules, "riskgate-admin")[0].contains("is not one riskgate needs"));
    }

    #[test]
    fn the_lease_role_grants_get_create_and_patch_on_leases_only() {
        let shipped = read_docs(&dir().join("audit-controller/rbac.yaml")).unwrap();
        let role = shipped
            .iter()
            .find(|o| o["kind"] == "Role")
            .unwrap()
            .clone();
        let mut problems = Vec::new();
        check_object("audit-controller/rbac.yaml", &role, &mut problems);
        assert_eq!(problems, Vec::<String>::new());
        let mut wider = role.clone();
        wider["rules"][0]["verbs"] = json!(["get", "create", "patch", "delete"]);
        let mut problems = Vec::new();
        check_object("audit-controller/rbac.yaml", &wider, &mut problems);
        assert!(
            problems.iter().any(|p| p.contains("Role riskgate-audit-lease must grant exactly: get, create, patch on coordination.k8s.io leases")),
            "{problems:?}"
        );
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
