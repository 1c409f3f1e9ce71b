//! YAML/JSON text to a positioned tree.
//!
//! The text is split into documents at `---` lines first (a `---` at the
//! start of a line always starts a document in YAML 1.2), and each part is
//! parsed on its own, so a syntax error in one document does not hide the
//! documents after it. Events from `saphyr-parser` are assembled into
//! [`Node`]s with an explicit stack; scalars are resolved with the YAML 1.2
//! core schema (`yes`/`no` stay strings). Duplicate keys, over-deep nesting
//! and alias bombs are diagnosed here.

use std::collections::BTreeMap;

use crate::codes;
use riskgate_dsl::{Diagnostic, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use riskgate_engine::number::Number;

/// Maximum nesting depth of collections.
pub(crate) const MAX_DEPTH: usize = 100;
/// Maximum number of nodes per document, counting alias expansions.
pub(crate) const MAX_NODES: usize = 1_000_000;

/// A positioned YAML node.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) kind: NodeKind,
    /// Byte span in the whole file.
    pub(crate) span: Span,
}

/// The content of a node.
#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One key/value pair of a mapping, in source order.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) key_span: Span,
    pub(crate) value: Node,
}

impl Node {
    /// Number of nodes in this subtree.
    fn size(&self) -> usize {
        1 + match &self.kind {
            NodeKind::Seq(items) => items.iter().map(Node::size).sum(),
            NodeKind::Map(entries) => entries.iter().map(|e| e.value.size()).sum(),
            _ => 0,
        }
    }
}

/// The node tree of an already parsed JSON value, with empty spans (there
/// is no text), under the same depth and size limits as parsed text.
pub(crate) fn from_json(value: &serde_json::Value) -> Result<Node, Diagnostic> {
    let mut nodes = 0;
    json_node(value, 0, &mut nodes)
}

fn json_node(
    value: &serde_json::Value,
    depth: usize,
    nodes: &mut usize,
) -> Result<Node, Diagnostic> {
    *nodes += 1;
    let too_large = |message: String| {
        Diagnostic::new(&codes::MANIFEST_TOO_LARGE, message).with_primary(Span::default(), "")
    };
    if *nodes > MAX_NODES {
        return Err(too_large(format!(
            "the document has more than {MAX_NODES} nodes"
        )));
    }
    let nested = matches!(
        value,
        serde_json::Value::Array(_) | serde_json::Value::Object(_)
    );
    if nested && depth >= MAX_DEPTH {
        return Err(too_large(format!(
            "the document is nested more than {MAX_DEPTH} levels deep"
        )));
    }
    let kind = match value {
        serde_json::Value::Null => NodeKind::Null,
        serde_json::Value::Bool(b) => NodeKind::Bool(*b),
        serde_json::Value::Number(n) => match riskgate_engine::Value::from_json(value) {
            riskgate_engine::Value::Number(n) => NodeKind::Number(n),
            _ => NodeKind::String(n.to_string()),
        },
        serde_json::Value::String(s) => NodeKind::String(s.clone()),
        serde_json::Value::Array(items) => NodeKind::Seq(
            items
                .iter()
                .map(|item| json_node(item, depth + 1, nodes))
                .collect::<Result<_, _>>()?,
        ),
        serde_json::Value::Object(map) => NodeKind::Map(
            map.iter()
                .map(|(key, value)| {
                    Ok(Entry {
                        key: key.clone(),
                        key_span: Span::default(),
                        value: json_node(value, depth + 1, nodes)?,
                    })
                })
                .collect::<Result<_, Diagnostic>>()?,
        ),
    };
    Ok(Node {
        kind,
        span: Span::default(),
    })
}

/// One document of a stream: its tree (absent when it could not be read)
/// and the problems found reading it.
#[derive(Debug)]
pub(crate) struct RawDocument {
    pub(crate) root: Option<Node>,
    /// Span of the document in the file.
    pub(crate) span: Span,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Whether `line` is a document start marker (`---` then blank or end).
fn is_document_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

/// Whether a part holds only blank lines, comments and directives, with at
/// least one directive (`%YAML`), so it belongs to the next document.
fn is_directives_only(part: &str) -> bool {
    let mut directive = false;
    for line in part.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('%') {
            directive = true;
        } else if !(trimmed.is_empty() || trimmed.starts_with('#')) {
            return false;
        }
    }
    directive
}

