//! The risk → control → requirement → manifest-field graph of a policy
//! set, its renderings (DOT, Mermaid, JSON) and its coverage gaps.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use riskgate_dsl::ast::RequirementKind;
use serde::Serialize;

use crate::{ControlSet, FieldValue};
use riskgate_engine::value::Value;

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A declared risk.
    Risk,
    /// A control.
    Control,
    /// A requirement of a control.
    Requirement,
    /// A manifest field a requirement reads.
    Field,
}

/// A node of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// A unique id: the risk or control id, `CONTROL/requirement`, or the
    /// field path.
    pub id: String,
    /// What to show.
    pub label: String,
    /// The risk family (risks) or `family` of the control, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

/// The policy graph. Edges point from risks to the controls mitigating
/// them, from controls to their requirements, and from requirements to the
/// manifest fields they read.
#[derive(Debug, Clone)]
pub struct PolicyGraph {
    graph: DiGraph<Node, ()>,
    ids: BTreeMap<(NodeKind, String), NodeIndex>,
}

/// Taxonomy coverage gaps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Gaps {
    /// Risks no control mitigates.
    pub risks_without_controls: Vec<String>,
    /// Controls that mitigate no risk.
    pub controls_without_risks: Vec<String>,
    /// Risk families none of whose controls is tested.
    pub families_without_tests: Vec<String>,
    /// Controls no test mentions.
    pub controls_without_tests: Vec<String>,
}

impl Gaps {
    /// Whether there is any gap.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.risks_without_controls.is_empty()
            && self.controls_without_risks.is_empty()
            && self.families_without_tests.is_empty()
            && self.controls_without_tests.is_empty()
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        other => other.to_string(),
    }
}

impl PolicyGraph {
    /// Builds the graph of a control set.
    #[must_use]
    pub fn build(set: &ControlSet) -> Self {
        let mut graph = Self {
            graph: DiGraph::new(),
            ids: BTreeMap::new(),
        };
        for risk in set.risks.values() {
            graph.node(NodeKind::Risk, &risk.id, &risk.title, Some(&risk.family));
        }
        for control in &set.controls {
            let c = graph.node(
                NodeKind::Control,
                &control.id,
                &control.title,
                control.docs.get("family").map(String::as_str),
            );
            for risk in &control.mitigates {
                let r = graph.node(NodeKind::Risk, risk, risk, None);
                graph.graph.update_edge(r, c, ());
            }
            for requirement in &control.requirements {
                let id = format!("{}/{}", control.id, requirement.id);
                let label = format!("{} {}", requirement.kind.as_str(), requirement.id);
                let q = graph.node(NodeKind::Requirement, &id, &label, None);
                graph.graph.update_edge(c, q, ());
                for field in fields_of(requirement) {
                    let f = graph.node(NodeKind::Field, &field, &field, None);
                    graph.graph.update_edge(q, f, ());
                }
            }
            if !control.violations.is_empty() {
                let id = format!("{}/violation", control.id);
                let q = graph.node(NodeKind::Requirement, &id, "violation rules", None);
                graph.graph.update_edge(c, q, ());
            }
        }
        graph
    }

    fn node(&mut self, kind: NodeKind, id: &str, label: &str, family: Option<&str>) -> NodeIndex {
        if let Some(index) = self.ids.get(&(kind, id.to_owned())) {
            return *index;
        }
        let index = self.graph.add_node(Node {
            kind,
            id: id.to_owned(),
            label: label.to_owned(),
            family: family.map(str::to_owned),
        });
        self.ids.insert((kind, id.to_owned()), index);
        index
    }

    /// Nodes in a stable order (kind, then id).
    #[must_use]
    pub fn nodes(&self) -> Vec<&Node> {
        self.ids
            .values()
            .filter_map(|i| self.graph.node_weight(*i))
            .collect()
    }

