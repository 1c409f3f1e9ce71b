//! The audit: every `ModelRelease` in the cluster re-evaluated at the
//! `audit` enforcement point, with its result written where Kubernetes
//! users look — the release's `status` (conditions `Compliant` and
//! `Admitted`, failing controls, waivers in force, `nextReview`), a
//! policy report per release ([`report`]) and an Event when compliance
//! changes.
//!
//! Layout: [`evaluate`] (one release → its audit and next change, pure),
//! [`status`] and [`report`] (audit → objects, pure), [`run`] (list,
//! write; the only I/O). [`audit_once`] is `riskgate audit`: one pass
//! against the cluster a kubeconfig names; [`cluster_manifests`] is
//! `riskgate report --from-cluster`: the same list, as manifests.

pub mod controller;
pub mod evaluate;
pub mod report;
pub mod run;
pub mod schedule;
pub mod status;

use std::path::PathBuf;

use anyhow::Context as _;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

pub use run::{AuditSettings, Audited, FIELD_MANAGER};

use crate::Policies;

/// How a one-shot command reaches its cluster.
#[derive(Debug, Clone, Default)]
pub struct ClusterAccess {
    /// The kubeconfig file; `None`: `$KUBECONFIG`, `~/.kube/config`, else
    /// the in-cluster service account (as kubectl looks).
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context; `None`: its current context.
    pub context: Option<String>,
}

/// Where the one-shot audit finds its cluster and policies.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// The cluster.
    pub cluster: ClusterAccess,
    /// Policy directories (empty: the embedded standard library).
    pub policy_dirs: Vec<PathBuf>,
    /// Overlay file.
    pub overlay: Option<PathBuf>,
    /// What the pass does.
    pub settings: AuditSettings,
}

/// The result of one pass.
#[derive(Debug, Clone)]
pub struct AuditRun {
    /// The policy version audited against.
    pub policy_version: String,
    /// `embedded stdlib` or the policy directories.
    pub policy_source: String,
    /// Every release, by namespace then name.
    pub releases: Vec<Audited>,
}

/// One audit pass: loads the policies, connects, lists, audits, writes.
///
/// # Errors
/// When the policies do not compile, the kubeconfig does not load, or
/// the releases cannot be listed. A failed write is not an error: it is
/// recorded on its release.
pub fn audit_once(options: &AuditOptions) -> anyhow::Result<AuditRun> {
    let policies = Policies::load(&options.policy_dirs, options.overlay.as_deref())?;
    runtime()?.block_on(async {
        let client = client(&options.cluster).await?;
        let releases = run::list_releases(&client, options.settings.namespace.as_deref()).await?;
        let mut releases = run::evaluate_all(&releases, &policies, &options.settings);
        let recorder = run::recorder(&client, &options.settings, std::env::var("HOSTNAME").ok());
        run::write_all(&client, recorder.as_ref(), &mut releases, &options.settings).await;
        Ok(AuditRun {
            policy_version: policies.version.clone(),
            policy_source: policies.source.clone(),
            releases,
        })
    })
}

/// One cluster release as a manifest: its source name
/// (`cluster:NAMESPACE/NAME`, as the audit names it) and the release as
/// admission sees it (no `status`, no server-set metadata).
#[derive(Debug, Clone)]
pub struct ClusterManifest {
    /// `cluster:NAMESPACE/NAME`.
    pub source: String,
    /// The release.
    pub manifest: serde_json::Value,
}

/// Every `ModelRelease` in `namespace` (`None`: all), by namespace then
/// name, as manifests for `riskgate report --from-cluster`.
///
/// # Errors
/// When the kubeconfig does not load or the releases cannot be listed.
pub fn cluster_manifests(
    cluster: &ClusterAccess,
    namespace: Option<&str>,
) -> anyhow::Result<Vec<ClusterManifest>> {
    let releases = runtime()?.block_on(async {
        let client = client(cluster).await?;
        run::list_releases(&client, namespace).await
    })?;
    Ok(releases
        .iter()
        .map(|object| ClusterManifest {
            source: evaluate::source_name(object),
            manifest: crate::decide::release(object),
        })
        .collect())
}

