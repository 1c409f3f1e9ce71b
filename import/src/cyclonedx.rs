//! CycloneDX 1.5 and 1.6 ML-BOMs: components of type
//! `machine-learning-model` and their `modelCard`
//! (`quantitativeAnalysis.performanceMetrics`, `modelParameters.datasets`,
//! `considerations`). The serde types follow the published
//! `bom-1.6.schema.json` (definitions `component`, `modelCard`,
//! `performanceMetric`, `componentData`, `hash`, `licenseChoice`); fields
//! riskgate does not use are ignored rather than rejected, so newer BOMs
//! still import.

use std::collections::BTreeMap;

use riskgate_controls::manifest::{
    Component as ManifestComponent, Dataset, DatasetRef, Evaluation, IntendedUse, Metric, Slice,
};
use serde::Deserialize;

use crate::ImportError;
use crate::fragment::{Fragment, metric_value};
use crate::source::{ImportContext, SourceFile, Structured, nothing_found};

/// The `kind` recorded in the provenance of CycloneDX evidence.
pub const SOURCE_KIND: &str = "cyclonedx";

/// The spec versions whose `modelCard` this importer reads.
pub const SPEC_VERSIONS: [&str; 2] = ["1.5", "1.6"];

/// The BOM (schema root), only what the importer reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bom {
    /// Always `CycloneDX`.
    pub bom_format: String,
    /// `1.5` or `1.6`.
    pub spec_version: String,
    /// The BOM's components.
    #[serde(default)]
    pub components: Vec<Component>,
}

/// `#/definitions/component`.
#[derive(Debug, Deserialize)]
pub struct Component {
    /// `machine-learning-model`, `data`, `library`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Identifier inside the BOM.
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
    /// Name.
    pub name: String,
    /// Version.
    pub version: Option<String>,
    /// Content hashes.
    #[serde(default)]
    pub hashes: Vec<Hash>,
    /// Licences (`licenseChoice`).
    #[serde(default)]
    pub licenses: Vec<LicenseChoice>,
    /// The model card of an ML model component.
    #[serde(rename = "modelCard")]
    pub model_card: Option<ModelCard>,
    /// Nested components.
    #[serde(default)]
    pub components: Vec<Component>,
}

/// `#/definitions/hash`.
#[derive(Debug, Deserialize)]
pub struct Hash {
    /// `SHA-256`, `SHA-512`, ...
    pub alg: String,
    /// Hex digest.
    pub content: String,
}

/// One entry of `#/definitions/licenseChoice`: a licence or an SPDX expression.
#[derive(Debug, Deserialize)]
pub struct LicenseChoice {
    /// `{id}` or `{name}`.
    pub license: Option<License>,
    /// An SPDX expression.
    pub expression: Option<String>,
}

/// `#/definitions/license`.
#[derive(Debug, Deserialize)]
pub struct License {
    /// SPDX id.
    pub id: Option<String>,
    /// Name, when there is no SPDX id.
    pub name: Option<String>,
}

/// `#/definitions/modelCard`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelCard {
    /// Hyper-parameters, including the datasets.
    pub model_parameters: Option<ModelParameters>,
    /// Performance metrics.
    pub quantitative_analysis: Option<QuantitativeAnalysis>,
    /// Users, use cases and limitations.
    pub considerations: Option<Considerations>,
}

/// `modelCard.modelParameters`.
#[derive(Debug, Deserialize)]
pub struct ModelParameters {
    /// `componentData` entries or `{ref}` references to data components.
    #[serde(default)]
    pub datasets: Vec<DatasetChoice>,
}

/// A dataset: inline `componentData` or a reference.
#[derive(Debug, Deserialize)]
pub struct DatasetChoice {
    /// Reference to a data component's `bom-ref`.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// Name of an inline dataset.
    pub name: Option<String>,
}

/// `modelCard.quantitativeAnalysis`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantitativeAnalysis {
    /// The metrics.
    #[serde(default)]
    pub performance_metrics: Vec<PerformanceMetric>,
}

/// `#/definitions/performanceMetric`; values are strings in the schema.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PerformanceMetric {
    /// Metric type, e.g. `accuracy`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The value (a string).
    pub value: Option<serde_json::Value>,
    /// The slice it was computed on; absent for the overall value.
    pub slice: Option<String>,
    /// Its confidence interval.
    pub confidence_interval: Option<ConfidenceInterval>,
}