/// Splits `text` into byte ranges, one per `---`-separated part.
fn split_parts(text: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset > 0 && is_document_marker(line) {
            starts.push(offset);
        }
        offset += line.len();
    }
    let mut parts = Vec::new();
    let mut pending: Option<usize> = None;
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let start = pending.take().unwrap_or(start);
        if end < text.len() && is_directives_only(text.get(start..end).unwrap_or_default()) {
            pending = Some(start);
            continue;
        }
        parts.push((start, end));
    }
    parts
}

/// Parses every document of `text`.
pub(crate) fn parse_documents(text: &str) -> Vec<RawDocument> {
    let mut documents = Vec::new();
    for (start, end) in split_parts(text) {
        let part = text.get(start..end).unwrap_or_default();
        Builder::new(part, start).run(&mut documents);
    }
    documents
}

/// Converts character indices of one part to byte offsets in the file.
struct Offsets<'a> {
    part: &'a str,
    base: usize,
    ascii: bool,
    /// Byte offset of every 64th character.
    checkpoints: Vec<usize>,
}

impl<'a> Offsets<'a> {
    fn new(part: &'a str, base: usize) -> Self {
        let ascii = part.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            part.char_indices()
                .step_by(64)
                .map(|(byte, _)| byte)
                .collect()
        };
        Self {
            part,
            base,
            ascii,
            checkpoints,
        }
    }

    fn byte(&self, char_index: usize) -> u32 {
        let local = if self.ascii {
            char_index.min(self.part.len())
        } else {
            let checkpoint = self
                .checkpoints
                .get(char_index / 64)
                .copied()
                .unwrap_or(self.part.len());
            let rest = char_index % 64;
            self.part
                .get(checkpoint..)
                .unwrap_or_default()
                .char_indices()
                .nth(rest)
                .map_or(self.part.len(), |(byte, _)| checkpoint + byte)
        };
        u32::try_from(self.base + local).unwrap_or(u32::MAX)
    }

    fn span(&self, span: &saphyr_parser::Span) -> Span {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        Span::new(start, end)
    }
}

enum Frame {
    Seq {
        start: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Span,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
        seen: BTreeMap<String, Span>,
    },
}

struct Builder<'a> {
    offsets: Offsets<'a>,
    stack: Vec<Frame>,
    anchors: BTreeMap<usize, Node>,
    nodes: usize,
    root: Option<Node>,
    doc_start: u32,
    in_document: bool,
    diagnostics: Vec<Diagnostic>,
    /// Set after an error that makes the tree unusable.
    broken: bool,
    /// The first key of the mapping that ended last, for indentation help.
    last_closed_keys: Option<(String, Span)>,
}

impl<'a> Builder<'a> {
    fn new(part: &'a str, base: usize) -> Self {
        Self {
            offsets: Offsets::new(part, base),
            stack: Vec::new(),
            anchors: BTreeMap::new(),
            nodes: 0,
            root: None,
            doc_start: u32::try_from(base).unwrap_or(u32::MAX),
            in_document: false,
            diagnostics: Vec::new(),
            broken: false,
            last_closed_keys: None,
        }
    }

    fn end_offset(&self) -> u32 {
        u32::try_from(self.offsets.base + self.offsets.part.len()).unwrap_or(u32::MAX)
    }

    fn run(mut self, documents: &mut Vec<RawDocument>) {
        let mut parser = Parser::new_from_str(self.offsets.part);
        while let Some(next) = parser.next_event() {
            match next {
                Ok((event, span)) => {
                    let span = self.offsets.span(&span);
                    if self.handle(event, span, documents) {
                        break;
                    }
                }
                Err(error) => {
                    let at = self.offsets.byte(error.marker().index());
                    let diagnostic = self.syntax_error(error.info(), at);
                    self.diagnostics.push(diagnostic);
                    self.broken = true;
                    self.finish_document(self.end_offset(), documents);
                    break;
                }
            }
        }
        if self.in_document {
            self.finish_document(self.end_offset(), documents);
        }
    }

