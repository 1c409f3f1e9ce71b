//! Loading `--data` paths (policies and data documents) and `--input`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use riskgate_engine::{CompileOptions, Compiler, FileDiagnostic};
use serde_json::Value as Json;

/// Everything named by `--data`.
pub struct Loaded {
    /// Policy files added to the compiler.
    pub compiler: Compiler,
    /// File name → text, for rendering diagnostics.
    pub sources: BTreeMap<Arc<str>, Arc<str>>,
    /// Data documents merged into one `data` object.
    pub data: Json,
    /// Syntax errors of the policy files.
    pub errors: Vec<FileDiagnostic>,
}

/// What kind of file a path is, by extension.
enum Kind {
    Policy,
    Json,
    Yaml,
}

fn kind(path: &Path) -> Option<Kind> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("rego" | "gate") => Some(Kind::Policy),
        Some("json") => Some(Kind::Json),
        Some("yaml" | "yml") => Some(Kind::Yaml),
        _ => None,
    }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// Loads every `--data` path. Data files given directly merge at the root
/// of `data`; inside a directory, a data file merges under the path of its
/// sub-directories (`dir/users/roles.json` → `data.users`), as `opa eval`
/// does.
pub fn load(paths: &[PathBuf], options: CompileOptions) -> anyhow::Result<Loaded> {
    let mut loaded = Loaded {
        compiler: Compiler::new(options),
        sources: BTreeMap::new(),
        data: Json::Object(serde_json::Map::new()),
        errors: Vec::new(),
    };
    for root in paths {
        if root.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.path()))
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_file() && kind(entry.path()).is_some())
                .map(walkdir::DirEntry::into_path)
                .collect();
            files.sort();
            for file in files {
                let prefix: Vec<String> = file
                    .parent()
                    .and_then(|dir| dir.strip_prefix(root).ok())
                    .map(|rel| {
                        rel.components()
                            .map(|c| c.as_os_str().to_string_lossy().into_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                load_file(&mut loaded, &file, &prefix)?;
            }
        } else if root.is_file() {
            if kind(root).is_none() {
                bail!(
                    "{}: not a policy (.rego, .gate) or data (.json, .yaml, .yml) file",
                    root.display()
                );
            }
            load_file(&mut loaded, root, &[])?;
        } else {
            bail!("{}: no such file or directory", root.display());
        }
    }
    Ok(loaded)
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{}: not valid UTF-8 text", path.display()))
}

fn load_file(loaded: &mut Loaded, path: &Path, prefix: &[String]) -> anyhow::Result<()> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    match kind(path) {
        Some(Kind::Policy) => {
            if let Err(mut errors) = loaded.compiler.add_module(&name, &text) {
                loaded.errors.append(&mut errors);
            }
            loaded.sources.insert(Arc::from(name), Arc::from(text));
        }
        Some(Kind::Json) => {
            let doc = parse_json(&text).with_context(|| format!("{name}: invalid JSON"))?;
            merge_at(&mut loaded.data, prefix, doc, &name)?;
        }
        Some(Kind::Yaml) => {
            let doc = parse_yaml(&text).with_context(|| format!("{name}: invalid YAML"))?;
            merge_at(&mut loaded.data, prefix, doc, &name)?;
        }
        None => {}
    }
    Ok(())
}

fn parse_json(text: &str) -> anyhow::Result<Json> {
    Ok(serde_json::from_str(text)?)
}

fn parse_yaml(text: &str) -> anyhow::Result<Json> {
    if text.trim().is_empty() {
        return Ok(Json::Object(serde_json::Map::new()));
    }
    Ok(serde_yaml_ng::from_str(text)?)
}

/// Merges `doc` into `data` below `prefix`; objects merge key by key, any
/// other overlap is an error.
fn merge_at(data: &mut Json, prefix: &[String], doc: Json, file: &str) -> anyhow::Result<()> {
    let mut target = data;
    let mut path: Vec<String> = Vec::new();
    for key in prefix {
        path.push(key.clone());
        let Json::Object(map) = target else {
            bail!(
                "{file}: merge error: data.{} is not an object",
                path.join(".")
            );
        };
        target = map
            .entry(key.clone())
            .or_insert_with(|| Json::Object(serde_json::Map::new()));
    }
    if prefix.is_empty() && !doc.is_object() {
        bail!("{file}: a data file at the root of data must hold a JSON object");
    }
    merge(target, doc, &mut path, file)
}

fn merge(target: &mut Json, doc: Json, path: &mut Vec<String>, file: &str) -> anyhow::Result<()> {
    match (target, doc) {
        (Json::Object(into), Json::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(&key) {
                    Some(existing) => {
                        path.push(key.clone());
                        merge(existing, value, path, file)?;
                        path.pop();
                    }
                    None => {
                        into.insert(key, value);
                    }
                }
            }
            Ok(())
        }
        (target, doc) => {
            if target.as_object().is_some_and(serde_json::Map::is_empty) {
                *target = doc;
                return Ok(());
            }
            bail!(
                "{file}: merge error: data.{} is defined by more than one data file",
                path.join(".")
            )
        }
    }
}

/// Reads `--input`: a file or `-` for stdin, JSON or YAML (by extension;
/// stdin and unknown extensions try JSON, then YAML).
pub fn input(path: &Path) -> anyhow::Result<Json> {
    let (name, text) = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading input from stdin")?;
        ("stdin".to_owned(), text)
    } else {
        (path.display().to_string(), read_text(path)?)
    };
    match kind(path) {
        Some(Kind::Yaml) => parse_yaml(&text).with_context(|| format!("{name}: invalid YAML")),
        Some(Kind::Json) => parse_json(&text).with_context(|| format!("{name}: invalid JSON")),
        _ => parse_json(&text)
            .or_else(|_| parse_yaml(&text))
            .with_context(|| format!("{name}: neither JSON nor YAML")),
    }
}
