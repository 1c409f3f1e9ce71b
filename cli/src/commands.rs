//! One module per subcommand.

pub mod check;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod parse;
pub mod schema;
pub mod serve;
