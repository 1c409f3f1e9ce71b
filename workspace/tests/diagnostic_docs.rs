//! `docs/diagnostics.md` and `docs/diagnostics/<CODE>.md` are generated from
//! the code registry; this test fails when they are stale. Regenerate with
//! `RISKGATE_UPDATE_DOCS=1 cargo test -p riskgate-workspace --test diagnostic_docs`
//! (or `cargo xtask docs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use riskgate_workspace::registry;

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

#[test]
fn diagnostic_docs_are_current() {
    let mut expected: Vec<(PathBuf, String)> = vec![(
        docs_dir().join("diagnostics.md"),
        registry::markdown_index(),
    )];
    for code in registry::all() {
        expected.push((
            docs_dir().join(format!("diagnostics/{}.md", code.id)),
            code.markdown_page(),
        ));
    }
    let update = std::env::var_os("RISKGATE_UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for (path, text) in &expected {
        let current = std::fs::read_to_string(path).unwrap_or_default();
        if current != *text {
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    // Pages for codes that no longer exist would mislead readers.
    let known: Vec<String> = registry::all()
        .iter()
        .map(|c| format!("{}.md", c.id))
        .collect();
    for entry in std::fs::read_dir(docs_dir().join("diagnostics")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            known.contains(&name),
            "docs/diagnostics/{name} has no code in the registry"
        );
    }
    assert!(
        stale.is_empty(),
        "stale generated docs (run with RISKGATE_UPDATE_DOCS=1):\n{}",
        stale.join("\n")
    );
}
