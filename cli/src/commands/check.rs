//! `riskgate check`: evaluate release manifests and report the decision.
//!
//! The command does the I/O around one engine call (see [`seam`]): it
//! discovers and reads manifests, policies and the overlay, fixes the
//! evaluation clock, calls [`seam::evaluate`], renders the trace in the
//! chosen format and maps it to an exit code with [`exit_code`]. `pretty`,
//! `github` and `json` reports are streamed instead
//! ([`seam::evaluate_batches`]): files are read a batch at a time and each
//! manifest's part is written (or, for JSON, spooled) as its batch is
//! checked, in input order, so memory does not grow with the corpus.

mod attest;
pub mod seam;

use riskgate_workspace::clock::Now;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Seek, Write};
use std::path::PathBuf;

use anyhow::Context;
use rayon::prelude::*;
use riskgate_controls::trace::{EnforcementPoint, Summary, Trace};

use crate::Outcome;
use crate::report::{Explain, Format, ReportOptions, StreamFormat};
use riskgate_workspace::policy_set::{self, PolicyInputs};
use riskgate_workspace::render::ColorChoice;

use riskgate_workspace::manifest_files::{self, Filters, Input};
use seam::{ControlSummary, EvaluationRequest, ManifestInput};

/// Evaluate release manifests against risk controls.
///
/// Exits 0 when every manifest passes (warnings allowed unless --strict),
/// 1 when any is denied, 2 on usage, load or evaluation errors. Manifests
/// that load are evaluated and reported even when others fail to load.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Manifest files, directories (searched for .yaml, .yml and .json) or
    /// glob patterns; `-` reads stdin.
    #[arg(value_name = "PATHS", required_unless_present_any = ["list_controls", "replay_trace"])]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub decision: DecisionArgs,
    /// The evaluation clock (RFC 3339, e.g. 2026-03-01T12:00:00Z); defaults
    /// to the current time, read once per run.
    #[arg(long, value_name = "RFC3339", value_parser = Now::parse)]
    pub now: Option<Now>,
    /// Output format. `pretty` unless told otherwise, also when not on a
    /// terminal (then without colours): machine formats are always asked
    /// for explicitly [default: pretty].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Evaluation steps allowed per manifest; a rule that needs more makes
    /// its control `error` (which fails closed), naming the limit.
    #[arg(long, value_name = "N", default_value_t = riskgate_engine::EvalLimits::default().max_steps)]
    pub max_steps: u64,
    /// Time allowed per manifest (`500ms`, `10s`, `1m`); a rule still
    /// running then makes its control `error` (which fails closed).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = riskgate_workspace::clock::parse_duration)]
    pub timeout: std::time::Duration,
    /// Treat warnings as denials (exit 1 when any manifest warns).
    #[arg(long, overrides_with = "no_strict")]
    pub strict: bool,
    /// Warnings do not deny, even if `riskgate.toml` sets `strict = true`.
    #[arg(long, overrides_with = "strict")]
    pub no_strict: bool,
    /// How much to explain: `short` shows what fails and how to fix it,
    /// `full` every control, requirement and piece of evidence.
    #[arg(long, value_enum, default_value_t = Explain::Short)]
    pub explain: Explain,
    /// Omit actual values and evidence values from the report.
    #[arg(long)]
    pub redact: bool,
    /// Only check files in directories that match GLOB (repeatable).
    #[arg(long, value_name = "GLOB", value_parser = parse_glob)]
    pub include: Vec<glob::Pattern>,
    /// Skip files in directories that match GLOB (repeatable).
    #[arg(long, value_name = "GLOB", value_parser = parse_glob)]
    pub exclude: Vec<glob::Pattern>,
    /// List the controls of the policy set and their action at --context,
    /// then exit.
    #[arg(long)]
    pub list_controls: bool,
    #[command(flatten)]
    pub evidence: EvidenceArgs,
    /// Sign the decision for each manifest with KEY (PEM PKCS#8, Ed25519 or
    /// ECDSA P-256): an in-toto Statement v1 with a SLSA verification
    /// summary over the release's artifact digest and the policy digest,
    /// in a DSSE envelope; one per line in --attest-output. Verify with
    /// `riskgate verify-attestation`.
    #[arg(long, value_name = "KEY", conflicts_with_all = ["replay_trace", "list_controls"])]
    pub attest: Option<PathBuf>,
    /// Where --attest writes the attestations [default: riskgate.intoto.jsonl].
    #[arg(long, value_name = "FILE", requires = "attest")]
    pub attest_output: Option<PathBuf>,
    /// Also list what passes (or is waived) now and stops passing within
    /// DURATION if nothing is done (`14d`, `2w`, `36h`; whole days): stale
    /// evidence, expiring waivers and approvals. A warning only: the exit
    /// code is unchanged. JSON carries them as each release's `expiring`.
    #[arg(long, value_name = "DURATION", value_parser = riskgate_controls::expiring::parse_window, conflicts_with_all = ["replay_trace", "list_controls"])]
    pub warn_within: Option<u32>,
    /// Render a trace saved with `--format json` instead of evaluating
    /// (evaluate once, then produce SARIF, JUnit, Markdown... from it).
    #[arg(long, value_name = "FILE", conflicts_with = "list_controls")]
    pub replay_trace: Option<PathBuf>,
}

