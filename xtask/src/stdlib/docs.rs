//! placeholder
use anyhow::Result;
pub fn render() -> Result<String> { Ok(String::new()) }
