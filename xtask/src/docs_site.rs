//! The documentation book (`docs/`, an mdBook) and the reference material
//! generated from the CLI: `cargo xtask docs-site`, `cargo xtask
//! cli-reference`, `cargo xtask man`.
//!
//! mdBook itself is optional: the structural checks here (every page in
//! `SUMMARY.md` exists, every page is in `SUMMARY.md`, the generated parts are
//! current) are what CI runs; `mdbook build docs` renders the site.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn docs_dir() -> PathBuf {
    repo_root().join("docs")
}

/// Runs the `riskgate` binary of this checkout with `args`.
fn riskgate(args: &[&str]) -> Result<Vec<u8>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(repo_root())
        .args(["run", "--quiet", "--locked", "-p", "riskgate-cli", "--"])
        .args(args)
        .output()
        .context("running cargo")?;
    if !output.status.success() {
        bail!(
            "riskgate {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(output.stdout)
}

/// `cargo xtask man`: writes the man pages to `out`.
pub fn man(out: &Path) -> Result<()> {
    let out = std::path::absolute(out)?;
    let out_text = out.display().to_string();
    riskgate(&["generate", "man", "--out", &out_text])?;
    println!("wrote man pages to {out_text} (try `man -l {out_text}/riskgate.1`)");
    Ok(())
}

/// `cargo xtask cli-reference`: writes (or with `check`, verifies)
/// `docs/cli-reference.md`. Returns whether it was current.
pub fn cli_reference(check: bool) -> Result<bool> {
    let text = String::from_utf8(riskgate(&["generate", "cli-reference"])?)?;
    write_or_check(&docs_dir().join("cli-reference.md"), &text, check)
}

fn write_or_check(path: &Path, text: &str, check: bool) -> Result<bool> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current == text {
        return Ok(true);
    }
    if check {
        eprintln!("{} is stale: run `cargo xtask docs-site`", path.display());
        return Ok(false);
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(true)
}

/// `cargo xtask docs-site`: regenerates the generated pages and the
/// diagnostics part of `SUMMARY.md`, checks the book's structure and, when
/// mdBook is installed, builds it into `docs/book/`.
pub fn docs_site(check: bool) -> Result<bool> {
    let mut ok = cli_reference(check)?;
    let summary_path = docs_dir().join("SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path)?;
    ok &= write_or_check(&summary_path, &with_diagnostics(&summary), check)?;
    let mut problems = book_problems(&docs_dir())?;
    problems.extend(missing_code_pages(&repo_root())?);
    for problem in &problems {
        eprintln!("{problem}");
    }
    ok &= problems.is_empty();
    if !ok || check {
        return Ok(ok);
    }
    let mdbook = Command::new("mdbook")
        .current_dir(repo_root())
        .args(["build", "docs"])
        .status();
    match mdbook {
        Ok(status) if status.success() => println!("built docs/book/index.html"),
        Ok(status) => bail!("mdbook build docs: {status}"),
        Err(_) => println!(
            "the book's structure is complete; install mdBook (`cargo install mdbook --locked`) and run `mdbook build docs` to render it"
        ),
    }
    Ok(true)
}

const DIAGNOSTICS_ENTRY: &str = "- [Diagnostic codes](diagnostics.md)";

/// `SUMMARY.md` with one nested entry per diagnostic code under
/// [`DIAGNOSTICS_ENTRY`], from the code registry.
pub fn with_diagnostics(summary: &str) -> String {
    let mut out = String::new();
    let mut lines = summary.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        if line.trim_end() == DIAGNOSTICS_ENTRY {
            while lines.peek().is_some_and(|next| {
                next.trim_start().starts_with("- [") && next.contains("](diagnostics/")
            }) {
                lines.next();
            }
            for code in riskgate_workspace::registry::all() {
                out.push_str(&format!(
                    "  - [{id} {name}](diagnostics/{id}.md)\n",
                    id = code.id,
                    name = code.name
                ));
            }
        }
    }
    out
}

/// The targets of the links in `SUMMARY.md` (draft chapters, `[title]()`,
/// have none).
pub fn summary_links(summary: &str) -> Vec<String> {
    summary
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            line.starts_with("- [") || line.starts_with("* [") || line.starts_with('[')
        })
        .filter_map(|line| {
            let start = line.find("](")? + 2;
            let end = start + line.get(start..)?.find(')')?;
            let target = line.get(start..end)?;
            (!target.is_empty()).then(|| target.to_owned())
        })
        .collect()
}

