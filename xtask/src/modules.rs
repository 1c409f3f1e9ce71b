//! `cargo xtask modules`: import circles between the modules of a crate.
//!
//! Within each module, its child modules form a graph: child `a` depends on
//! sibling `b` when code anywhere under `a` names a path under `b`
//! (`crate::…`, `super::…`, `use crate::{…}`). A circle in that graph (`a`
//! uses `b` and `b` uses `a`, or longer) means a shared type lives in one of
//! its users; move it below both instead. Comments are skipped; a textual
//! scan is enough because the tree's own paths are all written out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context as _, Result};

/// The crates whose modules are checked.
pub const CRATES: [&str; 9] = [
    "graphql",
    "dsl",
    "engine",
    "controls",
    "workspace",
    "webhook",
    "lsp",
    "cli",
    "stdlib-policies",
];

/// One circle: the crate, the parent module (`""` for the crate root) and
/// the sibling modules on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Circle {
    /// The crate directory.
    pub krate: String,
    /// The module whose children form the circle.
    pub parent: String,
    /// The children on the circle, sorted.
    pub members: Vec<String>,
}

impl std::fmt::Display for Circle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parent = if self.parent.is_empty() {
            "crate root"
        } else {
            &self.parent
        };
        write!(
            f,
            "{}: modules of {parent} import each other: {}",
            self.krate,
            self.members.join(" ↔ ")
        )
    }
}

/// Every circle in the crates under `root`.
pub fn circles(root: &Path) -> Result<Vec<Circle>> {
    let mut found = Vec::new();
    for krate in CRATES {
        let src = root.join(krate).join("src");
        if src.is_dir() {
            found.extend(circles_in(krate, &src)?);
        }
    }
    Ok(found)
}

fn circles_in(krate: &str, src: &Path) -> Result<Vec<Circle>> {
    // Parent module → (child, sibling child it uses).
    let mut edges: BTreeMap<Vec<String>, BTreeSet<(String, String)>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry?;
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let module = module_path(src, path);
        for used in references(&text, &module) {
            let shared = module.iter().zip(&used).take_while(|(a, b)| a == b).count();
            if let (Some(from), Some(to)) = (module.get(shared), used.get(shared))
                && from != to
            {
                let parent = module.get(..shared).unwrap_or_default().to_vec();
                edges
                    .entry(parent)
                    .or_default()
                    .insert((from.clone(), to.clone()));
            }
        }
    }
    let mut found = Vec::new();
    for (parent, pairs) in edges {
        for members in strongly_connected(&pairs) {
            found.push(Circle {
                krate: krate.to_owned(),
                parent: parent.join("::"),
                members,
            });
        }
    }
    Ok(found)
}

/// `src/a/b.rs` → `[a, b]`; `lib.rs`, `main.rs` and `mod.rs` name their
/// directory's module.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.len() == 1 && parts.first().is_some_and(|p| p == "lib" || p == "main") {
        parts.clear();
    }
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The absolute module paths `text` (the file of `module`) names.
fn references(text: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = next_root(rest) {
            rest = rest.get(at..).unwrap_or_default();
            let (base, after) = if let Some(after) = rest.strip_prefix("crate::") {
                (Vec::new(), after)
            } else {
                let mut base = module.to_vec();
                let mut after = rest;
                while let Some(next) = after.strip_prefix("super::") {
                    base.pop();
                    after = next;
                }
                (base, after)
            };
            if let Some(group) = after.strip_prefix('{') {
                let end = group.find(';').unwrap_or(group.len());
                for name in group_roots(group.get(..end).unwrap_or_default()) {
                    let mut path = base.clone();
                    path.push(name);
                    out.push(path);
                }
            } else {
                let path: Vec<String> = after
                    .split("::")
                    .map_while(|segment| {
                        let name: String = segment
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        let is_module = !name.is_empty()
                            && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                            && name.len() == segment.len();
                        is_module.then_some(name)
                    })
                    .collect();
                let mut full = base;
                full.extend(path);
                out.push(full);
            }
            rest = rest.get(1..).unwrap_or_default();
        }
    }
    out
}

/// The offset of the next `crate::` or `super::` that starts a path.
fn next_root(text: &str) -> Option<usize> {
    let mut from = 0;
    loop {
        let rest = text.get(from..)?;
        let at = [rest.find("crate::"), rest.find("super::")]
            .into_iter()
            .flatten()
            .min()?;
        let absolute = from + at;
        let before = text.get(..absolute).and_then(|t| t.chars().last());
        if before.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')) {
            return Some(absolute);
        }
        from = absolute + 1;
    }
}

/// The first names of each item of a `{a, b::{c, d}, self}` group.
fn group_roots(group: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut at_item_start = true;
    let mut current = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_item_start = true,
            c if at_item_start && (c.is_ascii_alphanumeric() || c == '_') => current.push(c),
            _ => {
                if at_item_start && !current.is_empty() {
                    if current.starts_with(|c: char| c.is_ascii_lowercase()) && current != "self" {
                        names.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    at_item_start = false;
                }
            }
        }
    }
    if at_item_start && current.starts_with(|c: char| c.is_ascii_lowercase()) && current != "self" {
        names.push(current);
    }
    names
}

/// The strongly connected components with more than one member (Tarjan).
fn strongly_connected(pairs: &BTreeSet<(String, String)>) -> Vec<Vec<String>> {
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in pairs {
        graph.entry(from).or_default().push(to);
        graph.entry(to).or_default();
    }
    struct State<'a> {
        graph: &'a BTreeMap<&'a str, Vec<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        let order = state.index.len();
        state.index.insert(node, order);
        state.low.insert(node, order);
        state.stack.push(node);
        state.on_stack.insert(node);
        let next = state.graph.get(node).cloned().unwrap_or_default();
        for other in next {
            if !state.index.contains_key(other) {
                visit(state, other);
                let low = state.low[other].min(state.low[node]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(other) {
                let low = state.index[other].min(state.low[node]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut members = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                members.push(top.to_owned());
                if top == node {
                    break;
                }
            }
            if members.len() > 1 {
                members.sort();
                state.found.push(members);
            }
        }
    }
    let mut state = State {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_module_imports_its_siblings_in_a_circle() -> Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let found = circles(&root)?;
        let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert!(shown.is_empty(), "import circles:\n{}", shown.join("\n"));
        Ok(())
    }

    #[test]
    fn a_circle_through_a_shared_type_is_found() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("a"))?;
        std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\nmod c;\n")?;
        std::fs::write(src.join("a.rs"), "mod inner;\n")?;
        std::fs::write(src.join("a/inner.rs"), "use crate::b::Thing;\n")?;
        // A grouped import and a `super::` path close the circle a → b → c → a.
        std::fs::write(
            src.join("b.rs"),
            "use crate::{c::Other, Root};\npub struct Thing;\n",
        )?;
        std::fs::write(
            src.join("c.rs"),
            "// use crate::b::ignored;\nfn f() { super::a::g() }\n",
        )?;
        let found = circles_in("demo", &src)?;
        assert_eq!(
            found,
            [Circle {
                krate: "demo".into(),
                parent: String::new(),
                members: vec!["a".into(), "b".into(), "c".into()],
            }]
        );
        Ok(())
    }

    #[test]
    fn one_way_imports_are_not_circles() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src)?;
        std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\n")?;
        std::fs::write(src.join("a.rs"), "use crate::b::Thing;\nuse super::b;\n")?;
        std::fs::write(src.join("b.rs"), "pub struct Thing;\n// crate::a::x\n")?;
        assert!(circles_in("demo", &src)?.is_empty());
        Ok(())
    }
}
