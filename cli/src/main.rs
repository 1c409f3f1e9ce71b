//! The `riskgate` command-line tool.
fn main() {}
