//! `cargo xtask licenses`: every dependency's licence against the allow-list
//! in `deny.toml`, without cargo-deny (which also checks advisories, bans
//! and sources; see CONTRIBUTING.md). Uses `cargo metadata` offline.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::docs_site::repo_root;

/// The `[licenses] allow` list of `deny.toml`.
pub fn allowed() -> Result<Vec<String>> {
    let text = std::fs::read_to_string(repo_root().join("deny.toml"))?;
    let table: toml::Table = toml::from_str(&text)?;
    let allow = table
        .get("licenses")
        .and_then(|l| l.get("allow"))
        .and_then(|a| a.as_array())
        .context("deny.toml has no [licenses] allow list")?;
    Ok(allow
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect())
}

/// `(package, licence)` for every dependency whose licence expression the
/// allow-list does not satisfy (workspace crates excluded).
pub fn violations() -> Result<Vec<(String, String)>> {
    let allowed = allowed()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(repo_root())
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .map(|m| m.iter().filter_map(|id| id.as_str()).collect())
        .unwrap_or_default();
    let mut bad = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let id = package["id"].as_str().unwrap_or_default();
        if members.contains(&id) {
            continue;
        }
        let name = format!(
            "{} {}",
            package["name"].as_str().unwrap_or("?"),
            package["version"].as_str().unwrap_or("?")
        );
        match package["license"].as_str() {
            Some(expression) if satisfied(expression, &allowed) => {}
            Some(expression) => bad.push((name, expression.to_owned())),
            None => bad.push((name, "(no licence expression)".to_owned())),
        }
    }
    bad.sort();
    Ok(bad)
}

/// Whether an SPDX expression (`MIT OR Apache-2.0`, `(A OR B) AND C`, the
/// old `MIT/Apache-2.0`) holds when only `allowed` licences may be chosen.
pub fn satisfied(expression: &str, allowed: &[String]) -> bool {
    let spaced = expression
        .replace('/', " OR ")
        .replace('(', " ( ")
        .replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        allowed,
    };
    let ok = parser.or();
    ok && parser.at == tokens.len()
}

struct Parser<'a> {
    tokens: &'a [&'a str],
    at: usize,
    allowed: &'a [String],
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.tokens.get(self.at).copied()
    }

    fn or(&mut self) -> bool {
        let mut ok = self.and();
        while self.peek() == Some("OR") {
            self.at += 1;
            ok |= self.and();
        }
        ok
    }

    fn and(&mut self) -> bool {
        let mut ok = self.atom();
        while self.peek() == Some("AND") {
            self.at += 1;
            ok &= self.atom();
        }
        ok
    }

    fn atom(&mut self) -> bool {
        match self.peek() {
            Some("(") => {
                self.at += 1;
                let ok = self.or();
                if self.peek() == Some(")") {
                    self.at += 1;
                    ok
                } else {
                    false
                }
            }
            Some(id) => {
                self.at += 1;
                let mut licence = id.to_owned();
                if self.peek() == Some("WITH") {
                    if let Some(exception) = self.tokens.get(self.at + 1) {
                        licence = format!("{licence} WITH {exception}");
                        self.at += 2;
                    }
                }
                self.allowed.contains(&licence)
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spdx_expressions_are_evaluated() {
        let allowed: Vec<String> = [
            "MIT",
            "Apache-2.0",
            "Unicode-3.0",
            "Apache-2.0 WITH LLVM-exception",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let cases = [
            ("MIT", true),
            ("MIT OR GPL-3.0", true),
            ("GPL-3.0", false),
            ("MIT/Apache-2.0", true),
            ("(MIT OR Apache-2.0) AND Unicode-3.0", true),
            ("(MIT OR Apache-2.0) AND GPL-3.0", false),
            ("Apache-2.0 WITH LLVM-exception", true),
            ("GPL-2.0 WITH Classpath-exception-2.0", false),
            ("(MIT", false),
        ];
        for (expression, expected) in cases {
            assert_eq!(satisfied(expression, &allowed), expected, "{expression}");
        }
    }

    /// The same licence policy cargo-deny enforces, run in CI without it.
    #[test]
    fn every_dependency_has_an_allowed_licence() -> Result<()> {
        let bad = violations()?;
        assert!(
            bad.is_empty(),
            "licences not allowed by deny.toml:\n{}",
            bad.iter()
                .map(|(p, l)| format!("{p}: {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        Ok(())
    }
}
