//! A server driven in memory through a script of editor actions, for the
//! robustness property test (`lsp/tests/robustness.rs`) and the `lsp`
//! fuzz target: random opens, edits at random (often invalid) positions,
//! requests anywhere, closes, and messages with nonsense parameters.
//!
//! The contract it checks is the server's, whatever the script: every
//! request gets a response (a result or an error) within
//! [`ANSWER_TIMEOUT`], no handler panics, and after `shutdown` and `exit`
//! the main loop ends without an error. Positions are sent as written,
//! so lines past the end, characters past a line's end and UTF-16 offsets
//! inside a surrogate pair all reach the server.

use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::Url;
use serde_json::{Value, json};

/// How long a request may take before the script counts it unanswered
/// (generous: a debug build compiles the standard library on first use).
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// The documents a script edits: a Rego policy, a `.gate` file and a
/// release manifest, each handled by a different part of the server.
pub const DOCUMENTS: [&str; 3] = ["policy.rego", "controls.gate", "release.yaml"];

/// Requests a script can send at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    /// `textDocument/hover`.
    Hover,
    /// `textDocument/definition`.
    Definition,
    /// `textDocument/references`.
    References,
    /// `textDocument/completion`.
    Completion,
    /// `textDocument/prepareRename`.
    PrepareRename,
    /// `textDocument/rename` (to `renamed`).
    Rename,
    /// `textDocument/formatting`.
    Formatting,
    /// `textDocument/documentSymbol`.
    DocumentSymbols,
    /// `textDocument/semanticTokens/full`.
    SemanticTokens,
    /// `textDocument/codeLens`.
    CodeLens,
    /// `workspace/symbol` (the position is ignored).
    WorkspaceSymbols,
}

impl Query {
    /// Every query, for generators.
    pub const ALL: [Query; 11] = [
        Query::Hover,
        Query::Definition,
        Query::References,
        Query::Completion,
        Query::PrepareRename,
        Query::Rename,
        Query::Formatting,
        Query::DocumentSymbols,
        Query::SemanticTokens,
        Query::CodeLens,
        Query::WorkspaceSymbols,
    ];

    fn method(self) -> &'static str {
        match self {
            Query::Hover => "textDocument/hover",
            Query::Definition => "textDocument/definition",
            Query::References => "textDocument/references",
            Query::Completion => "textDocument/completion",
            Query::PrepareRename => "textDocument/prepareRename",
            Query::Rename => "textDocument/rename",
            Query::Formatting => "textDocument/formatting",
            Query::DocumentSymbols => "textDocument/documentSymbol",
            Query::SemanticTokens => "textDocument/semanticTokens/full",
            Query::CodeLens => "textDocument/codeLens",
            Query::WorkspaceSymbols => "workspace/symbol",
        }
    }
}

/// A position as a client sends it: not necessarily inside the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    /// Zero-based line.
    pub line: u32,
    /// Zero-based character, in the negotiated encoding's units.
    pub character: u32,
}

/// One step of a script. `doc` indexes [`DOCUMENTS`] (modulo its length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `didOpen` with this text (again: a reopen).
    Open {
        /// Which document.
        doc: usize,
        /// Its text.
        text: String,
    },
    /// `didChange` replacing `range` (`None`: the whole text) by `text`.
    Change {
        /// Which document.
        doc: usize,
        /// The replaced range, start and end.
        range: Option<(At, At)>,
        /// The new text.
        text: String,
    },
    /// A request at a position.
    Ask {
        /// Which document.
        doc: usize,
        /// What is asked.
        query: Query,
        /// Where.
        at: At,
    },
    /// `didSave` with the text the server should now hold.
    Save {
        /// Which document.
        doc: usize,
        /// The saved text.
        text: String,
    },
    /// `didClose`.
    Close {
        /// Which document.
        doc: usize,
    },
    /// A notification or request whose parameters are not what the
    /// method takes (`request`: sent as a request, which must be answered
    /// with an error).
    Nonsense {
        /// One of the server's methods, or an unknown one.
        method: String,
        /// Parameters of the wrong shape.
        params: Value,
        /// Whether it is a request.
        request: bool,
    },
}

/// What went wrong in a scripted session.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// A request got no response in time.
    #[error("step {step}: {method} was not answered within {ANSWER_TIMEOUT:?}")]
    Unanswered {
        /// Index of the action.
        step: usize,
        /// The request's method.
        method: String,
    },
    /// The server stopped before the script ended.
    #[error("step {step}: the server stopped")]
    Stopped {
        /// Index of the action.
        step: usize,
    },
    /// The main loop ended with an error.
    #[error("the server ended with an error: {0}")]
    Failed(String),
    /// The server thread panicked.
    #[error("the server panicked: {0}")]
    Panicked(String),
}

