//! `--into`: merges a fragment into an existing manifest by editing its
//! text, so the user's comments, key order and formatting survive. Each
//! edit replaces or inserts text at spans the manifest loader reports; the
//! text is re-read after every edit, and the result is loaded once more to
//! prove it parses and holds exactly what was imported.
//!
//! Evaluations are matched by `id`, documents by `uri`, datasets and
//! components by `name`: a match is replaced (a re-import updates the
//! previous one), anything else is appended. Approval claims are only
//! added for roles with no approval yet, so a claim never replaces a
//! recorded decision.

use riskgate_controls::manifest::{LoadedDocument, load_documents, load_manifests};
use riskgate_dsl::Span;
use serde_json::Value;
use serde_yaml_ng::{Mapping, Value as Yaml};

use crate::ImportError;
use crate::codes;
use crate::fragment::{Fragment, to_pruned};

/// The manifest text `text` (named `name`) with `fragment` merged in.
///
/// # Errors
/// `E6005` when the manifest has errors or several documents, a section
/// cannot be extended in place, or the edited text does not reload to the
/// imported values.
pub fn merge(name: &str, text: &str, fragment: &Fragment) -> Result<String, ImportError> {
    let loaded = load_manifests(name, text);
    let target = |message: String| ImportError::general(&codes::IMPORT_TARGET_INVALID, message);
    match loaded.as_slice() {
        [only] if !only.has_errors() => {}
        [only] => {
            let first = only
                .diagnostics
                .iter()
                .find(|d| d.severity() == riskgate_dsl::Severity::Error)
                .map(|d| d.message().to_owned())
                .unwrap_or_default();
            return Err(
                target(format!("{name} has errors, so it is not updated: {first}")).with_help(
                    format!("run `riskgate check {name}` and fix the errors first"),
                ),
            );
        }
        _ => {
            return Err(target(format!(
                "{name} holds {} documents; --into updates a file with one manifest",
                loaded.len()
            )));
        }
    }
    let mut editor = Editor {
        name,
        text: text.to_owned(),
    };
    for evaluation in &fragment.evaluations {
        editor.upsert_item("/spec/evaluations", "id", &to_pruned(evaluation))?;
    }
    for document in &fragment.documents {
        editor.upsert_item("/spec/documents", "uri", &to_pruned(document))?;
    }
    for dataset in &fragment.datasets {
        editor.upsert_item("/spec/data/datasets", "name", &to_pruned(dataset))?;
    }
    for component in &fragment.components {
        editor.upsert_item(
            "/spec/supply_chain/components",
            "name",
            &to_pruned(component),
        )?;
    }
    if let Some(aibom_ref) = &fragment.aibom_ref {
        editor.upsert_key(
            "/spec/supply_chain",
            "aibom_ref",
            &Yaml::from(aibom_ref.as_str()),
        )?;
    }
    if let Some(intended_use) = &fragment.intended_use
        && let Yaml::Mapping(fields) = to_pruned(intended_use)
    {
        for (field, value) in &fields {
            if let Some(field) = field.as_str() {
                editor.upsert_key("/spec/intended_use", field, value)?;
            }
        }
    }
    for approval in &fragment.approvals {
        editor.insert_item_if_absent("/spec/approvals", "role", &to_pruned(approval))?;
    }
    for (key, value) in &fragment.annotations {
        editor.upsert_key("/metadata/annotations", key, &Yaml::from(value.as_str()))?;
    }
    verify(name, &editor.text, fragment)?;
    Ok(editor.text)
}