    /// Edges as (from id, to id) pairs in a stable order.
    #[must_use]
    pub fn edges(&self) -> Vec<(&Node, &Node)> {
        let mut edges: Vec<(&Node, &Node)> = self
            .graph
            .edge_indices()
            .filter_map(|e| self.graph.edge_endpoints(e))
            .filter_map(|(a, b)| Some((self.graph.node_weight(a)?, self.graph.node_weight(b)?)))
            .collect();
        edges.sort_by(|(a1, b1), (a2, b2)| {
            (a1.kind, &a1.id, b1.kind, &b1.id).cmp(&(a2.kind, &a2.id, b2.kind, &b2.id))
        });
        edges
    }

    /// Coverage gaps; `tested` says whether a control id has tests.
    #[must_use]
    pub fn gaps(&self, tested: &dyn Fn(&str) -> bool) -> Gaps {
        let mut gaps = Gaps::default();
        let mut family_tested: BTreeMap<String, bool> = BTreeMap::new();
        for ((kind, id), index) in &self.ids {
            match kind {
                NodeKind::Risk => {
                    let controls: Vec<&Node> = self
                        .graph
                        .neighbors_directed(*index, Direction::Outgoing)
                        .filter_map(|n| self.graph.node_weight(n))
                        .collect();
                    if controls.is_empty() {
                        gaps.risks_without_controls.push(id.clone());
                    }
                    let family = self
                        .graph
                        .node_weight(*index)
                        .and_then(|n| n.family.clone())
                        .unwrap_or_else(|| id.split('.').next().unwrap_or_default().to_owned());
                    let any = controls.iter().any(|c| tested(&c.id));
                    *family_tested.entry(family).or_insert(false) |= any;
                }
                NodeKind::Control => {
                    let risks = self
                        .graph
                        .neighbors_directed(*index, Direction::Incoming)
                        .count();
                    if risks == 0 {
                        gaps.controls_without_risks.push(id.clone());
                    }
                    if !tested(id) {
                        gaps.controls_without_tests.push(id.clone());
                    }
                }
                NodeKind::Requirement | NodeKind::Field => {}
            }
        }
        gaps.families_without_tests = family_tested
            .into_iter()
            .filter(|(_, t)| !t)
            .map(|(f, _)| f)
            .collect();
        gaps
    }

