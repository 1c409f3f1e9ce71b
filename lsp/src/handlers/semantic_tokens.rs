//! Semantic tokens: a lexical pass (comments, strings, numbers, keywords)
//! refined by the syntax tree (packages, rule definitions, calls, `input`
//! fields).

use std::collections::BTreeMap;

use lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
    SemanticTokensParams, SemanticTokensResult,
};
use riskgate_dsl::Span;
use riskgate_dsl::ast::{ControlMember, Item, Rule};

use crate::index::Occurrence;
use crate::position::Lines;
use crate::world::{DocKind, Document, World};

const NAMESPACE: u32 = 0;
const FUNCTION: u32 = 1;
const VARIABLE: u32 = 2;
const PROPERTY: u32 = 3;
const STRING: u32 = 4;
const NUMBER: u32 = 5;
const KEYWORD: u32 = 6;
const COMMENT: u32 = 7;
const DECLARATION: u32 = 1;
const DEFAULT_LIBRARY: u32 = 2;

/// The token types and modifiers, in the order their indexes refer to.
#[must_use]
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: vec![
            SemanticTokenType::NAMESPACE,
            SemanticTokenType::FUNCTION,
            SemanticTokenType::VARIABLE,
            SemanticTokenType::PROPERTY,
            SemanticTokenType::STRING,
            SemanticTokenType::NUMBER,
            SemanticTokenType::KEYWORD,
            SemanticTokenType::COMMENT,
        ],
        token_modifiers: vec![
            SemanticTokenModifier::DECLARATION,
            SemanticTokenModifier::DEFAULT_LIBRARY,
        ],
    }
}

const KEYWORDS: &[&str] = &[
    "as", "contains", "default", "else", "every", "false", "if", "import", "in", "not", "null",
    "package", "some", "true", "with",
];
const DECLARATION_KEYWORDS: &[&str] = &["risk", "control", "applies", "require"];

/// Handles `textDocument/semanticTokens/full`.
pub fn full(world: &mut World, params: SemanticTokensParams) -> Option<SemanticTokensResult> {
    let doc = world.docs.get(&params.text_document.uri)?;
    let lines = doc.lines(world.encoding);
    Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data: tokens(doc, &lines),
    }))
}

/// Names classified by the syntax tree, by start offset.
fn classified(doc: &Document) -> BTreeMap<u32, (u32, u32, u32)> {
    let mut map = BTreeMap::new();
    let Some(parsed) = doc.parsed() else {
        return map;
    };
    let mut put = |span: Span, kind: u32, modifiers: u32| {
        map.insert(span.start, (span.len(), kind, modifiers));
    };
    for occurrence in &doc.symbols.occurrences {
        match occurrence {
            Occurrence::Path {
                segments, builtin, ..
            } => {
                let last = segments.len().saturating_sub(1);
                for (i, segment) in segments.iter().enumerate() {
                    if let Some(span) = segment.span {
                        let (kind, modifiers) = match (i == last, builtin) {
                            (true, Some(name))
                                if riskgate_engine::builtins::lookup(name).is_some() =>
                            {
                                (FUNCTION, DEFAULT_LIBRARY)
                            }
                            (true, Some(_)) => (FUNCTION, 0),
                            (true, None) => (VARIABLE, 0),
                            (false, _) => (NAMESPACE, 0),
                        };
                        put(span, kind, modifiers);
                    }
                }
            }
            Occurrence::Builtin { span, .. } => put(*span, FUNCTION, DEFAULT_LIBRARY),
            Occurrence::Input { segments } => {
                for (_, span) in segments {
                    put(*span, PROPERTY, 0);
                }
            }
            Occurrence::Risk { .. } | Occurrence::Control { .. } => {}
        }
    }
    let paths = parsed
        .module
        .package
        .iter()
        .flat_map(|p| p.path.iter())
        .chain(
            parsed
                .module
                .imports
                .iter()
                .flat_map(|i| i.path.iter().skip(1)),
        );
    for name in paths {
        put(name.span, NAMESPACE, 0);
    }
    let mut rule = |rule: &Rule| {
        let name = &rule.head.reference.name;
        let kind = if rule.head.args.is_some() {
            FUNCTION
        } else {
            VARIABLE
        };
        put(name.span, kind, DECLARATION);
    };
    for item in &parsed.module.items {
        match item {
            Item::Rule(r) => rule(r),
            Item::Control(control) => {
                for member in &control.members {
                    if let ControlMember::Rule(r) = member {
                        rule(r);
                    }
                }
            }
            Item::Risk(_) => {}
        }
    }
    map
}

