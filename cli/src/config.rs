//! `riskgate.toml`: per-repository defaults for `check` and `fmt`.
//!
//! The file is found by walking up from the current directory to the first
//! directory that has one, stopping at the repository root (a directory
//! with `.git`) or the filesystem root; `--config FILE` names it instead and
//! `--no-config` ignores it. Relative paths in the file are relative to the
//! file's directory. Flags given on the command line always win.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::ValueEnum;
use serde::Deserialize;

use crate::Outcome;
use crate::commands::check::{CheckArgs, ContextArg};
use crate::commands::fmt::FmtArgs;
use crate::global::{GlobalArgs, info};
use crate::report::Format;

/// The file name looked for.
pub const FILE_NAME: &str = "riskgate.toml";

/// Settings read from a `riskgate.toml`, paths already made usable from
/// the current directory.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Config {
    /// Where the settings came from (`None`: no file).
    pub path: Option<PathBuf>,
    /// `[check]`.
    pub check: CheckConfig,
    /// `[fmt]`.
    pub fmt: FmtConfig,
}

/// The `[check]` table.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CheckConfig {
    /// `policy`: policy directories replacing the embedded standard library.
    pub policy: Vec<PathBuf>,
    /// `overlay`: the organisation overlay.
    pub overlay: Option<PathBuf>,
    /// `context`: the enforcement point.
    pub context: Option<ContextArg>,
    /// `format`: the report format.
    pub format: Option<Format>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    check: RawCheck,
    fmt: RawFmt,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawCheck {
    policy: OneOrMany,
    overlay: Option<PathBuf>,
    context: Option<String>,
    format: Option<String>,
    strict: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawFmt {
    paths: OneOrMany,
    v0_compatible: Option<bool>,
}

/// A path or a list of paths.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
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

/// Loads the configuration the global options ask for, printing errors and
/// turning them into [`Outcome::Error`].
pub fn load(global: &GlobalArgs) -> Result<Config, Outcome> {
    let located = if global.no_config {
        None
    } else if let Some(path) = &global.config {
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Some((path.clone(), base))
    } else {
        std::env::current_dir().ok().and_then(|cwd| discover(&cwd))
    };
    let Some((path, base)) = located else {
        info!("no {FILE_NAME} found; using built-in defaults");
        return Ok(Config::default());
    };
    info!("using configuration {}", path.display());
    let parsed = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read", path.display()))
        .and_then(|text| parse(&text, &base).with_context(|| format!("{}", path.display())));
    match parsed {
        Ok(mut config) => {
            config.path = Some(path);
            Ok(config)
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            Err(Outcome::Error)
        }
    }
}

/// Finds `riskgate.toml` from `start` upwards. Returns the file and its
/// directory relative to `start` (`""`, `".."`, `"../.."`...), so paths in
/// it stay short in reports.
pub fn discover(start: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut relative = PathBuf::new();
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some((relative.join(FILE_NAME), relative));
        }
        if dir.join(".git").exists() {
            return None;
        }
        relative.push("..");
    }
    None
}

/// Parses the text of a configuration file whose directory is `base`.
pub fn parse(text: &str, base: &Path) -> anyhow::Result<Config> {
    let raw: RawConfig = toml::from_str(text)?;
    let rebase = |path: PathBuf| {
        if path.is_absolute() || base.as_os_str().is_empty() {
            path
        } else {
            base.join(path)
        }
    };
    let check = CheckConfig {
        policy: raw
            .check
            .policy
            .into_vec()
            .into_iter()
            .map(rebase)
            .collect(),
        overlay: raw.check.overlay.map(rebase),
        context: raw
            .check
            .context
            .as_deref()
            .map(|v| value_enum::<ContextArg>("check.context", v))
            .transpose()?,
        format: raw
            .check
            .format
            .as_deref()
            .map(|v| value_enum::<Format>("check.format", v))
            .transpose()?,
        strict: raw.check.strict,
    };
    let fmt = FmtConfig {
        paths: raw.fmt.paths.into_vec().into_iter().map(rebase).collect(),
        v0_compatible: raw.fmt.v0_compatible,
    };
    Ok(Config {
        path: None,
        check,
        fmt,
    })
}

/// Parses a value with the same names the command line accepts.
fn value_enum<T: ValueEnum>(key: &str, value: &str) -> anyhow::Result<T> {
    T::from_str(value, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect();
        anyhow::anyhow!(
            "{key}: unknown value `{value}`; expected one of {}",
            names.join(", ")
        )
    })
}

impl CheckConfig {
    /// Fills what the command line left unset.
    pub fn apply(&self, mut args: CheckArgs) -> CheckArgs {
        if args.policy.is_empty() {
            args.policy.clone_from(&self.policy);
        }
        if args.overlay.is_none() {
            args.overlay.clone_from(&self.overlay);
        }
        args.context = args.context.or(self.context);
        args.format = args.format.or(self.format);
        if !args.strict && !args.no_strict {
            args.strict = self.strict.unwrap_or(false);
        }
        args
    }
}

