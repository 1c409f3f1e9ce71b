//! One module per subcommand.

pub mod check;
pub mod completions;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod generate;
pub mod parse;
pub mod schema;