/// Loads the edited text and checks it says what was imported.
fn verify(name: &str, text: &str, fragment: &Fragment) -> Result<(), ImportError> {
    let failed = |what: String| {
        ImportError::general(
            &codes::IMPORT_TARGET_INVALID,
            format!("updating {name} in place did not give the intended manifest: {what}"),
        )
        .with_help("write the import to a new file with -o and merge it by hand")
    };
    let loaded = load_manifests(name, text);
    let manifest = match loaded.as_slice() {
        [only] => only.manifest.clone(),
        _ => None,
    }
    .ok_or_else(|| failed("the edited text does not load".to_owned()))?;
    let spec = &manifest.spec;
    for evaluation in &fragment.evaluations {
        if !spec.evaluations.contains(evaluation) {
            return Err(failed(format!("evaluation `{}` differs", evaluation.id)));
        }
    }
    for document in &fragment.documents {
        if !spec.documents.contains(document) {
            return Err(failed(format!("document `{}` differs", document.kind)));
        }
    }
    let datasets = spec
        .data
        .as_ref()
        .map(|d| d.datasets.as_slice())
        .unwrap_or_default();
    for dataset in &fragment.datasets {
        if !datasets.contains(dataset) {
            return Err(failed(format!("dataset `{}` differs", dataset.name)));
        }
    }
    for (key, value) in &fragment.annotations {
        if manifest.metadata.annotations.get(key) != Some(value) {
            return Err(failed(format!("annotation `{key}` differs")));
        }
    }
    Ok(())
}

/// The text being edited.
struct Editor<'n> {
    name: &'n str,
    text: String,
}

/// The document as the loader reads it now.
struct Snapshot {
    document: LoadedDocument,
    value: Value,
}

impl Snapshot {
    fn span(&self, pointer: &str) -> Option<Span> {
        self.document.positions.get(pointer).map(|p| p.span)
    }

    /// Where the text of the node at `pointer` really ends: block
    /// collections' spans run on to the next token (over comments and
    /// blank lines), so this is the end of the last scalar or flow node in
    /// it.
    fn content_end(&self, text: &str, pointer: &str) -> usize {
        let prefix = format!("{pointer}/");
        self.document
            .positions
            .iter()
            .filter(|(p, _)| *p == pointer || p.starts_with(&prefix))
            .filter(|(p, position)| {
                let is_collection = self
                    .value
                    .pointer(p)
                    .is_some_and(|v| v.is_object() || v.is_array());
                !is_collection || is_flow(text, position.span)
            })
            .map(|(_, position)| position.span.end as usize)
            .max()
            .unwrap_or(0)
    }
}

/// Whether a collection is written in flow style (`{...}`, `[...]`).
fn is_flow(text: &str, span: Span) -> bool {
    text.get(span.start as usize..)
        .is_some_and(|rest| rest.starts_with(['{', '[']))
}

