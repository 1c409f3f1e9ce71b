//! Source positions of manifest nodes, addressed by JSON pointer.

use riskgate_engine::json_pointer;
use std::collections::BTreeMap;

use riskgate_dsl::{LineCol, LineIndex, Span};

use super::yaml::{Node, NodeKind};

/// Where one node of a document was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Byte span of the value in the file.
    pub span: Span,
    /// Line and column of the start of the value.
    pub start: LineCol,
    /// Byte span of the key naming the value, when it is a mapping entry.
    pub key_span: Option<Span>,
}

/// Positions of every node of one document, keyed by RFC 6901 JSON pointer
/// (`""` is the document, `/spec/evaluations/0/metrics/2/value` a metric value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PositionMap {
    entries: BTreeMap<String, Position>,
}

impl PositionMap {
    /// The position of the node at `pointer`, if the document has one.
    #[must_use]
    pub fn get(&self, pointer: &str) -> Option<&Position> {
        self.entries.get(pointer)
    }

    /// The position of the node at `pointer`, or of its nearest existing
    /// ancestor (useful to point at where a missing field should go).
    #[must_use]
    pub fn nearest(&self, pointer: &str) -> Option<(&str, &Position)> {
        let mut current = pointer;
        loop {
            if let Some((key, position)) = self.entries.get_key_value(current) {
                return Some((key.as_str(), position));
            }
            let (parent, _) = current.rsplit_once('/')?;
            current = parent;
        }
    }

    /// Line and column of the node at `pointer`.
    #[must_use]
    pub fn line_col(&self, pointer: &str) -> Option<LineCol> {
        self.get(pointer).map(|position| position.start)
    }

    /// Every pointer with its position, in pointer order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Position)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of positioned nodes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no node is positioned.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn build(root: &Node, text: &str, index: &LineIndex) -> Self {
        let mut map = PositionMap::default();
        let mut pointer = String::new();
        map.visit(root, None, &mut pointer, text, index);
        map
    }

    fn visit(
        &mut self,
        node: &Node,
        key_span: Option<Span>,
        pointer: &mut String,
        text: &str,
        index: &LineIndex,
    ) {
        self.entries.insert(
            pointer.clone(),
            Position {
                span: node.span,
                start: index.line_col(text, node.span.start),
                key_span,
            },
        );
        let len = pointer.len();
        match &node.kind {
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    self.visit(item, None, pointer, text, index);
                    pointer.truncate(len);
                }
            }
            NodeKind::Map(entries) => {
                for entry in entries {
                    json_pointer::push(pointer, &entry.key);
                    self.visit(&entry.value, Some(entry.key_span), pointer, text, index);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
}
