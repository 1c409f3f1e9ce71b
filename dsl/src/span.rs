//! Byte spans and the line index that turns them into line:col.

/// A half-open byte range `[start, end)` into one source text.
///
/// Spans are two `u32`s so AST nodes stay small; sources larger than 4 GiB
/// are rejected before parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    #[must_use]
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    #[must_use]
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Length in bytes.
    #[must_use]
    pub const fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no bytes.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The text this span covers in `source` (empty if out of range).
    #[must_use]
    pub fn text(self, source: &str) -> &str {
        source
            .get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }

    /// This span shifted right by `offset` bytes.
    #[must_use]
    pub const fn shifted(self, offset: u32) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new((span.start as usize).into(), span.len() as usize)
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters (not bytes).
    pub col: u32,
}

impl std::fmt::Display for LineCol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// Maps byte offsets of one source text to line:col positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; always begins with 0.
    line_starts: Vec<u32>,
}

impl LineIndex {
    /// Builds the index for `source`.
    #[must_use]
    pub fn new(source: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| (i + 1) as u32),
        );
        Self { line_starts }
    }

    /// Line and column of byte `offset` in `source` (the same text the
    /// index was built from). Offsets past the end map to the end.
    #[must_use]
    pub fn line_col(&self, source: &str, offset: u32) -> LineCol {
        let offset = offset.min(source.len() as u32);
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(line).copied().unwrap_or(0);
        let col = source
            .get(line_start as usize..offset as usize)
            .map_or(0, |prefix| prefix.chars().count());
        LineCol {
            line: line as u32 + 1,
            col: col as u32 + 1,
        }
    }

    /// Byte offset of the start of 1-based `line`, if it exists.
    #[must_use]
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line.checked_sub(1)? as usize).copied()
    }

    /// Number of lines (a trailing newline starts an empty last line).
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_is_one_based_and_counts_characters() {
        let src = "ab\nçé x\n";
        let index = LineIndex::new(src);
        assert_eq!(index.line_col(src, 0), LineCol { line: 1, col: 1 });
        assert_eq!(index.line_col(src, 3), LineCol { line: 2, col: 1 });
        // 'x' is after two two-byte characters and a space.
        let x = src.find('x').unwrap() as u32;
        assert_eq!(index.line_col(src, x), LineCol { line: 2, col: 4 });
        assert_eq!(index.line_col(src, 999), LineCol { line: 3, col: 1 });
    }
}
