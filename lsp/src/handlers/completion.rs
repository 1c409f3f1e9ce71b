//! Completion: keywords, builtins (as snippets), rule names, `input.…`
//! manifest fields from the schema, and values of declaration fields: risk
//! ids in `mitigates`, roles, metric names.

use std::collections::BTreeSet;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, Documentation,
    InsertTextFormat, MarkupContent, MarkupKind,
};
use riskgate_controls::FieldValue;

use crate::index::Key;
use crate::schema;
use crate::world::{DocKind, Document, World};

const KEYWORDS: &[&str] = &[
    "package", "import", "as", "default", "if", "else", "not", "some", "every", "in", "contains",
    "with", "true", "false", "null",
];
const DECLARATION_KEYWORDS: &[&str] = &["risk", "control", "applies", "require"];

/// Handles `textDocument/completion`.
pub fn completion(world: &mut World, params: CompletionParams) -> Option<CompletionResponse> {
    let uri = params.text_document_position.text_document.uri;
    let doc = world.docs.get(&uri)?;
    let DocKind::Policy(dialect) = doc.kind else {
        return None;
    };
    let offset = doc
        .lines(world.encoding)
        .offset(params.text_document_position.position) as usize;
    let before = doc.text.get(..offset).unwrap_or_default().to_owned();
    let chain = trailing_chain(&before);
    if let Some(path) = chain.strip_prefix("input.") {
        return Some(CompletionResponse::Array(input_fields(path)));
    }
    let line = before.rsplit('\n').next().unwrap_or_default();
    let in_string = line.chars().filter(|c| *c == '"').count() % 2 == 1;
    if let Some(field) = open_field(&before) {
        let values = field_values(world, &field);
        if let Some(values) = values {
            let items = values
                .into_iter()
                .map(|(label, detail)| CompletionItem {
                    insert_text: Some(if in_string {
                        label.clone()
                    } else {
                        format!("\"{label}\"")
                    }),
                    label,
                    detail,
                    kind: Some(CompletionItemKind::ENUM_MEMBER),
                    ..CompletionItem::default()
                })
                .collect();
            return Some(CompletionResponse::Array(items));
        }
    }
    if in_string {
        return None;
    }
    let mut items = Vec::new();
    if let Some((alias, _)) = chain.rsplit_once('.') {
        items.extend(package_rules(world, &uri, alias));
        return Some(CompletionResponse::Array(items));
    }
    for keyword in KEYWORDS
        .iter()
        .chain(if dialect == riskgate_dsl::Dialect::Gate {
            DECLARATION_KEYWORDS.iter()
        } else {
            [].iter()
        })
    {
        items.push(CompletionItem {
            label: (*keyword).to_owned(),
            kind: Some(CompletionItemKind::KEYWORD),
            ..CompletionItem::default()
        });
    }
    items.extend(rule_names(world, &uri));
    for builtin in riskgate_engine::builtins::all() {
        let args: Vec<String> = (1..=builtin.arity)
            .map(|i| format!("${{{i}:x{i}}}"))
            .collect();
        items.push(CompletionItem {
            label: builtin.name.to_owned(),
            kind: Some(CompletionItemKind::FUNCTION),
            detail: Some(format!("builtin · {}", builtin.category)),
            documentation: Some(Documentation::String(builtin.summary.to_owned())),
            insert_text: Some(format!("{}({})", builtin.name, args.join(", "))),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            ..CompletionItem::default()
        });
    }
    Some(CompletionResponse::Array(items))
}

/// The dotted name ending at the cursor, e.g. `input.spec.evaluations[_].`.
fn trailing_chain(before: &str) -> String {
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '"'))
        .last()
        .map_or(before.len(), |(i, _)| i);
    before.get(start..).unwrap_or_default().to_owned()
}

fn input_fields(path: &str) -> Vec<CompletionItem> {
    // Drop the partial last segment; `[...]` selects array elements.
    let complete = path.rsplit_once('.').map_or("", |(head, _)| head);
    let mut segments: Vec<&str> = Vec::new();
    for part in complete.split('.').filter(|p| !p.is_empty()) {
        match part.split_once('[') {
            Some((name, _)) => {
                if !name.is_empty() {
                    segments.push(name);
                }
                segments.extend(std::iter::repeat_n(
                    schema::ANY_INDEX,
                    part.matches('[').count(),
                ));
            }
            None => segments.push(part),
        }
    }
    schema::fields(&segments)
        .into_iter()
        .map(|field| CompletionItem {
            label: field.name.clone(),
            kind: Some(CompletionItemKind::FIELD),
            detail: Some(field.type_name.clone()),
            documentation: Some(Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: field.description.clone(),
            })),
            ..CompletionItem::default()
        })
        .collect()
}

/// The declaration field whose value the cursor is in (`mitigates`,
/// `roles`, ...), looking back a few lines for multi-line lists.
fn open_field(before: &str) -> Option<String> {
    let window_start = before.len().saturating_sub(800);
    let window = before
        .get(window_start..)
        .or_else(|| before.get(before.len()..))?;
    let bytes = window.as_bytes();
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        if bytes.get(i) != Some(&b':') || bytes.get(i + 1) == Some(&b'=') {
            continue;
        }
        let name_start = window
            .get(..i)?
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |n| n + 1);
        let name = window.get(name_start..i)?;
        if name.is_empty() {
            return None;
        }
        let value = window.get(i + 1..)?;
        let open = !value.contains('\n') || value.matches('[').count() > value.matches(']').count();
        return open.then(|| name.to_owned());
    }
    None
}

