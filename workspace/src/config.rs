//! `riskgate.toml`: per-repository defaults for `check`, `fmt`, `lint`,
//! `test` and the language server.
//!
//! Invariants:
//! - One reader. Every command and the language server load settings
//!   through [`load`], so a table documented in docs/config.md works (or
//!   fails) the same way everywhere.
//! - Discovery walks up from a start directory to the first directory that
//!   has a `riskgate.toml`, stopping after the repository root (a directory
//!   with `.git`) or at the filesystem root; the first file found is used,
//!   files are not merged.
//! - Paths in the file are relative to the file's directory and come out
//!   usable from the start directory: relative (`../policies`) when the
//!   search started at the current directory, so reports stay short.
//! - Unknown tables, keys and values are errors, never ignored: a typo must
//!   not silently change a check. Every error names the file and, where it
//!   has one, the line and column ([`ConfigError`]).
//! - Command-line flags win over the file; that merge is the caller's
//!   (the CLI owns its flags), this module only reads.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use riskgate_controls::lint::LintConfig;

use crate::registry::is_known_pattern;
use riskgate_controls::trace::EnforcementPoint;
use riskgate_dsl::{LineIndex, Severity};
use serde::Deserialize;
use toml::Spanned;

/// The file name looked for.
pub const FILE_NAME: &str = "riskgate.toml";

/// Where settings come from.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    /// Discover from the current directory; paths stay relative to it.
    CurrentDir,
    /// Discover from this directory; paths are based on it.
    From(&'a Path),
    /// Read this file (`--config FILE`).
    File(&'a Path),
    /// Read nothing (`--no-config`): built-in defaults.
    Disabled,
}

/// Settings read from a `riskgate.toml`, paths already usable from where
/// the lookup started. `Config::default()` is "no file".
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Config {
    /// The file the settings came from (`None`: no file).
    pub path: Option<PathBuf>,
    /// `[check]`.
    pub check: CheckConfig,
    /// `[fmt]`.
    pub fmt: FmtConfig,
    /// `[lint]`.
    pub lint: LintSettings,
    /// `[test]`.
    pub test: TestConfig,
    /// The file's text, for positions of errors found after loading.
    text: String,
}

/// The `[check]` table.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CheckConfig {
    /// `policy`: policy directories replacing the embedded standard library.
    pub policy: Vec<PathBuf>,
    /// `with-stdlib`: keep the standard library next to `policy`.
    pub with_stdlib: Option<bool>,
    /// `overlay`: the organisation overlay.
    pub overlay: Option<PathBuf>,
    /// `context`: the enforcement point.
    pub context: Option<EnforcementPoint>,
    /// `format`: the report format's name. The CLI owns the formats, so it
    /// validates the name (and reports a bad one with
    /// [`Config::error_at`]).
    pub format: Option<Spanned<String>>,
    /// `strict`: warnings deny.
    pub strict: Option<bool>,
}

/// The `[fmt]` table.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FmtConfig {
    /// `paths`: what `riskgate fmt` formats when given no paths.
    pub paths: Vec<PathBuf>,
    /// `v0-compatible`: accept Rego v0 syntax.
    pub v0_compatible: Option<bool>,
}

/// The `[lint]` table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LintSettings {
    /// `paths`: what `riskgate lint` reads when given no paths.
    pub paths: Vec<PathBuf>,
    /// `select`, `ignore`, `max-line-length` and `[lint.severity]`.
    pub config: LintConfig,
}

/// The `[test]` table.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TestConfig {
    /// `paths`: what `riskgate test` runs when given no paths.
    pub paths: Vec<PathBuf>,
    /// `stdlib`: also load the embedded standard library.
    pub stdlib: Option<bool>,
}

/// A configuration file that cannot be used: `path:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// Byte range of the offending text, when there is one.
    pub span: Option<Range<usize>>,
    /// 1-based line and column of the span's start.
    pub line_col: Option<(u32, u32)>,
    /// What is wrong, one line.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl ConfigError {
    fn new(path: &Path, text: &str, span: Option<Range<usize>>, message: String) -> Self {
        let line_col = span.as_ref().map(|span| {
            let offset = u32::try_from(span.start).unwrap_or(u32::MAX);
            let at = LineIndex::new(text).line_col(text, offset);
            (at.line, at.col)
        });
        Self {
            path: path.to_path_buf(),
            span,
            line_col,
            message,
        }
    }
}

