//! `cargo xtask licenses`: every dependency's licence against the allow-list
//! in `deny.toml`, without cargo-deny (which also checks advisories, bans
//! and sources, for every platform; see CONTRIBUTING.md).
//!
//! The check reads `cargo metadata` offline, filtered to the host platform:
//! the packages a build of this checkout compiles on this machine, which are
//! exactly the ones `cargo build` has put into the cargo cache. Without the
//! filter cargo wants every platform's packages (Windows, Android, ...) on
//! disk, which a machine that only built for Linux does not have. Licences of
//! the other platforms' packages are left to `cargo deny check licenses`.

use std::path::Path;
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

/// `(package, licence)` for every host-platform dependency whose licence
/// expression the allow-list does not satisfy (workspace crates excluded).
pub fn violations() -> Result<Vec<(String, String)>> {
    violations_with_cargo_home(None)
}

/// [`violations`], with cargo's cache in `cargo_home` instead of the
/// user's (tests use a cache that holds only the host's packages).
fn violations_with_cargo_home(cargo_home: Option<&Path>) -> Result<Vec<(String, String)>> {
    let metadata = host_metadata(cargo_home)?;
    Ok(disallowed(&metadata, &allowed()?))
}

/// The host target triple, as rustc reports it.
fn host_triple() -> Result<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = Command::new(rustc)
        .arg("-vV")
        .output()
        .context("running rustc -vV")?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV printed no host triple")
}

/// `cargo metadata` of the workspace, offline and for the host platform only.
fn host_metadata(cargo_home: Option<&Path>) -> Result<serde_json::Value> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command.current_dir(repo_root()).args([
        "metadata",
        "--format-version",
        "1",
        "--locked",
        "--offline",
        "--filter-platform",
        &host_triple()?,
    ]);
    if let Some(home) = cargo_home {
        command.env("CARGO_HOME", home);
    }
    let output = command.output().context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// `(package, licence)` for every non-workspace package of `metadata` whose
/// licence `allowed` does not permit, sorted.
fn disallowed(metadata: &serde_json::Value, allowed: &[String]) -> Vec<(String, String)> {
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
            Some(expression) if satisfied(expression, allowed) => {}
            Some(expression) => bad.push((name, expression.to_owned())),
            None => bad.push((name, "(no licence expression)".to_owned())),
        }
    }
    bad.sort();
    bad
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
                if self.peek() == Some("WITH")
                    && let Some(exception) = self.tokens.get(self.at + 1)
                {
                    licence = format!("{licence} WITH {exception}");
                    self.at += 2;
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

    #[test]
    fn a_dependency_with_a_disallowed_licence_is_reported() {
        let metadata = serde_json::json!({
            "workspace_members": ["path+file:///ws/cli#riskgate-cli@0.1.0"],
            "packages": [
                {"id": "path+file:///ws/cli#riskgate-cli@0.1.0", "name": "riskgate-cli",
                 "version": "0.1.0", "license": null},
                {"id": "registry+x#fine@1.0.0", "name": "fine", "version": "1.0.0",
                 "license": "MIT OR Apache-2.0"},
                {"id": "registry+x#copyleft@2.1.0", "name": "copyleft", "version": "2.1.0",
                 "license": "GPL-3.0-only"},
                {"id": "registry+x#unlabelled@0.3.0", "name": "unlabelled", "version": "0.3.0"}
            ]
        });
        let allowed = vec!["MIT".to_owned(), "Apache-2.0".to_owned()];
        assert_eq!(
            disallowed(&metadata, &allowed),
            [
                ("copyleft 2.1.0".to_owned(), "GPL-3.0-only".to_owned()),
                (
                    "unlabelled 0.3.0".to_owned(),
                    "(no licence expression)".to_owned()
                ),
            ]
        );
    }

    /// A fresh machine's cargo cache holds only what a build for its own
    /// platform fetched. The check must work with exactly that: a cargo home
    /// whose package sources are the host's packages and nothing else (on a
    /// developer's warm cache, the other platforms' packages would hide a
    /// check that needs them).
    #[cfg(unix)]
    #[test]
    fn the_check_needs_only_the_host_platforms_packages() -> Result<()> {
        let real_home = match std::env::var_os("CARGO_HOME") {
            Some(home) => std::path::PathBuf::from(home),
            None => std::path::PathBuf::from(std::env::var_os("HOME").context("no HOME")?)
                .join(".cargo"),
        };
        // The host's packages, asked for here rather than through
        // `host_metadata`, so that a check that wants more cannot widen
        // the cache it is tested with.
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .current_dir(repo_root())
            .args(["metadata", "--format-version", "1", "--locked", "--offline"])
            .args(["--filter-platform", &host_triple()?])
            .output()?;
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
        let home = tempfile::tempdir()?;
        std::fs::create_dir_all(home.path().join("registry"))?;
        std::os::unix::fs::symlink(
            real_home.join("registry/index"),
            home.path().join("registry/index"),
        )?;
        let mut mirrored = 0;
        for package in metadata["packages"].as_array().into_iter().flatten() {
            let manifest = Path::new(package["manifest_path"].as_str().unwrap_or_default());
            let Some(source) = manifest.parent() else {
                continue;
            };
            let Ok(relative) = source.strip_prefix(&real_home) else {
                continue;
            };
            // Cargo looks for the downloaded `.crate` under registry/cache
            // and its unpacked sources under registry/src.
            let mut links = vec![(source.to_path_buf(), home.path().join(relative))];
            if let Ok(unpacked) = relative.strip_prefix("registry/src") {
                let archive =
                    Path::new("registry/cache").join(format!("{}.crate", unpacked.display()));
                links.push((real_home.join(&archive), home.path().join(archive)));
            }
            for (target, link) in links {
                if let Some(parent) = link.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::os::unix::fs::symlink(target, link)?;
            }
            mirrored += 1;
        }
        let text = std::fs::read_to_string(repo_root().join("Cargo.lock"))?;
        let locked = text.lines().filter(|l| l.starts_with("name = ")).count();
        assert!(
            mirrored > 0 && mirrored < locked,
            "the lockfile's {locked} packages should include other platforms' \
             packages that the host's {mirrored} do not"
        );
        assert_eq!(
            violations_with_cargo_home(Some(home.path()))?,
            violations()?
        );
        Ok(())
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
