//! OPA's `# METADATA` annotations and the values of `rego.metadata.rule()`
//! and `rego.metadata.chain()`.
//!
//! A comment block whose first line is `# METADATA` holds YAML describing
//! the package or rule that follows it. Every line of the block starts in
//! column 1 and the block ends at the first line that is not such a comment
//! (a blank line ends it). Annotations are static, so the compiler replaces
//! both builtin calls with the constant computed here for the calling rule:
//! the evaluator never sees them.

mod fields;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::codes;
use riskgate_dsl::ast::{self, Comment};
use riskgate_dsl::{Diagnostic, Span};

use crate::value::Value;

/// Where an annotation applies (OPA's `scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The rule below the block (default above a rule).
    Rule,
    /// Every rule of the same name (path) in the package.
    Document,
    /// The package below the block (default above `package`).
    Package,
    /// The package below the block and every package under it.
    Subpackages,
}

impl Scope {
    fn parse(text: &str) -> Option<Scope> {
        Some(match text {
            "rule" => Scope::Rule,
            "document" => Scope::Document,
            "package" => Scope::Package,
            "subpackages" => Scope::Subpackages,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Scope::Rule => "rule",
            Scope::Document => "document",
            Scope::Package => "package",
            Scope::Subpackages => "subpackages",
        }
    }
}

/// The annotations of every module, indexed by what they apply to.
#[derive(Debug, Default)]
pub(crate) struct MetadataIndex {
    /// (module index, item index) → rule-scope annotations.
    rules: BTreeMap<(u32, usize), Value>,
    /// Rule path (package + static head prefix) → document-scope annotations.
    documents: BTreeMap<Vec<Arc<str>>, Value>,
    /// Package path → package-scope annotations (the first module wins).
    packages: BTreeMap<Vec<Arc<str>>, Value>,
    /// Package path → subpackages-scope annotations.
    subpackages: BTreeMap<Vec<Arc<str>>, Value>,
}

/// The two constants a rule's metadata calls evaluate to.
pub(crate) struct RuleMetadata {
    /// `rego.metadata.rule()`: rule-scope annotations or `{}`.
    pub(crate) rule: Value,
    /// `rego.metadata.chain()`: innermost first.
    pub(crate) chain: Value,
}

impl MetadataIndex {
    /// Reads the annotations of one module (`file` is its index) and
    /// returns one diagnostic per malformed or misplaced block.
    pub(crate) fn add_module(
        &mut self,
        file: u32,
        module: &ast::Module,
        source: &str,
    ) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let package: Vec<Arc<str>> = module
            .package
            .iter()
            .flat_map(|p| &p.path)
            .map(|n| Arc::from(n.text.as_str()))
            .collect();
        for block in blocks(&module.comments, source) {
            match self.add_block(file, module, source, &package, &block) {
                Ok(()) => {}
                Err(diagnostic) => errors.push(diagnostic),
            }
        }
        errors
    }

    fn add_block(
        &mut self,
        file: u32,
        module: &ast::Module,
        source: &str,
        package: &[Arc<str>],
        block: &Block<'_>,
    ) -> Result<(), Diagnostic> {
        let target = attached_to(module, source, block.span.end).ok_or_else(|| {
            block.error(
                block.span,
                "a METADATA block must be directly followed by a package or a rule",
            )
        })?;
        let (mut fields, scope_text) = fields::parse(block)?;
        let default = match target {
            Target::Package => Scope::Package,
            Target::Rule(..) => Scope::Rule,
        };
        let scope = match scope_text {
            None => default,
            Some((text, span)) => {
                let scope = Scope::parse(&text).ok_or_else(|| {
                    block.error(span, format!("invalid annotation scope '{text}'; use rule, document, package or subpackages"))
                })?;
                let fits = matches!(
                    (target, scope),
                    (Target::Package, Scope::Package | Scope::Subpackages)
                        | (Target::Rule(..), Scope::Rule | Scope::Document)
                );
                if !fits {
                    let place = match target {
                        Target::Package => "a package",
                        Target::Rule(..) => "a rule",
                    };
                    return Err(block.error(
                        span,
                        format!("annotation scope '{text}' cannot be applied to {place}"),
                    ));
                }
                scope
            }
        };
        fields.insert(Value::string("scope"), Value::string(scope.as_str()));
        let value = Value::object(fields);
        match (scope, target) {
            (Scope::Rule, Target::Rule(item, _)) => {
                self.rules.insert((file, item), value);
            }
            (Scope::Document, Target::Rule(_, rule)) => {
                let mut path = package.to_vec();
                path.extend(super::ground_path(rule));
                self.documents.entry(path).or_insert(value);
            }
            (Scope::Subpackages, _) => {
                self.subpackages.entry(package.to_vec()).or_insert(value);
            }
            // Package scope; the other pairs were rejected above.
            _ => {
                self.packages.entry(package.to_vec()).or_insert(value);
            }
        }
        Ok(())
    }

    /// The metadata constants of the rule at `item` of module `file`, whose
    /// ground path (package + static head prefix) is `path`.
    pub(crate) fn for_rule(
        &self,
        file: u32,
        item: usize,
        package: &[Arc<str>],
        path: &[Arc<str>],
    ) -> RuleMetadata {
        let own = self.rules.get(&(file, item));
        let mut chain = vec![entry(path, own)];
        if let Some(document) = self.documents.get(path) {
            chain.push(entry(path, Some(document)));
        }
        if let Some(pkg) = self.packages.get(package) {
            chain.push(entry(package, Some(pkg)));
        }
        for len in (0..=package.len()).rev() {
            let prefix = package.get(..len).unwrap_or_default();
            if let Some(sub) = self.subpackages.get(prefix) {
                chain.push(entry(prefix, Some(sub)));
            }
        }
        RuleMetadata {
            rule: own.cloned().unwrap_or_else(Value::empty_object),
            chain: Value::array(chain),
        }
    }
}

