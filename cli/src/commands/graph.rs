//! `riskgate graph`: the risk → control → requirement → manifest-field
//! graph of a policy set, and its taxonomy coverage gaps.

use std::path::PathBuf;

use riskgate_controls::graph::{Gaps, PolicyGraph};
use riskgate_engine::testing::TestMentions;

use crate::Outcome;
use crate::report::json::to_pretty_json;
use riskgate_workspace::policy_set;
use riskgate_workspace::render::Renderer;

/// Draw the risk → control → requirement → manifest-field graph.
///
/// Without PATHS the embedded standard library is drawn. Exits 0, or 1
/// under `--fail-on-gaps` when the taxonomy has gaps, 2 on errors.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Policy files or directories (default: the embedded standard
    /// library).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Also load the embedded standard library with PATHS.
    #[arg(long)]
    pub stdlib: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Report taxonomy coverage gaps (risks without controls, controls
    /// without risks, families and controls without tests) instead of the
    /// graph.
    #[arg(long)]
    pub coverage: bool,
    /// Exit 1 when there are risks without controls, controls without
    /// risks or families without tests (implies --coverage).
    #[arg(long)]
    pub fail_on_gaps: bool,
}

/// `--format` values of `riskgate graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (renders on GitHub).
    Mermaid,
    /// Nodes and edges as JSON.
    Json,
}

/// Runs `riskgate graph`.
pub fn run(args: &GraphArgs, renderer: &Renderer) -> Outcome {
    match graph(args, renderer) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}

fn graph(args: &GraphArgs, renderer: &Renderer) -> anyhow::Result<Outcome> {
    let mut sources = if args.paths.is_empty() || args.stdlib {
        policy_set::stdlib()
    } else {
        Vec::new()
    };
    if !args.paths.is_empty() {
        sources.extend(policy_set::read_all(&args.paths)?);
    }
    let set =
        policy_set::compile(&sources).inspect_err(|errors| renderer.emit_policy_errors(errors))?;
    let graph = PolicyGraph::build(set.controls());
    let coverage = args.coverage || args.fail_on_gaps;
    if !coverage {
        print!(
            "{}",
            match args.format {
                GraphFormat::Dot => graph.to_dot(),
                GraphFormat::Mermaid => graph.to_mermaid(),
                GraphFormat::Json => to_pretty_json(&graph.to_json()),
            }
        );
        return Ok(Outcome::Success);
    }
    let mentions = TestMentions::of_policy(set.policy());
    let gaps = graph.gaps(&|id| mentions.is_tested(id));
    let risks = set.controls().risks.len();
    let controls = set.controls().controls.len();
    if args.format == GraphFormat::Json {
        print!(
            "{}",
            to_pretty_json(&serde_json::json!({
                "risks": risks,
                "controls": controls,
                "gaps": gaps,
            }))
        );
    } else {
        print!("{}", gaps_text(&gaps, risks, controls));
    }
    let failing = !gaps.risks_without_controls.is_empty()
        || !gaps.controls_without_risks.is_empty()
        || !gaps.families_without_tests.is_empty();
    Ok(if args.fail_on_gaps && failing {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}

fn gaps_text(gaps: &Gaps, risks: usize, controls: usize) -> String {
    let mut out = format!("{risks} risks, {controls} controls\n");
    let sections: [(&str, &Vec<String>); 4] = [
        ("risks without controls", &gaps.risks_without_controls),
        ("controls without risks", &gaps.controls_without_risks),
        ("risk families without tests", &gaps.families_without_tests),
        ("controls without tests", &gaps.controls_without_tests),
    ];
    for (title, items) in sections {
        out.push_str(&format!("\n{title}: {}\n", items.len()));
        for item in items {
            out.push_str(&format!("  {item}\n"));
        }
    }
    if gaps.is_empty() {
        out.push_str("\nno coverage gaps\n");
    }
    out
}
