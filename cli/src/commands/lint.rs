//! `riskgate lint`: stable-coded lints over policy files.
//!
//! Parses the files, runs [`riskgate_controls::lint::lint`] with the
//! configuration from `riskgate.toml` (`[lint]`) and the command line, and
//! renders the findings as diagnostics, JSON, SARIF or GitHub annotations.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use riskgate_controls::lint::{LintConfig, LintFile};
use riskgate_dsl::{LineIndex, Severity};
use riskgate_engine::FileDiagnostic;
use riskgate_workspace::registry::is_known_pattern;

use crate::Outcome;
use crate::report::{github, json::to_pretty_json, sarif};
use riskgate_workspace::policy_files::{self, PolicySource};
use riskgate_workspace::render::Renderer;

/// Lint policy files.
///
/// Exits 0 when nothing is found (or only hints), 1 when a warning or
/// error is reported, 2 on syntax errors and usage errors.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Policy files or directories (default: `paths` of `[lint]` in
    /// riskgate.toml, else the current directory).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = LintFormat::Pretty)]
    pub format: LintFormat,
    /// Only run these lints: codes, code prefixes (`L00`) or names
    /// (comma-separated, repeatable); replaces `select` of `[lint]` in
    /// riskgate.toml.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Never report these lints (added to `ignore` of the config).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Accept Rego v0 syntax.
    #[arg(long)]
    pub v0_compatible: bool,
}

/// `--format` values of `riskgate lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    /// Diagnostics with source excerpts.
    Pretty,
    /// A JSON document.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

/// The lint settings of a run: `riskgate.toml`'s `[lint]` (`file`), then
/// the command line (`--select` replaces `select`, `--ignore` adds to
/// `ignore`).
///
/// # Errors
/// When a code given on the command line selects nothing.
pub fn settings(
    file: &LintConfig,
    select: &[String],
    ignore: &[String],
) -> anyhow::Result<LintConfig> {
    if let Some(unknown) = select.iter().chain(ignore).find(|p| !is_known_pattern(p)) {
        anyhow::bail!("unknown lint `{unknown}` (see docs/diagnostics.md)");
    }
    let mut config = file.clone();
    if !select.is_empty() {
        config.select = select.to_vec();
    }
    config.ignore.extend(ignore.iter().cloned());
    Ok(config)
}

/// Runs `riskgate lint`.
pub fn run(args: &LintArgs, file: &LintConfig, renderer: &Renderer) -> Outcome {
    match lint(args, file, renderer) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}

