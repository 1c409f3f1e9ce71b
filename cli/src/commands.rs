//! One module per subcommand.

pub mod audit;
pub mod check;
pub mod completions;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod generate;
pub mod graph;
pub mod import;
pub mod init;
pub mod keygen;
pub mod lint;
pub mod lsp;
pub mod pack;
pub mod parse;
pub mod report;
pub mod schema;
pub mod serve;
pub mod sign;
pub mod test;
pub mod verify_attestation;
