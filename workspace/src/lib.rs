//! The workspace layer of riskgate: what a repository says about how its
//! policies and manifests are checked.
//!
//! Today that is [`config`], the one reader of `riskgate.toml`: the CLI's
//! `check`, `fmt`, `lint` and `test` and the language server all take their
//! settings from it, so a file that works for one works for all of them.

pub mod config;

pub use config::{Config, ConfigError, Lookup};
