//! An in-process LSP client driving the server over a memory connection.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::notification::Notification as _;
use lsp_types::{PublishDiagnosticsParams, Url};
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(20);
/// 2026-09-01T00:00:00Z, the clock of manifest checks in tests.
pub const NOW_NS: i64 = 1_788_220_800_000_000_000;

pub struct Client {
    conn: Connection,
    thread: Option<std::thread::JoinHandle<()>>,
    next_id: i32,
    pub notifications: Vec<Notification>,
    pub root: PathBuf,
}

/// A copy of the fixture workspace in a temporary directory.
pub fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ws");
    copy_dir(&src, dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the fixture workspace and a server on it.
pub fn start() -> (tempfile::TempDir, Client) {
    let ws = workspace();
    let client = Client::start(ws.path());
    (ws, client)
}

/// A workspace file the client opened, with its text.
pub struct Opened {
    pub uri: Url,
    pub text: String,
}

impl Client {
    /// Opens a workspace file with its text on disk.
    pub fn open_file(&self, relative: &str) -> Opened {
        self.open_text(relative, &self.text(relative))
    }

    /// Opens a workspace file with `text` in the editor (not on disk).
    pub fn open_text(&self, relative: &str, text: &str) -> Opened {
        Opened {
            uri: self.open(relative, Some(text)),
            text: text.to_owned(),
        }
    }

    /// Sends `method` at the `n`th (0-based) occurrence of `needle` in `doc`.
    pub fn request_at(&mut self, method: &str, doc: &Opened, needle: &str, n: usize) -> Value {
        let position = pos(&doc.text, needle, n);
        self.request_raw(
            method,
            json!({ "textDocument": { "uri": doc.uri }, "position": position }),
        )
    }

    /// Starts a server with `root` as workspace folder, UTF-16 positions.
    pub fn start(root: &Path) -> Self {
        Self::start_with(root, json!({}))
    }

    pub fn start_with(root: &Path, general: Value) -> Self {
        let (server, conn) = Connection::memory();
        let thread = std::thread::spawn(move || {
            riskgate_lsp::server::run(&server).unwrap();
        });
        let mut client = Client {
            conn,
            thread: Some(thread),
            next_id: 0,
            notifications: Vec::new(),
            root: root.to_path_buf(),
        };
        let root_uri = Url::from_directory_path(root).unwrap();
        // The standard library is written here for go-to-definition; the
        // workspace scan skips dot directories.
        let cache = root.join(".cache");
        let result = client.request_raw(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": { "general": general },
                "initializationOptions": { "nowNs": NOW_NS, "cacheDirectory": cache },
            }),
        );
        assert!(result.get("capabilities").is_some(), "{result}");
        client.notify("initialized", json!({}));
        client
    }

    pub fn uri(&self, relative: &str) -> Url {
        Url::from_file_path(self.root.join(relative)).unwrap()
    }

    /// Opens a file outside the workspace (e.g. a library file) by URI.
    pub fn open_uri(&self, uri: &Url) -> Opened {
        let text = std::fs::read_to_string(uri.to_file_path().unwrap()).unwrap();
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "rego", "version": 1, "text": text } }),
        );
        Opened {
            uri: uri.clone(),
            text,
        }
    }

    pub fn text(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join(relative)).unwrap()
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.to_owned(),
                params,
            )))
            .unwrap();
    }

    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.to_owned(),
                params,
            )))
            .unwrap();
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(TIMEOUT)
                .expect("server answered")
            {
                Message::Response(response) if response.id == id => {
                    if let Some(error) = response.error {
                        return json!({ "error": error.message });
                    }
                    return response.result.unwrap_or(Value::Null);
                }
                Message::Notification(n) => self.notifications.push(n),
                _ => {}
            }
        }
    }

    /// Opens a file of the workspace (with its text on disk, or `text`).
    pub fn open(&self, relative: &str, text: Option<&str>) -> Url {
        let uri = self.uri(relative);
        let text = text.map_or_else(|| self.text(relative), str::to_owned);
        let language = if relative.ends_with(".yaml") {
            "yaml"
        } else {
            "rego"
        };
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
        uri
    }

    /// Waits for the next diagnostics published for `uri`.
    pub fn diagnostics(&mut self, uri: &Url) -> PublishDiagnosticsParams {
        let method = lsp_types::notification::PublishDiagnostics::METHOD;
        let matches = |n: &Notification| {
            n.method == method && n.params.get("uri").and_then(Value::as_str) == Some(uri.as_str())
        };
        if let Some(i) = self.notifications.iter().position(matches) {
            let n = self.notifications.remove(i);
            return serde_json::from_value(n.params).unwrap();
        }
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(TIMEOUT)
                .expect("diagnostics published")
            {
                Message::Notification(n) if matches(&n) => {
                    return serde_json::from_value(n.params).unwrap();
                }
                Message::Notification(n) => self.notifications.push(n),
                _ => {}
            }
        }
    }

    /// Replaces the file's root path with `$ROOT` in a JSON value.
    pub fn redact(&self, value: Value) -> Value {
        let root = Url::from_directory_path(&self.root).unwrap().to_string();
        let text = serde_json::to_string(&value)
            .unwrap()
            .replace(&root, "$ROOT/");
        serde_json::from_str(&text).unwrap()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.request_raw("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A position given by the line and the text it starts at: the `n`th
/// (0-based) occurrence of `needle` in the file, plus `shift` columns.
pub fn pos(text: &str, needle: &str, n: usize) -> lsp_types::Position {
    let offset = text.match_indices(needle).nth(n).expect("needle in text").0;
    let line = text[..offset].matches('\n').count() as u32;
    let col = text[..offset]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count() as u32;
    lsp_types::Position::new(line, col)
}
