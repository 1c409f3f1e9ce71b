//! The language server answers every request and ends cleanly whatever
//! an editor sends: fuzzer bytes are decoded into a script of opens,
//! edits at any position (incl. past the end and inside UTF-16 surrogate
//! pairs), requests, saves, closes and messages with nonsense parameters,
//! run by `riskgate_lsp::scripted` (which `lsp/tests/robustness.rs` also
//! drives, from proptest).
#![no_main]

use libfuzzer_sys::fuzz_target;
use riskgate_lsp::scripted::{Action, At, Query, run};
use serde_json::json;

/// Actions per input: enough for interesting sessions, few enough that an
/// input runs in milliseconds.
const MAX_ACTIONS: usize = 48;

const METHODS: [&str; 6] = [
    "textDocument/didChange",
    "textDocument/didOpen",
    "textDocument/didClose",
    "workspace/didChangeWatchedFiles",
    "textDocument/hover",
    "riskgate/unknown",
];

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*first)
    }

    /// A position unit: small values mostly, 255 as the largest a client
    /// can send.
    fn unit(&mut self) -> u32 {
        match self.byte().unwrap_or(0) {
            255 => u32::MAX,
            b => u32::from(b),
        }
    }

    fn at(&mut self) -> At {
        At {
            line: self.unit(),
            character: self.unit(),
        }
    }

    fn text(&mut self) -> String {
        let len = usize::from(self.byte().unwrap_or(0));
        let (text, rest) = self.0.split_at(len.min(self.0.len()));
        self.0 = rest;
        String::from_utf8_lossy(text).into_owned()
    }
}

fn script(data: &[u8]) -> (Vec<Action>, bool) {
    let mut bytes = Bytes(data);
    let utf8 = bytes.byte().is_some_and(|b| b & 1 == 1);
    let mut actions = Vec::new();
    while let Some(op) = bytes.byte() {
        if actions.len() == MAX_ACTIONS {
            break;
        }
        let doc = usize::from(op / 6) % 3;
        actions.push(match op % 6 {
            0 => Action::Open {
                doc,
                text: bytes.text(),
            },
            1 => {
                let whole = bytes.byte().unwrap_or(0) == 0;
                let range = (!whole).then(|| (bytes.at(), bytes.at()));
                Action::Change {
                    doc,
                    range,
                    text: bytes.text(),
                }
            }
            2 => {
                let query = Query::ALL[usize::from(bytes.byte().unwrap_or(0)) % Query::ALL.len()];
                Action::Ask {
                    doc,
                    query,
                    at: bytes.at(),
                }
            }
            3 => Action::Save {
                doc,
                text: bytes.text(),
            },
            4 => Action::Close { doc },
            _ => {
                let pick = bytes.byte().unwrap_or(0);
                let params = match pick % 4 {
                    0 => json!(null),
                    1 => json!({"textDocument": "nope"}),
                    2 => json!({"textDocument": {"uri": bytes.text()}, "position": {"line": -1}}),
                    _ => json!({"changes": [{"uri": "file:///x", "type": 9}]}),
                };
                Action::Nonsense {
                    method: METHODS[usize::from(pick / 4) % METHODS.len()].to_owned(),
                    params,
                    request: pick & 0x80 != 0,
                }
            }
        });
    }
    (actions, utf8)
}

fuzz_target!(|data: &[u8]| {
    let (actions, utf8) = script(data);
    if let Err(error) = run(&actions, utf8) {
        panic!("{error}");
    }
});
