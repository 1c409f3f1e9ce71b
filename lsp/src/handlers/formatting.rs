//! Document formatting with the canonical formatter.

use lsp_types::{DocumentFormattingParams, Position, Range, TextEdit};
use riskgate_dsl::ParseOptions;

use crate::world::{DocKind, World};

/// Handles `textDocument/formatting`: one edit replacing the whole text,
/// none when it is already formatted, `None` when it does not parse.
pub fn format(world: &mut World, params: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let doc = world.docs.get(&params.text_document.uri)?;
    let DocKind::Policy(dialect) = doc.kind else {
        return None;
    };
    let formatted =
        riskgate_dsl::format::format_source(&doc.text, ParseOptions::new(dialect)).ok()?;
    if formatted == doc.text {
        return Some(Vec::new());
    }
    let lines = doc.lines(world.encoding);
    let end = lines.position(doc.text.len() as u32);
    Some(vec![TextEdit::new(
        Range::new(Position::new(0, 0), end),
        formatted,
    )])
}