    /// A parser error at `at`, said in the words of the document (the
    /// parser's own words follow, for searching), pointing also at where
    /// the enclosing block began and, for a mapping, at the column its
    /// keys start in.
    fn syntax_error(&self, info: &str, at: u32) -> Diagnostic {
        if info.contains("tabs disallowed") {
            return Diagnostic::new(
                &codes::MANIFEST_SYNTAX,
                format!(
                    "invalid YAML: a tab indents this line; YAML indents with spaces only ({info})"
                ),
            )
            .with_primary(Span::new(at, at), "")
            .with_help("replace the tab with spaces");
        }
        let plain = if info.contains("block mapping") && info.contains("expected key") {
            "a line is not indented like the keys of its mapping"
        } else if info.contains("block sequence") {
            "a line is not indented like the items of its list"
        } else if info.contains("flow mapping") {
            "a `{ }` mapping is not closed, or an entry in it lacks a `,`"
        } else if info.contains("flow sequence") {
            "a `[ ]` list is not closed, or an item in it lacks a `,`"
        } else if info.contains("mapping values are not allowed") {
            "a `: ` appears where a value was expected (quote a value that contains `: `)"
        } else {
            ""
        };
        let message = if plain.is_empty() {
            format!("invalid YAML: {info}")
        } else {
            format!("invalid YAML: {plain} ({info})")
        };
        let mut diagnostic =
            Diagnostic::new(&codes::MANIFEST_SYNTAX, message).with_primary(Span::new(at, at), "");
        let open = self.stack.last().map(|frame| match frame {
            Frame::Map {
                start,
                entries,
                key,
                ..
            } => {
                let first = entries
                    .first()
                    .map(|e| (e.key.as_str(), e.key_span))
                    .or(key.as_ref().map(|(k, span)| (k.as_str(), *span)));
                ("mapping", *start, first)
            }
            Frame::Seq { start, .. } => ("list", *start, None),
        });
        let Some((what, start, first_key)) = open else {
            return diagnostic;
        };
        if self.line_of(start.start) != self.line_of(at) {
            diagnostic = diagnostic.with_secondary(
                Span::new(start.start, start.start),
                format!("the {what} began here"),
            );
        }
        if let Some((key, span)) = first_key
            && info.contains("block mapping")
        {
            let found = self.column_of(self.line_start(at));
            let mut columns = vec![(self.column_of(span.start), key)];
            if let Some((inner, inner_span)) = &self.last_closed_keys
                && inner_span.start > span.start
            {
                columns.push((self.column_of(inner_span.start), inner.as_str()));
            }
            let places: Vec<String> = columns
                .iter()
                .filter(|(column, _)| *column != found)
                .map(|(column, key)| format!("column {column}, with `{key}`"))
                .collect();
            if !places.is_empty() {
                diagnostic = diagnostic.with_help(format!(
                    "this line starts in column {found}; keys of one mapping must start in the same column: move it to {}",
                    places.join(", or to ")
                ));
            }
        }
        diagnostic
    }

    /// The local text before byte `at` of the file.
    fn before(&self, at: u32) -> &str {
        let local = (at as usize).saturating_sub(self.offsets.base);
        self.offsets.part.get(..local).unwrap_or(self.offsets.part)
    }

    fn line_of(&self, at: u32) -> usize {
        self.before(at).matches('\n').count()
    }

    /// The byte where the first non-blank character of the line of `at` is.
    fn line_start(&self, at: u32) -> u32 {
        let before = self.before(at);
        let line = before.rfind('\n').map_or(0, |i| i + 1);
        let rest = self.offsets.part.get(line..).unwrap_or_default();
        let indent = rest.len() - rest.trim_start_matches(' ').len();
        u32::try_from(self.offsets.base + line + indent).unwrap_or(u32::MAX)
    }

    /// 1-based column, in characters, of byte `at`.
    fn column_of(&self, at: u32) -> usize {
        let before = self.before(at);
        let line = before.rfind('\n').map_or(0, |i| i + 1);
        before.get(line..).unwrap_or_default().chars().count() + 1
    }

