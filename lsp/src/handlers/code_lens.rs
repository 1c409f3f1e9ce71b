//! Code lens on controls: how many `require test` blocks the control has
//! and how many example manifests in the workspace it fails
//! (`tests: 3 · examples failing: 1`).

use std::collections::BTreeMap;

use lsp_types::{CodeLens, CodeLensParams, Command, Url};
use riskgate_dsl::ast::{ControlMember, Item, RequirementKind};

use crate::handlers::manifest_diagnostics;
use crate::world::World;

/// Handles `textDocument/codeLens`.
pub fn code_lens(world: &mut World, params: CodeLensParams) -> Option<Vec<CodeLens>> {
    let uri = params.text_document.uri;
    let controls: Vec<(String, usize, riskgate_dsl::Span)> = {
        let doc = world.docs.get(&uri)?;
        let module = &doc.parsed()?.module;
        module
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Control(control) => {
                    let tests = control
                        .members
                        .iter()
                        .filter(|m| matches!(m, ControlMember::Require(r) if r.kind == RequirementKind::Test))
                        .count();
                    Some((control.id.text.clone(), tests, control.id.span))
                }
                _ => None,
            })
            .collect()
    };
    if controls.is_empty() {
        return Some(Vec::new());
    }
    let (examples, failing) = example_failures(world);
    let doc = world.docs.get(&uri)?;
    let lines = doc.lines(world.encoding);
    Some(
        controls
            .into_iter()
            .map(|(id, tests, span)| {
                let fails = failing.get(&id).copied().unwrap_or(0);
                let title = if examples == 0 {
                    format!("tests: {tests} · no example manifests")
                } else {
                    format!("tests: {tests} · examples failing: {fails}/{examples}")
                };
                CodeLens {
                    range: lines.range(span),
                    command: Some(Command::new(title, String::new(), None)),
                    data: None,
                }
            })
            .collect(),
    )
}

/// The number of example manifests in the workspace, and for each control
/// how many of them it fails.
fn example_failures(world: &mut World) -> (usize, BTreeMap<String, usize>) {
    let manifests: Vec<Url> = world
        .docs
        .iter()
        .filter(|(_, d)| d.is_release_manifest())
        .map(|(uri, _)| uri.clone())
        .collect();
    let mut examples = 0;
    let mut failing: BTreeMap<String, usize> = BTreeMap::new();
    for uri in manifests {
        for (_, trace) in manifest_diagnostics::traces(world, &uri).unwrap_or_default() {
            examples += 1;
            for control in trace.controls.iter().filter(|c| c.status.is_failing()) {
                *failing.entry(control.id.clone()).or_default() += 1;
            }
        }
    }
    (examples, failing)
}
