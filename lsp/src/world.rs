//! The server's state: every known document (open in the editor or read
//! from the workspace), its parse and index, and the compiled policy set,
//! recomputed lazily after changes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lsp_types::Url;
use riskgate_controls::lint::LintConfig;
use riskgate_controls::{ControlSet, ControlsOptions, PolicySet};
use riskgate_dsl::{Diagnostic, Dialect, IncrementalParse, LineIndex, ParseOptions, ParsedModule};

use crate::index::{FileIndex, Occurrence, Symbols, index_module};
use crate::position::{Encoding, Lines};
use crate::settings::Settings;

/// Largest file the server reads from disk while scanning the workspace.
const MAX_SCAN_BYTES: u64 = 4 * 1024 * 1024;

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A `.rego` or `.gate` policy.
    Policy(Dialect),
    /// A YAML or JSON file (a release manifest when it says `ModelRelease`).
    Manifest,
}

impl DocKind {
    /// The kind of a file, by extension; `None` for files the server ignores.
    #[must_use]
    pub fn for_path(path: &str) -> Option<Self> {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("rego") => Some(DocKind::Policy(Dialect::Rego)),
            Some("gate") => Some(DocKind::Policy(Dialect::Gate)),
            Some("yaml" | "yml" | "json") => Some(DocKind::Manifest),
            _ => None,
        }
    }
}

/// One document with everything derived from its text.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text.
    pub text: String,
    /// The editor's version, when open.
    pub version: Option<i32>,
    /// Whether the editor has it open.
    pub open: bool,
    /// Policy or manifest.
    pub kind: DocKind,
    /// Line starts of `text`.
    pub index: LineIndex,
    /// The parse, for policies; edits re-parse only what they touched.
    parse: Option<IncrementalParse>,
    /// Definitions and references, for policies.
    pub symbols: FileIndex,
    /// Whether this is a file of the embedded standard library: navigable,
    /// never diagnosed, compiled from the embedded copy or renamed.
    pub library: bool,
}

impl Document {
    /// A document of `kind` with `text`, parsed and indexed.
    #[must_use]
    pub fn new(kind: DocKind, text: String, version: Option<i32>, open: bool) -> Self {
        let parse = match kind {
            DocKind::Policy(dialect) => {
                Some(IncrementalParse::new(&text, ParseOptions::new(dialect)))
            }
            DocKind::Manifest => None,
        };
        let symbols = parse
            .as_ref()
            .map(|p| index_module(&p.parsed().module))
            .unwrap_or_default();
        Document {
            index: LineIndex::new(&text),
            text,
            version,
            open,
            kind,
            parse,
            symbols,
            library: false,
        }
    }

    /// Replaces the text, updating the line index, parse and symbols.
    pub fn set_text(&mut self, text: String) {
        self.text = text;
        self.index = LineIndex::new(&self.text);
        if let Some(parse) = &mut self.parse {
            parse.update(&self.text);
            self.symbols = index_module(&parse.parsed().module);
        }
    }

    /// The parse, for policies.
    #[must_use]
    pub fn parsed(&self) -> Option<&ParsedModule> {
        self.parse.as_ref().map(IncrementalParse::parsed)
    }

    /// Position conversions for this document.
    #[must_use]
    pub fn lines(&self, encoding: Encoding) -> Lines<'_> {
        Lines::new(&self.text, &self.index, encoding)
    }

    /// Whether this is a `ModelRelease` manifest.
    #[must_use]
    pub fn is_release_manifest(&self) -> bool {
        self.kind == DocKind::Manifest && self.text.contains("ModelRelease")
    }

    /// Parse diagnostics (empty for manifests).
    pub fn parse_diagnostics(&self) -> &[Diagnostic] {
        self.parsed().map_or(&[], |p| p.diagnostics.as_slice())
    }
}

/// The compiled workspace.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The policy set, when every parsed file compiled.
    pub set: Option<PolicySet>,
    /// Compile diagnostics and lint findings by file name (a document URI
    /// or `stdlib/…`).
    pub diagnostics: BTreeMap<String, Vec<Diagnostic>>,
    /// Whether the embedded standard library is part of the set.
    pub with_stdlib: bool,
}

impl Analysis {
    /// The declared risks and controls (empty when compilation failed).
    #[must_use]
    pub fn controls(&self) -> Option<&ControlSet> {
        self.set.as_ref().map(PolicySet::controls)
    }
}

