//! Diagnostics on open `ModelRelease` manifests: on open and save the
//! manifest is checked against the workspace's controls (or the embedded
//! standard library), and every failing requirement becomes a diagnostic at
//! the manifest line its evidence points to, with the hint to pass.

use std::sync::OnceLock;

use lsp_types::{
    DiagnosticSeverity, Hover, HoverContents, MarkupContent, MarkupKind, NumberOrString, Position,
    PublishDiagnosticsParams, Url,
};
use riskgate_controls::manifest::{LoadedManifest, PositionMap, load_manifests};
use riskgate_controls::trace::{Action, EnforcementPoint, ManifestTrace};
use riskgate_controls::{CheckOptions, PolicySet};
use riskgate_dsl::Span;

use crate::handlers::diagnostics;
use crate::position::Lines;
use crate::schema;
use crate::world::{DocKind, World};

/// The embedded standard library, compiled once.
fn stdlib_set() -> Option<&'static PolicySet> {
    static SET: OnceLock<Option<PolicySet>> = OnceLock::new();
    SET.get_or_init(|| {
        // The same build as `riskgate check` without `--policy`.
        riskgate_workspace::policy_set::compile_with_overlay(&[], false, None).ok()
    })
    .as_ref()
}

/// The policy set manifests are checked against: the workspace's when it
/// declares controls, else the standard library.
pub fn policy_set(world: &mut World) -> Option<PolicySet> {
    let analysis = world.analysis();
    match &analysis.set {
        Some(set) if !set.controls().controls.is_empty() => Some(set.clone()),
        _ => stdlib_set().cloned(),
    }
}

/// Checks every `ModelRelease` document of a manifest file; `None` when
/// the document is not a release manifest.
pub fn traces(world: &mut World, uri: &Url) -> Option<Vec<(LoadedManifest, ManifestTrace)>> {
    let text = world
        .docs
        .get(uri)
        .filter(|d| d.is_release_manifest())?
        .text
        .clone();
    let set = policy_set(world)?;
    let options = CheckOptions::new(EnforcementPoint::Ci, world.now_ns());
    Some(
        load_manifests(uri.as_str(), &text)
            .into_iter()
            .map(|loaded| {
                let trace = set.check_loaded(&loaded, &text, &options);
                (loaded, trace)
            })
            .collect(),
    )
}

/// The diagnostics of a manifest file, or `None` when it is not one.
pub fn check(world: &mut World, uri: &Url) -> Option<PublishDiagnosticsParams> {
    let checked = traces(world, uri)?;
    let doc = world.docs.get(uri)?;
    let lines = doc.lines(world.encoding);
    let mut out = Vec::new();
    for (loaded, trace) in &checked {
        out.extend(
            loaded
                .diagnostics
                .iter()
                .map(|d| diagnostics::to_lsp(d, uri, &lines)),
        );
        let fallback = loaded
            .positions
            .get("/spec")
            .and_then(|p| p.key_span)
            .unwrap_or(Span::new(loaded.span.start, loaded.span.start));
        for control in &trace.controls {
            for requirement in control
                .requirements
                .iter()
                .filter(|r| r.status.is_failing())
            {
                let span = requirement
                    .evidence
                    .iter()
                    .find_map(|e| pointer_span(&loaded.positions, &e.pointer))
                    .unwrap_or(fallback);
                let mut message =
                    format!("{} {}: {}", control.id, requirement.id, requirement.message);
                if let Some(hint) = &requirement.to_pass {
                    message.push_str(&format!("\nto pass: {hint}"));
                }
                out.push(lsp_types::Diagnostic {
                    range: line_range(&lines, &doc.text, span),
                    severity: Some(match control.action {
                        Action::Deny => DiagnosticSeverity::ERROR,
                        Action::Warn => DiagnosticSeverity::WARNING,
                        Action::Record => DiagnosticSeverity::INFORMATION,
                    }),
                    code: Some(NumberOrString::String(control.id.clone())),
                    source: Some("riskgate check".to_owned()),
                    message,
                    ..lsp_types::Diagnostic::default()
                });
            }
        }
        for finding in &trace.findings {
            let span = finding
                .pointer
                .as_deref()
                .and_then(|p| pointer_span(&loaded.positions, p))
                .unwrap_or(fallback);
            out.push(lsp_types::Diagnostic {
                range: line_range(&lines, &doc.text, span),
                severity: Some(DiagnosticSeverity::WARNING),
                code: Some(NumberOrString::String(finding.code.clone())),
                source: Some("riskgate check".to_owned()),
                message: finding.message.clone(),
                ..lsp_types::Diagnostic::default()
            });
        }
    }
    Some(PublishDiagnosticsParams::new(uri.clone(), out, doc.version))
}

/// Where a JSON pointer (or its nearest existing ancestor) is written: the
/// key when there is one, else the value.
fn pointer_span(positions: &PositionMap, pointer: &str) -> Option<Span> {
    let (_, position) = positions.nearest(pointer)?;
    Some(position.key_span.unwrap_or(position.span))
}

/// The range from `span`'s start to the end of its first line.
fn line_range(lines: &Lines<'_>, text: &str, span: Span) -> lsp_types::Range {
    let rest = text.get(span.start as usize..).unwrap_or_default();
    let line_end = span.start + rest.find('\n').unwrap_or(rest.len()) as u32;
    let end = if span.end > span.start {
        span.end.min(line_end)
    } else {
        line_end
    };
    lines.range(Span::new(span.start, end))
}

/// Hover on a key of a manifest: the field's schema documentation.
pub fn hover(world: &mut World, uri: &Url, position: Position) -> Option<Hover> {
    let doc = world
        .docs
        .get(uri)
        .filter(|d| d.kind == DocKind::Manifest)?;
    let lines = doc.lines(world.encoding);
    let offset = lines.offset(position);
    for loaded in load_manifests(uri.as_str(), &doc.text) {
        let found = loaded.positions.iter().find(|(_, p)| {
            p.key_span
                .is_some_and(|k| k.start <= offset && offset <= k.end)
        });
        if let Some((pointer, p)) = found {
            let tokens: Vec<_> = riskgate_engine::json_pointer::tokens(pointer).collect();
            let path: Vec<&str> = tokens
                .iter()
                .map(|s| {
                    if s.parse::<usize>().is_ok() {
                        schema::ANY_INDEX
                    } else {
                        s
                    }
                })
                .collect();
            let field = schema::field(&path)?;
            return Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: schema::hover_markdown(&path, &field),
                }),
                range: p.key_span.map(|k| lines.range(k)),
            });
        }
    }
    None
}