    /// Graphviz DOT.
    #[must_use]
    pub fn to_dot(&self) -> String {
        let mut out =
            String::from("digraph riskgate {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        let names = self.short_names();
        for node in self.nodes() {
            let shape = match node.kind {
                NodeKind::Risk => "shape=box, style=\"rounded,filled\", fillcolor=\"#fde2e2\"",
                NodeKind::Control => "shape=box, style=filled, fillcolor=\"#e2ecfd\"",
                NodeKind::Requirement => "shape=ellipse",
                NodeKind::Field => "shape=note",
            };
            let label = if node.kind == NodeKind::Control || node.kind == NodeKind::Risk {
                format!("{}\\n{}", dot_escape(&node.id), dot_escape(&node.label))
            } else {
                dot_escape(&node.label)
            };
            out.push_str(&format!(
                "  {} [label=\"{label}\", {shape}];\n",
                short_name(&names, node)
            ));
        }
        for (a, b) in self.edges() {
            out.push_str(&format!(
                "  {} -> {};\n",
                short_name(&names, a),
                short_name(&names, b)
            ));
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart.
    #[must_use]
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        let names = self.short_names();
        for node in self.nodes() {
            let name = short_name(&names, node);
            let label = match node.kind {
                NodeKind::Risk | NodeKind::Control if node.label != node.id => {
                    format!(
                        "{}<br/>{}",
                        mermaid_escape(&node.id),
                        mermaid_escape(&node.label)
                    )
                }
                _ => mermaid_escape(&node.label),
            };
            let shape = match node.kind {
                NodeKind::Risk => format!("{name}([\"{label}\"])"),
                NodeKind::Control => format!("{name}[\"{label}\"]"),
                NodeKind::Requirement => format!("{name}(\"{label}\")"),
                NodeKind::Field => format!("{name}[/\"{label}\"/]"),
            };
            out.push_str(&format!("  {shape}\n"));
        }
        for (a, b) in self.edges() {
            out.push_str(&format!(
                "  {} --> {}\n",
                short_name(&names, a),
                short_name(&names, b)
            ));
        }
        out.push_str("  classDef risk fill:#fde2e2,stroke:#c0392b\n  classDef control fill:#e2ecfd,stroke:#2c3e90\n");
        for (kind, class) in [(NodeKind::Risk, "risk"), (NodeKind::Control, "control")] {
            let members: Vec<&str> = self
                .ids
                .keys()
                .filter(|(k, _)| *k == kind)
                .filter_map(|key| names.get(key).map(String::as_str))
                .collect();
            if !members.is_empty() {
                out.push_str(&format!("  class {} {class}\n", members.join(",")));
            }
        }
        out
    }

    /// JSON: `{"nodes": [...], "edges": [{"from", "to"}]}`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let edges: Vec<serde_json::Value> = self
            .edges()
            .into_iter()
            .map(|(a, b)| {
                serde_json::json!({
                    "from": {"kind": a.kind, "id": a.id},
                    "to": {"kind": b.kind, "id": b.id},
                })
            })
            .collect();
        serde_json::json!({ "nodes": self.nodes(), "edges": edges })
    }

    /// Short identifiers for DOT and Mermaid (`r1`, `c1`, `q1`, `f1`), in
    /// id order per kind.
    fn short_names(&self) -> BTreeMap<(NodeKind, String), String> {
        let mut counters: BTreeMap<NodeKind, usize> = BTreeMap::new();
        self.ids
            .keys()
            .map(|(kind, id)| {
                let n = counters.entry(*kind).or_insert(0);
                *n += 1;
                let prefix = match kind {
                    NodeKind::Risk => "r",
                    NodeKind::Control => "c",
                    NodeKind::Requirement => "q",
                    NodeKind::Field => "f",
                };
                ((*kind, id.clone()), format!("{prefix}{n}"))
            })
            .collect()
    }
}

/// The manifest fields a requirement reads.
pub(crate) fn fields_of(requirement: &crate::RequirementSpec) -> Vec<String> {
    let constant = |name: &str| match requirement.fields.get(name).map(|f| &f.value) {
        Some(FieldValue::Const(value)) => Some(value.clone()),
        _ => None,
    };
    match requirement.kind {
        RequirementKind::Test => {
            if requirement.fields.contains_key("value") {
                return requirement.derived_from.clone();
            }
            constant("metric")
                .map(|m| vec![format!("spec.evaluations[].metrics.{}", text(&m))])
                .unwrap_or_default()
        }
        RequirementKind::Monitor => constant("metric")
            .map(|m| vec![format!("spec.monitors[metric={}]", text(&m))])
            .unwrap_or_default(),
        RequirementKind::Approval => match constant("roles") {
            Some(Value::Array(roles)) => roles
                .iter()
                .map(|r| format!("spec.approvals[role={}]", text(r)))
                .collect(),
            _ => vec!["spec.approvals".to_owned()],
        },
        RequirementKind::Document => {
            let kind = constant("kind").map_or_else(|| requirement.id.clone(), |k| text(&k));
            vec![format!("spec.documents[kind={kind}]")]
        }
        RequirementKind::Field => constant("path").map(|p| vec![text(&p)]).unwrap_or_default(),
    }
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn mermaid_escape(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// Families of the declared risks, with their risk ids.
#[must_use]
pub fn families(set: &ControlSet) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for risk in set.risks.values() {
        out.entry(risk.family.clone())
            .or_default()
            .insert(risk.id.clone());
    }
    out
}

/// The short name `Graph::short_names` gave `node` (empty if none).
fn short_name<'a>(names: &'a BTreeMap<(NodeKind, String), String>, node: &Node) -> &'a str {
    names
        .get(&(node.kind, node.id.clone()))
        .map_or("", String::as_str)
}