/// All state of a running server.
#[derive(Debug)]
pub struct World {
    /// How positions are counted.
    pub encoding: Encoding,
    /// The workspace folder, when the client gave one.
    pub root: Option<PathBuf>,
    /// Every known document by URI.
    pub docs: BTreeMap<Url, Document>,
    /// URIs whose last published diagnostics were not empty.
    pub published: BTreeSet<Url>,
    /// A fixed evaluation clock (nanoseconds since the epoch) for manifest
    /// checks; the system clock when `None`.
    pub fixed_now_ns: Option<i64>,
    /// Where the standard library is written for go-to-definition.
    pub cache_root: PathBuf,
    /// What the workspace's `riskgate.toml` says.
    pub settings: Settings,
    /// Whether the standard library documents were loaded (or failed to).
    library_loaded: bool,
    analysis: Option<Analysis>,
    symbols: Option<Symbols>,
}

impl World {
    /// An empty world.
    #[must_use]
    pub fn new(encoding: Encoding, root: Option<PathBuf>) -> Self {
        Self {
            encoding,
            root,
            docs: BTreeMap::new(),
            published: BTreeSet::new(),
            fixed_now_ns: None,
            cache_root: crate::library::default_cache_root(),
            settings: Settings::default(),
            library_loaded: false,
            analysis: None,
            symbols: None,
        }
    }

    /// A document the editor opened (a library file stays one).
    pub fn open(&mut self, uri: Url, kind: DocKind, text: String, version: i32) {
        let library = self.docs.get(&uri).is_some_and(|d| d.library);
        let mut doc = Document::new(kind, text, Some(version), true);
        doc.library = library;
        self.docs.insert(uri, doc);
        self.invalidate();
    }

    /// Adds the standard library's documents once the workspace uses it.
    fn ensure_library(&mut self) {
        if self.library_loaded || !wants_stdlib(&self.docs) {
            return;
        }
        self.library_loaded = true;
        match crate::library::materialize(&self.cache_root) {
            Ok(files) => {
                for file in files {
                    let kind = DocKind::for_path(file.uri.path())
                        .unwrap_or(DocKind::Policy(Dialect::Gate));
                    let mut doc = Document::new(kind, file.source.to_owned(), None, false);
                    doc.library = true;
                    self.docs.entry(file.uri).or_insert(doc);
                }
                self.symbols = None;
            }
            Err(error) => eprintln!(
                "riskgate lsp: cannot write the standard library under {} for go-to-definition: {error}",
                self.cache_root.display()
            ),
        }
    }

    /// The evaluation clock for manifest checks.
    #[must_use]
    pub fn now_ns(&self) -> i64 {
        self.fixed_now_ns.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        })
    }

    /// Reads `riskgate.toml` (at start-up, and again when one changes).
    pub fn reload_settings(&mut self) {
        self.settings = Settings::load(self.root.as_deref());
        self.invalidate();
    }

    /// Reads every policy and manifest file under the root (once, at start).
    pub fn scan_workspace(&mut self) {
        let Some(root) = self.root.clone() else {
            return;
        };
        for path in riskgate_workspace::walk::workspace_files(&root) {
            self.load_from_disk(&path);
        }
    }

    /// Reads one file from disk unless it is open; ignores files of other
    /// kinds, large files and manifests that are not `ModelRelease`s.
    pub fn load_from_disk(&mut self, path: &Path) {
        let Some(kind) = DocKind::for_path(&path.to_string_lossy()) else {
            return;
        };
        let Ok(uri) = Url::from_file_path(path) else {
            return;
        };
        if self.docs.get(&uri).is_some_and(|d| d.open) {
            return;
        }
        let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_SCAN_BYTES);
        let text = small.then(|| std::fs::read_to_string(path).ok()).flatten();
        match text {
            Some(text) if kind != DocKind::Manifest || text.contains("ModelRelease") => {
                self.docs
                    .insert(uri, Document::new(kind, text, None, false));
            }
            _ => {
                self.docs.remove(&uri);
            }
        }
        self.invalidate();
    }

    /// Forgets a file deleted on disk (unless open).
    pub fn remove(&mut self, uri: &Url) {
        if self.docs.get(uri).is_some_and(|d| !d.open) {
            self.docs.remove(uri);
            self.invalidate();
        }
    }

    /// Marks derived state stale after a change.
    pub fn invalidate(&mut self) {
        if let Some(stale) = self.analysis.take() {
            drop_in_background(stale);
        }
        self.symbols = None;
    }

    /// Whether the compiled state is stale.
    #[must_use]
    pub fn is_stale(&self) -> bool {
        self.analysis.is_none()
    }

    /// The resolution table over all policy files.
    pub fn symbols(&mut self) -> &Symbols {
        // Only when rebuilding: every hover and definition asks for the table.
        if self.symbols.is_none() {
            self.ensure_library();
        }
        self.symbols
            .get_or_insert_with(|| Symbols::build(self.docs.values().map(|d| &d.symbols)))
    }

    /// The compiled workspace, compiling when stale.
    pub fn analysis(&mut self) -> &Analysis {
        if self.analysis.is_none() {
            self.ensure_library();
            self.analysis = Some(compile(&self.docs, &self.settings.lint));
        }
        self.analysis.get_or_insert_with(Analysis::default)
    }

    /// The compiled workspace if it is up to date.
    #[must_use]
    pub fn cached_analysis(&self) -> Option<&Analysis> {
        self.analysis.as_ref()
    }

    /// A policy document and the symbol table, together.
    pub fn doc_and_symbols(&mut self, uri: &Url) -> Option<(&Document, &Symbols)> {
        self.symbols();
        let symbols = self.symbols.as_ref()?;
        Some((self.docs.get(uri)?, symbols))
    }
}