/// Where `--attest` writes unless told otherwise.
const DEFAULT_ATTESTATION_FILE: &str = "riskgate.intoto.jsonl";

/// How far the evidence a manifest cites is believed.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EvidenceArgs {
    /// Verify the evidence the manifests cite: digests against the files,
    /// JSON evaluation reports against the metrics claimed, signatures
    /// (DSSE) against the keys in the policy's data
    /// (`data.riskgate.config.trust.keys`). Evidence that contradicts
    /// itself fails its requirement; evidence that cannot be checked is
    /// `insufficient_data`.
    #[arg(long)]
    pub verify_evidence: bool,
    /// Directory evidence references are read from (relative paths only;
    /// nothing outside it, nothing remote) [default: .]. Implies
    /// --verify-evidence.
    #[arg(long, value_name = "DIR")]
    pub evidence_root: Option<PathBuf>,
    /// Approvals and waiver sign-offs count only with a valid signature
    /// (`signature_ref`) by the key registered for that approver and role.
    /// Implies --verify-evidence.
    #[arg(long)]
    pub require_signed_approvals: bool,
}

impl EvidenceArgs {
    /// The options for the engine; `None` when verification was not asked
    /// for.
    pub fn options(&self) -> anyhow::Result<Option<riskgate_controls::trust::EvidenceOptions>> {
        if !self.verify_evidence && self.evidence_root.is_none() && !self.require_signed_approvals {
            return Ok(None);
        }
        let dir = self
            .evidence_root
            .clone()
            .unwrap_or_else(|| PathBuf::from("."));
        let root = riskgate_workspace::evidence_files::EvidenceRoot::new(&dir)
            .map_err(|e| anyhow::anyhow!("--evidence-root {}: {e}", dir.display()))?;
        Ok(Some(riskgate_controls::trust::EvidenceOptions {
            store: Some(std::sync::Arc::new(root)),
            require_signed_approvals: self.require_signed_approvals,
        }))
    }
}

/// The flags that choose how releases are decided: the same for `check`,
/// `report` and `pack`, and filled from `riskgate.toml`'s `[check]`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DecisionArgs {
    /// Policy directory replacing the embedded standard library
    /// (repeatable).
    #[arg(long, value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Keep the embedded standard library and add the --policy
    /// directories to it (custom controls may mitigate stdlib risks and
    /// import data.stdlib.lib).
    #[arg(long, requires = "policy")]
    pub with_stdlib: bool,
    /// Organisation overlay (YAML or JSON): thresholds, disabled or added
    /// controls.
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
    /// The enforcement point to decide for [default: ci].
    #[arg(long, value_enum)]
    pub context: Option<ContextArg>,
}

impl DecisionArgs {
    /// Reads the `--policy` files and the `--overlay`, not yet compiled.
    ///
    /// # Errors
    /// When a policy directory, file or the overlay cannot be read.
    pub fn read_inputs(&self) -> anyhow::Result<PolicyInputs> {
        PolicyInputs::read(&self.policy, self.overlay.as_deref())
    }
}

/// `--context` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ContextArg {
    /// A CI check before release.
    Ci,
    /// Kubernetes admission.
    Admission,
    /// Periodic audit of what is deployed.
    Audit,
}

