//! Trimming pair spans: pest's implicit skipping leaves the whitespace and
//! comments after a construct inside its pair, and AST spans must not
//! cover them.
//!
//! This runs for nearly every pair, so it never scans a pair's text: blanks
//! are trimmed from the end only, and whether a comment ends at an offset is
//! one bit lookup.

use crate::ast::Comment;
use crate::span::Span;

/// Trims trailing whitespace and comments from spans of one source.
pub(super) struct Trimmer<'s> {
    source: &'s str,
    /// Every comment of the source, in order.
    comments: &'s [Comment],
    /// Bit `i` is set when a comment ends at byte offset `i`.
    comment_ends: Vec<u64>,
}

impl<'s> Trimmer<'s> {
    pub(super) fn new(source: &'s str, comments: &'s [Comment]) -> Self {
        let mut comment_ends = vec![0u64; source.len() / 64 + 1];
        for comment in comments {
            let end = comment.span.end as usize;
            if let Some(word) = comment_ends.get_mut(end / 64) {
                *word |= 1 << (end % 64);
            }
        }
        Self {
            source,
            comments,
            comment_ends,
        }
    }

    /// `start..end` without the whitespace and comments at its end.
    pub(super) fn trim(&self, start: u32, mut end: u32) -> Span {
        loop {
            end = self.trim_blanks(start, end);
            if !self.comment_ends_at(end) {
                return Span::new(start, end);
            }
            let comment = self
                .comments
                .binary_search_by_key(&end, |c| c.span.end)
                .ok()
                .and_then(|i| self.comments.get(i))
                .filter(|c| c.span.start >= start);
            match comment {
                Some(comment) => end = comment.span.start,
                None => return Span::new(start, end),
            }
        }
    }

    /// `end` moved back over trailing whitespace (as `str::trim_end` sees it).
    fn trim_blanks(&self, start: u32, end: u32) -> u32 {
        let last = end
            .checked_sub(1)
            .and_then(|at| self.source.as_bytes().get(at as usize));
        if last.is_some_and(|&b| b.is_ascii() && !is_ascii_blank(b)) {
            return end;
        }
        let text = Span::new(start, end).text(self.source);
        start + text.trim_end().len() as u32
    }

    fn comment_ends_at(&self, offset: u32) -> bool {
        let offset = offset as usize;
        self.comment_ends
            .get(offset / 64)
            .is_some_and(|word| word & (1 << (offset % 64)) != 0)
    }
}

/// ASCII bytes that `char::is_whitespace` (and so `str::trim_end`) accepts.
fn is_ascii_blank(byte: u8) -> bool {
    matches!(byte, b'\t'..=b'\r' | b' ')
}

#[cfg(test)]
mod tests {
    use super::Trimmer;
    use crate::lexer;
    use crate::span::Span;

    /// Trims `source[start..]` (to its end) with the source's own comments.
    fn trim_to_end(source: &str, start: usize) -> &str {
        let scan = lexer::scan(source);
        let trimmer = Trimmer::new(source, &scan.comments);
        trimmer.trim(start as u32, source.len() as u32).text(source)
    }

    #[test]
    fn trailing_blanks_and_comments_are_trimmed() {
        assert_eq!(trim_to_end("x := 1  \n\t", 0), "x := 1");
        assert_eq!(trim_to_end("x := 1 # one\n# two  \n\n", 0), "x := 1");
        assert_eq!(trim_to_end("x := 1 # at the end of the file", 0), "x := 1");
        assert_eq!(trim_to_end("x := 1\r\n# crlf\r\n", 0), "x := 1");
        assert_eq!(trim_to_end("x := \"é\"\u{2003}", 0), "x := \"é\"");
    }

    #[test]
    fn a_comment_before_the_span_is_left_alone() {
        let source = "# before\nx";
        assert_eq!(trim_to_end(source, 9), "x");
        // The span starts inside the comment: it is not a trailing comment.
        assert_eq!(trim_to_end(source, 4), "fore\nx");
        let scan = lexer::scan(source);
        let trimmer = Trimmer::new(source, &scan.comments);
        assert_eq!(trimmer.trim(4, 8), Span::new(4, 8));
    }

    #[test]
    fn tokens_that_end_the_text_are_kept() {
        assert_eq!(trim_to_end("allow if { true }", 0), "allow if { true }");
        assert_eq!(trim_to_end("", 0), "");
    }
}