fn field_values(world: &mut World, field: &str) -> Option<Vec<(String, Option<String>)>> {
    match field {
        "mitigates" => {
            let mut risks: Vec<(String, Option<String>)> = Vec::new();
            let mut seen = BTreeSet::new();
            if let Some(controls) = world.analysis().controls() {
                for risk in controls.risks.values() {
                    seen.insert(risk.id.clone());
                    risks.push((risk.id.clone(), Some(risk.title.clone())));
                }
            }
            for doc in world.docs.values() {
                for def in &doc.symbols.defs {
                    if let Key::Risk(id) = &def.key
                        && seen.insert(id.clone())
                    {
                        risks.push((id.clone(), None));
                    }
                }
            }
            if risks.is_empty() {
                // No compiled set: offer the standard library's taxonomy.
                risks.extend(stdlib_risk_ids().into_iter().map(|id| (id, None)));
            }
            Some(risks)
        }
        "roles" | "distinct_from" | "waivable_by" | "owner" => {
            let roles: BTreeSet<&str> =
                riskgate_controls::manifest::ROLES.iter().copied().collect();
            Some(
                roles
                    .into_iter()
                    .map(|r| (r.to_owned(), Some("role".to_owned())))
                    .collect(),
            )
        }
        "metric" => {
            let mut metrics = BTreeSet::new();
            if let Some(controls) = world.analysis().controls() {
                for control in &controls.controls {
                    for requirement in &control.requirements {
                        if let Some(FieldValue::Const(value)) =
                            requirement.fields.get("metric").map(|f| &f.value)
                            && let Some(name) = value.as_str()
                        {
                            metrics.insert(name.to_owned());
                        }
                    }
                }
            }
            if metrics.is_empty() {
                metrics.extend(stdlib_metric_names());
            }
            Some(
                metrics
                    .into_iter()
                    .map(|m| (m, Some("metric".to_owned())))
                    .collect(),
            )
        }
        _ => None,
    }
}

/// Risk ids declared by the embedded standard library.
fn stdlib_risk_ids() -> Vec<String> {
    stdlib_strings(|text| text.strip_prefix("risk \""))
}

/// Metric names used by the embedded standard library.
fn stdlib_metric_names() -> BTreeSet<String> {
    stdlib_strings(|text| text.strip_prefix("metric: \""))
        .into_iter()
        .collect()
}

fn stdlib_strings(prefix: impl Fn(&str) -> Option<&str>) -> Vec<String> {
    let mut out = BTreeSet::new();
    for file in riskgate_stdlib_policies::POLICY_FILES {
        for line in file.source.lines() {
            if let Some(rest) = prefix(line.trim())
                && let Some((value, _)) = rest.split_once('"')
            {
                out.insert(value.to_owned());
            }
        }
    }
    out.into_iter().collect()
}

fn import_aliases(world: &World, uri: &lsp_types::Url) -> Vec<(String, String)> {
    let Some(module) = world
        .docs
        .get(uri)
        .and_then(Document::parsed)
        .map(|p| &p.module)
    else {
        return Vec::new();
    };
    module
        .imports
        .iter()
        .filter(|i| i.path.first().is_some_and(|r| r.text == "data"))
        .filter_map(|import| {
            let alias = import.alias.as_ref().or(import.path.last())?.text.clone();
            let path: Vec<&str> = import
                .path
                .iter()
                .skip(1)
                .map(|n| n.text.as_str())
                .collect();
            Some((alias, path.join(".")))
        })
        .collect()
}

fn rule_items(world: &mut World, package: &str) -> Vec<CompletionItem> {
    let symbols = world.symbols();
    symbols
        .rules
        .iter()
        .filter(|(p, _)| p == package)
        .map(|(_, name)| CompletionItem {
            label: name.clone(),
            kind: Some(CompletionItemKind::VARIABLE),
            detail: Some(format!("rule in {package}")),
            ..CompletionItem::default()
        })
        .collect()
}

fn rule_names(world: &mut World, uri: &lsp_types::Url) -> Vec<CompletionItem> {
    let package = world
        .docs
        .get(uri)
        .map(|d| d.symbols.package.clone())
        .unwrap_or_default();
    let mut items = rule_items(world, &package);
    for (alias, path) in import_aliases(world, uri) {
        items.push(CompletionItem {
            label: alias,
            kind: Some(CompletionItemKind::MODULE),
            detail: Some(format!("import data.{path}")),
            ..CompletionItem::default()
        });
    }
    items
}

fn package_rules(world: &mut World, uri: &lsp_types::Url, chain: &str) -> Vec<CompletionItem> {
    let package = if let Some(rest) = chain.strip_prefix("data.") {
        Some(rest.to_owned())
    } else {
        import_aliases(world, uri)
            .into_iter()
            .find(|(alias, _)| alias == chain)
            .map(|(_, path)| path)
    };
    package.map(|p| rule_items(world, &p)).unwrap_or_default()
}