/// `performanceMetric.confidenceInterval`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfidenceInterval {
    /// Lower bound (a string).
    pub lower_bound: Option<serde_json::Value>,
    /// Upper bound (a string).
    pub upper_bound: Option<serde_json::Value>,
}

/// `modelCard.considerations`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Considerations {
    /// Intended users.
    #[serde(default)]
    pub users: Vec<String>,
    /// Intended use cases.
    #[serde(default)]
    pub use_cases: Vec<String>,
    /// Known technical limitations.
    #[serde(default)]
    pub technical_limitations: Vec<String>,
}

/// Reads an ML-BOM: each `machine-learning-model` component with
/// performance metrics becomes an evaluation (`cyclonedx:<bom-ref or
/// name>`; a metric's entries without `slice` give its value, those with
/// one its slices; confidence bounds become `<type>_ci_lower` and
/// `_ci_upper`), its datasets become datasets, its considerations the
/// intended use, every component with a version or hash a supply-chain
/// component, and the BOM itself `supply_chain.aibom_ref`.
///
/// # Errors
/// `E6001` for invalid JSON, `E6002` for a BOM that is not CycloneDX
/// 1.5/1.6 or a metric with slices but no overall value, `E6006` when no
/// model component has a model card.
pub fn parse(source: &SourceFile, context: &ImportContext) -> Result<Fragment, ImportError> {
    let file = source.structured()?;
    let bom = file
        .typed::<Bom>("")?
        .ok_or_else(|| nothing_found(source, "BOM"))?;
    if bom.bom_format != "CycloneDX" {
        return Err(file.invalid(
            "/bomFormat",
            format!("`bomFormat` is `{}`, not `CycloneDX`", bom.bom_format),
        ));
    }
    if !SPEC_VERSIONS.contains(&bom.spec_version.as_str()) {
        return Err(file
            .invalid(
                "/specVersion",
                format!(
                    "CycloneDX {} has no model cards riskgate reads",
                    bom.spec_version
                ),
            )
            .with_help("ML-BOMs are CycloneDX 1.5 or 1.6"));
    }
    let provenance = context.source_of(SOURCE_KIND, source);
    let mut fragment = Fragment {
        aibom_ref: Some(source.name.clone()),
        ..Fragment::default()
    };
    let data_names: BTreeMap<&str, &str> = all_components(&bom.components)
        .into_iter()
        .filter(|(_, c)| c.kind == "data")
        .filter_map(|(_, c)| Some((c.bom_ref.as_deref()?, c.name.as_str())))
        .collect();
    for (pointer, component) in all_components(&bom.components) {
        if component.version.is_some() || !component.hashes.is_empty() {
            fragment.components.push(manifest_component(component));
        }
        let Some(card) = &component.model_card else {
            continue;
        };
        if fragment.name.is_none() {
            fragment.name = Some(component.name.clone());
        }
        let datasets: Vec<String> = card
            .model_parameters
            .iter()
            .flat_map(|p| &p.datasets)
            .filter_map(|d| {
                d.name.clone().or_else(|| {
                    d.reference
                        .as_deref()
                        .map(|r| data_names.get(r).map_or(r, |n| *n).to_owned())
                })
            })
            .collect();
        for name in &datasets {
            fragment.datasets.push(Dataset {
                name: name.clone(),
                ..Dataset::default()
            });
        }
        if let Some(considerations) = &card.considerations {
            fragment.intended_use = Some(IntendedUse {
                purpose: (!considerations.use_cases.is_empty())
                    .then(|| considerations.use_cases.join("; ")),
                users: considerations.users.clone(),
                out_of_scope: Vec::new(),
                limitations: considerations.technical_limitations.clone(),
                locales: Vec::new(),
            });
        }
        let metrics_pointer =
            format!("{pointer}/modelCard/quantitativeAnalysis/performanceMetrics");
        let metrics = card
            .quantitative_analysis
            .as_ref()
            .map(|q| q.performance_metrics.as_slice())
            .unwrap_or_default();
        if metrics.is_empty() {
            continue;
        }
        let id = component.bom_ref.as_deref().unwrap_or(&component.name);
        fragment.evaluations.push(Evaluation {
            id: format!("cyclonedx:{id}"),
            suite: Some("model_card".to_owned()),
            dataset: match datasets.as_slice() {
                [only] => Some(DatasetRef {
                    name: Some(only.clone()),
                    version: None,
                    digest: None,
                }),
                _ => None,
            },
            run_at: None,
            artifact_digest: sha256_of(component),
            report_ref: None,
            report_digest: None,
            metrics: performance_metrics(&file, &metrics_pointer, metrics)?,
            source: Some(provenance.clone()),
        });
    }
    if fragment.evaluations.is_empty() && fragment.intended_use.is_none() {
        return Err(nothing_found(source, "model card with performance metrics"));
    }
    fragment.normalise();
    Ok(fragment)
}