impl From<EnforcementPoint> for ContextArg {
    fn from(point: EnforcementPoint) -> Self {
        match point {
            EnforcementPoint::Ci => Self::Ci,
            EnforcementPoint::Admission => Self::Admission,
            EnforcementPoint::Audit => Self::Audit,
        }
    }
}

impl From<ContextArg> for EnforcementPoint {
    fn from(context: ContextArg) -> Self {
        match context {
            ContextArg::Ci => Self::Ci,
            ContextArg::Admission => Self::Admission,
            ContextArg::Audit => Self::Audit,
        }
    }
}

pub(crate) fn parse_glob(text: &str) -> Result<glob::Pattern, String> {
    glob::Pattern::new(text).map_err(|e| e.to_string())
}

/// The exit outcome of a checked run, from its summary: [`Outcome::Error`] when any
/// manifest could not be decided (an incomplete run never looks like a
/// plain denial), else [`Outcome::Findings`] when any is denied (or warns
/// under `strict`), else [`Outcome::Success`].
pub fn exit_code(summary: &Summary, strict: bool) -> Outcome {
    if summary.error > 0 {
        Outcome::Error
    } else if summary.deny > 0 || (strict && summary.warn > 0) {
        Outcome::Findings
    } else {
        Outcome::Success
    }
}

/// Runs `riskgate check`.
pub fn run(args: &CheckArgs, color: ColorChoice) -> Outcome {
    match check(args, color) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}

fn check(args: &CheckArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let context = args.decision.context.unwrap_or(ContextArg::Ci);
    let format = args.format.unwrap_or(Format::Pretty);
    let now = args
        .now
        .unwrap_or_else(|| Now::wall_clock().whole_seconds());
    let mut input_errors = false;
    let mut manifests = Vec::new();

    let trace = if let Some(path) = &args.replay_trace {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        serde_json::from_str::<Trace>(&text)
            .with_context(|| format!("{}: not a riskgate trace", path.display()))?
    } else {
        let inputs = args.decision.read_inputs()?;
        let filters = Filters {
            include: args.include.clone(),
            exclude: args.exclude.clone(),
        };
        // A streamed report reads its files a batch at a time.
        let streamed = format.streaming().filter(|_| args.attest.is_none());
        let mut files = Vec::new();
        if args.list_controls {
            // Nothing to read.
        } else if streamed.is_some() {
            (files, input_errors) = discover_manifests(&args.paths, &filters);
            if files.is_empty() {
                return Err(no_manifests(&args.paths));
            }
        } else {
            let errors;
            (manifests, errors) = read_manifests(&args.paths, &filters)?;
            input_errors = errors;
        }
        let request = EvaluationRequest {
            manifests: &manifests,
            policies: &inputs.policies,
            policy_dirs: &args.decision.policy,
            with_stdlib: args.decision.with_stdlib,
            overlay: inputs.overlay.as_ref(),
            context: context.into(),
            now,
            explain: args.explain == Explain::Full,
            progress: std::io::stderr().is_terminal(),
            max_steps: args.max_steps,
            timeout: Some(args.timeout),
            evidence: args.evidence.options()?,
            warn_within_days: args.warn_within,
        };
        if args.list_controls {
            let controls = seam::list_controls(&request)?;
            let text = if format == Format::Json {
                controls_json(&controls)
            } else {
                controls_table(&controls, context.into())
            };
            write_report(args.output.as_deref(), &text)?;
            return Ok(Outcome::Success);
        }
        match &args.attest {
            Some(key) => {
                let digest = policy_set::policy_digest(
                    &inputs.policies,
                    args.decision.with_stdlib,
                    inputs.overlay.as_ref(),
                );
                let output = args
                    .attest_output
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_ATTESTATION_FILE));
                let (trace, complete) = attest::check_and_attest(&request, key, &digest, &output)?;
                input_errors |= !complete;
                trace
            }
            None => match streamed {
                Some(streamed) => {
                    let options = report_options(args, format, color);
                    let batches = files
                        .chunks(seam::BATCH_FILES)
                        .map(|batch| read_inputs(batch, &mut input_errors));
                    // INTERNAL SEAM: the one call into the engine.
                    let summary =
                        stream_report(&request, files.len(), batches, streamed, &options, args)?;
                    return Ok(outcome(&summary, args.strict, input_errors));
                }
                // INTERNAL SEAM: the one call into the engine.
                None => seam::evaluate(&request)?,
            },
        }
    };

    let sources = if format == Format::Pretty {
        snippet_sources(&trace, &manifests)
    } else {
        BTreeMap::new()
    };
    let options = ReportOptions {
        sources: Some(&sources),
        ..report_options(args, format, color)
    };
    write_report(args.output.as_deref(), &format.render(&trace, &options))?;
    Ok(outcome(&trace.summary, args.strict, input_errors))
}

