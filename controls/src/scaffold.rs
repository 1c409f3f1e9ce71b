//! `riskgate init`: a manifest skeleton for a release of a given tier,
//! model kind and use-case flags, holding every field the applicable
//! controls read, each commented with the controls that need it.
//!
//! The skeleton is derived, not written by hand: the seed manifest (name,
//! tier, kind, flags, environment) is checked against the policy set, and
//! every requirement that applies contributes the manifest fields it reads
//! (the policy graph's field edges). So a custom policy set scaffolds its
//! own fields, and the skeleton never drifts from the controls.
//!
//! INVARIANTS: the skeleton loads without errors (placeholders are `~`,
//! `[]` or commented-out entries, never made-up evidence), so `riskgate
//! check` on it explains, field by field, what is missing; nothing in it
//! passes a requirement that the seed alone did not pass.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use riskgate_dsl::ast::RequirementKind;
use riskgate_engine::value::Value;
use serde_json::Value as Json;

use crate::manifest::schema_nav;
use crate::spec::{FieldValue, RequirementSpec};
use crate::trace::Status;
use crate::{CheckOptions, ManifestInput, PolicySet};

/// What the skeleton is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaffoldRequest {
    /// `metadata.name` and `spec.identity.model_id`.
    pub name: String,
    /// `low`, `medium`, `high` or `critical`.
    pub tier: String,
    /// `predictive`, `llm` or `agent`.
    pub kind: String,
    /// Use-case flags (`credit_decision`, `eu_market`, ...).
    pub flags: Vec<String>,
    /// `spec.deployment.environment`, e.g. `production`.
    pub environment: Option<String>,
}

/// Who needs a field: `C-GOV-03 release_signoff_high`, with the expected
/// value when the requirement states one.
type Needs = BTreeSet<String>;

#[derive(Default)]
struct Wanted {
    tier: String,
    fields: BTreeMap<String, Needs>,
    metrics: BTreeMap<String, Needs>,
    monitors: BTreeMap<String, Needs>,
    approvals: BTreeMap<String, Needs>,
    documents: BTreeMap<String, Needs>,
    controls: usize,
}

/// The skeleton as YAML text.
#[must_use]
pub fn scaffold(set: &PolicySet, request: &ScaffoldRequest, options: &CheckOptions) -> String {
    let seed = seed(request);
    let value = Value::from_json(&seed);
    let trace = set.check(&ManifestInput::new("scaffold", 0, &value), options);
    let mut wanted = Wanted {
        tier: request.tier.clone(),
        ..Wanted::default()
    };
    for control in &trace.controls {
        if control.status == Status::NotApplicable {
            continue;
        }
        let Some(spec) = set.controls().control(&control.id) else {
            continue;
        };
        wanted.controls += 1;
        for requirement in &control.requirements {
            if requirement.status == Status::NotApplicable {
                continue;
            }
            let Some(declared) = spec.requirements.iter().find(|r| r.id == requirement.id) else {
                continue;
            };
            let need = format!("{} {}", control.id, requirement.id);
            for field in crate::graph::fields_of(declared) {
                wanted.add(&field, need.clone(), declared);
            }
        }
    }
    render(request, &wanted)
}

fn seed(request: &ScaffoldRequest) -> Json {
    let mut spec = serde_json::Map::new();
    spec.insert(
        "identity".into(),
        serde_json::json!({"model_id": request.name}),
    );
    spec.insert(
        "classification".into(),
        serde_json::json!({
            "risk_tier": request.tier,
            "model_kind": request.kind,
            "flags": request.flags,
        }),
    );
    if let Some(environment) = &request.environment {
        spec.insert(
            "deployment".into(),
            serde_json::json!({"environment": environment}),
        );
    }
    serde_json::json!({
        "apiVersion": "riskgate.dev/v1alpha1",
        "kind": "ModelRelease",
        "metadata": {"name": request.name},
        "spec": spec,
    })
}

