//! Rename for rules and functions: the definitions and every reference in
//! the workspace.

use std::collections::HashMap;

use lsp_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};

use crate::handlers::target_at;
use crate::index::{Key, Target};
use crate::world::World;

/// Handles `textDocument/prepareRename`: only rule names can be renamed.
pub fn prepare(
    world: &mut World,
    params: TextDocumentPositionParams,
) -> Option<PrepareRenameResponse> {
    let (target, span) = target_at(world, &params.text_document.uri, params.position)?;
    if !matches!(target, Target::Symbol(Key::Rule { .. })) {
        return None;
    }
    let range = world
        .docs
        .get(&params.text_document.uri)?
        .lines(world.encoding)
        .range(span);
    Some(PrepareRenameResponse::Range(range))
}

/// Why a rename was refused.
#[derive(Debug, thiserror::Error)]
pub enum RenameError {
    /// The new name is not an identifier.
    #[error("`{0}` is not a valid rule name")]
    InvalidName(String),
    /// The cursor is not on a rule name.
    #[error("only rules and functions can be renamed")]
    NotARule,
    /// The rule is defined in the embedded standard library.
    #[error("`{0}` is defined in the riskgate standard library, which cannot be edited")]
    InLibrary(String),
}

/// Handles `textDocument/rename`.
///
/// # Errors
/// When the new name is not an identifier or the cursor is not on a rule.
pub fn rename(
    world: &mut World,
    params: RenameParams,
) -> Result<Option<WorkspaceEdit>, RenameError> {
    let new_name = params.new_name;
    let valid = new_name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(RenameError::InvalidName(new_name));
    }
    let position = params.text_document_position;
    let Some((Target::Symbol(key @ Key::Rule { .. }), _)) =
        target_at(world, &position.text_document.uri, position.position)
    else {
        return Err(RenameError::NotARule);
    };
    let encoding = world.encoding;
    let references = crate::handlers::references(world, &key, true);
    if references
        .iter()
        .any(|(uri, _)| world.docs.get(uri).is_some_and(|d| d.library))
    {
        let Key::Rule { name, .. } = key else {
            return Err(RenameError::NotARule);
        };
        return Err(RenameError::InLibrary(name));
    }
    let mut changes: HashMap<lsp_types::Url, Vec<TextEdit>> = HashMap::new();
    for (uri, span) in references {
        let Some(doc) = world.docs.get(&uri) else {
            continue;
        };
        let range = doc.lines(encoding).range(span);
        changes
            .entry(uri)
            .or_default()
            .push(TextEdit::new(range, new_name.clone()));
    }
    Ok(Some(WorkspaceEdit::new(changes)))
}
