//! The case model: one OPA conformance case and loading the vendored suite.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

/// One conformance case (fields as in the vendored JSON files).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Case {
    /// Folder of the suite the case comes from (`aggregates`, ...).
    pub folder: String,
    /// Unique name, `folder/description`.
    pub note: String,
    /// Rego module sources.
    pub modules: Vec<String>,
    /// Base documents under `data`.
    pub data: Option<Json>,
    /// The `input` document as JSON.
    pub input: Option<Json>,
    /// The `input` document as a Rego term (for values JSON cannot hold).
    pub input_term: Option<String>,
    /// The query to evaluate.
    pub query: String,
    /// Expected solutions (binding objects), when no error is expected.
    pub want_result: Vec<serde_json::Map<String, Json>>,
    /// Expected OPA error code.
    pub want_error_code: Option<String>,
    /// Expected error message substring.
    pub want_error: Option<String>,
    /// Builtin errors abort evaluation.
    pub strict_error: bool,
    /// Compare array bindings as unordered.
    pub sort_bindings: bool,
    /// The suite marks the case as not to be run.
    pub ignore: bool,
}

impl Case {
    /// Reads one case object of a suite file.
    #[must_use]
    pub fn from_json(folder: &str, case: &Json) -> Case {
        let text = |key: &str| case.get(key).and_then(Json::as_str).map(str::to_owned);
        let flag = |key: &str| case.get(key).and_then(Json::as_bool).unwrap_or(false);
        Case {
            folder: folder.to_owned(),
            note: text("note").unwrap_or_default(),
            modules: case
                .get("modules")
                .and_then(Json::as_array)
                .map(|m| {
                    m.iter()
                        .filter_map(Json::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            data: case.get("data").cloned(),
            input: case.get("input").cloned(),
            input_term: text("input_term"),
            query: text("query").unwrap_or_default(),
            want_result: case
                .get("want_result")
                .and_then(Json::as_array)
                .map(|rs| rs.iter().filter_map(|r| r.as_object().cloned()).collect())
                .unwrap_or_default(),
            want_error_code: text("want_error_code"),
            want_error: text("want_error"),
            strict_error: flag("strict_error"),
            sort_bindings: flag("sort_bindings"),
            ignore: flag("ignore"),
        }
    }

    /// Whether the case expects compilation or evaluation to fail.
    #[must_use]
    pub fn expects_error(&self) -> bool {
        self.want_error_code.is_some() || self.want_error.is_some()
    }
}

/// The suite could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A folder or file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not JSON.
    #[error("{path} is not valid JSON: {source}")]
    Json {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

fn entries(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        paths.push(entry.map_err(io)?.path());
    }
    paths.sort();
    Ok(paths)
}

/// Loads every case under `dir` (the `opa-v1` folder): folders in name
/// order, their `.json` files in name order, cases in file order. Only
/// `.json` files count; a stray `.yml` export would duplicate one.
///
/// # Errors
/// When a folder or file cannot be read or a file is not JSON.
pub fn load_suite(dir: &Path) -> Result<Vec<Case>, LoadError> {
    let mut cases = Vec::new();
    for folder in entries(dir)?.into_iter().filter(|p| p.is_dir()) {
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for file in entries(&folder)?
            .into_iter()
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        {
            let text = std::fs::read_to_string(&file).map_err(|source| LoadError::Io {
                path: file.clone(),
                source,
            })?;
            let json: Json = serde_json::from_str(&text).map_err(|source| LoadError::Json {
                path: file.clone(),
                source,
            })?;
            let listed = json.get("cases").and_then(Json::as_array);
            cases.extend(
                listed
                    .into_iter()
                    .flatten()
                    .map(|c| Case::from_json(&name, c)),
            );
        }
    }
    // OPA reuses some notes for different cases; number the repeats so
    // every case has its own name in reports and the baseline.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for case in &mut cases {
        let count = seen.entry(case.note.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            case.note = format!("{} #{count}", case.note);
        }
    }
    Ok(cases)
}

/// The vendored suite: `tests/conformance/opa-v1` of this repository.
#[must_use]
pub fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/opa-v1")
}
