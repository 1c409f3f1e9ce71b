//! What an importer produces: the parts of a manifest it found, in a
//! stable order, with provenance on every evaluation and document.

use std::collections::BTreeMap;

use riskgate_controls::manifest::{
    Approval, Component, Dataset, Document, Evaluation, IntendedUse,
};
use serde_json::Value;
use serde_yaml_ng::{Mapping, Value as Yaml};

/// Manifest parts read from one evidence source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fragment {
    /// A release name the source suggests (model name), for a new manifest.
    pub name: Option<String>,
    /// Test runs with their metrics (`spec.evaluations`).
    pub evaluations: Vec<Evaluation>,
    /// Documents, such as the model card itself (`spec.documents`).
    pub documents: Vec<Document>,
    /// Datasets named by the source (`spec.data.datasets`).
    pub datasets: Vec<Dataset>,
    /// Base models and other components (`spec.supply_chain.components`).
    pub components: Vec<Component>,
    /// Reference to the AI-BOM imported from (`spec.supply_chain.aibom_ref`).
    pub aibom_ref: Option<String>,
    /// Intended users, uses and limitations (`spec.intended_use`).
    pub intended_use: Option<IntendedUse>,
    /// Approvals *claimed* by the source (registry tags); never signed
    /// records, so they carry no `signature_ref` (`spec.approvals`).
    pub approvals: Vec<Approval>,
    /// Facts with no manifest field (licence, run parameters, tags),
    /// kept as `metadata.annotations`, which no control reads.
    pub annotations: BTreeMap<String, String>,
}

impl Fragment {
    /// Whether nothing was found.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.evaluations.is_empty()
            && self.documents.is_empty()
            && self.datasets.is_empty()
            && self.components.is_empty()
            && self.aibom_ref.is_none()
            && self.intended_use.is_none()
            && self.approvals.is_empty()
    }

    /// Adds what `other` found (another file of the same import).
    pub fn extend(&mut self, other: Fragment) {
        self.name = self.name.take().or(other.name);
        self.evaluations.extend(other.evaluations);
        self.documents.extend(other.documents);
        self.datasets.extend(other.datasets);
        self.components.extend(other.components);
        self.aibom_ref = self.aibom_ref.take().or(other.aibom_ref);
        self.intended_use = self.intended_use.take().or(other.intended_use);
        self.approvals.extend(other.approvals);
        self.annotations.extend(other.annotations);
        self.normalise();
    }

    /// Binds every imported evaluation that names no artifact to `digest`
    /// (`--artifact-digest`): the user vouches that the runs tested that
    /// artifact, which most sources cannot say themselves.
    pub fn bind_artifact(&mut self, digest: &str) {
        for evaluation in &mut self.evaluations {
            if evaluation.artifact_digest.is_none() {
                evaluation.artifact_digest = Some(digest.to_owned());
            }
        }
    }

    /// Sorts every list by its identifying field and makes evaluation ids
    /// unique, so the same source always gives the same manifest.
    pub(crate) fn normalise(&mut self) {
        for evaluation in &mut self.evaluations {
            evaluation.metrics.sort_by(|a, b| a.name.cmp(&b.name));
            for metric in &mut evaluation.metrics {
                metric.slices.sort_by(|a, b| a.name.cmp(&b.name));
            }
        }
        self.evaluations.sort_by(|a, b| a.id.cmp(&b.id));
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for evaluation in &mut self.evaluations {
            let count = seen.entry(evaluation.id.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                evaluation.id = format!("{}-{count}", evaluation.id);
            }
        }
        self.documents
            .sort_by(|a, b| (&a.kind, &a.uri).cmp(&(&b.kind, &b.uri)));
        self.datasets.sort_by(|a, b| a.name.cmp(&b.name));
        self.datasets.dedup_by(|a, b| a.name == b.name);
        self.components.sort_by(|a, b| a.name.cmp(&b.name));
        self.components.dedup_by(|a, b| a.name == b.name);
        self.approvals.sort_by(|a, b| a.role.cmp(&b.role));
    }

    /// The fragment as the `spec` of a manifest, without empty fields, in
    /// the order of the manifest schema.
    #[must_use]
    pub fn spec_value(&self) -> Yaml {
        let mut spec = Mapping::new();
        if let Some(intended_use) = &self.intended_use {
            spec.insert("intended_use".into(), to_pruned(intended_use));
        }
        if !self.datasets.is_empty() {
            let mut data = Mapping::new();
            data.insert("datasets".into(), to_pruned(&self.datasets));
            spec.insert("data".into(), Yaml::Mapping(data));
        }
        insert_list(&mut spec, "evaluations", &self.evaluations);
        insert_list(&mut spec, "approvals", &self.approvals);
        insert_list(&mut spec, "documents", &self.documents);
        let mut supply_chain = Mapping::new();
        if let Some(aibom_ref) = &self.aibom_ref {
            supply_chain.insert("aibom_ref".into(), aibom_ref.as_str().into());
        }
        insert_list(&mut supply_chain, "components", &self.components);
        if !supply_chain.is_empty() {
            spec.insert("supply_chain".into(), Yaml::Mapping(supply_chain));
        }
        Yaml::Mapping(spec)
    }

    /// The fragment as a whole `ModelRelease` document named `name`.
    #[must_use]
    pub fn manifest_value(&self, name: &str) -> Yaml {
        let mut metadata = Mapping::new();
        metadata.insert("name".into(), name.into());
        if !self.annotations.is_empty() {
            metadata.insert("annotations".into(), to_pruned(&self.annotations));
        }
        let mut document = Mapping::new();
        document.insert(
            "apiVersion".into(),
            riskgate_controls::manifest::API_VERSION.into(),
        );
        document.insert("kind".into(), riskgate_controls::manifest::KIND.into());
        document.insert("metadata".into(), Yaml::Mapping(metadata));
        document.insert("spec".into(), self.spec_value());
        Yaml::Mapping(document)
    }
}

/// Inserts `items` under `key` unless the list is empty.
fn insert_list<T: serde::Serialize>(map: &mut Mapping, key: &str, items: &[T]) {
    if !items.is_empty() {
        map.insert(key.into(), to_pruned(&items));
    }
}

/// `value` as YAML in field order, without `null`s and empty lists: the
/// manifest types serialize every absent optional field, which a reader
/// does not want.
pub(crate) fn to_pruned<T: serde::Serialize + ?Sized>(value: &T) -> Yaml {
    let mut yaml = serde_yaml_ng::to_value(value).unwrap_or(Yaml::Null);
    prune(&mut yaml);
    yaml
}

fn prune(value: &mut Yaml) {
    match value {
        Yaml::Mapping(map) => {
            map.retain(|_, v| {
                prune(v);
                !(v.is_null()
                    || v.as_sequence().is_some_and(Vec::is_empty)
                    || v.as_mapping().is_some_and(Mapping::is_empty))
            });
        }
        Yaml::Sequence(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

/// A metric value from a source's JSON: numbers and booleans as they are,
/// strings that are numbers as numbers (model cards often quote them),
/// other strings as text; `None` for lists, objects and `null`.
pub(crate) fn metric_value(value: &Value) -> Option<riskgate_controls::manifest::MetricValue> {
    use riskgate_controls::manifest::MetricValue;
    match value {
        Value::Bool(b) => Some(MetricValue::Bool(*b)),
        Value::Number(n) => n.as_f64().map(MetricValue::Number),
        Value::String(s) => Some(
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map_or_else(|| MetricValue::Text(s.clone()), MetricValue::Number),
        ),
        _ => None,
    }
}