/// Runs `script` against a fresh server with no workspace folder (UTF-16
/// positions, or UTF-8 when `utf8`), then shuts it down.
///
/// # Errors
/// The first broken promise of the contract in the module docs.
pub fn run(script: &[Action], utf8: bool) -> Result<(), ScriptError> {
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || crate::server::run(&server).map_err(|e| e.to_string()));
    let mut session = Session {
        client,
        next_id: 0,
        versions: [0; DOCUMENTS.len()],
    };
    let general = if utf8 {
        json!({"positionEncodings": ["utf-8", "utf-16"]})
    } else {
        json!({})
    };
    let outcome = session
        .ask(
            usize::MAX,
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {"general": general},
                "initializationOptions": {"nowNs": 1_790_812_800_000_000_000_i64},
            }),
        )
        .and_then(|()| {
            session.notify("initialized", json!({}));
            for (step, action) in script.iter().enumerate() {
                session.act(step, action)?;
            }
            session.ask(script.len(), "shutdown", Value::Null)
        });
    session.notify("exit", Value::Null);
    drop(session);
    let ended = match thread.join() {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(ScriptError::Failed(error)),
        Err(panic) => Err(ScriptError::Panicked(panic_message(panic.as_ref()))),
    };
    // A panic or error explains an unanswered request better.
    ended.and(outcome)
}

struct Session {
    client: Connection,
    next_id: i32,
    versions: [i32; DOCUMENTS.len()],
}

impl Session {
    fn act(&mut self, step: usize, action: &Action) -> Result<(), ScriptError> {
        match action {
            Action::Open { doc, text } => {
                let (uri, language) = document(*doc);
                let version = self.bump(*doc);
                self.notify(
                    "textDocument/didOpen",
                    json!({"textDocument": {"uri": uri, "languageId": language,
                        "version": version, "text": text}}),
                );
            }
            Action::Change { doc, range, text } => {
                let (uri, _) = document(*doc);
                let change = match range {
                    Some((start, end)) => json!({"range": {"start": position(*start),
                        "end": position(*end)}, "text": text}),
                    None => json!({"text": text}),
                };
                let version = self.bump(*doc);
                self.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                        "contentChanges": [change]}),
                );
            }
            Action::Ask { doc, query, at } => {
                let (uri, _) = document(*doc);
                let params = match query {
                    Query::WorkspaceSymbols => json!({"query": "a"}),
                    Query::Formatting => json!({"textDocument": {"uri": uri},
                        "options": {"tabSize": 4, "insertSpaces": false}}),
                    Query::DocumentSymbols | Query::SemanticTokens | Query::CodeLens => {
                        json!({"textDocument": {"uri": uri}})
                    }
                    Query::References => json!({"textDocument": {"uri": uri},
                        "position": position(*at), "context": {"includeDeclaration": true}}),
                    Query::Rename => json!({"textDocument": {"uri": uri},
                        "position": position(*at), "newName": "renamed"}),
                    Query::Hover | Query::Definition | Query::Completion | Query::PrepareRename => {
                        json!({"textDocument": {"uri": uri}, "position": position(*at)})
                    }
                };
                self.ask(step, query.method(), params)?;
            }
            Action::Save { doc, text } => {
                let (uri, _) = document(*doc);
                self.notify(
                    "textDocument/didSave",
                    json!({"textDocument": {"uri": uri}, "text": text}),
                );
            }
            Action::Close { doc } => {
                let (uri, _) = document(*doc);
                self.notify(
                    "textDocument/didClose",
                    json!({"textDocument": {"uri": uri}}),
                );
            }
            Action::Nonsense {
                method,
                params,
                request,
            } => {
                if *request {
                    self.ask(step, method, params.clone())?;
                } else {
                    self.notify(method, params.clone());
                }
            }
        }
        Ok(())
    }

    fn bump(&mut self, doc: usize) -> i32 {
        let slot = doc % DOCUMENTS.len();
        let version = self.versions.get(slot).copied().unwrap_or(0) + 1;
        if let Some(v) = self.versions.get_mut(slot) {
            *v = version;
        }
        version
    }

    fn notify(&self, method: &str, params: Value) {
        // A server that stopped shows at the next request or at the join.
        let _ = self
            .client
            .sender
            .send(Message::Notification(Notification::new(
                method.to_owned(),
                params,
            )));
    }

    fn ask(&mut self, step: usize, method: &str, params: Value) -> Result<(), ScriptError> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.client
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.to_owned(),
                params,
            )))
            .map_err(|_| ScriptError::Stopped { step })?;
        loop {
            match self.client.receiver.recv_timeout(ANSWER_TIMEOUT) {
                Ok(Message::Response(response)) if response.id == id => return Ok(()),
                Ok(_) => {}
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                    return Err(ScriptError::Unanswered {
                        step,
                        method: method.to_owned(),
                    });
                }
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                    return Err(ScriptError::Stopped { step });
                }
            }
        }
    }
}

/// The URI and language of `doc`: files under a directory that does not
/// exist, so nothing is read from or written to disk.
fn document(doc: usize) -> (Url, &'static str) {
    let name = DOCUMENTS
        .get(doc % DOCUMENTS.len())
        .copied()
        .unwrap_or("policy.rego");
    let language = if name.ends_with(".yaml") {
        "yaml"
    } else {
        "rego"
    };
    let uri = Url::parse(&format!("file:///riskgate-scripted-session/{name}"))
        .unwrap_or_else(|_| unreachable!("a fixed, valid URI"));
    (uri, language)
}

fn position(at: At) -> Value {
    json!({"line": at.line, "character": at.character})
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}
