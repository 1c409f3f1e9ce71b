//! What an importer produces: the parts of a manifest it found, in a
//! stable order, with provenance on every evaluation and document.

use std::collections::BTreeMap;

use riskgate_controls::manifest::{
    Approval, Component, Dataset, Document, Evaluation, IntendedUse,
};
use serde_json::{Map, Value, json};

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

    /// The fragment as the `spec` of a manifest (JSON), without empty
    /// fields.
    #[must_use]
    pub fn spec_json(&self) -> Value {
        let mut spec = Map::new();
        insert_list(&mut spec, "evaluations", &self.evaluations);
        insert_list(&mut spec, "documents", &self.documents);
        insert_list(&mut spec, "approvals", &self.approvals);
        if let Some(intended_use) = &self.intended_use {
            spec.insert("intended_use".to_owned(), to_pruned(intended_use));
        }
        if !self.datasets.is_empty() {
            spec.insert(
                "data".to_owned(),
                json!({ "datasets": to_pruned(&self.datasets) }),
            );
        }
        let mut supply_chain = Map::new();
        if let Some(aibom_ref) = &self.aibom_ref {
            supply_chain.insert("aibom_ref".to_owned(), Value::String(aibom_ref.clone()));
        }
        insert_list(&mut supply_chain, "components", &self.components);
        if !supply_chain.is_empty() {
            spec.insert("supply_chain".to_owned(), Value::Object(supply_chain));
        }
        Value::Object(spec)
    }

    /// The fragment as a whole `ModelRelease` document named `name`.
    #[must_use]
    pub fn manifest_json(&self, name: &str) -> Value {
        let mut metadata = Map::new();
        metadata.insert("name".to_owned(), Value::String(name.to_owned()));
        if !self.annotations.is_empty() {
            metadata.insert("annotations".to_owned(), json!(self.annotations));
        }
        json!({
            "apiVersion": riskgate_controls::manifest::API_VERSION,
            "kind": riskgate_controls::manifest::KIND,
            "metadata": metadata,
            "spec": self.spec_json(),
        })
    }
}

/// Inserts `items` under `key` unless the list is empty.
fn insert_list<T: serde::Serialize>(map: &mut Map<String, Value>, key: &str, items: &[T]) {
    if !items.is_empty() {
        map.insert(key.to_owned(), to_pruned(&items));
    }
}

/// `value` as JSON without `null`s and empty lists: the manifest types
/// serialize every absent optional field, which a reader does not want.
pub(crate) fn to_pruned<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    let mut json = serde_json::to_value(value).unwrap_or(Value::Null);
    prune(&mut json);
    json
}

fn prune(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| {
                prune(v);
                !(v.is_null()
                    || v.as_array().is_some_and(Vec::is_empty)
                    || v.as_object().is_some_and(Map::is_empty))
            });
        }
        Value::Array(items) => items.iter_mut().for_each(prune),
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
