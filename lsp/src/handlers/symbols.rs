//! Document symbols (package, rules, risks, controls with their
//! requirements) and workspace symbols (search over every definition).

use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Location, SymbolInformation,
    SymbolKind, WorkspaceSymbolParams,
};
use riskgate_dsl::ast::{ControlMember, Item, Rule};

use crate::index::DefKind;
use crate::position::Lines;
use crate::world::World;

/// Handles `textDocument/documentSymbol`.
pub fn document_symbols(
    world: &mut World,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let doc = world.docs.get(&params.text_document.uri)?;
    let module = &doc.parsed()?.module;
    let lines = doc.lines(world.encoding);
    let mut out = Vec::new();
    if let Some(package) = &module.package {
        let name: Vec<&str> = package.path.iter().map(|n| n.text.as_str()).collect();
        out.push(symbol(
            &lines,
            name.join("."),
            None,
            SymbolKind::NAMESPACE,
            package.span,
            package.span,
            None,
        ));
    }
    for item in &module.items {
        match item {
            Item::Rule(rule) => out.push(rule_symbol(&lines, rule)),
            Item::Risk(risk) => {
                let title = field_string(&risk.fields, "title");
                out.push(symbol(
                    &lines,
                    risk.id.text.clone(),
                    title,
                    SymbolKind::CONSTANT,
                    risk.span,
                    risk.id.span,
                    None,
                ));
            }
            Item::Control(control) => {
                let mut children = Vec::new();
                let mut title = None;
                for member in &control.members {
                    match member {
                        ControlMember::Field(field) if field.name.text == "title" => {
                            title = field_string(std::slice::from_ref(field), "title");
                        }
                        ControlMember::Require(requirement) => children.push(symbol(
                            &lines,
                            requirement.id.text.clone(),
                            Some(format!("require {}", requirement.kind.as_str())),
                            SymbolKind::PROPERTY,
                            requirement.span,
                            requirement.id.span,
                            None,
                        )),
                        ControlMember::Rule(rule) => children.push(rule_symbol(&lines, rule)),
                        ControlMember::Applies(applies) => children.push(symbol(
                            &lines,
                            "applies".to_owned(),
                            None,
                            SymbolKind::EVENT,
                            applies.span,
                            applies.span,
                            None,
                        )),
                        ControlMember::Field(_) => {}
                    }
                }
                out.push(symbol(
                    &lines,
                    control.id.text.clone(),
                    title,
                    SymbolKind::CLASS,
                    control.span,
                    control.id.span,
                    Some(children),
                ));
            }
        }
    }
    Some(DocumentSymbolResponse::Nested(out))
}

fn field_string(fields: &[riskgate_dsl::ast::Field], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|f| f.name.text == name)
        .and_then(|f| match &f.value.kind {
            riskgate_dsl::ast::ExprKind::String(s) => Some(s.value.clone()),
            _ => None,
        })
}

fn rule_symbol(lines: &Lines<'_>, rule: &Rule) -> DocumentSymbol {
    let name = &rule.head.reference.name;
    let kind = if rule.head.args.is_some() {
        SymbolKind::FUNCTION
    } else {
        SymbolKind::VARIABLE
    };
    let detail = rule.is_default.then(|| "default".to_owned());
    symbol(
        lines,
        name.text.clone(),
        detail,
        kind,
        rule.span,
        name.span,
        None,
    )
}

#[expect(
    deprecated,
    reason = "DocumentSymbol::deprecated must still be initialised"
)]
fn symbol(
    lines: &Lines<'_>,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    span: riskgate_dsl::Span,
    selection: riskgate_dsl::Span,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: lines.range(span),
        selection_range: lines.range(selection),
        children,
    }
}

/// Handles `workspace/symbol`: definitions whose name contains the query
/// (case-insensitive), sorted by name then file.
pub fn workspace_symbols(
    world: &mut World,
    params: WorkspaceSymbolParams,
) -> Option<Vec<SymbolInformation>> {
    let query = params.query.to_lowercase();
    let mut out = Vec::new();
    // Like rust-analyzer's default scope: the workspace, not its libraries.
    for (uri, doc) in world.docs.iter().filter(|(_, d)| !d.library) {
        let lines = doc.lines(world.encoding);
        for def in &doc.symbols.defs {
            if !def.name.to_lowercase().contains(&query) {
                continue;
            }
            let kind = match def.kind {
                DefKind::Rule => SymbolKind::VARIABLE,
                DefKind::Function => SymbolKind::FUNCTION,
                DefKind::Risk => SymbolKind::CONSTANT,
                DefKind::Control => SymbolKind::CLASS,
            };
            #[expect(
                deprecated,
                reason = "SymbolInformation::deprecated must still be initialised"
            )]
            out.push(SymbolInformation {
                name: def.name.clone(),
                kind,
                tags: None,
                deprecated: None,
                location: Location::new(uri.clone(), lines.range(def.name_span)),
                container_name: (!doc.symbols.package.is_empty())
                    .then(|| doc.symbols.package.clone()),
            });
        }
    }
    out.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then_with(|| a.location.uri.cmp(&b.location.uri))
    });
    Some(out)
}