/// Compiles every policy document that parsed cleanly, plus the embedded
/// standard library when the workspace uses it and does not define it.
fn compile(docs: &BTreeMap<Url, Document>, lint_config: &LintConfig) -> Analysis {
    let with_stdlib = wants_stdlib(docs);
    let policies = workspace_policies(docs);
    // Compile from the parses the documents keep: re-parsing a large file
    // would cost more than everything else the server does after an edit.
    let mut files: Vec<(&str, &str, riskgate_dsl::ast::Module)> = policies
        .iter()
        .filter_map(|(uri, d)| {
            let parsed = d.parsed().filter(|p| !p.has_errors())?;
            Some((uri.as_str(), d.text.as_str(), parsed.module.clone()))
        })
        .collect();
    if with_stdlib {
        files.extend(
            parsed_stdlib()
                .iter()
                .map(|(path, source, module)| (*path, *source, module.clone())),
        );
    }
    let mut analysis = Analysis {
        with_stdlib,
        ..Analysis::default()
    };
    if files.is_empty() {
        return analysis;
    }
    let modules: Vec<riskgate_controls::lint::LintFile<'_>> = policies
        .iter()
        .filter_map(|(uri, d)| {
            let parsed = d.parsed().filter(|p| !p.has_errors())?;
            Some(riskgate_controls::lint::LintFile {
                name: uri.as_str(),
                source: &d.text,
                module: &parsed.module,
            })
        })
        .collect();
    for finding in riskgate_controls::lint::lint(&modules, lint_config) {
        analysis
            .diagnostics
            .entry(finding.file.to_string())
            .or_default()
            .push(finding.diagnostic);
    }
    match PolicySet::compile_parsed(files, &ControlsOptions::default()) {
        Ok(set) => analysis.set = Some(set),
        Err(diagnostics) => {
            for d in diagnostics {
                analysis
                    .diagnostics
                    .entry(d.file.to_string())
                    .or_default()
                    .push(d.diagnostic);
            }
        }
    }
    analysis
}

/// The workspace's own policy documents (not the library's).
fn workspace_policies(docs: &BTreeMap<Url, Document>) -> Vec<(&Url, &Document)> {
    docs.iter()
        .filter(|(_, d)| matches!(d.kind, DocKind::Policy(_)) && !d.library)
        .collect()
}

/// Whether the workspace uses the standard library without defining it.
fn wants_stdlib(docs: &BTreeMap<Url, Document>) -> bool {
    let policies = workspace_policies(docs);
    let defines_stdlib = policies
        .iter()
        .any(|(_, d)| d.symbols.package == "stdlib" || d.symbols.package.starts_with("stdlib."));
    let uses_stdlib = policies.iter().any(|(_, d)| {
        d.symbols.occurrences.iter().any(|o| match o {
            Occurrence::Path { segments, .. } => {
                segments.first().is_some_and(|s| s.name == "stdlib")
            }
            Occurrence::Control { .. } => true,
            _ => false,
        })
    });
    uses_stdlib && !defines_stdlib
}

/// The embedded standard library, parsed once per process.
fn parsed_stdlib() -> &'static [(&'static str, &'static str, riskgate_dsl::ast::Module)] {
    static STDLIB: std::sync::OnceLock<Vec<(&str, &str, riskgate_dsl::ast::Module)>> =
        std::sync::OnceLock::new();
    STDLIB.get_or_init(|| {
        riskgate_stdlib_policies::POLICY_FILES
            .iter()
            .map(|file| {
                let options = ParseOptions::new(Dialect::for_path(file.path));
                let parsed = riskgate_dsl::parse_module(file.source, options);
                (file.path, file.source, parsed.module)
            })
            .collect()
    })
}

/// Frees `value` on another thread: dropping a compiled workspace takes
/// milliseconds the next diagnostics should not wait for.
fn drop_in_background<T: Send + 'static>(value: T) {
    // If no thread can be started the closure, and the value, drop here.
    let _ = std::thread::Builder::new()
        .name("riskgate-lsp-drop".to_owned())
        .spawn(move || drop(value));
}
