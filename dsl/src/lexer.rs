//! Lexical scanner (placeholder until the parser lands).
