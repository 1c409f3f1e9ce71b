//! Hover: builtin signatures, rule heads with their doc comments, risk and
//! control documentation, and manifest field docs from the schema.

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use riskgate_controls::ControlSpec;

use crate::handlers::target_at;
use crate::index::{Key, Target};
use crate::schema;
use crate::world::World;

/// Handles `textDocument/hover`.
pub fn hover(world: &mut World, params: HoverParams) -> Option<Hover> {
    let uri = params.text_document_position_params.text_document.uri;
    let position = params.text_document_position_params.position;
    if world
        .docs
        .get(&uri)
        .is_some_and(|d| d.kind == crate::world::DocKind::Manifest)
    {
        return crate::handlers::manifest_diagnostics::hover(world, &uri, position);
    }
    let (target, span) = target_at(world, &uri, position)?;
    let markdown = match target {
        Target::Builtin(name) => builtin_markdown(&name)?,
        Target::Input(path) => {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let doc = schema::field(&path)?;
            let mut full = vec!["input"];
            full.extend(path);
            schema::hover_markdown(&full, &doc)
        }
        Target::Symbol(key) => symbol_markdown(world, &key)?,
    };
    let range = world
        .docs
        .get(&uri)
        .map(|d| d.lines(world.encoding).range(span));
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range,
    })
}

/// Markdown for a builtin: its signature, category and summary.
#[must_use]
pub fn builtin_markdown(name: &str) -> Option<String> {
    if let Some(builtin) = riskgate_engine::builtins::lookup(name) {
        let args: Vec<String> = (1..=builtin.arity).map(|i| format!("x{i}")).collect();
        return Some(format!(
            "```rego\n{}({})\n```\nbuiltin · {}\n\n{}",
            builtin.name,
            args.join(", "),
            builtin.category,
            builtin.summary
        ));
    }
    riskgate_engine::builtins::unsupported_reason(name)
        .map(|reason| format!("```rego\n{name}\n```\nnot supported: {reason}"))
}

fn symbol_markdown(world: &mut World, key: &Key) -> Option<String> {
    match key {
        Key::Rule { package, name } => rule_markdown(world, package, name),
        Key::Package(package) => {
            let files = world
                .docs
                .values()
                .filter(|d| d.symbols.package == *package)
                .count();
            Some(format!(
                "```rego\npackage {package}\n```\n{files} file{} in the workspace",
                if files == 1 { "" } else { "s" }
            ))
        }
        Key::Risk(id) => {
            let controls = world.analysis().controls()?;
            let risk = controls.risks.get(id)?;
            let mitigated: Vec<&str> = controls
                .controls
                .iter()
                .filter(|c| c.mitigates.iter().any(|m| m == id))
                .map(|c| c.id.as_str())
                .collect();
            let mut out = format!(
                "**risk `{}`** · family `{}`\n\n{}",
                risk.id, risk.family, risk.title
            );
            if let Some(description) = &risk.description {
                out.push_str(&format!("\n\n{description}"));
            }
            if !mitigated.is_empty() {
                out.push_str(&format!("\n\nMitigated by: {}", mitigated.join(", ")));
            }
            Some(out)
        }
        Key::Control(id) => {
            let controls = world.analysis().controls()?;
            controls.control(id).map(control_markdown)
        }
    }
}

/// Markdown describing a control.
#[must_use]
pub fn control_markdown(control: &ControlSpec) -> String {
    let mut out = format!(
        "**control `{}`** · severity `{}`\n\n{}",
        control.id,
        control.severity.as_str(),
        control.title
    );
    if let Some(description) = control.docs.get("description") {
        out.push_str(&format!("\n\n{description}"));
    }
    if !control.mitigates.is_empty() {
        out.push_str(&format!("\n\nMitigates: {}", control.mitigates.join(", ")));
    }
    let enforcement: Vec<String> = riskgate_controls::trace::EnforcementPoint::ALL
        .iter()
        .map(|p| format!("{} → {}", p.as_str(), control.action(*p).as_str()))
        .collect();
    out.push_str(&format!("\n\nEnforcement: {}", enforcement.join(", ")));
    if !control.requirements.is_empty() {
        out.push_str("\n\nRequirements:");
        for requirement in &control.requirements {
            out.push_str(&format!(
                "\n- {} `{}`",
                requirement.kind.as_str(),
                requirement.id
            ));
        }
    }
    out
}

fn rule_markdown(world: &World, package: &str, name: &str) -> Option<String> {
    let mut heads = Vec::new();
    let mut doc_comment = String::new();
    for doc in world.docs.values() {
        for def in doc.symbols.defs.iter().filter(|d| {
            d.key
                == Key::Rule {
                    package: package.to_owned(),
                    name: name.to_owned(),
                }
        }) {
            let text = def.span.text(&doc.text);
            let head = text
                .split_once(" if ")
                .map_or(text, |(head, _)| head)
                .lines()
                .next()
                .unwrap_or_default()
                .trim_end_matches(['{', ' ']);
            heads.push(head.to_owned());
            if doc_comment.is_empty() {
                doc_comment = doc_markdown(&comment_above(&doc.text, def.span.start as usize));
            }
        }
    }
    if heads.is_empty() {
        return None;
    }
    let count = heads.len();
    heads.truncate(3);
    let mut out = format!("```rego\n{}\n```\npackage `{package}`", heads.join("\n"));
    if count > 1 {
        out.push_str(&format!(" · {count} definitions"));
    }
    if !doc_comment.is_empty() {
        out.push_str(&format!("\n\n{doc_comment}"));
    }
    Some(out)
}

/// A doc comment as markdown: a `# METADATA` block shows its title (bold)
/// and description instead of its YAML; other comments show as written.
fn doc_markdown(comment: &str) -> String {
    let Some(yaml) = comment.strip_prefix("METADATA\n") else {
        return comment.to_owned();
    };
    match riskgate_engine::compile::metadata_summary(yaml) {
        Some((title, description)) => {
            let title = title.map(|t| format!("**{t}**"));
            [title, description]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n\n")
        }
        None => comment.to_owned(),
    }
}

/// The `#` comment lines directly above byte `start`, without the `#`.
fn comment_above(text: &str, start: usize) -> String {
    let before = text.get(..start).unwrap_or_default();
    let mut lines: Vec<&str> = Vec::new();
    for line in before.lines().rev().skip_while(|l| l.trim().is_empty()) {
        match line.trim().strip_prefix('#') {
            Some(comment) => lines.push(comment.strip_prefix(' ').unwrap_or(comment)),
            None => break,
        }
    }
    lines.reverse();
    lines.join("\n")
}