impl Wanted {
    fn add(&mut self, field: &str, need: String, requirement: &RequirementSpec) {
        let keyed = |prefix: &str| {
            field
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(']'))
                .map(str::to_owned)
        };
        if let Some(metric) = field.strip_prefix("spec.evaluations[].metrics.") {
            let need = match expectation(requirement, &self.tier) {
                Some(expected) => format!("{need}: {expected}"),
                None => need,
            };
            self.metrics
                .entry(metric.to_owned())
                .or_default()
                .insert(need);
        } else if let Some(metric) = keyed("spec.monitors[metric=") {
            self.monitors.entry(metric).or_default().insert(need);
        } else if let Some(role) = keyed("spec.approvals[role=") {
            self.approvals.entry(role).or_default().insert(need);
        } else if let Some(kind) = keyed("spec.documents[kind=") {
            self.documents.entry(kind).or_default().insert(need);
        } else if requirement.kind != RequirementKind::Approval || field != "spec.approvals" {
            self.fields
                .entry(field.to_owned())
                .or_default()
                .insert(need);
        }
    }
}

/// `>= 0.7` for a test with a constant operator and threshold; a
/// threshold by tier (`{"high": 0.05, "default": 0.1}`) shows this tier's.
fn expectation(requirement: &RequirementSpec, tier: &str) -> Option<String> {
    let constant = |name: &str| match requirement.fields.get(name).map(|f| &f.value) {
        Some(FieldValue::Const(value)) => Some(value.clone()),
        _ => None,
    };
    let op = constant("op")?;
    let threshold = constant("threshold")?;
    let threshold = match &threshold {
        Value::Object(_) => crate::view::get(&threshold, tier)
            .or_else(|| crate::view::get(&threshold, "default"))?
            .clone(),
        _ => threshold,
    };
    Some(format!("{} {threshold}", op.as_str()?))
}

/// Sections the skeleton lists first, in the order a reader fills them.
const SECTION_ORDER: [&str; 14] = [
    "identity",
    "classification",
    "ownership",
    "intended_use",
    "methodology",
    "data",
    "evaluations",
    "validation",
    "monitors",
    "approvals",
    "documents",
    "deployment",
    "rollback",
    "oversight",
];

/// A mapping of the skeleton: children by key, and who needs a leaf.
#[derive(Default, Clone)]
struct Tree {
    children: BTreeMap<String, Tree>,
    needs: Needs,
}

impl Tree {
    fn insert(&mut self, path: &[&str], needs: &Needs) {
        match path.split_first() {
            None => self.needs.extend(needs.iter().cloned()),
            Some((first, rest)) => self
                .children
                .entry((*first).to_owned())
                .or_default()
                .insert(rest, needs),
        }
    }
}