fn lint(args: &LintArgs, file: &LintConfig, renderer: &Renderer) -> anyhow::Result<Outcome> {
    let config = settings(file, &args.select, &args.ignore)?;
    let mut sources: Vec<PolicySource> = Vec::new();
    for path in policy_files::collect(&args.paths) {
        sources.push(policy_files::read(&path?)?);
    }
    let mut syntax_errors = false;
    let mut parsed = Vec::new();
    for source in &sources {
        let result =
            riskgate_dsl::parse_module(&source.text, source.parse_options(args.v0_compatible));
        if result.has_errors() {
            syntax_errors = true;
            renderer.emit(&source.name, &source.text, result.diagnostics);
            continue;
        }
        parsed.push((source, result.module));
    }
    let files: Vec<LintFile<'_>> = parsed
        .iter()
        .map(|(source, module)| LintFile {
            name: &source.name,
            source: &source.text,
            module,
        })
        .collect();
    let findings = riskgate_controls::lint::lint(&files, &config);
    let texts: BTreeMap<&str, &Arc<str>> =
        sources.iter().map(|s| (s.name.as_str(), &s.text)).collect();
    let output = match args.format {
        LintFormat::Pretty => {
            for finding in &findings {
                let text = texts
                    .get(&*finding.file)
                    .map_or_else(|| Arc::from(""), |t| Arc::clone(t));
                renderer.emit(&finding.file, &text, vec![finding.diagnostic.clone()]);
            }
            summary(&findings, files.len())
        }
        LintFormat::Json => json(&findings, &texts, files.len()),
        LintFormat::Sarif => sarif_report(&findings, &texts),
        LintFormat::Github => github_report(&findings, &texts),
    };
    print!("{output}");
    Ok(if syntax_errors {
        Outcome::Error
    } else if findings
        .iter()
        .any(|f| f.diagnostic.severity() != Severity::Hint)
    {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}

/// A finding's primary span as (line, col, end line, end col), 1-based.
fn region(finding: &FileDiagnostic, texts: &BTreeMap<&str, &Arc<str>>) -> (u32, u32, u32, u32) {
    let Some(text) = texts.get(&*finding.file) else {
        return (1, 1, 1, 1);
    };
    let index = LineIndex::new(text);
    let span = finding.diagnostic.primary_span();
    let start = index.line_col(text, span.start);
    let end = index.line_col(text, span.end);
    (start.line, start.col, end.line, end.col)
}

fn summary(findings: &[FileDiagnostic], files: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if findings.is_empty() {
        return format!("No lint findings in {}.\n", plural(files, "file"));
    }
    let codes: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f.diagnostic.code().id).collect();
    format!(
        "Found {} ({}) in {}.\n",
        plural(findings.len(), "finding"),
        plural(codes.len(), "distinct code"),
        plural(files, "file")
    )
}

fn json(findings: &[FileDiagnostic], texts: &BTreeMap<&str, &Arc<str>>, files: usize) -> String {
    let list: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let (line, col, end_line, end_col) = region(f, texts);
            let code = f.diagnostic.code();
            serde_json::json!({
                "code": code.id,
                "name": code.name,
                "severity": f.diagnostic.severity().as_str(),
                "message": f.diagnostic.message(),
                "file": &*f.file,
                "location": {"line": line, "col": col, "end_line": end_line, "end_col": end_col},
                "help": f.diagnostic.help(),
            })
        })
        .collect();
    to_pretty_json(&serde_json::json!({
        "diagnostics": list,
        "summary": {"files": files, "findings": findings.len()},
    }))
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "note",
    }
}

fn sarif_report(findings: &[FileDiagnostic], texts: &BTreeMap<&str, &Arc<str>>) -> String {
    let lints: Vec<&riskgate_dsl::Code> = riskgate_workspace::registry::all()
        .into_iter()
        .filter(|c| c.id.starts_with('L'))
        .collect();
    let rules: Vec<serde_json::Value> = lints
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id,
                "name": c.name,
                "shortDescription": {"text": c.summary},
                "fullDescription": {"text": c.docs},
                "defaultConfiguration": {"level": sarif_level(c.severity)},
                "helpUri": format!("https://github.com/riskgate/riskgate/blob/main/docs/diagnostics/{}.md", c.id),
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let (line, col, end_line, end_col) = region(f, texts);
            let code = f.diagnostic.code();
            let mut message = f.diagnostic.message().to_owned();
            if let Some(help) = f.diagnostic.help() {
                message.push_str(&format!(" ({help})"));
            }
            serde_json::json!({
                "ruleId": code.id,
                "ruleIndex": lints.iter().position(|c| c.id == code.id),
                "level": sarif_level(f.diagnostic.severity()),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": sarif::artifact_location(&f.file),
                        "region": {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col},
                    }
                }],
            })
        })
        .collect();
    to_pretty_json(&serde_json::json!({
        "$schema": sarif::SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "riskgate",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/riskgate/riskgate",
                "rules": rules,
            }},
            "results": results,
        }],
    }))
}

fn github_report(findings: &[FileDiagnostic], texts: &BTreeMap<&str, &Arc<str>>) -> String {
    let mut out = String::new();
    for f in findings {
        let (line, col, end_line, end_col) = region(f, texts);
        let command = match f.diagnostic.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hint => "notice",
        };
        let code = f.diagnostic.code();
        let mut message = f.diagnostic.message().to_owned();
        if let Some(help) = f.diagnostic.help() {
            message.push_str(&format!("\n{help}"));
        }
        out.push_str(&format!(
            "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
            github::property(&f.file),
            github::property(&format!("{} {}", code.id, code.name)),
            github::data(&message),
        ));
    }
    out
}
