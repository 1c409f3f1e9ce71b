//! Conversions between byte offsets and LSP positions.
//!
//! LSP positions count lines from 0 and columns in UTF-16 code units unless
//! the client accepts `positionEncoding: utf-8`, which the server then
//! negotiates (columns are bytes).

use lsp_types::{Position, Range};
use riskgate_dsl::{LineIndex, Span};

/// How columns are counted on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-16 code units (the LSP default).
    #[default]
    Utf16,
    /// Bytes.
    Utf8,
}

/// A text with its line index, for position conversions.
#[derive(Debug, Clone, Copy)]
pub struct Lines<'a> {
    text: &'a str,
    index: &'a LineIndex,
    encoding: Encoding,
}

impl<'a> Lines<'a> {
    /// Conversions for `text`, whose index is `index`.
    #[must_use]
    pub fn new(text: &'a str, index: &'a LineIndex, encoding: Encoding) -> Self {
        Self {
            text,
            index,
            encoding,
        }
    }

    /// The LSP position of byte `offset` (clamped to the text).
    #[must_use]
    pub fn position(&self, offset: u32) -> Position {
        let offset = offset.min(self.text.len() as u32);
        let line = self.index.line_col(self.text, offset).line;
        let start = self.index.line_start(line).unwrap_or(0);
        let prefix = self
            .text
            .get(start as usize..offset as usize)
            .unwrap_or_default();
        let character = match self.encoding {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.encode_utf16().count(),
        };
        Position::new(line.saturating_sub(1), character as u32)
    }

    /// The LSP range of a byte span.
    #[must_use]
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of an LSP position; positions past the end of a
    /// line map to its end, lines past the end to the end of the text.
    #[must_use]
    pub fn offset(&self, position: Position) -> u32 {
        let len = self.text.len() as u32;
        // Lines are 1-based in the index; a client may send any u32.
        let Some(start) = position
            .line
            .checked_add(1)
            .and_then(|line| self.index.line_start(line))
        else {
            return len;
        };
        let end = position
            .line
            .checked_add(2)
            .and_then(|line| self.index.line_start(line))
            .map_or(len, |next| next.saturating_sub(1));
        let line = self
            .text
            .get(start as usize..end as usize)
            .unwrap_or_default();
        let mut units = 0u32;
        for (i, ch) in line.char_indices() {
            if units >= position.character {
                return start + i as u32;
            }
            units += match self.encoding {
                Encoding::Utf8 => ch.len_utf8() as u32,
                Encoding::Utf16 => ch.len_utf16() as u32,
            };
        }
        end
    }

    /// The byte span of an LSP range.
    #[must_use]
    pub fn span(&self, range: Range) -> Span {
        Span::new(self.offset(range.start), self.offset(range.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_positions_a_client_can_send_map_to_the_end() {
        let text = "a\nb\n";
        let index = LineIndex::new(text);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let lines = Lines::new(text, &index, encoding);
            for line in [u32::MAX, u32::MAX - 1, 3] {
                assert_eq!(lines.offset(Position::new(line, u32::MAX)), 4);
            }
            assert_eq!(lines.offset(Position::new(0, u32::MAX)), 1);
        }
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a := \"😀é\"\nb\n";
        let index = LineIndex::new(text);
        let lines = Lines::new(text, &index, Encoding::Utf16);
        let after = text.find('é').unwrap() as u32;
        // `a := "` is 6 units, the emoji 2.
        assert_eq!(lines.position(after), Position::new(0, 8));
        assert_eq!(lines.offset(Position::new(0, 8)), after);
        assert_eq!(
            lines.position(text.find('b').unwrap() as u32),
            Position::new(1, 0)
        );
        let utf8 = Lines::new(text, &index, Encoding::Utf8);
        assert_eq!(utf8.position(after), Position::new(0, 10));
        assert_eq!(utf8.offset(Position::new(0, 10)), after);
        // Past the end of a line clamps to the line end.
        assert_eq!(lines.offset(Position::new(1, 40)), text.len() as u32 - 1);
        assert_eq!(lines.offset(Position::new(9, 0)), text.len() as u32);
    }
}
