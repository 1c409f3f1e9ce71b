//! placeholder
use anyhow::Result;
pub fn run() -> Result<Vec<String>> { Ok(Vec::new()) }
