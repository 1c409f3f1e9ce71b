//! `riskgate diff OLD NEW --manifests DIR`: replay two policy versions
//! over a manifest corpus and list every decision and control status that
//! changes — "what breaks if I merge this policy change".
//!
//! OLD and NEW are policy directories, or `git:REF:PATH` for a directory
//! as of a git revision (read with `git ls-tree` and `git show`). Both are
//! evaluated through the same seam as `riskgate check`; the comparison is
//! [`riskgate_controls::diff::diff`].

use riskgate_workspace::clock::Now;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use anyhow::Context as _;
use riskgate_controls::diff::{ManifestChange, TraceDiff};

use crate::Outcome;
use crate::commands::check::ContextArg;
use crate::commands::check::seam::{self, EvaluationRequest, ManifestInput};
use crate::report::json::to_pretty_json;
use riskgate_workspace::manifest_files::{self, Filters, Input};
use riskgate_workspace::policy_files::{self, PolicySource};

/// Compare the decisions of two policy versions over a manifest corpus.
///
/// Exits 0 when no decision or control status changes, 1 when some do,
/// 2 on errors.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old policies: a directory, or `git:REF:PATH`.
    pub old: String,
    /// The new policies: a directory, or `git:REF:PATH`.
    pub new: String,
    /// Manifest files or directories to replay (repeatable).
    #[arg(long, value_name = "DIR", required = true)]
    pub manifests: Vec<String>,
    /// The enforcement point to decide for.
    #[arg(long, value_enum, default_value_t = ContextArg::Ci)]
    pub context: ContextArg,
    /// The evaluation clock (RFC 3339); defaults to the current time, read
    /// once, the same for both versions.
    #[arg(long, value_name = "RFC3339", value_parser = Now::parse)]
    pub now: Option<Now>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Pretty)]
    pub format: DiffFormat,
}

/// `--format` values of `riskgate diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Human-readable.
    Pretty,
    /// A JSON document.
    Json,
    /// Markdown, for pull-request comments.
    Markdown,
}

/// Runs `riskgate diff`.
pub fn run(args: &DiffArgs) -> Outcome {
    match diff(args) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}

