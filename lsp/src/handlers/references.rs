//! Find references: every place a rule, package, risk or control is named.

use lsp_types::{Location, ReferenceParams};

use crate::handlers::target_at;
use crate::index::Target;
use crate::world::World;

/// Handles `textDocument/references`.
pub fn references(world: &mut World, params: ReferenceParams) -> Option<Vec<Location>> {
    let uri = params.text_document_position.text_document.uri;
    let position = params.text_document_position.position;
    let (Target::Symbol(key), _) = target_at(world, &uri, position)? else {
        return None;
    };
    let found = crate::handlers::references(world, &key, params.context.include_declaration);
    let encoding = world.encoding;
    Some(
        found
            .into_iter()
            .filter_map(|(uri, span)| {
                let range = world.docs.get(&uri)?.lines(encoding).range(span);
                Some(Location::new(uri, range))
            })
            .collect(),
    )
}