/// Every component, nested ones included, with its JSON pointer.
fn all_components(components: &[Component]) -> Vec<(String, &Component)> {
    fn walk<'c>(prefix: &str, components: &'c [Component], out: &mut Vec<(String, &'c Component)>) {
        for (i, component) in components.iter().enumerate() {
            let pointer = format!("{prefix}/components/{i}");
            out.push((pointer.clone(), component));
            walk(&pointer, &component.components, out);
        }
    }
    let mut out = Vec::new();
    walk("", components, &mut out);
    out
}

/// Folds performance metrics into manifest metrics by type.
fn performance_metrics(
    file: &Structured<'_>,
    pointer: &str,
    entries: &[PerformanceMetric],
) -> Result<Vec<Metric>, ImportError> {
    let mut overall: BTreeMap<String, Metric> = BTreeMap::new();
    let mut slices: Vec<(String, usize, Slice)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let at = format!("{pointer}/{i}");
        let kind = entry
            .kind
            .clone()
            .ok_or_else(|| file.invalid(&at, "a performance metric needs a `type`"))?;
        let value = entry.value.as_ref().and_then(metric_value).ok_or_else(|| {
            file.invalid(&at, format!("performance metric `{kind}` has no `value`"))
        })?;
        match &entry.slice {
            Some(slice) => slices.push((
                kind,
                i,
                Slice {
                    // The manifest names slices `attribute=value`; a free-text
                    // slice keeps its text under the `slice` attribute.
                    name: if slice.contains('=') {
                        slice.clone()
                    } else {
                        format!("slice={slice}")
                    },
                    value,
                    n: None,
                },
            )),
            None => {
                if let Some(interval) = &entry.confidence_interval {
                    for (suffix, bound) in [
                        ("ci_lower", &interval.lower_bound),
                        ("ci_upper", &interval.upper_bound),
                    ] {
                        if let Some(bound) = bound.as_ref().and_then(metric_value) {
                            let name = format!("{kind}_{suffix}");
                            overall.insert(
                                name.clone(),
                                Metric {
                                    name,
                                    value: bound,
                                    n: None,
                                    slices: Vec::new(),
                                },
                            );
                        }
                    }
                }
                overall.insert(
                    kind.clone(),
                    Metric {
                        name: kind,
                        value,
                        n: None,
                        slices: Vec::new(),
                    },
                );
            }
        }
    }
    for (kind, i, slice) in slices {
        let Some(metric) = overall.get_mut(&kind) else {
            return Err(file
                .invalid(
                    &format!("{pointer}/{i}"),
                    format!("performance metric `{kind}` has per-slice values but no overall value"),
                )
                .with_help("add an entry of the same `type` without `slice`; riskgate does not derive an overall value from slices"));
        };
        metric.slices.push(slice);
    }
    Ok(overall.into_values().collect())
}

/// The `sha256:` digest of a component, from its `SHA-256` hash.
fn sha256_of(component: &Component) -> Option<String> {
    component
        .hashes
        .iter()
        .find(|h| h.alg.eq_ignore_ascii_case("SHA-256"))
        .map(|h| format!("sha256:{}", h.content.to_ascii_lowercase()))
}

fn manifest_component(component: &Component) -> ManifestComponent {
    let license = component.licenses.iter().find_map(|choice| {
        choice.expression.clone().or_else(|| {
            choice
                .license
                .as_ref()
                .and_then(|l| l.id.clone().or_else(|| l.name.clone()))
        })
    });
    ManifestComponent {
        name: component.name.clone(),
        supplier: None,
        version: component.version.clone(),
        digest: sha256_of(component),
        license,
        vendor_assessment_ref: None,
        kind: component_kind(&component.kind),
    }
}

/// The manifest's component `type` for a CycloneDX component type, where
/// the vocabularies overlap; other types are left unset rather than guessed.
fn component_kind(cyclonedx_type: &str) -> Option<String> {
    match cyclonedx_type {
        "machine-learning-model" => Some("base_model".to_owned()),
        "library" | "framework" => Some("library".to_owned()),
        _ => None,
    }
}