    /// Handles one event; returns true to stop reading this part.
    fn handle(&mut self, event: Event<'_>, span: Span, documents: &mut Vec<RawDocument>) -> bool {
        match event {
            Event::DocumentStart(_) => {
                self.in_document = true;
                self.doc_start = span.start;
            }
            Event::DocumentEnd => {
                self.finish_document(span.end.max(self.doc_start), documents);
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::Scalar(value, style, anchor, tag) => {
                let kind = match resolve_scalar(&value, style, tag.as_deref()) {
                    Ok(kind) => kind,
                    Err(message) => {
                        self.error(&codes::MANIFEST_SYNTAX, message, span);
                        NodeKind::Null
                    }
                };
                let is_key = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
                if is_key {
                    return self.set_key(value.into_owned(), span);
                }
                let node = Node { kind, span };
                return self.add(node, anchor);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.error(
                        &codes::MANIFEST_TOO_LARGE,
                        format!("the document is nested more than {MAX_DEPTH} levels deep"),
                        span,
                    );
                    return true;
                }
                if matches!(self.stack.last(), Some(Frame::Map { key: None, .. })) {
                    self.error(
                        &codes::MANIFEST_SYNTAX,
                        "mapping keys must be scalars (strings), not lists or mappings".to_owned(),
                        span,
                    );
                    return true;
                }
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        start: span,
                        anchor,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        start: span,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                        seen: BTreeMap::new(),
                    }
                };
                self.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return false;
                };
                let (kind, start, anchor) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                    } => (NodeKind::Seq(items), start, anchor),
                    Frame::Map {
                        start,
                        anchor,
                        entries,
                        ..
                    } => {
                        self.last_closed_keys =
                            entries.first().map(|e| (e.key.clone(), e.key_span));
                        (NodeKind::Map(entries), start, anchor)
                    }
                };
                let node = Node {
                    kind,
                    span: Span::new(start.start, span.end.max(start.end)),
                };
                return self.add(node, anchor);
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    self.error(
                        &codes::MANIFEST_SYNTAX,
                        "alias refers to an unknown anchor".to_owned(),
                        span,
                    );
                    return true;
                };
                if matches!(self.stack.last(), Some(Frame::Map { key: None, .. })) {
                    let NodeKind::String(key) = &target.kind else {
                        self.error(
                            &codes::MANIFEST_SYNTAX,
                            "an alias used as a mapping key must refer to a string".to_owned(),
                            span,
                        );
                        return true;
                    };
                    let key = key.clone();
                    return self.set_key(key, span);
                }
                let size = target.size();
                if self.nodes + size > MAX_NODES {
                    self.error(
                        &codes::MANIFEST_TOO_LARGE,
                        format!("alias expansion exceeds {MAX_NODES} nodes"),
                        span,
                    );
                    return true;
                }
                let mut node = target.clone();
                node.span = span;
                self.nodes += size - 1;
                return self.add(node, 0);
            }
        }
        false
    }

    fn set_key(&mut self, key: String, span: Span) -> bool {
        let mut duplicate = None;
        if let Some(Frame::Map {
            key: slot, seen, ..
        }) = self.stack.last_mut()
        {
            if let Some(first) = seen.get(&key) {
                duplicate = Some(*first);
            } else {
                seen.insert(key.clone(), span);
            }
            *slot = Some((key.clone(), span));
        }
        if let Some(first) = duplicate {
            self.diagnostics.push(
                Diagnostic::new(
                    &codes::MANIFEST_DUPLICATE_KEY,
                    format!("duplicate key `{key}`"),
                )
                .with_primary(span, "second definition")
                .with_secondary(first, "first defined here"),
            );
            self.broken = true;
        }
        false
    }

    /// Adds a finished node to its parent; returns true to stop.
    fn add(&mut self, node: Node, anchor: usize) -> bool {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.error(
                &codes::MANIFEST_TOO_LARGE,
                format!("the document has more than {MAX_NODES} nodes"),
                node.span,
            );
            return true;
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => {
                if let Some((key, key_span)) = key.take() {
                    entries.push(Entry {
                        key,
                        key_span,
                        value: node,
                    });
                }
            }
        }
        false
    }

    fn error(&mut self, code: &'static riskgate_dsl::Code, message: String, span: Span) {
        self.diagnostics
            .push(Diagnostic::new(code, message).with_primary(span, ""));
        self.broken = true;
    }

    fn finish_document(&mut self, end: u32, documents: &mut Vec<RawDocument>) {
        let root = self.root.take();
        let diagnostics = std::mem::take(&mut self.diagnostics);
        let broken = std::mem::replace(&mut self.broken, false);
        self.stack.clear();
        self.anchors.clear();
        self.nodes = 0;
        self.in_document = false;
        let span = Span::new(self.doc_start, end.max(self.doc_start));
        // An empty document (e.g. after a trailing `---`) is not a manifest.
        let empty = matches!(&root, Some(Node { kind: NodeKind::Null, span }) if span.is_empty());
        if empty && diagnostics.is_empty() {
            return;
        }
        documents.push(RawDocument {
            root: if broken { None } else { root },
            span,
            diagnostics,
        });
    }
}

