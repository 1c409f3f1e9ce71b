//! The command line's side of `riskgate.toml`: which file the global
//! options ask for (`--config FILE`, `--no-config`, else discovery from the
//! current directory), and each command's unset flags filled from it.
//!
//! Reading and validating the file is [`riskgate_workspace::config`]'s, the
//! reader the language server uses too. Flags given on the command line
//! always win.

use clap::ValueEnum;
use riskgate_workspace::config::{FmtConfig, LintSettings, Lookup, TestConfig};
use riskgate_workspace::{Config, ConfigError};

use crate::Outcome;
use crate::commands::check::{CheckArgs, ContextArg, DecisionArgs};
use crate::commands::fmt::FmtArgs;
use crate::commands::lint::LintArgs;
use crate::commands::pack::PackArgs;
use crate::commands::report::ReportArgs;
use crate::commands::test::TestArgs;
use crate::global::{GlobalArgs, info};
use crate::report::Format;

/// Loads the configuration the global options ask for, printing an error
/// (once) and turning it into [`Outcome::Error`].
pub fn load(global: &GlobalArgs) -> Result<Config, Outcome> {
    let lookup = if global.no_config {
        Lookup::Disabled
    } else if let Some(path) = &global.config {
        Lookup::File(path)
    } else {
        Lookup::CurrentDir
    };
    let config = riskgate_workspace::config::load(lookup).map_err(|error| report(&error))?;
    match &config.path {
        Some(path) => info!("using configuration {}", path.display()),
        None => info!(
            "no {} found; using built-in defaults",
            riskgate_workspace::config::FILE_NAME
        ),
    }
    // The report formats are the CLI's, so this is the one value of the
    // file checked here; like every other value, a bad one stops every
    // command that reads the file, whatever its flags say.
    report_format(&config).map_err(|error| report(&error))?;
    Ok(config)
}

/// Prints a configuration error.
pub fn report(error: &ConfigError) -> Outcome {
    eprintln!("error: {error}");
    Outcome::Error
}

/// `check`'s flags, with `[check]` filling what the command line left unset.
///
/// # Errors
/// When `check.format` names no report format.
pub fn check(config: &Config, mut args: CheckArgs) -> Result<CheckArgs, ConfigError> {
    let file = &config.check;
    decide_like_check(config, &mut args.decision);
    if args.format.is_none() {
        args.format = report_format(config)?;
    }
    if !args.strict && !args.no_strict {
        args.strict = file.strict.unwrap_or(false);
    }
    Ok(args)
}

/// `report`'s flags: it decides like `check`, so `[check]` fills the
/// policies, overlay and enforcement point the command line left unset.
pub fn report_args(config: &Config, mut args: ReportArgs) -> ReportArgs {
    decide_like_check(config, &mut args.decision);
    args
}

/// `pack`'s flags: a pack records the decision `check` would make, so
/// `[check]` fills the policies, overlay and enforcement point.
pub fn pack_args(config: &Config, mut args: PackArgs) -> PackArgs {
    decide_like_check(config, &mut args.decision);
    args
}

/// Fills the flags that choose how releases are decided from `[check]`.
fn decide_like_check(config: &Config, decision: &mut DecisionArgs) {
    let file = &config.check;
    if decision.policy.is_empty() {
        decision.policy.clone_from(&file.policy);
        decision.with_stdlib = file.with_stdlib.unwrap_or(false) && !decision.policy.is_empty();
    }
    if decision.overlay.is_none() {
        decision.overlay.clone_from(&file.overlay);
    }
    decision.context = decision.context.or(file.context.map(ContextArg::from));
}

/// `fmt`'s flags, with `[fmt]` filling what the command line left unset.
pub fn fmt(file: &FmtConfig, mut args: FmtArgs) -> FmtArgs {
    if args.paths.is_empty() {
        args.paths.clone_from(&file.paths);
    }
    if !args.v0_compatible {
        args.v0_compatible = file.v0_compatible.unwrap_or(false);
    }
    args
}

/// `lint`'s paths, with `[lint] paths` when the command line gave none.
/// (The lint settings themselves are merged by the command.)
pub fn lint(file: &LintSettings, mut args: LintArgs) -> LintArgs {
    if args.paths.is_empty() {
        args.paths.clone_from(&file.paths);
    }
    args
}