/// The exit outcome: input errors (unreadable files) make the run an
/// error whatever was decided for the rest.
fn outcome(summary: &Summary, strict: bool, input_errors: bool) -> Outcome {
    if input_errors {
        Outcome::Error
    } else {
        exit_code(summary, strict)
    }
}

/// How to render, without source snippets.
fn report_options(args: &CheckArgs, format: Format, color: ColorChoice) -> ReportOptions<'static> {
    ReportOptions {
        color: format == Format::Pretty
            && use_color(
                color,
                args.output.is_none() && std::io::stdout().is_terminal(),
            ),
        explain: args.explain,
        redact: args.redact,
        width: terminal_width(),
        sources: None,
    }
}

/// Checks the manifests and writes each one's part of the report as its
/// batch finishes, then the totals: the output is byte-identical to
/// rendering the whole trace, but no more than a batch of traces is ever
/// in memory and results appear while a large corpus is still checked. A
/// format whose start needs the whole run (JSON: the summary comes first)
/// has its parts spooled to an anonymous temporary file meanwhile.
fn stream_report(
    request: &EvaluationRequest<'_>,
    files: usize,
    batches: impl Iterator<Item = Vec<ManifestInput>>,
    format: StreamFormat,
    options: &ReportOptions<'_>,
    args: &CheckArgs,
) -> anyhow::Result<Summary> {
    let mut out = ReportWriter::create(args.output.as_deref())?;
    let mut spool = if format.spools() {
        let file = tempfile::tempfile().context("creating a temporary file for the report")?;
        Some(Parts::new(std::io::BufWriter::new(file)))
    } else {
        None
    };
    let mut index = 0;
    let evaluated = seam::evaluate_batches(
        request,
        files,
        batches,
        |_, _| (),
        |trace, (), input| {
            let sources: BTreeMap<String, String> = match format {
                StreamFormat::Pretty => std::str::from_utf8(&input.bytes)
                    .map(|text| BTreeMap::from([(input.name.clone(), text.to_owned())]))
                    .unwrap_or_default(),
                StreamFormat::Github | StreamFormat::Json => BTreeMap::new(),
            };
            let options = ReportOptions {
                sources: Some(&sources),
                ..*options
            };
            let part = format.render_manifest(index, &trace, &options);
            match &mut spool {
                Some(spool) => spool.write(&part),
                None => out.write(&part),
            }
            index += 1;
        },
    );
    // The file was created up front so that an unwritable path fails
    // before the check; a run that fails before any result (the policies
    // do not compile) leaves no empty report behind.
    let evaluated = match evaluated {
        Ok(evaluated) => evaluated,
        Err(error) => {
            drop(out);
            if let Some(path) = &args.output {
                let _ = std::fs::remove_file(path);
            }
            return Err(error);
        }
    };
    let (start, end) = format.render_frame(&evaluated.trace, options);
    out.write(&start);
    if let Some(spool) = spool {
        out.copy_from(spool.rewound()?);
    }
    out.write(&end);
    out.finish()?;
    Ok(evaluated.trace.summary)
}

/// A writer of report parts that keeps its first error and skips what
/// follows: the check goes on, and the error is reported once, at the end.
struct Parts<W: Write> {
    sink: W,
    error: Option<std::io::Error>,
}

impl<W: Write> Parts<W> {
    fn new(sink: W) -> Self {
        Self { sink, error: None }
    }

    fn write(&mut self, text: &str) {
        if self.error.is_none()
            && let Err(error) = self.sink.write_all(text.as_bytes())
        {
            self.error = Some(error);
        }
    }

    fn copy_from(&mut self, mut part: impl Read) {
        if self.error.is_none()
            && let Err(error) = std::io::copy(&mut part, &mut self.sink)
        {
            self.error = Some(error);
        }
    }

    /// Flushes, and gives the first error of the whole write back.
    fn flushed(mut self) -> std::io::Result<W> {
        match self.error.take() {
            Some(error) => Err(error),
            None => self.sink.flush().map(|()| self.sink),
        }
    }
}