impl Editor<'_> {
    fn snapshot(&self) -> Result<Snapshot, ImportError> {
        let document = load_documents(&self.text)
            .into_iter()
            .next()
            .filter(|d| d.diagnostics.is_empty())
            .ok_or_else(|| self.unsupported("an intermediate edit does not parse"))?;
        let value = document
            .value
            .as_ref()
            .map(riskgate_engine::value::Value::to_json)
            .unwrap_or(Value::Null);
        Ok(Snapshot { document, value })
    }

    fn unsupported(&self, what: &str) -> ImportError {
        ImportError::general(
            &codes::IMPORT_TARGET_INVALID,
            format!("{} cannot be updated in place: {what}", self.name),
        )
        .with_help("write the import to a new file with -o and merge it by hand")
    }

    fn splice(&mut self, start: usize, end: usize, replacement: &str) {
        self.text.replace_range(start..end, replacement);
    }

    /// Replaces the entry of the list at `list` whose `key` equals the
    /// item's, or appends the item.
    fn upsert_item(&mut self, list: &str, key: &str, item: &Yaml) -> Result<(), ImportError> {
        self.item(list, key, item, true)
    }

    /// Appends the item unless an entry with the same `key` exists.
    fn insert_item_if_absent(
        &mut self,
        list: &str,
        key: &str,
        item: &Yaml,
    ) -> Result<(), ImportError> {
        self.item(list, key, item, false)
    }

    fn item(
        &mut self,
        list: &str,
        key: &str,
        item: &Yaml,
        replace: bool,
    ) -> Result<(), ImportError> {
        let snapshot = self.snapshot()?;
        let Some(existing) = snapshot.value.pointer(list) else {
            let (parent, field) = split_pointer(list);
            return self.upsert_key(parent, field, &Yaml::Sequence(vec![item.clone()]));
        };
        let Some(items) = existing.as_array() else {
            return Err(self.unsupported(&format!("`{list}` is not a list")));
        };
        let span = snapshot.span(list).ok_or_else(|| self.unsupported(list))?;
        let wanted = item.get(key).and_then(Yaml::as_str);
        let found = items
            .iter()
            .position(|entry| wanted.is_some() && entry.get(key).and_then(Value::as_str) == wanted);
        if is_flow(&self.text, span) {
            // Flow lists are rewritten whole, as flow JSON (valid YAML).
            let mut merged: Vec<Yaml> = items
                .iter()
                .map(|entry| serde_yaml_ng::to_value(entry).unwrap_or(Yaml::Null))
                .collect();
            match found {
                Some(i) if replace => {
                    if let Some(slot) = merged.get_mut(i) {
                        *slot = item.clone();
                    }
                }
                Some(_) => return Ok(()),
                None => merged.push(item.clone()),
            }
            if merged.len() == 1 && items.is_empty() {
                // `[]`: write a block list under the key instead.
                return self.replace_with_block(&snapshot, list, &Yaml::Sequence(merged));
            }
            let flow = serde_json::to_string(&Yaml::Sequence(merged)).unwrap_or_default();
            self.splice(span.start as usize, span.end as usize, &flow);
            return Ok(());
        }
        match found {
            Some(i) if replace => {
                let pointer = format!("{list}/{i}");
                let start = snapshot.span(&pointer).map_or(0, |s| s.start as usize);
                let end = snapshot.content_end(&self.text, &pointer);
                let column = column_of(&self.text, start);
                let rendered = block(item, column);
                let rendered = rendered.trim_start().trim_end_matches('\n');
                self.splice(start, end, rendered);
                Ok(())
            }
            Some(_) => Ok(()),
            None => {
                let last = format!("{list}/{}", items.len().saturating_sub(1));
                let last_start = snapshot.span(&last).map_or(0, |s| s.start as usize);
                // The dash of the last item sets the indentation.
                let line_start = line_start(&self.text, last_start);
                let dash = self
                    .text
                    .get(line_start..last_start)
                    .and_then(|prefix| prefix.rfind('-'))
                    .ok_or_else(|| self.unsupported(&format!("the layout of `{list}`")))?;
                let end = snapshot.content_end(&self.text, &last);
                let at = after_line(&self.text, end);
                let text = list_item(item, dash);
                self.insert_line(at, &text);
                Ok(())
            }
        }
    }

    /// Sets `key` of the mapping at `map` to `value`, creating the mapping
    /// (and its parents) when missing.
    fn upsert_key(&mut self, map: &str, key: &str, value: &Yaml) -> Result<(), ImportError> {
        let snapshot = self.snapshot()?;
        let Some(existing) = snapshot.value.pointer(map) else {
            let (parent, field) = split_pointer(map);
            let mut object = Mapping::new();
            object.insert(key.into(), value.clone());
            return self.upsert_key(parent, field, &Yaml::Mapping(object));
        };
        let Some(entries) = existing.as_object() else {
            return Err(self.unsupported(&format!("`{map}` is not a mapping")));
        };
        let entry_pointer = format!("{map}/{}", riskgate_engine::json_pointer::escape(key));
        if entries.contains_key(key) {
            return self.replace_with_block(&snapshot, &entry_pointer, value);
        }
        let span = snapshot.span(map).ok_or_else(|| self.unsupported(map))?;
        if is_flow(&self.text, span) || entries.is_empty() {
            let mut merged: Mapping = entries
                .iter()
                .map(|(k, v)| {
                    (
                        Yaml::from(k.as_str()),
                        serde_yaml_ng::to_value(v).unwrap_or(Yaml::Null),
                    )
                })
                .collect();
            merged.insert(key.into(), value.clone());
            if map.is_empty() {
                return Err(self.unsupported("the document is not a block mapping"));
            }
            return self.replace_with_block(&snapshot, map, &Yaml::Mapping(merged));
        }
        // Append after the last entry, at the first entry's indentation.
        let Some((first_key, _)) = entries.iter().next() else {
            return Err(self.unsupported(map));
        };
        let first = format!("{map}/{}", riskgate_engine::json_pointer::escape(first_key));
        let key_start = snapshot
            .document
            .positions
            .get(&first)
            .and_then(|p| p.key_span)
            .map(|s| s.start as usize)
            .ok_or_else(|| self.unsupported(map))?;
        let indent = column_of(&self.text, key_start);
        let end = snapshot.content_end(&self.text, map);
        let at = after_line(&self.text, end);
        let text = entry(key, value, indent);
        self.insert_line(at, &text);
        Ok(())
    }

    /// Replaces the value at `pointer` (a mapping entry) with `value`,
    /// written as a block under its key.
    fn replace_with_block(
        &mut self,
        snapshot: &Snapshot,
        pointer: &str,
        value: &Yaml,
    ) -> Result<(), ImportError> {
        let position = snapshot
            .document
            .positions
            .get(pointer)
            .ok_or_else(|| self.unsupported(pointer))?;
        let key_span = position.key_span.ok_or_else(|| self.unsupported(pointer))?;
        let indent = column_of(&self.text, key_span.start as usize);
        // Replace from the colon after the key to the end of the old value.
        let colon = self
            .text
            .get(key_span.end as usize..)
            .and_then(|rest| rest.find(':'))
            .map(|i| key_span.end as usize + i + 1)
            .ok_or_else(|| self.unsupported(pointer))?;
        let end = snapshot.content_end(&self.text, pointer).max(colon);
        let replacement = match value {
            Yaml::Mapping(_) | Yaml::Sequence(_) => {
                format!("\n{}", block(value, indent + 2).trim_end_matches('\n'))
            }
            scalar => format!(" {}", scalar_text(scalar)),
        };
        self.splice(colon, end, &replacement);
        Ok(())
    }

    /// Inserts whole lines at `at` (a line start, or the end of the text).
    fn insert_line(&mut self, at: usize, lines: &str) {
        if at == self.text.len() && !self.text.ends_with('\n') {
            self.text.push('\n');
            self.text.push_str(lines);
        } else {
            self.text.insert_str(at.min(self.text.len()), lines);
        }
    }
}