impl FmtConfig {
    /// Fills what the command line left unset.
    pub fn apply(&self, mut args: FmtArgs) -> FmtArgs {
        if args.paths.is_empty() {
            args.paths.clone_from(&self.paths);
        }
        if !args.v0_compatible {
            args.v0_compatible = self.v0_compatible.unwrap_or(false);
        }
        args
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Check {
        #[command(flatten)]
        args: CheckArgs,
    }

    fn check_args(argv: &[&str]) -> CheckArgs {
        let mut full = vec!["check"];
        full.extend_from_slice(argv);
        Check::try_parse_from(full).unwrap().args
    }

    const FULL: &str = r#"
[check]
policy = ["policies", "/abs/org-policies"]
overlay = "org/overlay.yaml"
context = "admission"
format = "sarif"
strict = true

[fmt]
paths = "policies"
v0-compatible = true
"#;

    #[test]
    fn every_key_is_read_and_relative_paths_follow_the_file() {
        let config = parse(FULL, Path::new("../..")).unwrap();
        assert_eq!(
            config.check.policy,
            [
                PathBuf::from("../../policies"),
                PathBuf::from("/abs/org-policies")
            ]
        );
        assert_eq!(
            config.check.overlay,
            Some(PathBuf::from("../../org/overlay.yaml"))
        );
        assert_eq!(config.check.context, Some(ContextArg::Admission));
        assert_eq!(config.check.format, Some(Format::Sarif));
        assert_eq!(config.check.strict, Some(true));
        assert_eq!(config.fmt.paths, [PathBuf::from("../../policies")]);
        assert_eq!(config.fmt.v0_compatible, Some(true));
    }

    #[test]
    fn config_fills_only_what_the_command_line_left_unset() {
        let config = parse(FULL, Path::new("")).unwrap();
        let defaults = config.check.apply(check_args(&["m.yaml"]));
        assert_eq!(
            defaults.policy,
            [PathBuf::from("policies"), "/abs/org-policies".into()]
        );
        assert_eq!(defaults.overlay, Some(PathBuf::from("org/overlay.yaml")));
        assert_eq!(defaults.context, Some(ContextArg::Admission));
        assert_eq!(defaults.format, Some(Format::Sarif));
        assert!(defaults.strict);

        let flags = config.check.apply(check_args(&[
            "m.yaml",
            "--policy",
            "mine",
            "--overlay",
            "o.json",
            "--context",
            "audit",
            "-f",
            "json",
            "--no-strict",
        ]));
        assert_eq!(flags.policy, [PathBuf::from("mine")]);
        assert_eq!(flags.overlay, Some(PathBuf::from("o.json")));
        assert_eq!(flags.context, Some(ContextArg::Audit));
        assert_eq!(flags.format, Some(Format::Json));
        assert!(!flags.strict);
    }

    #[test]
    fn without_a_file_nothing_changes() {
        let args = Config::default().check.apply(check_args(&["m.yaml"]));
        assert!(args.policy.is_empty());
        assert_eq!(args.context, None);
        assert_eq!(args.format, None);
        assert!(!args.strict);
    }

    #[test]
    fn unknown_keys_and_values_are_errors_that_say_what_is_allowed() {
        let error = parse("[check]\npolicies = []\n", Path::new("")).unwrap_err();
        assert!(
            format!("{error:#}").contains("unknown field `policies`"),
            "{error:#}"
        );
        let error = parse("[check]\nformat = \"html\"\n", Path::new("")).unwrap_err();
        assert_eq!(
            format!("{error:#}"),
            "check.format: unknown value `html`; expected one of pretty, json, sarif, junit, github, markdown"
        );
    }

    #[test]
    fn the_example_file_is_valid() {
        let text = include_str!("../../examples/riskgate.example.toml");
        let config = parse(text, Path::new("examples")).unwrap();
        assert_eq!(config.check.policy, [PathBuf::from("examples/policies")]);
        assert_eq!(config.check.context, Some(ContextArg::Ci));
    }

    #[test]
    fn discovery_walks_up_to_the_repository_root() {
        let root = tempfile::tempdir().unwrap();
        let nested = root.path().join("repo/policies/deep");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::create_dir_all(root.path().join("repo/.git")).unwrap();
        // Above the repository root: never read.
        std::fs::write(root.path().join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&nested), None);

        std::fs::write(root.path().join("repo").join(FILE_NAME), "").unwrap();
        assert_eq!(
            discover(&nested),
            Some((PathBuf::from("../../riskgate.toml"), PathBuf::from("../..")))
        );
        assert_eq!(
            discover(&root.path().join("repo")),
            Some((PathBuf::from("riskgate.toml"), PathBuf::new()))
        );
    }
}
