//! Project automation (`cargo xtask ...`).
//!
//! - `cargo xtask conformance`: runs OPA's v1 conformance cases with riskgate
//!   and regorus and writes `docs/conformance.md`.
//! - `cargo xtask bench`: runs the criterion benchmarks (release) and writes
//!   `docs/benchmarks.md`.
//! - `cargo xtask stdlib-gen` / `stdlib-check` / `docs-catalogue`: the
//!   standard policy library against the controls catalogue.
//! - `cargo xtask man` / `cli-reference` / `docs-site`: man pages, the
//!   generated CLI reference and the documentation book.

mod bench;
mod bench_webhook;
mod conformance;
mod crd;
mod deploy;
mod docs_site;
mod fault_campaign;
mod fuzz;
mod licenses;
mod modules;
mod stdlib;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "xtask", about = "riskgate project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the OPA conformance suite with riskgate and regorus, write docs/conformance.md.
    Conformance {
        /// Only cases whose note contains this text (the doc is not written).
        #[arg(long)]
        filter: Option<String>,
        /// Print every failure of both engines with its reason.
        #[arg(long)]
        failures: bool,
    },
    /// Run the benchmarks (release) and write docs/benchmarks.md.
    Bench {
        /// Do not run cargo bench; only rebuild the doc from target/criterion.
        #[arg(long)]
        no_run: bool,
        /// Run only these benchmark suites (`eval`, `parse`, `check`, `lsp`;
        /// repeatable). Sections of the other suites are kept from the
        /// current docs/benchmarks.md when target/criterion has no results
        /// for them.
        #[arg(long, value_name = "SUITE")]
        only: Vec<String>,
    },
    /// Fail on import circles between the modules of a crate.
    Modules,
    /// Run every fuzz target for N minutes each (needs nightly and
    /// cargo-fuzz).
    Fuzz {
        /// Minutes per target.
        #[arg(long, default_value_t = 1.0)]
        minutes: f64,
        /// Only these targets (repeatable): parse_format, manifest,
        /// admission, eval, overlay, lsp.
        #[arg(long)]
        only: Vec<String>,
    },
    /// Generate stdlib-policies/policies/ from the controls catalogue (once).
    StdlibGen {
        /// The catalogue to read (default: the vendored copy).
        #[arg(long)]
        catalogue: Option<PathBuf>,
        /// Overwrite existing policy files.
        #[arg(long)]
        force: bool,
    },
    /// Check the stdlib policies against the controls catalogue.
    StdlibCheck,
    /// Regenerate docs/catalogue.md from the stdlib policies.
    DocsCatalogue {
        /// Fail if docs/catalogue.md is stale instead of writing it.
        #[arg(long)]
        check: bool,
    },
    /// Write man pages for riskgate and each of its commands.
    Man {
        /// Where to write them.
        #[arg(long, default_value = "target/man")]
        out: PathBuf,
    },
    /// Check every dependency's licence against deny.toml (offline).
    Licenses,
    /// Regenerate docs/cli-reference.md from the command-line definition.
    CliReference {
        /// Fail if it is stale instead of writing it.
        #[arg(long)]
        check: bool,
    },
    /// Regenerate the book's generated pages, check its structure and build
    /// it with mdBook when installed.
    DocsSite {
        /// Only check; write and build nothing.
        #[arg(long)]
        check: bool,
    },
    /// Regenerate deploy/crd.yaml (the ModelRelease CRD) from the manifest schema.
    Crd {
        /// Fail if deploy/crd.yaml is stale instead of writing it.
        #[arg(long)]
        check: bool,
    },
    /// Check the deploy/ manifests (parse, required fields, structural CRD).
    DeployCheck,
    /// Load-test `riskgate serve` (release build) on loopback and print
    /// req/s and p50/p99 latency.
    BenchWebhook(bench_webhook::Args),
    /// Abuse `riskgate serve` (release build) on loopback under load:
    /// malformed, huge and slow requests, idle connections, a burst,
    /// policy swaps and failing policies; prints the figures and exits 1
    /// when a reliability target is missed.
    FaultCampaign(fault_campaign::Args),
}

/// The workspace root.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Conformance { filter, failures } => {
            conformance::run(&workspace_root(), filter.as_deref(), failures)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { no_run, only } => {
            bench::run(&workspace_root(), !no_run, &only)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::StdlibGen { catalogue, force } => {
            let path = catalogue.unwrap_or_else(stdlib::catalogue_path);
            let catalogue = stdlib::catalogue::Catalogue::load(&path)?;
            let written = stdlib::generate::generate(&catalogue, &stdlib::policies_dir(), force)?;
            for name in written {
                println!("wrote stdlib-policies/policies/{name}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::StdlibCheck => {
            let problems = stdlib::check::run()?;
            if problems.is_empty() {
                println!("stdlib agrees with the catalogue");
                Ok(ExitCode::SUCCESS)
            } else {
                for p in &problems {
                    eprintln!("{p}");
                }
                eprintln!("{} disagreement(s) with the catalogue", problems.len());
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Man { out } => {
            docs_site::man(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Fuzz { minutes, only } => {
            fuzz::run(&workspace_root(), minutes, &only)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Modules => {
            let found = modules::circles(&workspace_root())?;
            for circle in &found {
                eprintln!("{circle}");
            }
            if found.is_empty() {
                println!("no import circles between modules");
            }
            Ok(exit(found.is_empty()))
        }
        Command::Licenses => {
            let bad = licenses::violations()?;
            for (package, licence) in &bad {
                eprintln!("{package}: {licence} is not allowed by deny.toml");
            }
            if bad.is_empty() {
                println!("every dependency's licence is allowed by deny.toml");
            }
            Ok(exit(bad.is_empty()))
        }
        Command::CliReference { check } => Ok(exit(docs_site::cli_reference(check)?)),
        Command::DocsSite { check } => Ok(exit(docs_site::docs_site(check)?)),
        Command::Crd { check } => {
            let text = crd::render()?;
            let path = crd::path();
            if check {
                if std::fs::read_to_string(&path).unwrap_or_default() != text {
                    eprintln!("deploy/crd.yaml is stale: run `cargo xtask crd`");
                    return Ok(ExitCode::FAILURE);
                }
            } else {
                std::fs::write(&path, text)?;
                println!("wrote deploy/crd.yaml");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::DeployCheck => {
            let problems = deploy::check(&deploy::dir())?;
            for p in &problems {
                eprintln!("{p}");
            }
            if problems.is_empty() {
                println!("deploy/ is valid");
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::FAILURE)
            }
        }
        Command::BenchWebhook(args) => bench_webhook::run(&args),
        Command::FaultCampaign(args) => fault_campaign::run(&args),
        Command::DocsCatalogue { check } => {
            let text = stdlib::docs::render()?;
            let path = stdlib::catalogue_doc_path();
            if check {
                let current = std::fs::read_to_string(&path).unwrap_or_default();
                if current != text {
                    eprintln!("docs/catalogue.md is stale: run `cargo xtask docs-catalogue`");
                    return Ok(ExitCode::FAILURE);
                }
                Ok(ExitCode::SUCCESS)
            } else {
                std::fs::write(&path, text)?;
                println!("wrote docs/catalogue.md");
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