/// A runtime for one command's requests.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    crate::install_crypto_provider();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// The client for the kubeconfig (or kube's inference).
async fn client(options: &ClusterAccess) -> anyhow::Result<Client> {
    let kube_options = KubeConfigOptions {
        context: options.context.clone(),
        ..KubeConfigOptions::default()
    };
    let config = match &options.kubeconfig {
        Some(path) => {
            let file = Kubeconfig::read_from(path)
                .with_context(|| format!("--kubeconfig {}: cannot read", path.display()))?;
            Config::from_custom_kubeconfig(file, &kube_options)
                .await
                .with_context(|| format!("--kubeconfig {}", path.display()))?
        }
        None if options.context.is_some() => Config::from_kubeconfig(&kube_options)
            .await
            .context("reading the kubeconfig ($KUBECONFIG or ~/.kube/config)")?,
        None => Config::infer()
            .await
            .context("no cluster: pass --kubeconfig, set $KUBECONFIG, or run in a cluster")?,
    };
    Client::try_from(config).context("configuring the API client")
}

#[cfg(test)]
mod tests {
    use kube::core::DynamicObject;
    use serde_json::Value;

    use super::evaluate::audit_release;
    use super::report::{ReportApi, report, report_name};
    use super::status::{schema, status};
    use crate::Policies;

    /// 2026-10-01T00:00:00Z, the clock the examples are written for.
    const NOW: i64 = 1_790_812_800 * 1_000_000_000;

    fn example(file: &str) -> DynamicObject {
        let path = format!(
            "{}/../examples/manifests/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        let value: Value =
            serde_json::to_value(serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text).unwrap())
                .unwrap();
        serde_json::from_value(value).unwrap()
    }

    /// Fields of `value` its structural `schema` does not declare: the
    /// API server would prune them without a word.
    fn undeclared(value: &Value, schema: &Value, at: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    match schema.pointer(&format!("/properties/{key}")) {
                        Some(field) => undeclared(item, field, &format!("{at}.{key}"), out),
                        None => out.push(format!("{at}.{key}")),
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    undeclared(item, &schema["items"], &format!("{at}[]"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_status_field_is_in_the_crd_schema() {
        let policies = Policies::load(&[], None).unwrap();
        for file in ["support-chatbot-fail.yaml", "credit-scorer-pass.yaml"] {
            let audit = audit_release(&example(file), &policies, None, NOW);
            let written = status(&audit, &policies.version, NOW);
            let mut missing = Vec::new();
            undeclared(&written, &schema(), "status", &mut missing);
            assert!(missing.is_empty(), "{file}: {missing:?}");
        }
    }

    #[test]
    fn reports_are_capped_but_their_summary_counts_every_control() {
        let policies = Policies::load(&[], None).unwrap();
        let audit = audit_release(&example("support-chatbot-fail.yaml"), &policies, None, NOW);
        let full = report(&audit, ReportApi::Openreports, NOW, 1000);
        let capped = report(&audit, ReportApi::Openreports, NOW, 2);
        let listed = full["results"].as_array().unwrap().len();
        assert!(listed > 2, "{listed}");
        assert_eq!(capped["results"].as_array().unwrap().len(), 2);
        assert_eq!(capped["summary"], full["summary"]);
        // Failing results come first.
        assert_eq!(capped["results"][0]["result"], "fail");
        assert_eq!(capped["configuration"]["limits"]["maxResults"], 2);
    }

    #[test]
    fn long_release_names_give_distinct_valid_report_names() {
        let a = report_name(&format!("{}a", "m".repeat(260)));
        let b = report_name(&format!("{}b", "m".repeat(260)));
        assert!(a.len() <= 253 && b.len() <= 253, "{} {}", a.len(), b.len());
        assert_ne!(a, b);
        assert_eq!(report_name("fraud-v3"), "riskgate-fraud-v3");
    }
}
