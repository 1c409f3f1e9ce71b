//! Random editor sessions: opens, edits at any position (past the end of
//! a line or the text, inside a UTF-16 surrogate pair, ranges backwards),
//! requests anywhere and messages with nonsense parameters. Whatever the
//! script, every request is answered, nothing panics and the server shuts
//! down cleanly (the contract of `riskgate_lsp::scripted`). The `lsp`
//! fuzz target (fuzz/) drives the same scripts from fuzzer bytes.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use proptest::prelude::*;
use riskgate_lsp::scripted::{Action, At, DOCUMENTS, Query, run};
use serde_json::json;

/// The fixture workspace's files: real documents, so edits start from
/// text every handler has something to say about.
const STARTS: [&str; 3] = [
    include_str!("fixtures/ws/policies/main.rego"),
    include_str!("fixtures/ws/policies/controls.gate"),
    include_str!("fixtures/ws/manifests/chatbot.yaml"),
];

/// Pieces of text edits are made of: keywords, operators, brackets,
/// multi-byte and astral characters (two UTF-16 units), line endings.
const PIECES: &[&str] = &[
    "package p\n",
    "import rego.v1\n",
    "allow if {",
    "}",
    "input.spec.x",
    " := ",
    " == ",
    "\"str\"",
    "some x in ",
    "every y in z ",
    "[",
    "]",
    "data.",
    "control C-X-01 {\n",
    "risk R-1 {\n",
    "requires test ",
    "apiVersion: riskgate.dev/v1alpha1\n",
    "kind: ModelRelease\n",
    "spec:\n  ",
    "  - name: ",
    ": ",
    "# comment",
    "\n",
    "\r\n",
    "\t",
    "é",
    "😀",
    "\u{2028}",
    "\\",
    "`",
    "",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..12).prop_map(|pieces| pieces.concat())
}

fn at() -> impl Strategy<Value = At> {
    // Mostly near the text, sometimes far past it.
    (
        prop_oneof![4 => 0u32..40, 1 => any::<u32>()],
        prop_oneof![4 => 0u32..60, 1 => any::<u32>()],
    )
        .prop_map(|(line, character)| At { line, character })
}

fn action() -> impl Strategy<Value = Action> {
    let doc = 0..DOCUMENTS.len();
    prop_oneof![
        2 => (doc.clone(), prop_oneof![
            1 => text(),
            2 => (0..STARTS.len()).prop_map(|i| STARTS[i].to_owned()),
        ]).prop_map(|(doc, text)| Action::Open { doc, text }),
        6 => (doc.clone(), prop::option::weighted(0.9, (at(), at())), text())
            .prop_map(|(doc, range, text)| Action::Change { doc, range, text }),
        6 => (doc.clone(), prop::sample::select(&Query::ALL[..]), at())
            .prop_map(|(doc, query, at)| Action::Ask { doc, query, at }),
        1 => (doc.clone(), text()).prop_map(|(doc, text)| Action::Save { doc, text }),
        1 => doc.prop_map(|doc| Action::Close { doc }),
        1 => (
            prop::sample::select(&[
                "textDocument/didChange",
                "textDocument/didOpen",
                "textDocument/didSave",
                "textDocument/didClose",
                "workspace/didChangeWatchedFiles",
                "textDocument/hover",
                "textDocument/rename",
                "riskgate/unknown",
            ][..]),
            prop_oneof![
                Just(json!(null)),
                Just(json!(42)),
                Just(json!({"textDocument": "nope"})),
                Just(json!({"textDocument": {"uri": "not a uri"}, "position": {"line": -1}})),
                Just(json!({"changes": [{"uri": "file:///x", "type": 9}]})),
            ],
            any::<bool>(),
        )
            .prop_map(|(method, params, request)| Action::Nonsense {
                method: method.to_owned(),
                params,
                request,
            }),
    ]
}

fn script() -> impl Strategy<Value = Vec<Action>> {
    // Open every document first, so most actions find something.
    prop::collection::vec(action(), 1..40).prop_map(|mut actions| {
        let mut script: Vec<Action> = (0..DOCUMENTS.len())
            .map(|doc| Action::Open {
                doc,
                text: STARTS[doc].to_owned(),
            })
            .collect();
        script.append(&mut actions);
        script
    })
}

proptest! {
    // Each case starts a server; a few dozen keep the suite quick.
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn any_editor_session_is_answered_and_ends_cleanly(script in script(), utf8 in any::<bool>()) {
        if let Err(error) = run(&script, utf8) {
            return Err(TestCaseError::fail(format!("{error}\nscript: {script:#?}")));
        }
    }
}

#[test]
fn a_notification_with_nonsense_parameters_does_not_stop_the_server() {
    let script = [
        Action::Nonsense {
            method: "textDocument/didChange".to_owned(),
            params: json!({"textDocument": "nope"}),
            request: false,
        },
        Action::Ask {
            doc: 0,
            query: Query::Hover,
            at: At {
                line: 0,
                character: 0,
            },
        },
    ];
    run(&script, false).unwrap();
}

#[test]
fn edits_inside_a_surrogate_pair_and_past_the_end_are_survived() {
    let inside_emoji = At {
        line: 0,
        character: 13,
    };
    let script = [
        Action::Open {
            doc: 0,
            text: "package p # 😀 smile\nallow := true\n".to_owned(),
        },
        Action::Change {
            doc: 0,
            range: Some((inside_emoji, inside_emoji)),
            text: "x".to_owned(),
        },
        Action::Change {
            doc: 0,
            range: Some((
                At {
                    line: 9,
                    character: 0,
                },
                At {
                    line: 0,
                    character: 2,
                },
            )),
            text: "backwards".to_owned(),
        },
        Action::Ask {
            doc: 0,
            query: Query::Rename,
            at: At {
                line: u32::MAX,
                character: u32::MAX,
            },
        },
        Action::Ask {
            doc: 0,
            query: Query::Formatting,
            at: inside_emoji,
        },
    ];
    run(&script, false).unwrap();
}
