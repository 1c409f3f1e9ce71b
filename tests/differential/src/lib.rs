//! Differential testing of riskgate against regorus.
//!
//! The corpus (`corpus/<domain>/`) holds hand-written policies
//! (`policies/*.rego`), inputs (`inputs/*.json`) and one `data.json` per
//! domain; every policy runs against every input of its domain with the
//! query `x = data.<package>`. Both engines must agree: the same solutions,
//! both undefined (no solution), or both failing. Known, legitimate
//! differences are listed with a reason in `allowlist.txt`.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use riskgate_conformance::{Case, Engine, Regorus, Riskgate, Run, canonical_results};
use serde_json::Value as Json;

/// The `tests/differential` folder.
#[must_use]
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sorted_files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The package path of a module (`package a.b` gives `a.b`).
#[must_use]
pub fn package_of(source: &str) -> Option<&str> {
    source
        .lines()
        .find_map(|l| l.trim().strip_prefix("package "))
        .map(str::trim)
}

/// One policy of the corpus run against one input.
#[derive(Debug, Clone)]
pub struct CorpusCase {
    /// `domain/policy@input`.
    pub id: String,
    /// `domain/policy`.
    pub policy: String,
    /// The case both engines run.
    pub case: Case,
}

/// Reads every policy × input pair under `corpus/`.
///
/// # Errors
/// When a file cannot be read or parsed, or a policy has no package line.
pub fn load_corpus(corpus: &Path) -> Result<Vec<CorpusCase>, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let json = |p: &Path| -> Result<Json, String> {
        serde_json::from_str(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))
    };
    let mut domains: Vec<PathBuf> = std::fs::read_dir(corpus)
        .map_err(|e| format!("{}: {e}", corpus.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    domains.sort();
    let mut cases = Vec::new();
    for domain in domains {
        let name = stem(&domain);
        let data_path = domain.join("data.json");
        let data = if data_path.exists() {
            Some(json(&data_path)?)
        } else {
            None
        };
        let inputs = sorted_files(&domain.join("inputs"), "json")
            .iter()
            .map(|p| Ok((stem(p), json(p)?)))
            .collect::<Result<Vec<_>, String>>()?;
        for policy_path in sorted_files(&domain.join("policies"), "rego") {
            let source = read(&policy_path)?;
            let package = package_of(&source)
                .ok_or_else(|| format!("{}: no package line", policy_path.display()))?
                .to_owned();
            let policy = format!("{name}/{}", stem(&policy_path));
            for (input_name, input) in &inputs {
                cases.push(CorpusCase {
                    id: format!("{policy}@{input_name}"),
                    policy: policy.clone(),
                    case: Case {
                        folder: name.clone(),
                        note: format!("{policy}@{input_name}"),
                        modules: vec![source.clone()],
                        data: data.clone(),
                        input: Some(input.clone()),
                        query: format!("x = data.{package}"),
                        ..Case::default()
                    },
                });
            }
        }
    }
    Ok(cases)
}

/// What one engine did, reduced to what must agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// Canonical solutions (empty: undefined).
    Solutions(Vec<String>),
    /// Compilation or evaluation failed (message kept for reports only).
    Error(String),
    /// The engine panicked or the harness failed.
    Broken(String),
}

impl Observed {
    fn agrees_with(&self, other: &Observed) -> bool {
        match (self, other) {
            (Observed::Solutions(a), Observed::Solutions(b)) => a == b,
            (Observed::Error(_), Observed::Error(_)) => true,
            _ => false,
        }
    }
}

/// Runs one engine on a case; a panic becomes [`Observed::Broken`].
pub fn observe(engine: &dyn Engine, case: &Case) -> Observed {
    match catch_unwind(AssertUnwindSafe(|| engine.run(case))) {
        Ok(Run::Results(results)) => Observed::Solutions(canonical_results(&results, false)),
        Ok(Run::Error { message, .. }) => Observed::Error(message),
        Ok(Run::Harness(why)) => Observed::Broken(why),
        Err(_) => Observed::Broken(format!("{} panicked", engine.name())),
    }
}

/// Both engines' observations on a case.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// riskgate's.
    pub riskgate: Observed,
    /// regorus's.
    pub regorus: Observed,
}

impl Comparison {
    /// Same solutions, both undefined, or both errors.
    #[must_use]
    pub fn agree(&self) -> bool {
        self.riskgate.agrees_with(&self.regorus)
    }
}

/// Runs a case through both engines.
pub fn compare(case: &Case) -> Comparison {
    Comparison {
        riskgate: observe(&Riskgate, case),
        regorus: observe(&Regorus, case),
    }
}

/// Reads `allowlist.txt`: `id  # reason` per line, `#` lines are comments.
/// An id is `domain/policy@input`, `domain/policy@*`, or `generated:NAME`.
#[must_use]
pub fn load_allowlist(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once('#') {
            Some((id, reason)) => (id.trim().to_owned(), reason.trim().to_owned()),
            None => (l.to_owned(), String::new()),
        })
        .collect()
}

/// The allowlist entry covering `case`, if any.
#[must_use]
pub fn allowed<'a>(allowlist: &'a BTreeMap<String, String>, case: &CorpusCase) -> Option<&'a str> {
    allowlist
        .get(&case.id)
        .or_else(|| allowlist.get(&format!("{}@*", case.policy)))
        .map(String::as_str)
}
