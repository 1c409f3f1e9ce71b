//! The workspace layer of riskgate: what a repository says about how its
//! policies and manifests are checked, and the I/O that turns it into
//! inputs for the engine.
//!
//! - [`config`]: the one reader of `riskgate.toml`; the CLI's `check`,
//!   `fmt`, `lint` and `test` and the language server all take their
//!   settings from it, so a file that works for one works for all of them.
//! - [`policy_files`] and [`manifest_files`]: finding and reading the
//!   policies and manifests named on a command line.
//! - [`policy_set`]: building the policy set of a run (the embedded
//!   standard library or `--policy` directories, with an `--overlay`), for
//!   `check`, the authoring commands and the webhook.
//! - [`walk`]: what a walk of a workspace skips; the language server's
//!   scan.
//! - [`clock`]: the one `--now` parser and wall-clock read.
//! - [`digest`]: `sha256:<hex>` content digests; [`evidence_files`]: the
//!   local files a manifest references, read safely from its directory.
//! - [`pack`]: audit evidence packs (`riskgate pack`): writing them
//!   deterministically and opening them as untrusted input.
//! - [`render`]: diagnostics with source snippets, for terminals and logs.
//! - [`registry`]: every diagnostic code of every crate, for `riskgate
//!   explain`, the docs and lint selection; [`codes`] are this crate's own.
//!
//! Invariant: errors are data (a policy set that does not compile is its
//! diagnostics with their sources); a front end decides whether and how to
//! render them.

pub mod clock;
pub mod codes;
pub mod config;
pub mod evidence_files;
pub mod manifest_files;
pub mod pack;
pub mod policy_files;
pub mod policy_set;
pub mod registry;
pub mod render;
pub mod walk;

pub use config::{Config, ConfigError, Lookup};
