//! Go to definition: rules, functions, packages (imports and `data.…`
//! paths), risk ids in `mitigates`.

use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse};

use crate::handlers::{definitions, target_at};
use crate::index::Target;
use crate::world::World;

/// Handles `textDocument/definition`.
pub fn definition(
    world: &mut World,
    params: GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let uri = params.text_document_position_params.text_document.uri;
    let position = params.text_document_position_params.position;
    let (Target::Symbol(key), _) = target_at(world, &uri, position)? else {
        return None;
    };
    let locations = definitions(world, &key);
    match locations.len() {
        0 => None,
        1 => locations
            .into_iter()
            .next()
            .map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}