/// What keeps `docs/` from building as a complete book: links to missing
/// pages, pages no chapter links to, a stale diagnostics list.
pub fn book_problems(docs: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    if !docs.join("book.toml").is_file() {
        problems.push("docs/book.toml is missing".to_owned());
    }
    let summary = std::fs::read_to_string(docs.join("SUMMARY.md")).context("docs/SUMMARY.md")?;
    let links = summary_links(&summary);
    for link in &links {
        if !docs.join(link).is_file() {
            problems.push(format!(
                "docs/SUMMARY.md links to {link}, which does not exist"
            ));
        }
    }
    for entry in walk(docs)? {
        let relative = entry
            .strip_prefix(docs)?
            .to_string_lossy()
            .replace('\\', "/");
        if relative == "SUMMARY.md" || relative.starts_with("book/") {
            continue;
        }
        if !links.contains(&relative) {
            problems.push(format!(
                "docs/{relative} is not linked from docs/SUMMARY.md"
            ));
        }
    }
    if with_diagnostics(&summary) != summary {
        problems.push(
            "docs/SUMMARY.md does not list every diagnostic code: run `cargo xtask docs-site`"
                .to_owned(),
        );
    }
    Ok(problems)
}

/// Every markdown file under `dir`, sorted.
fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Literals that look like codes but are not (an unknown code to look up in
/// a test).
const NOT_CODES: &[&str] = &["E9999"];

/// Codes used in the sources or in the registry without a page in
/// `docs/diagnostics/` (the page `riskgate explain CODE` prints).
pub fn missing_code_pages(root: &Path) -> Result<Vec<String>> {
    let diagnostics = root.join("docs/diagnostics");
    let mut problems: Vec<String> = code_literals(root)?
        .into_iter()
        .filter(|(code, _)| !NOT_CODES.contains(&code.as_str()))
        .filter(|(code, _)| !diagnostics.join(format!("{code}.md")).is_file())
        .map(|(code, file)| {
            format!(
                "{code} (used in {}) has no page docs/diagnostics/{code}.md",
                file.display()
            )
        })
        .collect();
    for code in riskgate_workspace::registry::all() {
        if !diagnostics.join(format!("{}.md", code.id)).is_file() {
            problems.push(format!(
                "{} has no page docs/diagnostics/{}.md",
                code.id, code.id
            ));
        }
    }
    problems.dedup();
    Ok(problems)
}

/// Diagnostic codes written as string literals (`"E0013"`) in the shipped
/// crates' sources, with the file they appear in.
pub fn code_literals(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    for crate_dir in [
        "dsl/src",
        "engine/src",
        "controls/src",
        "workspace/src",
        "cli/src",
        "webhook/src",
        "lsp/src",
        "stdlib-policies/src",
    ] {
        let dir = root.join(crate_dir);
        if !dir.exists() {
            continue;
        }
        let mut stack = vec![dir];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path)?;
                    for code in literals_in(&text) {
                        found.push((code, path.clone()));
                    }
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `"X0000"` literals where X is a code range letter.
fn literals_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut codes = Vec::new();
    for (i, window) in bytes.windows(7).enumerate() {
        let [b'"', letter, d1, d2, d3, d4, b'"'] = *window else {
            continue;
        };
        let digits = [d1, d2, d3, d4].iter().all(u8::is_ascii_digit);
        if digits
            && matches!(letter, b'E' | b'W' | b'R' | b'L')
            && let Some(code) = text.get(i + 1..i + 6)
        {
            codes.push(code.to_owned());
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_build_as_a_complete_book() -> Result<()> {
        let problems = book_problems(&docs_dir())?;
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(())
    }

    #[test]
    fn summary_links_skip_drafts_and_find_nested_pages() {
        let summary = "# Summary\n\n[Intro](introduction.md)\n\n# Guide\n\n- [A](a.md)\n  - [B](sub/b.md)\n- [Draft]()\n";
        assert_eq!(
            summary_links(summary),
            ["introduction.md", "a.md", "sub/b.md"]
        );
    }

    /// Every code the shipped crates can emit, and every code in the
    /// registry, has a page in `docs/diagnostics/`, which `riskgate explain
    /// CODE` prints.
    #[test]
    fn every_diagnostic_code_in_the_code_base_has_a_page() -> Result<()> {
        let found = code_literals(&repo_root())?;
        assert!(found.len() > 50, "only {} code literals found", found.len());
        let problems = missing_code_pages(&repo_root())?;
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(())
    }

    #[test]
    fn code_literals_are_found_exactly() {
        assert_eq!(
            literals_in(r#"x("E0013"), "L0001", "E001", "E00013", "X0001", "W3001""#),
            ["E0013", "L0001", "W3001"]
        );
    }
}