/// `test`'s flags, with `[test]` filling what the command line left unset.
pub fn test(file: &TestConfig, mut args: TestArgs) -> TestArgs {
    if args.paths.is_empty() {
        args.paths.clone_from(&file.paths);
    }
    if !args.stdlib {
        args.stdlib = file.stdlib.unwrap_or(false);
    }
    args
}

/// `check.format` as a report format.
fn report_format(config: &Config) -> Result<Option<Format>, ConfigError> {
    let Some(format) = &config.check.format else {
        return Ok(None);
    };
    Format::from_str(format.get_ref(), false)
        .map(Some)
        .map_err(|_| {
            config.error_at(
                format.span(),
                format!(
                    "check.format: unknown value `{}`; expected one of {}",
                    format.get_ref(),
                    value_names::<Format>()
                ),
            )
        })
}

/// The names a value of `T` is written with on the command line.
fn value_names<T: ValueEnum>() -> String {
    T::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|v| v.get_name().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::path::{Path, PathBuf};

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

    fn parse(text: &str) -> Config {
        riskgate_workspace::config::parse(text, Path::new("")).unwrap()
    }

    const CHECK: &str = r#"
[check]
policy = ["policies", "/abs/org-policies"]
with-stdlib = true
overlay = "org/overlay.yaml"
context = "admission"
format = "sarif"
strict = true
"#;

    #[test]
    fn config_fills_only_what_the_command_line_left_unset() {
        let config = parse(CHECK);
        let defaults = check(&config, check_args(&["m.yaml"])).unwrap();
        assert_eq!(
            defaults.decision.policy,
            [PathBuf::from("policies"), "/abs/org-policies".into()]
        );
        assert!(defaults.decision.with_stdlib);
        assert_eq!(
            defaults.decision.overlay,
            Some(PathBuf::from("org/overlay.yaml"))
        );
        assert_eq!(defaults.decision.context, Some(ContextArg::Admission));
        assert_eq!(defaults.format, Some(Format::Sarif));
        assert!(defaults.strict);

        let flags = check(
            &config,
            check_args(&[
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
            ]),
        )
        .unwrap();
        assert_eq!(flags.decision.policy, [PathBuf::from("mine")]);
        assert!(
            !flags.decision.with_stdlib,
            "--policy without --with-stdlib replaces the stdlib"
        );
        assert_eq!(flags.decision.overlay, Some(PathBuf::from("o.json")));
        assert_eq!(flags.decision.context, Some(ContextArg::Audit));
        assert_eq!(flags.format, Some(Format::Json));
        assert!(!flags.strict);
    }

    #[test]
    fn report_decides_with_the_check_section() {
        #[derive(Debug, Parser)]
        struct Report {
            #[command(flatten)]
            args: ReportArgs,
        }
        let args = Report::try_parse_from(["report", "m.yaml"]).unwrap().args;
        let filled = report_args(&parse(CHECK), args);
        assert_eq!(
            filled.decision.policy,
            [PathBuf::from("policies"), "/abs/org-policies".into()]
        );
        assert!(filled.decision.with_stdlib);
        assert_eq!(
            filled.decision.overlay,
            Some(PathBuf::from("org/overlay.yaml"))
        );
        assert_eq!(filled.decision.context, Some(ContextArg::Admission));
    }

    #[test]
    fn without_a_file_nothing_changes() {
        let args = check(&Config::default(), check_args(&["m.yaml"])).unwrap();
        assert!(args.decision.policy.is_empty());
        assert_eq!(args.decision.context, None);
        assert_eq!(args.format, None);
        assert!(!args.strict);
    }

    #[test]
    fn an_unknown_format_is_an_error_at_its_position() {
        let config = parse("[check]\nformat = \"html\"\n");
        let error = check(&config, check_args(&["m.yaml"])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "riskgate.toml:2:10: check.format: unknown value `html`; expected one of pretty, json, sarif, junit, github, markdown"
        );
    }

    #[test]
    fn the_example_file_is_valid() {
        let text = include_str!("../../examples/riskgate.example.toml");
        let config = riskgate_workspace::config::parse(text, Path::new("examples")).unwrap();
        let args = check(&config, check_args(&["m.yaml"])).unwrap();
        assert_eq!(args.decision.policy, [PathBuf::from("examples/policies")]);
        assert_eq!(args.decision.context, Some(ContextArg::Ci));
    }
}