impl Parts<std::io::BufWriter<std::fs::File>> {
    /// The spooled text, from its beginning.
    fn rewound(self) -> anyhow::Result<std::fs::File> {
        let mut file = self
            .flushed()
            .and_then(|file| {
                file.into_inner()
                    .map_err(std::io::IntoInnerError::into_error)
            })
            .context("writing the report to a temporary file")?;
        file.seek(std::io::SeekFrom::Start(0))
            .context("reading back the report's temporary file")?;
        Ok(file)
    }
}

/// A report written in parts, to a file or stdout; a closed pipe
/// (`| head`) is not an error worth reporting.
struct ReportWriter {
    parts: Parts<Box<dyn Write>>,
    path: Option<PathBuf>,
}

impl ReportWriter {
    fn create(output: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let sink: Box<dyn Write> = match output {
            Some(path) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("{}: cannot write the report", path.display()))?,
            )),
            None => Box::new(std::io::LineWriter::new(std::io::stdout())),
        };
        Ok(Self {
            parts: Parts::new(sink),
            path: output.map(std::path::Path::to_path_buf),
        })
    }

    fn write(&mut self, text: &str) {
        self.parts.write(text);
    }

    fn copy_from(&mut self, part: impl Read) {
        self.parts.copy_from(part);
    }

    fn finish(self) -> anyhow::Result<()> {
        match (self.parts.flushed(), &self.path) {
            (Ok(_), _) => Ok(()),
            (Err(e), None) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            (Err(e), None) => Err(e).context("writing the report to stdout"),
            (Err(e), Some(path)) => {
                Err(e).with_context(|| format!("{}: cannot write the report", path.display()))
            }
        }
    }
}

fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// `COLUMNS` when the shell exports it, else 100.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&c: &usize| c >= 40)
        .unwrap_or(100)
}

/// Discovers and reads the manifests named by `paths`; errors are
/// printed as they are found. Returns the manifests read and whether any
/// path could not be found or read; `Err` when none could be read.
pub(crate) fn read_manifests(
    paths: &[String],
    filters: &Filters,
) -> anyhow::Result<(Vec<ManifestInput>, bool)> {
    let (inputs, mut input_errors) = discover_manifests(paths, filters);
    let manifests = read_inputs(&inputs, &mut input_errors);
    if manifests.is_empty() {
        return Err(no_manifests(paths));
    }
    Ok((manifests, input_errors))
}

/// The manifest files named by `paths`, printing those that cannot be
/// found; also whether any could not.
fn discover_manifests(paths: &[String], filters: &Filters) -> (Vec<Input>, bool) {
    let (inputs, errors) = manifest_files::discover(paths, filters);
    for error in &errors {
        eprintln!("error: {error}");
    }
    (inputs, !errors.is_empty())
}

/// Reads `inputs` in parallel (large corpora are many small files),
/// printing read errors in input order and noting them in `input_errors`.
fn read_inputs(inputs: &[Input], input_errors: &mut bool) -> Vec<ManifestInput> {
    let read: Vec<anyhow::Result<ManifestInput>> = inputs.par_iter().map(read_manifest).collect();
    let mut manifests = Vec::with_capacity(read.len());
    for result in read {
        match result {
            Ok(manifest) => manifests.push(manifest),
            Err(error) => {
                eprintln!("error: {error:#}");
                *input_errors = true;
            }
        }
    }
    manifests
}

fn no_manifests(paths: &[String]) -> anyhow::Error {
    anyhow::anyhow!(
        "no manifests found in {} (looked for .yaml, .yml and .json files)",
        paths.join(", ")
    )
}

/// The text of each manifest that is UTF-8, by name, for snippets.
pub(crate) fn manifest_sources(manifests: &[ManifestInput]) -> BTreeMap<String, String> {
    manifests
        .iter()
        .filter_map(|m| Some((m.name.clone(), String::from_utf8(m.bytes.clone()).ok()?)))
        .collect()
}

fn read_manifest(input: &Input) -> anyhow::Result<ManifestInput> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("reading a manifest from stdin")?;
            Ok(ManifestInput {
                name: "-".to_owned(),
                bytes,
            })
        }
        Input::File(path) => Ok(ManifestInput {
            name: path.display().to_string(),
            bytes: std::fs::read(path)
                .with_context(|| format!("{}: cannot read", path.display()))?,
        }),
    }
}