fn diff(args: &DiffArgs) -> anyhow::Result<Outcome> {
    let now = args
        .now
        .unwrap_or_else(|| Now::wall_clock().whole_seconds());
    let old = read_version(&args.old)?;
    let new = read_version(&args.new)?;
    let (inputs, errors) = manifest_files::discover(&args.manifests, &Filters::default());
    if let Some(error) = errors.first() {
        anyhow::bail!("{error}");
    }
    let mut manifests = Vec::new();
    for input in inputs {
        if let Input::File(path) = input {
            manifests.push(ManifestInput {
                name: path.display().to_string(),
                bytes: std::fs::read(&path)
                    .with_context(|| format!("{}: cannot read", path.display()))?,
            });
        }
    }
    if manifests.is_empty() {
        anyhow::bail!("no manifests found in {}", args.manifests.join(", "));
    }
    let evaluate = |policies: &[PolicySource], label: &str| {
        let dirs = [PathBuf::from(label)];
        seam::evaluate(&EvaluationRequest {
            manifests: &manifests,
            policies,
            policy_dirs: &dirs,
            with_stdlib: false,
            overlay: None,
            context: args.context.into(),
            now,
            explain: false,
            progress: false,
            max_steps: riskgate_engine::EvalLimits::default().max_steps,
            timeout: None,
            evidence: None,
            warn_within_days: None,
        })
        .with_context(|| format!("evaluating {label}"))
    };
    let old_trace = evaluate(&old, &args.old)?;
    let new_trace = evaluate(&new, &args.new)?;
    let result = riskgate_controls::diff::diff(&old_trace, &new_trace);
    let text = match args.format {
        DiffFormat::Pretty => pretty(&result, &args.old, &args.new),
        DiffFormat::Json => to_pretty_json(&serde_json::json!({
            "old": args.old,
            "new": args.new,
            "changed": result.changed,
            "unchanged": result.unchanged,
        })),
        DiffFormat::Markdown => markdown(&result, &args.old, &args.new),
    };
    print!("{text}");
    Ok(if result.changed.is_empty() {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}

/// Reads the policy files of a version: a directory, or `git:REF:PATH`.
fn read_version(spec: &str) -> anyhow::Result<Vec<PolicySource>> {
    let sources = if let Some(rest) = spec.strip_prefix("git:") {
        read_git(spec, rest)?
    } else {
        let dir = PathBuf::from(spec);
        if !dir.is_dir() {
            anyhow::bail!("{spec}: not a directory (or git:REF:PATH)");
        }
        let mut sources = Vec::new();
        for path in policy_files::collect(std::slice::from_ref(&dir)) {
            sources.push(policy_files::read(&path?)?);
        }
        sources
    };
    if sources.is_empty() {
        anyhow::bail!("{spec}: no .rego or .gate files");
    }
    Ok(sources)
}

fn git(args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .args(args)
        .output()
        .context("running git")?;
    if !output.status.success() {
        anyhow::bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8(output.stdout).context("git printed non-UTF-8 text")
}

fn read_git(spec: &str, rest: &str) -> anyhow::Result<Vec<PolicySource>> {
    let Some((reference, path)) = rest.split_once(':') else {
        anyhow::bail!("{spec}: expected git:REF:PATH, e.g. git:main:policies");
    };
    let path = path.trim_end_matches('/');
    let listing = git(&[
        "ls-tree",
        "-r",
        "--name-only",
        "--full-tree",
        reference,
        "--",
        path,
    ])?;
    let mut sources = Vec::new();
    for file in listing.lines() {
        if !policy_files::is_policy_file(std::path::Path::new(file)) {
            continue;
        }
        let text = git(&["show", &format!("{reference}:{file}")])?;
        sources.push(PolicySource {
            name: file.to_owned(),
            path: None,
            text: Arc::from(text),
        });
    }
    Ok(sources)
}

fn decision(d: Option<riskgate_controls::trace::Decision>) -> &'static str {
    d.map_or("absent", riskgate_controls::trace::Decision::as_str)
}

fn status(s: Option<riskgate_controls::trace::Status>) -> &'static str {
    s.map_or("absent", riskgate_controls::trace::Status::as_str)
}

fn label(change: &ManifestChange) -> String {
    let mut label = change.file.clone();
    if change.document > 0 {
        let _ = write!(label, "#{}", change.document);
    }
    if let Some(name) = &change.name {
        let _ = write!(label, " ({name})");
    }
    label
}

fn pretty(result: &TraceDiff, old: &str, new: &str) -> String {
    let total = result.changed.len() + result.unchanged;
    let decisions = result
        .changed
        .iter()
        .filter(|c| c.decision_changed())
        .count();
    let mut out = format!(
        "{old} → {new}: {total} manifest{}, {} changed ({decisions} decision{}), {} unchanged\n",
        if total == 1 { "" } else { "s" },
        result.changed.len(),
        if decisions == 1 { "" } else { "s" },
        result.unchanged
    );
    for change in &result.changed {
        let _ = writeln!(
            out,
            "\n{}: {} → {}",
            label(change),
            decision(change.old_decision),
            decision(change.new_decision)
        );
        for control in &change.controls {
            let _ = writeln!(
                out,
                "  {}: {} → {}",
                control.id,
                status(control.old_status),
                status(control.new_status)
            );
            for line in &control.old_lines {
                let _ = writeln!(out, "    - {line}");
            }
            for line in &control.new_lines {
                let _ = writeln!(out, "    + {line}");
            }
        }
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(result: &TraceDiff, old: &str, new: &str) -> String {
    let mut out = format!(
        "## riskgate diff: `{}` → `{}`\n\n{} changed, {} unchanged\n",
        cell(old),
        cell(new),
        result.changed.len(),
        result.unchanged
    );
    if result.changed.is_empty() {
        return out;
    }
    out.push_str("\n| manifest | decision | controls |\n|---|---|---|\n");
    for change in &result.changed {
        let controls: Vec<String> = change
            .controls
            .iter()
            .map(|c| {
                format!(
                    "`{}` {} → {}",
                    c.id,
                    status(c.old_status),
                    status(c.new_status)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} → **{}** | {} |",
            cell(&label(change)),
            decision(change.old_decision),
            decision(change.new_decision),
            cell(&controls.join("<br>"))
        );
    }
    for change in &result.changed {
        if change
            .controls
            .iter()
            .all(|c| c.old_lines.is_empty() && c.new_lines.is_empty())
        {
            continue;
        }
        let _ = write!(
            out,
            "\n<details><summary>{}</summary>\n\n```diff\n",
            cell(&label(change))
        );
        for control in &change.controls {
            let _ = writeln!(out, "@@ {} @@", control.id);
            for line in &control.old_lines {
                let _ = writeln!(out, "- {line}");
            }
            for line in &control.new_lines {
                let _ = writeln!(out, "+ {line}");
            }
        }
        out.push_str("```\n\n</details>\n");
    }
    out
}