/// Encodes the tokens of a policy document.
fn tokens(doc: &Document, lines: &Lines<'_>) -> Vec<SemanticToken> {
    if !matches!(doc.kind, DocKind::Policy(_)) {
        return Vec::new();
    }
    let gate = doc.kind == DocKind::Policy(riskgate_dsl::Dialect::Gate);
    let names = classified(doc);
    let text = doc.text.as_bytes();
    let mut raw: Vec<(u32, u32, u32, u32)> = Vec::new();
    let mut i = 0usize;
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    while i < text.len() {
        let b = at(i);
        let start = i;
        if b == b'#' {
            while i < text.len() && at(i) != b'\n' {
                i += 1;
            }
            raw.push((start as u32, i as u32, COMMENT, 0));
        } else if b == b'"' || (b == b'$' && at(i + 1) == b'"') {
            i += if b == b'$' { 2 } else { 1 };
            while i < text.len() && at(i) != b'"' && at(i) != b'\n' {
                i += if at(i) == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(text.len());
            raw.push((start as u32, i as u32, STRING, 0));
        } else if b == b'`' || (b == b'$' && at(i + 1) == b'`') {
            i += if b == b'$' { 2 } else { 1 };
            while i < text.len() && at(i) != b'`' {
                i += 1;
            }
            i = (i + 1).min(text.len());
            raw.push((start as u32, i as u32, STRING, 0));
        } else if b.is_ascii_digit() {
            while i < text.len() && (is_ident(at(i)) || at(i) == b'.') {
                i += 1;
            }
            raw.push((start as u32, i as u32, NUMBER, 0));
        } else if b.is_ascii_alphabetic() || b == b'_' {
            while i < text.len() && is_ident(at(i)) {
                i += 1;
            }
            let word = doc.text.get(start..i).unwrap_or_default();
            let after_dot = start > 0 && at(start - 1) == b'.';
            let before_dot = at(i) == b'.' && at(i + 1) != b'.';
            let line_start = doc
                .text
                .get(..start)
                .map_or(0, |t| t.rfind('\n').map_or(0, |n| n + 1));
            let first_on_line = doc
                .text
                .get(line_start..start)
                .is_some_and(|t| t.trim().is_empty());
            let prev_word = doc
                .text
                .get(line_start..start)
                .and_then(|t| t.split_whitespace().last())
                .unwrap_or_default();
            let token = if let Some((len, kind, modifiers)) = names.get(&(start as u32)) {
                Some((start as u32 + len, *kind, *modifiers))
            } else if (!after_dot && !before_dot && KEYWORDS.contains(&word))
                || (gate
                    && ((first_on_line && DECLARATION_KEYWORDS.contains(&word))
                        || (prev_word == "require"
                            && riskgate_dsl::ast::RequirementKind::from_keyword(word).is_some())))
            {
                Some((i as u32, KEYWORD, 0))
            } else if !after_dot && (word == "input" || word == "data") {
                Some((i as u32, VARIABLE, DEFAULT_LIBRARY))
            } else if gate && at(i) == b':' && at(i + 1) != b'=' {
                Some((i as u32, PROPERTY, 0))
            } else {
                None
            };
            if let Some((end, kind, modifiers)) = token {
                i = i.max(end as usize);
                raw.push((start as u32, end, kind, modifiers));
            }
        } else {
            i += 1;
        }
    }
    encode(&doc.text, lines, &raw)
}

/// Delta-encodes tokens, splitting multi-line ones at line ends.
fn encode(text: &str, lines: &Lines<'_>, raw: &[(u32, u32, u32, u32)]) -> Vec<SemanticToken> {
    let mut out = Vec::new();
    let (mut prev_line, mut prev_char) = (0u32, 0u32);
    for &(start, end, kind, modifiers) in raw {
        let mut piece_start = start;
        while piece_start < end {
            let rest = text
                .get(piece_start as usize..end as usize)
                .unwrap_or_default();
            let piece_end = rest.find('\n').map_or(end, |n| piece_start + n as u32);
            let from = lines.position(piece_start);
            let to = lines.position(piece_end);
            if to.character > from.character {
                let delta_line = from.line.saturating_sub(prev_line);
                let delta_start = if delta_line == 0 {
                    from.character.saturating_sub(prev_char)
                } else {
                    from.character
                };
                out.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: to.character.saturating_sub(from.character),
                    token_type: kind,
                    token_modifiers_bitset: modifiers,
                });
                prev_line = from.line;
                prev_char = from.character;
            }
            piece_start = piece_end + 1;
        }
    }
    out
}
