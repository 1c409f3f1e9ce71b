//! `riskgate init`: write a manifest skeleton for a new release (see
//! `riskgate_controls::scaffold`).

use std::path::PathBuf;

use anyhow::Context as _;
use riskgate_controls::CheckOptions;
use riskgate_controls::manifest::load_manifests;
use riskgate_controls::scaffold::{ScaffoldRequest, scaffold};
use riskgate_controls::trace::EnforcementPoint;
use riskgate_workspace::clock::Now;
use riskgate_workspace::policy_set;
use riskgate_workspace::render::{ColorChoice, Renderer};

use crate::Outcome;
use crate::commands::check::DecisionArgs;

/// Write a ModelRelease skeleton with every field the applicable controls
/// read, each commented with the controls that need it.
///
/// The controls that apply are found by checking the release's tier, kind
/// and flags against the policy set (the embedded standard library unless
/// --policy is given), so the skeleton lists what this release needs and
/// nothing else. Fill it in and run `riskgate check` on it.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The release's name (`metadata.name`, `spec.identity.model_id`).
    #[arg(long)]
    pub name: String,
    /// The risk tier.
    #[arg(long, value_enum)]
    pub tier: Tier,
    /// The kind of model.
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// A use-case flag from the catalogue vocabulary, e.g. `credit_decision`,
    /// `eu_market`, `pii_processing` (repeatable, or comma-separated).
    #[arg(long = "flag", value_name = "FLAG", value_delimiter = ',')]
    pub flags: Vec<String>,
    /// The deployment environment, e.g. `production`.
    #[arg(long, value_name = "NAME")]
    pub environment: Option<String>,
    /// The policy set to scaffold for, as `riskgate check` decides.
    #[command(flatten)]
    pub decision: DecisionArgs,
    /// Write the skeleton to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// `--tier` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Tier {
    /// Limited materiality and simple method.
    Low,
    /// Moderate materiality or complexity.
    Medium,
    /// Consequential decisions about people or regulated use.
    High,
    /// Very high materiality with high complexity or autonomy.
    Critical,
}

/// `--kind` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    /// A statistical or ML model producing scores, classes or estimates.
    Predictive,
    /// A generative language model feature, including RAG.
    Llm,
    /// An LLM that plans and invokes tools.
    Agent,
}

/// Runs `riskgate init`.
pub fn run(args: &InitArgs) -> Outcome {
    match init(args) {
        Ok(()) => Outcome::Success,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}

fn init(args: &InitArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.output
        && path.exists()
        && !args.force
    {
        anyhow::bail!("{} exists; pass --force to overwrite it", path.display());
    }
    let decision = &args.decision;
    let inputs = decision.read_inputs()?;
    let data = policy_set::overlay_data(inputs.overlay.as_ref())?;
    let set =
        policy_set::compile_with_overlay(&inputs.policies, decision.with_stdlib, data.clone())
            .map_err(|errors| {
                Renderer::new(ColorChoice::Auto).emit_policy_errors(&errors);
                anyhow::Error::from(errors)
            })?;
    let request = ScaffoldRequest {
        name: args.name.clone(),
        tier: format!("{:?}", args.tier).to_lowercase(),
        kind: format!("{:?}", args.kind).to_lowercase(),
        flags: args
            .flags
            .iter()
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty())
            .collect(),
        environment: args.environment.clone(),
    };
    let point = decision
        .context
        .map_or(EnforcementPoint::Ci, EnforcementPoint::from);
    let mut options = CheckOptions::new(point, Now::wall_clock().ns());
    options.data = data;
    let text = scaffold(&set, &request, &options);
    // A near-miss flag (`credit_decisions`) would silently switch controls
    // off: say so, as `riskgate check` would.
    let name = args
        .output
        .as_ref()
        .map_or_else(|| "<skeleton>".to_owned(), |p| p.display().to_string());
    for loaded in load_manifests(&name, &text) {
        for diagnostic in &loaded.diagnostics {
            let d = &diagnostic.diagnostic;
            eprintln!("warning: {}: {}", d.code().id, d.message());
        }
    }
    match &args.output {
        Some(path) => std::fs::write(path, &text).with_context(|| format!("{}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}
