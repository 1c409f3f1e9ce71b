//! One module per LSP request or notification family. Handlers are plain
//! functions from the [`World`] and the request's params to its result.

pub mod code_lens;
pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod formatting;
pub mod hover;
pub mod manifest_diagnostics;
pub mod references;
pub mod rename;
pub mod semantic_tokens;
pub mod symbols;

use lsp_types::{Location, Url};
use riskgate_dsl::Span;

use crate::index::{Key, Target};
use crate::world::World;

/// The target under the cursor in a policy document.
pub(crate) fn target_at(
    world: &mut World,
    uri: &Url,
    position: lsp_types::Position,
) -> Option<(Target, Span)> {
    let encoding = world.encoding;
    let (doc, symbols) = world.doc_and_symbols(uri)?;
    let offset = doc.lines(encoding).offset(position);
    doc.symbols.target_at(symbols, offset)
}

/// Where `key` is defined in the workspace, in URI order.
pub(crate) fn definitions(world: &World, key: &Key) -> Vec<Location> {
    let mut out = Vec::new();
    for (uri, doc) in &world.docs {
        let lines = doc.lines(world.encoding);
        match key {
            Key::Package(package) => {
                let here = &doc.symbols.package;
                if (here == package || here.starts_with(&format!("{package}.")))
                    && let Some(clause) = doc.parsed().and_then(|p| p.module.package.as_ref())
                {
                    out.push(Location::new(uri.clone(), lines.range(clause.span)));
                }
            }
            _ => out.extend(
                doc.symbols
                    .defs
                    .iter()
                    .filter(|def| def.key == *key)
                    .map(|def| Location::new(uri.clone(), lines.range(def.name_span))),
            ),
        }
    }
    out
}

/// Every reference to `key` in the workspace (definitions included when
/// asked), in URI and source order.
pub(crate) fn references(world: &mut World, key: &Key, with_defs: bool) -> Vec<(Url, Span)> {
    world.symbols();
    let mut out = Vec::new();
    let uris: Vec<Url> = world.docs.keys().cloned().collect();
    for uri in uris {
        let Some((doc, symbols)) = world.doc_and_symbols(&uri) else {
            continue;
        };
        for (span, is_def) in doc.symbols.references(symbols, key) {
            if with_defs || !is_def {
                out.push((uri.clone(), span));
            }
        }
    }
    out
}