/// The text of every manifest file named in the trace, for snippets: from
/// what was read for evaluation, else from disk (replayed traces).
fn snippet_sources(trace: &Trace, manifests: &[ManifestInput]) -> BTreeMap<String, String> {
    const MAX_SNIPPET_FILE: u64 = 16 * 1024 * 1024;
    let mut sources = BTreeMap::new();
    for manifest in &trace.manifests {
        if sources.contains_key(&manifest.file) {
            continue;
        }
        let text = match manifests.iter().find(|m| m.name == manifest.file) {
            Some(input) => String::from_utf8(input.bytes.clone()).ok(),
            None if manifest.file != "-" => std::fs::metadata(&manifest.file)
                .ok()
                .filter(|m| m.is_file() && m.len() <= MAX_SNIPPET_FILE)
                .and_then(|_| std::fs::read_to_string(&manifest.file).ok()),
            None => None,
        };
        if let Some(text) = text {
            sources.insert(manifest.file.clone(), text);
        }
    }
    sources
}

pub(crate) fn write_report(output: Option<&std::path::Path>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("{}: cannot write the report", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(e).context("writing the report to stdout")
                }
                _ => Ok(()),
            }
        }
    }
}

/// `--list-controls` as an aligned table.
fn controls_table(controls: &[ControlSummary], context: EnforcementPoint) -> String {
    let id_width = controls
        .iter()
        .map(|c| c.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    let mut out = format!(
        "{:id_width$}  {:8}  {:8}  TITLE\n",
        "ID",
        context.as_str().to_ascii_uppercase(),
        "SEVERITY"
    );
    for control in controls {
        out.push_str(&format!(
            "{:id_width$}  {:8}  {:8}  {}\n",
            control.id, control.action, control.severity, control.title
        ));
    }
    out.push_str(&format!("{} controls\n", controls.len()));
    out
}

/// `--list-controls --format json`.
fn controls_json(controls: &[ControlSummary]) -> String {
    let list: Vec<serde_json::Value> = controls
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id,
                "title": c.title,
                "severity": c.severity,
                "action": c.action,
                "risks": c.risks,
                "policy": c.policy,
            })
        })
        .collect();
    crate::report::json::to_pretty_json(&list)
}

#[cfg(test)]
mod tests {
    use super::{controls_table, exit_code};
    use crate::Outcome;
    use crate::report::fixtures;
    use riskgate_controls::trace::{EnforcementPoint, Location};

    #[test]
    fn exit_codes_follow_the_worst_decision() {
        let cases = [
            ("passing", fixtures::passing(), false, Outcome::Success),
            (
                "passing strict",
                fixtures::passing(),
                true,
                Outcome::Success,
            ),
            ("warning", fixtures::warning(), false, Outcome::Success),
            (
                "warning strict",
                fixtures::warning(),
                true,
                Outcome::Findings,
            ),
            ("denied", fixtures::denied(), false, Outcome::Findings),
            ("load error", fixtures::load_error(), false, Outcome::Error),
            (
                "error beats deny",
                fixtures::everything(),
                false,
                Outcome::Error,
            ),
            (
                "empty",
                fixtures::trace_of(Vec::new()),
                true,
                Outcome::Success,
            ),
        ];
        for (name, trace, strict, expected) in cases {
            assert_eq!(exit_code(&trace.summary, strict), expected, "{name}");
        }
    }

    #[test]
    fn control_list_is_an_aligned_table() {
        let control = |id: &str, action: &str| super::ControlSummary {
            id: id.into(),
            title: format!("{id} title"),
            severity: "high".into(),
            action: action.into(),
            risks: vec![],
            policy: Location {
                file: "<stdlib>/x.gate".into(),
                line: 1,
                col: 1,
            },
        };
        let table = controls_table(
            &[control("C-FAIR-01", "deny"), control("C-MON-1", "record")],
            EnforcementPoint::Audit,
        );
        assert_eq!(
            table,
            "ID         AUDIT     SEVERITY  TITLE\n\
             C-FAIR-01  deny      high      C-FAIR-01 title\n\
             C-MON-1    record    high      C-MON-1 title\n\
             2 controls\n"
        );
    }
}
