//! `docs/builtins.md` is generated from the builtin registry; this test
//! fails when it is stale. Regenerate with
//! `RISKGATE_UPDATE_DOCS=1 cargo test -p riskgate-engine --test builtin_docs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::Path;

use riskgate_engine::builtins;

/// Builtins implemented by the evaluator itself (they need bindings or
/// enumerate several results) or answered by the compiler, with their arity
/// and summary.
const EVALUATOR_BUILTINS: &[(&str, &str, &str)] = &[
    (
        "print",
        "any",
        "Writes its arguments to the print output (stderr in the CLI); always true.",
    ),
    (
        "trace",
        "1",
        "Adds a note to the evaluation trace (`--explain`); always true.",
    ),
    (
        "walk",
        "1",
        "Enumerates every `[path, value]` pair of a document (a relation).",
    ),
    ("internal.member_2", "2", "`x in collection`."),
    ("internal.member_3", "3", "`key, value in collection`."),
    (
        "opa.runtime",
        "0",
        "The empty object: riskgate has no runtime configuration to report.",
    ),
    (
        "rego.metadata.rule",
        "0",
        "The calling rule's `# METADATA` annotations of rule scope (`{}` if none); a constant computed at compile time.",
    ),
    (
        "rego.metadata.chain",
        "0",
        "The annotations from the calling rule out to its package and parent packages (`[{path, annotations}]`, innermost first); a constant computed at compile time.",
    ),
];

fn render() -> String {
    let mut by_category: BTreeMap<&str, Vec<&builtins::Builtin>> = BTreeMap::new();
    for builtin in builtins::all() {
        by_category
            .entry(builtin.category)
            .or_default()
            .push(builtin);
    }
    let total = builtins::all().len() + EVALUATOR_BUILTINS.len();
    let mut out = format!(
        "# Builtin functions\n\nriskgate implements {total} of OPA's builtin functions with OPA's semantics and error\nmessages (checked by the [conformance suite](conformance.md)). Builtin names are\nexactly OPA's. This page is generated from the registry (`engine/src/builtins.rs`).\n\nThe clock builtins (`time.now_ns`) read the **evaluation clock** (`--now`), fixed for\na whole run, so decisions are reproducible.\n\n## Not supported by default\n\nThese fail at compile time with a clear error naming the builtin, unless a `with`\nmodifier in the policy replaces them (then the mock is used), or the run opts in:\n`--allow-net HOST[,HOST...]` enables `http.send` and `net.lookup_ip_addr` for those\nhosts only (5 s timeout, 8 MiB response cap; `*` allows every host and is unsafe),\nand `--seed N` makes `rand.intn` a pseudo-random function of `N` and its arguments.\n\n| builtin | why |\n|---|---|\n"
    );
    for (name, reason) in builtins::UNSUPPORTED {
        out.push_str(&format!("| `{name}` | {reason} |\n"));
    }
    out.push_str("\n## Evaluator and compiler builtins\n\n| builtin | arity | what it does |\n|---|---|---|\n");
    for (name, arity, summary) in EVALUATOR_BUILTINS {
        out.push_str(&format!("| `{name}` | {arity} | {summary} |\n"));
    }
    for (category, list) in by_category {
        out.push_str(&format!(
            "\n## {category}\n\n| builtin | arity | what it does |\n|---|---|---|\n"
        ));
        for builtin in list {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                builtin.name,
                builtin.arity,
                builtin.summary.replace('|', "\\|")
            ));
        }
    }
    out
}

#[test]
fn builtin_docs_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/builtins.md");
    let expected = render();
    if std::env::var_os("RISKGATE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == expected,
        "docs/builtins.md is stale: run RISKGATE_UPDATE_DOCS=1 cargo test -p riskgate-engine --test builtin_docs"
    );
}
