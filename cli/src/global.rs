//! Options every command accepts (`-q`, `-v`, `--config`, `--no-config`)
//! and the process-wide verbosity they set.
//!
//! Verbosity only decides which messages reach stderr; reports, formatted
//! text and errors are never silenced.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};

/// Global options, flattened into the top-level parser.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct GlobalArgs {
    /// Print only results and errors: no progress or summary lines on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more on stderr: which configuration file is used and which files
    /// are read (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Read settings from FILE instead of discovering `riskgate.toml`.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore `riskgate.toml` files.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
}

/// How much riskgate says on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `-q`: results and errors only.
    Quiet = 0,
    /// The default: also progress and summary lines.
    Normal = 1,
    /// `-v`: also what riskgate is doing.
    Verbose = 2,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);

impl GlobalArgs {
    /// The verbosity these options ask for.
    pub fn verbosity(&self) -> Verbosity {
        if self.quiet {
            Verbosity::Quiet
        } else if self.verbose > 0 {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }
}

/// Sets the process-wide verbosity (once, from `main`).
pub fn set_verbosity(verbosity: Verbosity) {
    VERBOSITY.store(verbosity as u8, Ordering::Relaxed);
}

/// The process-wide verbosity.
pub fn verbosity() -> Verbosity {
    match VERBOSITY.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        1 => Verbosity::Normal,
        _ => Verbosity::Verbose,
    }
}

/// A progress or summary line on stderr, silenced by `-q`.
macro_rules! status {
    ($($arg:tt)*) => {
        if $crate::global::verbosity() >= $crate::global::Verbosity::Normal {
            eprintln!($($arg)*);
        }
    };
}

/// A line about what riskgate is doing, shown with `-v`.
macro_rules! info {
    ($($arg:tt)*) => {
        if $crate::global::verbosity() >= $crate::global::Verbosity::Verbose {
            eprintln!("info: {}", format_args!($($arg)*));
        }
    };
}

pub(crate) use {info, status};