/// The `title` and `description` of the YAML of a METADATA block (the
/// comment lines after `# METADATA`, without their `#`), for editors; `None`
/// when the YAML is not a mapping.
#[must_use]
pub fn metadata_summary(yaml: &str) -> Option<(Option<String>, Option<String>)> {
    let serde_yaml_ng::Value::Mapping(map) = serde_yaml_ng::from_str(yaml).ok()? else {
        return None;
    };
    let text = |key: &str| map.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    Some((text("title"), text("description")))
}

/// One chain entry: `{"path": [...], "annotations": {...}}`; a rule without
/// annotations of its own has no `annotations` member.
fn entry(path: &[Arc<str>], annotations: Option<&Value>) -> Value {
    let mut fields = BTreeMap::new();
    fields.insert(
        Value::string("path"),
        Value::array(path.iter().map(|s| Value::String(s.clone())).collect()),
    );
    if let Some(annotations) = annotations {
        fields.insert(Value::string("annotations"), annotations.clone());
    }
    Value::object(fields)
}

/// What a block annotates.
#[derive(Clone, Copy)]
enum Target<'m> {
    Package,
    /// The item index and the rule.
    Rule(usize, &'m ast::Rule),
}

/// The package or rule that starts first after `offset`, with only blank
/// and comment lines between; `None` when that is an import, a declaration
/// (or a rule generated from one), or nothing.
fn attached_to<'m>(module: &'m ast::Module, source: &str, offset: u32) -> Option<Target<'m>> {
    let package = module
        .package
        .as_ref()
        .filter(|p| p.span.start >= offset)
        .map(|p| (p.span.start, None));
    let import = module
        .imports
        .iter()
        .find(|i| i.span.start >= offset)
        .map(|i| (i.span.start, None));
    let item = module
        .items
        .iter()
        .enumerate()
        .find(|(_, item)| item.span().start >= offset)
        .map(|(index, item)| (item.span().start, Some((index, item))));
    let next = [package, import, item]
        .into_iter()
        .flatten()
        .min_by_key(|(start, _)| *start)?;
    let gap = source.get(offset as usize..next.0 as usize)?;
    let only_comments = |line: &str| line.trim().is_empty() || line.trim_start().starts_with('#');
    if !gap.lines().all(only_comments) {
        return None;
    }
    match next {
        (start, None)
            if module
                .package
                .as_ref()
                .is_some_and(|p| p.span.start == start) =>
        {
            Some(Target::Package)
        }
        (_, Some((index, ast::Item::Rule(rule)))) => Some(Target::Rule(index, rule)),
        _ => None,
    }
}

/// A `# METADATA` comment block.
pub(crate) struct Block<'c> {
    /// From the `#` of `# METADATA` to the end of the last line.
    span: Span,
    /// The comments after the `# METADATA` line, one per YAML line.
    lines: Vec<&'c Comment>,
}

impl Block<'_> {
    /// The YAML text: each line without its `#` and one following space.
    fn yaml(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(line.text.strip_prefix(' ').unwrap_or(&line.text));
            out.push('\n');
        }
        out
    }

    /// The span of YAML line `line` (1-based; an error at the end of the
    /// text is on the last line), or of the whole block.
    fn line_span(&self, line: usize) -> Span {
        line.min(self.lines.len())
            .checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .map_or(self.span, |c| c.span)
    }

    /// The span of the line that sets top-level `key`, or of the block.
    fn key_span(&self, key: &str) -> Span {
        self.lines
            .iter()
            .find(|c| {
                c.text
                    .trim_start()
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
            .map_or(self.span, |c| c.span)
    }

    fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&codes::INVALID_METADATA, message.into())
            .with_primary(span, "")
            .with_secondary(self.first_line(), "in this METADATA block")
    }

    fn first_line(&self) -> Span {
        Span::new(self.span.start, self.span.start.saturating_add(10))
    }
}

/// Every `# METADATA` block of a module, in source order.
fn blocks<'c>(comments: &'c [Comment], source: &str) -> Vec<Block<'c>> {
    let starts_line = |c: &Comment| {
        c.span.start == 0
            || source
                .as_bytes()
                .get(c.span.start as usize - 1)
                .is_some_and(|b| *b == b'\n')
    };
    // Only blanks and one newline lie between the two comments.
    let adjacent = |a: &Comment, b: &Comment| {
        let gap = source.get(a.span.end as usize..b.span.start as usize);
        gap.is_some_and(|g| g.matches('\n').count() == 1 && g.trim().is_empty())
    };
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(first) = comments.get(index) {
        index += 1;
        if first.text.trim() != "METADATA" || !starts_line(first) {
            continue;
        }
        let mut lines = Vec::new();
        let mut last = first;
        while let Some(next) = comments.get(index) {
            if !adjacent(last, next) || !starts_line(next) || next.text.trim() == "METADATA" {
                break;
            }
            lines.push(next);
            last = next;
            index += 1;
        }
        out.push(Block {
            span: first.span.cover(last.span),
            lines,
        });
    }
    out
}

#[cfg(test)]
mod tests;