/// Loads the settings `lookup` asks for: `Ok(Config::default())` when no
/// file is used.
///
/// # Errors
/// When the named file cannot be read, or the file found or named is not
/// a valid configuration.
pub fn load(lookup: Lookup<'_>) -> Result<Config, ConfigError> {
    let located = match lookup {
        Lookup::Disabled => None,
        Lookup::File(path) => Some((
            path.to_path_buf(),
            path.parent().map(Path::to_path_buf).unwrap_or_default(),
        )),
        Lookup::CurrentDir => std::env::current_dir()
            .ok()
            .and_then(|cwd| discover_relative(&cwd)),
        Lookup::From(dir) => discover(dir),
    };
    let Some((path, base)) = located else {
        return Ok(Config::default());
    };
    let text = std::fs::read_to_string(&path).map_err(|error| ConfigError {
        path: path.clone(),
        span: None,
        line_col: None,
        message: format!("cannot read: {error}"),
    })?;
    let mut config = parse(&text, &base).map_err(|mut error| {
        error.path.clone_from(&path);
        error
    })?;
    config.path = Some(path);
    Ok(config)
}

/// Finds `riskgate.toml` from `start` upwards: the file and its directory.
#[must_use]
pub fn discover(start: &Path) -> Option<(PathBuf, PathBuf)> {
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some((candidate, dir.to_path_buf()));
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// [`discover`] from `start`, with the file and its directory relative to
/// `start` (`""`, `".."`, `"../.."`...).
fn discover_relative(start: &Path) -> Option<(PathBuf, PathBuf)> {
    let (_, dir) = discover(start)?;
    let depth = start.ancestors().position(|ancestor| ancestor == dir)?;
    let relative: PathBuf = std::iter::repeat_n("..", depth).collect();
    Some((relative.join(FILE_NAME), relative))
}

impl Config {
    /// An error at `span` of this configuration's file, for values the
    /// caller validates (such as `check.format`).
    #[must_use]
    pub fn error_at(&self, span: Range<usize>, message: String) -> ConfigError {
        ConfigError::new(
            self.path.as_deref().unwrap_or(Path::new(FILE_NAME)),
            &self.text,
            Some(span),
            message,
        )
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    check: RawCheck,
    fmt: RawFmt,
    lint: RawLint,
    test: RawTest,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawCheck {
    policy: OneOrMany,
    with_stdlib: Option<bool>,
    overlay: Option<PathBuf>,
    context: Option<EnforcementPoint>,
    format: Option<Spanned<String>>,
    strict: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawFmt {
    paths: OneOrMany,
    v0_compatible: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawLint {
    paths: OneOrMany,
    select: Vec<Spanned<String>>,
    ignore: Vec<Spanned<String>>,
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    max_line_length: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawTest {
    paths: OneOrMany,
    stdlib: Option<bool>,
}

/// A path or a list of paths.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "a path or a list of paths")]
enum OneOrMany {
    One(PathBuf),
    Many(Vec<PathBuf>),
}

impl Default for OneOrMany {
    fn default() -> Self {
        Self::Many(Vec::new())
    }
}

impl OneOrMany {
    fn into_vec(self) -> Vec<PathBuf> {
        match self {
            Self::One(path) => vec![path],
            Self::Many(paths) => paths,
        }
    }
}

/// Parses the text of a configuration file whose directory is `base`.
/// Errors name [`FILE_NAME`]; [`load`] puts the real path in.
///
/// # Errors
/// When the text is not TOML, or has a table, key or value riskgate does
/// not know.
pub fn parse(text: &str, base: &Path) -> Result<Config, ConfigError> {
    let file = Path::new(FILE_NAME);
    let error =
        |span: Option<Range<usize>>, message: String| ConfigError::new(file, text, span, message);
    let raw: RawConfig =
        toml::from_str(text).map_err(|e| error(e.span(), one_line(e.message())))?;
    let rebase = |path: PathBuf| {
        if path.is_absolute() || base.as_os_str().is_empty() {
            path
        } else {
            base.join(path)
        }
    };
    let rebase_all = |paths: OneOrMany| paths.into_vec().into_iter().map(rebase).collect();

    // `select`, `ignore` and severity keys that select no code are typos.
    let known = |key: &str, pattern: &Spanned<String>| {
        if is_known_pattern(pattern.get_ref()) {
            Ok(())
        } else {
            Err(error(
                Some(pattern.span()),
                format!(
                    "lint.{key}: `{}` is not a diagnostic code, code prefix or name (see docs/diagnostics.md)",
                    pattern.get_ref()
                ),
            ))
        }
    };
    let mut lint = LintConfig::default();
    for pattern in &raw.lint.select {
        known("select", pattern)?;
    }
    for pattern in &raw.lint.ignore {
        known("ignore", pattern)?;
    }
    lint.select = raw
        .lint
        .select
        .into_iter()
        .map(Spanned::into_inner)
        .collect();
    lint.ignore = raw
        .lint
        .ignore
        .into_iter()
        .map(Spanned::into_inner)
        .collect();
    for (code, level) in raw.lint.severity {
        known("severity", &code)?;
        let severity = match level.get_ref().as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "hint" | "info" => Severity::Hint,
            other => {
                return Err(error(
                    Some(level.span()),
                    format!(
                        "lint.severity.{}: unknown value `{other}`; expected one of error, warning, hint",
                        code.get_ref()
                    ),
                ));
            }
        };
        lint.severity.insert(code.into_inner(), severity);
    }
    if let Some(max) = raw.lint.max_line_length {
        lint.max_line_length = max;
    }

    Ok(Config {
        path: None,
        check: CheckConfig {
            policy: rebase_all(raw.check.policy),
            with_stdlib: raw.check.with_stdlib,
            overlay: raw.check.overlay.map(rebase),
            context: raw.check.context,
            format: raw.check.format,
            strict: raw.check.strict,
        },
        fmt: FmtConfig {
            paths: rebase_all(raw.fmt.paths),
            v0_compatible: raw.fmt.v0_compatible,
        },
        lint: LintSettings {
            paths: rebase_all(raw.lint.paths),
            config: lint,
        },
        test: TestConfig {
            paths: rebase_all(raw.test.paths),
            stdlib: raw.test.stdlib,
        },
        text: text.to_owned(),
    })
}

/// toml's messages may span lines; errors here are one line each.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// Every table and key docs/config.md documents.
    const FULL: &str = r#"
[check]
policy = ["policies", "/abs/org-policies"]
with-stdlib = true
overlay = "org/overlay.yaml"
context = "admission"
format = "sarif"
strict = true

[fmt]
paths = "policies"
v0-compatible = true

[lint]
paths = ["policies"]
select = ["L00"]
ignore = ["line-too-long"]
max-line-length = 100

[lint.severity]
L0014 = "hint"

[test]
paths = ["policies", "tests"]
stdlib = true
"#;

    #[test]
    fn every_documented_key_is_read_and_relative_paths_follow_the_file() {
        let config = parse(FULL, Path::new("../..")).unwrap();
        let check = &config.check;
        assert_eq!(
            check.policy,
            [
                PathBuf::from("../../policies"),
                PathBuf::from("/abs/org-policies")
            ]
        );
        assert_eq!(check.with_stdlib, Some(true));
        assert_eq!(check.overlay, Some(PathBuf::from("../../org/overlay.yaml")));
        assert_eq!(check.context, Some(EnforcementPoint::Admission));
        assert_eq!(
            check.format.as_ref().map(|f| f.get_ref().as_str()),
            Some("sarif")
        );
        assert_eq!(check.strict, Some(true));
        assert_eq!(config.fmt.paths, [PathBuf::from("../../policies")]);
        assert_eq!(config.fmt.v0_compatible, Some(true));
        let lint = &config.lint;
        assert_eq!(lint.paths, [PathBuf::from("../../policies")]);
        assert_eq!(lint.config.select, ["L00"]);
        assert_eq!(lint.config.ignore, ["line-too-long"]);
        assert_eq!(lint.config.max_line_length, 100);
        assert_eq!(lint.config.severity.get("L0014"), Some(&Severity::Hint));
        assert_eq!(
            config.test.paths,
            [PathBuf::from("../../policies"), "../../tests".into()]
        );
        assert_eq!(config.test.stdlib, Some(true));
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        let config = parse("", Path::new("")).unwrap();
        assert_eq!(config.check, CheckConfig::default());
        assert_eq!(config.lint.config, LintConfig::default());
    }

    fn error(text: &str) -> String {
        parse(text, Path::new("")).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_file_line_and_column_and_what_is_allowed() {
        assert_eq!(
            error("[check]\npolicies = []\n"),
            "riskgate.toml:2:1: unknown field `policies`, expected one of `policy`, `with-stdlib`, `overlay`, `context`, `format`, `strict`"
        );
        assert_eq!(
            error("[lints]\n"),
            "riskgate.toml:1:2: unknown field `lints`, expected one of `check`, `fmt`, `lint`, `test`"
        );
        assert_eq!(
            error("[check]\ncontext = \"prod\"\n"),
            "riskgate.toml:2:11: unknown variant `prod`, expected one of `ci`, `admission`, `audit`"
        );
        assert_eq!(
            error("[lint]\nselect = [\"L00\", \"X9\"]\n"),
            "riskgate.toml:2:18: lint.select: `X9` is not a diagnostic code, code prefix or name (see docs/diagnostics.md)"
        );
        assert_eq!(
            error("[lint.severity]\nL9 = \"hint\"\n"),
            "riskgate.toml:2:1: lint.severity: `L9` is not a diagnostic code, code prefix or name (see docs/diagnostics.md)"
        );
        assert_eq!(
            error("[lint.severity]\nL0014 = \"loud\"\n"),
            "riskgate.toml:2:9: lint.severity.L0014: unknown value `loud`; expected one of error, warning, hint"
        );
        assert_eq!(
            error("[fmt]\npaths = 3\n"),
            "riskgate.toml:2:9: a path or a list of paths"
        );
        assert_eq!(
            error("[check\n"),
            "riskgate.toml:1:7: unclosed table, expected `]`"
        );
    }

    #[test]
    fn error_at_points_into_the_loaded_file() {
        let config = parse("[check]\nformat = \"html\"\n", Path::new("")).unwrap();
        let format = config.check.format.clone().unwrap();
        let error = config.error_at(format.span(), "check.format: unknown value".to_owned());
        assert_eq!(
            error.to_string(),
            "riskgate.toml:2:10: check.format: unknown value"
        );
    }

    #[test]
    fn discovery_walks_up_to_the_repository_root() {
        let root = tempfile::tempdir().unwrap();
        let repo = root.path().join("repo");
        let nested = repo.join("policies/deep");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        // Above the repository root: never read.
        std::fs::write(root.path().join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&nested), None);

        std::fs::write(repo.join(FILE_NAME), "[lint]\nselect = [\"L0014\"]\n").unwrap();
        assert_eq!(
            discover(&nested),
            Some((repo.join(FILE_NAME), repo.clone()))
        );
        assert_eq!(
            discover_relative(&nested),
            Some((PathBuf::from("../../riskgate.toml"), PathBuf::from("../..")))
        );
        assert_eq!(
            discover_relative(&repo),
            Some((PathBuf::from("riskgate.toml"), PathBuf::new()))
        );
        let config = load(Lookup::From(&nested)).unwrap();
        assert_eq!(config.path, Some(repo.join(FILE_NAME)));
        assert_eq!(config.lint.config.select, ["L0014"]);
    }

    #[test]
    fn a_named_file_is_read_and_errors_carry_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ci.toml");
        std::fs::write(&path, "[fmt]\nv0 = true\n").unwrap();
        let error = load(Lookup::File(&path)).unwrap_err();
        assert_eq!(error.path, path);
        assert_eq!(error.line_col, Some((2, 1)));
        let missing = load(Lookup::File(&dir.path().join("none.toml"))).unwrap_err();
        assert!(missing.message.starts_with("cannot read"), "{missing}");
        assert_eq!(load(Lookup::Disabled).unwrap(), Config::default());
    }
}