fn render(request: &ScaffoldRequest, wanted: &Wanted) -> String {
    let root = crate::manifest::schema();
    let mut spec = Tree::default();
    for (field, needs) in &wanted.fields {
        let Some(path) = field.strip_prefix("spec.") else {
            continue;
        };
        let segments: Vec<&str> = path.split('.').collect();
        spec.insert(&segments, needs);
    }
    for section in ["evaluations", "monitors", "approvals", "documents"] {
        spec.children.remove(section);
    }
    let mut out = String::new();
    let flags = if request.flags.is_empty() {
        "no flags".to_owned()
    } else {
        request.flags.join(", ")
    };
    let _ = writeln!(
        out,
        "# ModelRelease skeleton: {} tier, {} model, {flags}.\n\
         # {} controls apply. Fill in every `~` and `[]`, uncomment the entries\n\
         # you have evidence for, then run `riskgate check` on this file: it\n\
         # explains field by field what is still missing. Comments name the\n\
         # controls and requirements that read each field.",
        request.tier, request.kind, wanted.controls
    );
    let _ = writeln!(out, "apiVersion: riskgate.dev/v1alpha1\nkind: ModelRelease");
    let _ = writeln!(out, "metadata:\n  name: {}", yaml_text(&request.name));
    out.push_str("spec:\n");
    let mut sections: Vec<&str> = SECTION_ORDER.to_vec();
    for key in spec.children.keys() {
        if !sections.contains(&key.as_str()) {
            sections.push(key);
        }
    }
    for section in sections {
        match section {
            "identity" => {
                let _ = writeln!(
                    out,
                    "  identity:\n    model_id: {}",
                    yaml_text(&request.name)
                );
                if let Some(tree) = spec.children.get("identity") {
                    render_children(
                        &mut out,
                        root,
                        &["spec", "identity"],
                        tree,
                        2,
                        &["model_id"],
                    );
                }
            }
            "classification" => {
                let _ = writeln!(
                    out,
                    "  classification:\n    risk_tier: {}\n    model_kind: {}\n    flags: [{}]",
                    request.tier,
                    request.kind,
                    request.flags.join(", ")
                );
                if let Some(tree) = spec.children.get("classification") {
                    let skip = ["risk_tier", "model_kind", "flags"];
                    render_children(&mut out, root, &["spec", "classification"], tree, 2, &skip);
                }
            }
            "evaluations" => render_evaluations(&mut out, &wanted.metrics),
            "monitors" => render_monitors(&mut out, &wanted.monitors),
            "approvals" => render_approvals(&mut out, &wanted.approvals),
            "documents" => render_documents(&mut out, &wanted.documents),
            "deployment" => {
                let tree = spec.children.get("deployment");
                if tree.is_none() && request.environment.is_none() {
                    continue;
                }
                out.push_str("  deployment:\n");
                if let Some(environment) = &request.environment {
                    let _ = writeln!(out, "    environment: {}", yaml_text(environment));
                }
                if let Some(tree) = tree {
                    render_children(
                        &mut out,
                        root,
                        &["spec", "deployment"],
                        tree,
                        2,
                        &["environment"],
                    );
                }
            }
            other => {
                if let Some(tree) = spec.children.get(other) {
                    render_node(&mut out, root, &["spec"], other, tree, 1);
                }
            }
        }
    }
    out
}

fn render_children(
    out: &mut String,
    root: &Json,
    path: &[&str],
    tree: &Tree,
    depth: usize,
    skip: &[&str],
) {
    for (key, child) in &tree.children {
        if !skip.contains(&key.as_str()) {
            render_node(out, root, path, key, child, depth);
        }
    }
}

fn render_node(
    out: &mut String,
    root: &Json,
    parent: &[&str],
    key: &str,
    tree: &Tree,
    depth: usize,
) {
    let indent = "  ".repeat(depth);
    let mut path = parent.to_vec();
    path.push(key);
    let node = schema_nav::field_at(root, &path);
    let comment = comment(root, node, &tree.needs);
    // A record a control needs as a whole (a person, say) is shown with
    // all its fields, so the reader sees what to write.
    let fields = if tree.needs.is_empty() {
        Vec::new()
    } else {
        schema_nav::fields_at(root, &path)
    };
    let is_record = node
        .map(|n| schema_nav::value_schema(root, n))
        .is_some_and(|s| s.get("type").and_then(Json::as_str) == Some("object"));
    if !tree.children.is_empty() || (is_record && !fields.is_empty()) {
        let mut expanded = tree.clone();
        for (name, _) in &fields {
            expanded.children.entry((*name).to_owned()).or_default();
        }
        let _ = writeln!(out, "{indent}{key}:{comment}");
        render_children(out, root, &path, &expanded, depth + 1, &[]);
        return;
    }
    let placeholder = match node.map(|n| schema_nav::value_schema(root, n)) {
        Some(schema) => match schema.get("type").and_then(Json::as_str) {
            Some("array") => "[]",
            Some("object") => "{}",
            _ => "~",
        },
        None => "~",
    };
    let _ = writeln!(out, "{indent}{key}: {placeholder}{comment}");
}

/// `  # <what the field is> (C-X req, ...)`.
fn comment(root: &Json, node: Option<&Json>, needs: &Needs) -> String {
    let description = node.and_then(|n| {
        n.get("description")
            .or_else(|| schema_nav::value_schema(root, n).get("description"))
            .and_then(Json::as_str)
    });
    let what = description.map(summary);
    // A description that already names its control need not repeat it.
    let needs: Needs = needs
        .iter()
        .filter(|n| {
            let id = n.split_whitespace().next().unwrap_or_default();
            !description.is_some_and(|d| d.contains(id))
        })
        .cloned()
        .collect();
    let who = controls_of(&needs);
    match (what, who.is_empty()) {
        (Some(what), false) => format!("  # {what} ({who})"),
        (Some(what), true) => format!("  # {what}"),
        (None, false) => format!("  # ({who})"),
        (None, true) => String::new(),
    }
}

