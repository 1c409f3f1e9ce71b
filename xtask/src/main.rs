//! Project automation (`cargo xtask ...`).
//!
//! - `cargo xtask conformance`: runs OPA's v1 conformance cases with riskgate
//!   and regorus and writes `docs/conformance.md`.
//! - `cargo xtask bench`: runs the criterion benchmarks (release) and writes
//!   `docs/benchmarks.md`.
mod bench;
mod conformance;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "riskgate project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
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
    },
}

/// The workspace root.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Conformance { filter, failures } => {
            conformance::run(&workspace_root(), filter.as_deref(), failures)
        }
        Command::Bench { no_run } => bench::run(&workspace_root(), !no_run),
    }
}
