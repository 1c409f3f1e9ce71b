//! Lints: stable-coded findings (`L0xxx`) about policies that compile but
//! are probably wrong, untested or hard to read.
//!
//! Each lint is a plain function over parsed modules returning
//! diagnostics ([`Pass`]); one file per group ([`unused`], [`shadow`],
//! [`logic`], [`style`]). These are the Rego-generic lints; a domain layer
//! adds its own passes through [`lint_with`] (`riskgate_controls::lint`
//! adds the ModelRelease schema and declaration lints). [`lint_with`] runs
//! them all, then applies the configuration ([`LintConfig`]: select,
//! ignore, severity overrides) and `# riskgate:ignore L0001 reason`
//! comments. The codes and their docs live in the dsl registry
//! (`riskgate explain L0001`).

mod logic;
mod shadow;
mod style;
mod unused;
pub use riskgate_dsl::ast::walk;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use riskgate_dsl::ast::Module;
use riskgate_dsl::{Code, Diagnostic, LineIndex, Severity, Span};

use crate::errors::FileDiagnostic;

/// One parsed file to lint.
#[derive(Debug, Clone, Copy)]
pub struct LintFile<'a> {
    /// The name shown in reports.
    pub name: &'a str,
    /// The file's text.
    pub source: &'a str,
    /// The parsed module (without syntax errors).
    pub module: &'a Module,
}

/// Which lints run and how severe their findings are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintConfig {
    /// Codes (or code prefixes such as `L00`, or names) to run; empty
    /// runs every lint.
    pub select: Vec<String>,
    /// Codes, prefixes or names never reported.
    pub ignore: Vec<String>,
    /// Severity overrides by code or name.
    pub severity: BTreeMap<String, Severity>,
    /// The maximum line length for [`crate::codes::LINE_TOO_LONG`].
    pub max_line_length: usize,
}

impl Default for LintConfig {
    fn default() -> Self {
        Self {
            select: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            max_line_length: 120,
        }
    }
}

/// Whether `pattern` (a code, a code prefix such as `L00`, or a name)
/// selects `code`.
#[must_use]
pub fn matches(pattern: &str, code: &Code) -> bool {
    code.id.starts_with(&pattern.to_ascii_uppercase()) || code.name == pattern
}

impl LintConfig {
    /// Whether findings of `code` are reported.
    #[must_use]
    pub fn enabled(&self, code: &Code) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| matches(p, code)))
            && !self.ignore.iter().any(|p| matches(p, code))
    }

    /// The severity findings of `code` are reported with.
    #[must_use]
    pub fn severity_of(&self, code: &Code) -> Severity {
        self.severity
            .iter()
            .find(|(p, _)| code.id.eq_ignore_ascii_case(p) || code.name == p.as_str())
            .map_or(code.severity, |(_, s)| *s)
    }
}

/// A finding in one of the linted files.
pub struct Finding {
    /// Index into [`Context::files`].
    pub file: usize,
    /// What was found; its code decides whether and how it is reported.
    pub diagnostic: Diagnostic,
}

/// What every lint sees.
pub struct Context<'a> {
    /// The files linted together.
    pub files: &'a [LintFile<'a>],
    /// The configuration (passes may read tuning such as the line length).
    pub config: &'a LintConfig,
}

impl Context<'_> {
    /// Whether a rule is a test (`test_*`): some checks do not apply to
    /// tests (e.g. `input` fields mocked with `with`).
    #[must_use]
    pub fn is_test_rule(name: &str) -> bool {
        name.starts_with("test_")
    }
}

/// One lint group: reads every file and pushes its findings, unfiltered
/// (configuration and suppressions are applied afterwards, once).
pub type Pass = fn(&Context<'_>, &mut Vec<Finding>);

/// The Rego-generic lint groups, in the order they run.
const GENERIC: [Pass; 4] = [unused::check, shadow::check, logic::check, style::check];

/// Runs every enabled Rego-generic lint over `files`; see [`lint_with`].
#[must_use]
pub fn lint(files: &[LintFile<'_>], config: &LintConfig) -> Vec<FileDiagnostic> {
    lint_with(files, config, &[])
}

/// Runs the Rego-generic lints and `extra` over `files` and returns the
/// findings sorted by file, position and code, after `riskgate:ignore`
/// comments and the configuration are applied.
#[must_use]
pub fn lint_with(
    files: &[LintFile<'_>],
    config: &LintConfig,
    extra: &[Pass],
) -> Vec<FileDiagnostic> {
    let context = Context { files, config };
    let mut findings = Vec::new();
    for pass in GENERIC.iter().chain(extra) {
        pass(&context, &mut findings);
    }

    let suppressions: Vec<Suppressions> = files.iter().map(Suppressions::of).collect();
    let mut out: Vec<(usize, Diagnostic)> = findings
        .into_iter()
        .filter(|f| config.enabled(f.diagnostic.code()))
        .filter(|f| {
            let Some(file) = files.get(f.file) else {
                return false;
            };
            let line = LineIndex::new(file.source)
                .line_col(file.source, f.diagnostic.primary_span().start)
                .line;
            !suppressions
                .get(f.file)
                .is_some_and(|s| s.covers(line, f.diagnostic.code()))
        })
        .map(|f| {
            let severity = config.severity_of(f.diagnostic.code());
            (f.file, f.diagnostic.with_severity(severity))
        })
        .collect();
    out.sort_by(|(fa, a), (fb, b)| {
        fa.cmp(fb)
            .then(a.primary_span().start.cmp(&b.primary_span().start))
            .then(a.code().id.cmp(b.code().id))
            .then(a.message().cmp(b.message()))
    });
    out.dedup_by(|(fa, a), (fb, b)| {
        fa == fb
            && a.code().id == b.code().id
            && a.primary_span() == b.primary_span()
            && a.message() == b.message()
    });
    out.into_iter()
        .filter_map(|(file, diagnostic)| {
            files.get(file).map(|f| FileDiagnostic {
                file: Arc::from(f.name),
                diagnostic,
            })
        })
        .collect()
}

/// `# riskgate:ignore CODE[,CODE...] reason` comments of one file: a
/// comment at the end of a line covers that line; a comment on a line of
/// its own covers the next line.
struct Suppressions {
    by_line: BTreeMap<u32, BTreeSet<String>>,
}

impl Suppressions {
    fn of(file: &LintFile<'_>) -> Self {
        let index = LineIndex::new(file.source);
        let mut by_line: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
        for comment in &file.module.comments {
            let Some(rest) = comment.text.trim_start().strip_prefix("riskgate:ignore") else {
                continue;
            };
            let codes: BTreeSet<String> = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_ascii_uppercase)
                .collect();
            let at = index.line_col(file.source, comment.span.start);
            let line_start = index.line_start(at.line).unwrap_or(comment.span.start);
            let before = Span::new(line_start, comment.span.start).text(file.source);
            let line = if before.trim().is_empty() {
                at.line + 1
            } else {
                at.line
            };
            by_line.entry(line).or_default().extend(codes);
        }
        Self { by_line }
    }

    fn covers(&self, line: u32, code: &Code) -> bool {
        self.by_line
            .get(&line)
            .is_some_and(|codes| codes.contains(code.id) || codes.contains("ALL"))
    }
}

/// The snake-case form of a control id, as test names contain it
/// (`C-FAIR-01` → `c_fair_01`).
#[must_use]
pub fn snake_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}