/// `(parent, last token)` of a pointer.
fn split_pointer(pointer: &str) -> (&str, &str) {
    pointer.rsplit_once('/').unwrap_or(("", pointer))
}

fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// Byte column of `offset` in its line (indentation is ASCII spaces).
fn column_of(text: &str, offset: usize) -> usize {
    offset - line_start(text, offset)
}

/// The offset after the newline that ends the line holding `offset`.
fn after_line(text: &str, offset: usize) -> usize {
    text.get(offset..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| offset + i + 1)
}

/// `value` as block YAML, every line indented by `indent` spaces.
fn block(value: &Yaml, indent: usize) -> String {
    let yaml = crate::render::yaml(value);
    let pad = " ".repeat(indent);
    yaml.lines().map(|line| format!("{pad}{line}\n")).collect()
}

/// A list item at dash column `dash`.
fn list_item(item: &Yaml, dash: usize) -> String {
    let body = block(item, dash + 2);
    let mut out = String::with_capacity(body.len());
    for (i, line) in body.lines().enumerate() {
        if i == 0 {
            out.push_str(&" ".repeat(dash));
            out.push_str("- ");
            out.push_str(line.trim_start());
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A mapping entry at `indent`.
fn entry(key: &str, value: &Yaml, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let key_text = scalar_text(&Yaml::from(key));
    match value {
        Yaml::Mapping(_) | Yaml::Sequence(_) => {
            format!("{pad}{key_text}:\n{}", block(value, indent + 2))
        }
        scalar => format!("{pad}{key_text}: {}\n", scalar_text(scalar)),
    }
}

/// A scalar as YAML text (quoted when YAML would read it otherwise).
fn scalar_text(value: &Yaml) -> String {
    crate::render::yaml(value).trim_end().to_owned()
}
