//! Parse and compile diagnostics of policy files as LSP diagnostics.

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PublishDiagnosticsParams, Url,
};
use riskgate_dsl::{Diagnostic, Severity};

use crate::position::Lines;
use crate::world::{DocKind, World};

/// Converts a riskgate diagnostic in `uri` (text `lines`) to LSP.
#[must_use]
pub fn to_lsp(diagnostic: &Diagnostic, uri: &Url, lines: &Lines<'_>) -> lsp_types::Diagnostic {
    let mut message = diagnostic.message().to_owned();
    if let Some(label) = diagnostic
        .labels()
        .iter()
        .find(|l| l.primary)
        .and_then(|l| l.message.as_deref())
    {
        message.push_str(&format!(": {label}"));
    }
    if let Some(help) = diagnostic.help() {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .labels()
        .iter()
        .filter(|l| !l.primary)
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), lines.range(l.span)),
            message: l.message.clone().unwrap_or_default(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: lines.range(diagnostic.primary_span()),
        severity: Some(severity(diagnostic.severity())),
        code: Some(NumberOrString::String(diagnostic.code().id.to_owned())),
        source: Some("riskgate".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

/// The LSP severity of a riskgate severity.
#[must_use]
pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Diagnostics for every policy document: its parse diagnostics plus the
/// workspace compile diagnostics that land in it.
pub fn collect(world: &mut World) -> Vec<PublishDiagnosticsParams> {
    world.analysis();
    let Some(analysis) = world.cached_analysis() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (uri, doc) in &world.docs {
        if !matches!(doc.kind, DocKind::Policy(_)) || doc.library {
            continue;
        }
        let lines = doc.lines(world.encoding);
        let mut diagnostics: Vec<lsp_types::Diagnostic> = doc
            .parse_diagnostics()
            .iter()
            .map(|d| to_lsp(d, uri, &lines))
            .collect();
        if let Some(compiled) = analysis.diagnostics.get(uri.as_str()) {
            diagnostics.extend(compiled.iter().map(|d| to_lsp(d, uri, &lines)));
        }
        if diagnostics.is_empty() && !world.published.contains(uri) {
            continue;
        }
        out.push(PublishDiagnosticsParams::new(
            uri.clone(),
            diagnostics,
            doc.version,
        ));
    }
    out.extend(configuration(world));
    for params in &out {
        if params.diagnostics.is_empty() {
            world.published.remove(&params.uri);
        } else {
            world.published.insert(params.uri.clone());
        }
    }
    out
}

/// The `E4001` diagnostic of a `riskgate.toml` the server could not use, or
/// an empty list for one that was shown and is fixed now.
fn configuration(world: &World) -> Option<PublishDiagnosticsParams> {
    if let Some(problem) = &world.settings.problem {
        let index = riskgate_dsl::LineIndex::new(&problem.text);
        let lines = Lines::new(&problem.text, &index, world.encoding);
        return Some(PublishDiagnosticsParams::new(
            problem.uri.clone(),
            vec![to_lsp(&problem.diagnostic, &problem.uri, &lines)],
            None,
        ));
    }
    let uri = world.published.iter().find(|uri| {
        uri.to_file_path()
            .is_ok_and(|path| crate::settings::is_config_file(&path))
    })?;
    Some(PublishDiagnosticsParams::new(uri.clone(), Vec::new(), None))
}