/// The control ids among `needs`, at most four, then a count.
fn controls_of(needs: &Needs) -> String {
    let ids: BTreeSet<&str> = needs
        .iter()
        .filter_map(|n| n.split_whitespace().next())
        .collect();
    let shown: Vec<&str> = ids.iter().take(4).copied().collect();
    let more = ids.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The first paragraph of a description, on one line, cut at a word
/// boundary after [`MAX_DESCRIPTION`] characters.
fn summary(text: &str) -> String {
    let paragraph = text.split("\n\n").next().unwrap_or(text);
    let line = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= MAX_DESCRIPTION {
        return line;
    }
    let mut cut = String::new();
    for word in line.split(' ') {
        if cut.chars().count() + word.chars().count() + 1 > MAX_DESCRIPTION {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    cut.push('…');
    cut
}

/// Characters of a field description shown in its comment.
const MAX_DESCRIPTION: usize = 90;

fn render_evaluations(out: &mut String, metrics: &BTreeMap<String, Needs>) {
    if metrics.is_empty() {
        return;
    }
    out.push_str(
        "  # One entry per test run, bound to the artifact it tested. Report the\n  \
         # metrics below in the run that produced them (uncomment and fill in).\n  \
         evaluations:\n    - id: run-1  # rename, e.g. performance-2026q4\n      suite: ~  # e.g. performance, fairness, red_team\n      \
         dataset: {name: ~, version: ~, digest: ~}\n      run_at: ~  # RFC 3339, e.g. 2026-10-01T12:00:00Z\n      \
         artifact_digest: ~  # must equal spec.identity.artifact.digest\n      report_ref: ~\n      metrics: []\n",
    );
    for (metric, needs) in metrics {
        let _ = writeln!(
            out,
            "      # - {{name: {metric}, value: ~}}  # {}",
            needs_text(needs)
        );
    }
}

fn render_monitors(out: &mut String, monitors: &BTreeMap<String, Needs>) {
    if monitors.is_empty() {
        return;
    }
    out.push_str("  monitors:\n");
    for (metric, needs) in monitors {
        let _ = writeln!(
            out,
            "    - id: {metric}  # {}\n      metric: {metric}\n      alert_op: ~  # e.g. >=\n      \
             alert_threshold: ~\n      cadence: ~  # daily, weekly, ...\n      owner: ~\n      channel: ~\n      \
             last_run_at: ~  # the last successful run (heartbeat)",
            needs_text(needs)
        );
    }
}

fn render_approvals(out: &mut String, approvals: &BTreeMap<String, Needs>) {
    if approvals.is_empty() {
        return;
    }
    out.push_str(
        "  # Sign-offs by the people holding these roles (not the model's authors),\n  \
         # each bound to the artifact digest. Uncomment once given.\n  approvals: []\n",
    );
    for (role, needs) in approvals {
        let _ = writeln!(
            out,
            "  # - {{role: {role}, by: {{name: ~, email: ~}}, at: ~, decision: approve, artifact_digest: ~}}  # {}",
            needs_text(needs)
        );
    }
}

fn render_documents(out: &mut String, documents: &BTreeMap<String, Needs>) {
    if documents.is_empty() {
        return;
    }
    out.push_str("  documents:\n");
    for (kind, needs) in documents {
        let _ = writeln!(
            out,
            "    - {{kind: {kind}, uri: ~, digest: ~, approved_at: ~}}  # {}",
            needs_text(needs)
        );
    }
}

/// The needs of one entry, at most three, then a count.
fn needs_text(needs: &Needs) -> String {
    let shown: Vec<&str> = needs.iter().take(3).map(String::as_str).collect();
    let more = needs.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{}; and {more} more", shown.join("; "))
    } else {
        shown.join("; ")
    }
}

/// A YAML scalar for free text: quoted unless plainly safe.
fn yaml_text(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}