/// Resolves a scalar with the YAML 1.2 core schema.
fn resolve_scalar(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<NodeKind, String> {
    let core_tag = tag
        .filter(|tag| tag.is_yaml_core_schema())
        .map(|tag| tag.suffix.as_str());
    match core_tag {
        Some("str") => return Ok(NodeKind::String(value.to_owned())),
        Some("null") => return Ok(NodeKind::Null),
        Some(suffix @ ("int" | "float" | "bool")) => {
            return resolve_plain(value)
                .filter(|kind| {
                    matches!(
                        (suffix, kind),
                        ("bool", NodeKind::Bool(_)) | ("int" | "float", NodeKind::Number(_))
                    )
                })
                .ok_or_else(|| format!("`{value}` is not a valid !!{suffix}"));
        }
        _ => {}
    }
    // A non-specific tag (`!`) or a quoted/block scalar is a string.
    if style != ScalarStyle::Plain
        || tag.is_some_and(|tag| tag.handle == "!" && tag.suffix.is_empty())
    {
        return Ok(NodeKind::String(value.to_owned()));
    }
    if matches!(
        value,
        ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | ".nan"
            | ".NaN"
            | ".NAN"
    ) {
        return Err(format!(
            "`{value}` is not a finite number; manifest numbers must be finite (quote it for a string)"
        ));
    }
    Ok(resolve_plain(value).unwrap_or_else(|| NodeKind::String(value.to_owned())))
}

/// Core-schema resolution of a plain scalar, or `None` for a string.
fn resolve_plain(value: &str) -> Option<NodeKind> {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return Some(NodeKind::Null),
        "true" | "True" | "TRUE" => return Some(NodeKind::Bool(true)),
        "false" | "False" | "FALSE" => return Some(NodeKind::Bool(false)),
        _ => {}
    }
    if let Some(hex) = value.strip_prefix("0x") {
        return i128::from_str_radix(hex, 16)
            .ok()
            .filter(|_| hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|n| NodeKind::Number(Number::from_i128(n)));
    }
    if let Some(octal) = value.strip_prefix("0o") {
        return i128::from_str_radix(octal, 8)
            .ok()
            .filter(|_| octal.bytes().all(|b| matches!(b, b'0'..=b'7')))
            .map(|n| NodeKind::Number(Number::from_i128(n)));
    }
    if is_core_number(value) {
        return Number::parse(value.strip_prefix('+').unwrap_or(value)).map(NodeKind::Number);
    }
    None
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let count_digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    };
    let int_digits = count_digits(&mut at);
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let frac_digits = count_digits(&mut at);
        if int_digits == 0 && frac_digits == 0 {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if count_digits(&mut at) == 0 {
            return false;
        }
    }
    at == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        let docs = parse_documents(text);
        assert_eq!(docs.len(), 1, "{docs:?}");
        docs.into_iter().next().and_then(|d| d.root).unwrap()
    }

    #[test]
    fn core_schema_resolution() {
        let NodeKind::Map(entries) =
            root("a: yes\nb: 1.50\nc: ~\nd: 0x1F\ne: '1'\nf: 1e3\ng: TRUE\n").kind
        else {
            panic!("not a map")
        };
        let kinds: Vec<String> = entries
            .iter()
            .map(|e| format!("{}={:?}", e.key, e.value.kind))
            .collect();
        insta::assert_snapshot!(kinds.join("\n"), @r#"
        a=String("yes")
        b=Number(Float(1.5))
        c=Null
        d=Number(Int(31))
        e=String("1")
        f=Number(Int(1000))
        g=Bool(true)
        "#);
    }

    #[test]
    fn spans_are_byte_offsets_in_the_file() {
        let text = "# é comment\n---\nname: \"ü\"\n---\nx: 1\n";
        let docs = parse_documents(text);
        assert_eq!(docs.len(), 2);
        let NodeKind::Map(entries) = &docs[1].root.as_ref().unwrap().kind else {
            panic!()
        };
        let value = &entries[0].value;
        assert_eq!(value.span.text(text), "1");
        let NodeKind::Map(entries) = &docs[0].root.as_ref().unwrap().kind else {
            panic!()
        };
        assert_eq!(entries[0].key_span.text(text), "name");
        assert_eq!(entries[0].value.span.text(text), "\"ü\"");
    }

    #[test]
    fn split_keeps_directives_with_their_document() {
        let text = "%YAML 1.2\n---\na: 1\n";
        let docs = parse_documents(text);
        assert_eq!(docs.len(), 1);
        assert!(docs[0].diagnostics.is_empty(), "{:?}", docs[0].diagnostics);
    }

    #[test]
    fn alias_bombs_are_stopped() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let prev = level - 1;
            text.push_str(&format!(
                "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let docs = parse_documents(&text);
        assert_eq!(docs[0].diagnostics[0].code().id, "E2004");
    }
}
