//! The `riskgate` command-line tool: the only place (with the LSP) that
//! touches files, terminals and the wall clock.

mod commands;
mod config;
mod global;
mod net;
mod report;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// `riskgate --version`: the release and the commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("RISKGATE_GIT_HASH"),
    ")"
);

/// Policy-as-code for model risk management.
///
/// riskgate evaluates model release manifests against risk controls written in
/// Rego v1 plus `risk`/`control` declarations (.gate files) and explains
/// every decision.
#[derive(Debug, Parser)]
#[command(
    name = "riskgate",
    version = VERSION,
    about = "Policy-as-code for model risk management: check model releases against risk controls and explain every decision",
    propagate_version = true
)]
struct Cli {
    /// When to use colours in diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = riskgate_workspace::render::ColorChoice::Auto)]
    color: riskgate_workspace::render::ColorChoice,

    #[command(flatten)]
    global: global::GlobalArgs,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check release manifests against risk controls and explain the decision.
    Check(commands::check::CheckArgs),
    /// Write a manifest skeleton for a new release: every field the controls that apply to its tier, kind and flags read.
    Init(commands::init::InitArgs),
    /// Report on a portfolio of releases: status by tier, control pass rates, coverage, waivers, and a forecast of what will fail.
    Report(commands::report::ReportArgs),
    /// Write an audit evidence pack for one release (manifest, decision, policies, evidence, hashes), or verify one.
    Pack(commands::pack::PackArgs),
    /// Format .rego and .gate policy files in the canonical style.
    Fmt(commands::fmt::FmtArgs),
    /// Parse policy files and report syntax errors.
    Parse(commands::parse::ParseArgs),
    /// Evaluate a Rego query against policies, data and input (like `opa eval`).
    Eval(commands::eval::EvalArgs),
    /// Show the documentation of a diagnostic code (e.g. `riskgate explain E0013`).
    Explain(commands::explain::ExplainArgs),
    /// Print the JSON Schema of ModelRelease manifests.
    Schema(commands::schema::SchemaArgs),
    /// Start the language server (stdio) for editors.
    Lsp(commands::lsp::LspArgs),
    /// Serve the Kubernetes validating admission webhook.
    Serve(commands::serve::ServeArgs),
    /// Audit the ModelReleases in a cluster: write their status and policy reports, print what fails and when it next changes.
    Audit(commands::audit::AuditArgs),
    /// Run policy tests (`test_*` rules) and golden trace cases.
    Test(commands::test::TestArgs),
    /// Lint policies: unused code, shadowing, unknown manifest fields, untested controls, ...
    Lint(commands::lint::LintArgs),
    /// Draw the risk → control → requirement → manifest-field graph.
    Graph(commands::graph::GraphArgs),
    /// Compare the decisions of two policy versions over a manifest corpus.
    Diff(commands::diff::DiffArgs),
    /// Sign an approval, a waiver sign-off or an evaluation report for a release's artifact (DSSE).
    Sign(commands::sign::SignArgs),
    /// Generate a signing key pair (Ed25519 or ECDSA P-256) and print its `trust.keys` entry.
    Keygen(commands::keygen::KeygenArgs),
    /// Verify decision attestations written by `riskgate check --attest`.
    VerifyAttestation(commands::verify_attestation::VerifyAttestationArgs),
    /// Import evidence (model cards, CycloneDX ML-BOMs, lm-eval results, mapped JSON/CSV, MLflow runs) into a manifest.
    Import(commands::import::ImportArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(commands::completions::CompletionsArgs),
    /// Generate man pages or the markdown CLI reference (for packagers).
    #[command(hide = true)]
    Generate(commands::generate::GenerateArgs),
}

/// Exit codes shared by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Everything is fine.
    Success,
    /// The command ran and found what it checks for (unformatted files,
    /// denied releases).
    Findings,
    /// Usage, input or evaluation error.
    Error,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        ExitCode::from(match outcome {
            Outcome::Success => 0,
            Outcome::Findings => 1,
            Outcome::Error => 2,
        })
    }
}

/// mimalloc instead of the system allocator: checking a release allocates
/// many small, short-lived values, and mimalloc makes an in-process check
/// about a fifth faster than glibc's allocator (musl's, in the static
/// image, is slower still).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            // Printing help or a usage error can only fail if stdout/stderr are gone.
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    global::set_verbosity(cli.global.verbosity());
    let renderer = riskgate_workspace::render::Renderer::new(cli.color);
    let outcome = match cli.command {
        Command::Fmt(args) => match config::load(&cli.global) {
            Ok(config) => commands::fmt::run(&config::fmt(&config.fmt, args), &renderer),
            Err(outcome) => outcome,
        },
        Command::Parse(args) => commands::parse::run(&args, &renderer),
        Command::Eval(args) => commands::eval::run(&args, &renderer),
        Command::Explain(args) => commands::explain::run(&args),
        Command::Schema(args) => commands::schema::run(&args),
        Command::Check(args) => match config::load(&cli.global) {
            Ok(config) => match config::check(&config, args) {
                Ok(args) => commands::check::run(&args, cli.color),
                Err(error) => config::report(&error),
            },
            Err(outcome) => outcome,
        },
        Command::Report(args) => match config::load(&cli.global) {
            Ok(config) => commands::report::run(&config::report_args(&config, args)),
            Err(outcome) => outcome,
        },
        // A pack is verified with what it holds; riskgate.toml plays no part.
        Command::Pack(args) if args.verify.is_some() => commands::pack::run(&args, None),
        Command::Pack(args) => match config::load(&cli.global) {
            Ok(config) => {
                commands::pack::run(&config::pack_args(&config, args), config.path.as_deref())
            }
            Err(outcome) => outcome,
        },
        Command::Completions(args) => commands::completions::run(&args, Cli::command()),
        Command::Generate(args) => commands::generate::run(&args, Cli::command()),
        Command::Lsp(args) => commands::lsp::run(&args),
        Command::Serve(args) => commands::serve::run(&args),
        Command::Audit(args) => commands::audit::run(&args),
        Command::Test(args) => match config::load(&cli.global) {
            Ok(config) => commands::test::run(&config::test(&config.test, args), &renderer),
            Err(outcome) => outcome,
        },
        Command::Lint(args) => match config::load(&cli.global) {
            Ok(config) => commands::lint::run(
                &config::lint(&config.lint, args),
                &config.lint.config,
                &renderer,
            ),
            Err(outcome) => outcome,
        },
        Command::Graph(args) => commands::graph::run(&args, &renderer),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Sign(args) => commands::sign::run(&args),
        Command::Keygen(args) => commands::keygen::run(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::VerifyAttestation(args) => commands::verify_attestation::run(&args),
        Command::Import(args) => commands::import::run(&args, &renderer),
    };
    outcome.into()
}
