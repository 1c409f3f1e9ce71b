//! Property test: after any sequence of edits, the incremental parse is
//! exactly the parse of the edited text from scratch — same tree, same
//! spans, same diagnostics — including edits that break the syntax.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use riskgate_dsl::{Dialect, IncrementalParse, ParseOptions, parse_module};

/// Policies with every construct: the parser corpus, the examples and the
/// standard library.
fn corpus() -> &'static [(String, String)] {
    static CORPUS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dirs = [
            root.join("tests/data/ok"),
            root.join("tests/data/fmt"),
            root.join("tests/data/err"),
            root.join("../examples/policies"),
            root.join("../stdlib-policies/policies"),
        ];
        let mut files = Vec::new();
        for dir in dirs {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let is_policy = path.extension().is_some_and(|e| e == "rego" || e == "gate");
                if is_policy {
                    let text = std::fs::read_to_string(&path).unwrap();
                    files.push((path.display().to_string(), text));
                }
            }
        }
        files.sort();
        assert!(files.len() > 20, "corpus found: {}", files.len());
        files
    })
}

/// Text an editor inserts: whole items, fragments that open or close
/// brackets and strings, continuations, and nothing (pure deletions).
const INSERTIONS: &[&str] = &[
    "",
    " ",
    "\n",
    "x",
    "}",
    "{",
    "]",
    "(",
    "\"",
    "`",
    "#",
    "# a comment\n",
    "else := 1\n",
    "else",
    "x := ",
    "p if {\n",
    "q := 2\n",
    "default p := 1\n",
    "package other\n",
    "import rego.v1\n",
    "not ",
    "some x in y\n",
    " with input as 1",
    "contains",
    " if ",
    "$\"{x}\"",
    "risk \"R-NEW-1\" {\n  title: \"t\"\n}\n",
    "control \"C-NEW-1\" {\n",
    "1e",
    ":= ",
    "\\",
    "é",
];

#[derive(Debug, Clone)]
struct Edit {
    at: f64,
    delete: usize,
    insert: &'static str,
    /// Move `at` to the start of its line.
    line_start: bool,
}

fn edit() -> impl Strategy<Value = Edit> {
    (0.0..=1.0f64, 0usize..40, prop::sample::select(INSERTIONS)).prop_map(|(at, delete, insert)| {
        Edit {
            at,
            delete,
            insert,
            line_start: false,
        }
    })
}

/// Whole items inserted at the start of a line: edits that keep a valid
/// file valid, so the update takes the incremental path.
const ITEMS: &[&str] = &[
    "q_new := 2\n",
    "default d_new := 1\n\n",
    "f_new(x) := x + 1\n",
    "s_new contains x if {\n\tsome x in [1, 2]\n}\n\n",
    "# a comment\n",
    "\n",
];

fn item_edit() -> impl Strategy<Value = Edit> {
    (0.0..=1.0f64, prop::sample::select(ITEMS)).prop_map(|(at, insert)| Edit {
        at,
        delete: 0,
        insert,
        line_start: true,
    })
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut start = floor_boundary(text, (text.len() as f64 * edit.at) as usize);
    if edit.line_start {
        start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    }
    let end = floor_boundary(text, (start + edit.delete).min(text.len()));
    format!("{}{}{}", &text[..start], edit.insert, &text[end..])
}

fn options_for(name: &str) -> ParseOptions {
    ParseOptions::new(Dialect::for_path(name))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn incremental_parse_equals_full_parse(
        file in 0usize..1000,
        edits in prop::collection::vec(prop_oneof![edit(), item_edit()], 1..5),
    ) {
        let files = corpus();
        let (name, original) = &files[file % files.len()];
        let options = options_for(name);
        let mut incremental = IncrementalParse::new(original, options);
        let mut text = original.clone();
        for edit in &edits {
            let next = apply(&text, edit);
            incremental.update(&next);
            text = next;
            let full = parse_module(&text, options);
            prop_assert_eq!(&incremental.parsed().module, &full.module, "tree of {} after {:?}", name, edit);
            prop_assert_eq!(&incremental.parsed().diagnostics, &full.diagnostics, "diagnostics of {} after {:?}", name, edit);
        }
    }
}

/// The largest stdlib file and how to parse it.
fn governance() -> (&'static str, ParseOptions) {
    let (name, text) = corpus()
        .iter()
        .find(|(name, _)| name.ends_with("governance.gate"))
        .unwrap();
    (text, options_for(name))
}

#[test]
fn typing_a_rule_character_by_character_matches_full_parses() {
    let (original, options) = governance();
    let at = original.find("\ncontrol ").unwrap() + 1;
    let typed = "allowed_regions contains region if {\n\tsome region in input.spec.regions\n\tnot region == \"eu\"\n}\n\n";
    let mut incremental = IncrementalParse::new(original, options);
    for end in 1..=typed.len() {
        let text = format!("{}{}{}", &original[..at], &typed[..end], &original[at..]);
        incremental.update(&text);
        let full = parse_module(&text, options);
        assert_eq!(
            incremental.parsed().module,
            full.module,
            "after typing {:?}",
            &typed[..end]
        );
        assert_eq!(
            incremental.parsed().diagnostics,
            full.diagnostics,
            "after typing {:?}",
            &typed[..end]
        );
    }
}

#[test]
fn a_valid_edit_re_parses_only_the_statements_around_it() {
    let (original, options) = governance();
    let at = original.len() / 2;
    let at = original[..at].rfind("\ncontrol ").unwrap() + 1;
    let edited = format!(
        "{}extra_rule if input.spec.classification.risk_tier == \"low\"\n\n{}",
        &original[..at],
        &original[at..]
    );
    let mut incremental = IncrementalParse::new(original, options);
    assert_eq!(incremental.reparsed(), 0..original.len());
    incremental.update(&edited);
    let reparsed = incremental.reparsed();
    assert!(
        reparsed.start <= at && reparsed.end > at && reparsed.len() < edited.len() / 4,
        "re-parsed {reparsed:?} of {} bytes",
        edited.len()
    );
    assert_eq!(incremental.parsed(), &parse_module(&edited, options));
}

#[test]
fn an_edit_that_breaks_the_syntax_re_parses_from_before_it_to_the_end() {
    let (original, options) = governance();
    let at = original.rfind("\ncontrol ").unwrap() + 1;
    let broken = format!(
        "{}broken if {{\n\tinput.x ==\n}}\n\n{}",
        &original[..at],
        &original[at..]
    );
    let mut incremental = IncrementalParse::new(original, options);
    incremental.update(&broken);
    let reparsed = incremental.reparsed();
    assert!(
        reparsed.start > 0 && reparsed.start <= at && reparsed.end == broken.len(),
        "{reparsed:?}"
    );
    assert_eq!(incremental.parsed(), &parse_module(&broken, options));
    assert!(incremental.parsed().has_errors());
}
