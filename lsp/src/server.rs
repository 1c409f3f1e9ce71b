//! The main loop: initialisation, dispatch of requests and notifications,
//! and publishing diagnostics once a burst of edits has been applied.
//!
//! Edits are cheap (the changed file is re-parsed and re-indexed); the
//! workspace compile runs once the queue of pending messages is empty, so a
//! burst of keystrokes costs one compile (debounce by coalescing, no timer).

use std::path::PathBuf;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, LogMessage, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeLensRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    PrepareRenameRequest, References, Rename, Request as _, SemanticTokensFullRequest,
    WorkspaceSymbolRequest,
};
use lsp_types::{
    CodeLensOptions, CompletionOptions, FileChangeType, InitializeParams, OneOf,
    PositionEncodingKind, PublishDiagnosticsParams, RenameOptions, SaveOptions,
    SemanticTokensFullOptions, SemanticTokensOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url, WorkDoneProgressOptions,
};
use serde::de::DeserializeOwned;

use crate::Error;
use crate::handlers;
use crate::position::Encoding;
use crate::world::{DocKind, World};

/// Runs the server on a connection until the client exits.
///
/// # Errors
/// When the connection breaks or the client violates the protocol.
pub fn run(connection: &Connection) -> Result<(), Error> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let encoding = negotiate_encoding(&params);
    let root = root_path(&params);
    let result = lsp_types::InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "riskgate".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    let mut world = World::new(encoding, root);
    let option = |name: &str| {
        params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get(name))
    };
    world.fixed_now_ns = option("nowNs").and_then(serde_json::Value::as_i64);
    if let Some(dir) = option("cacheDirectory").and_then(serde_json::Value::as_str) {
        world.cache_root = PathBuf::from(dir);
    }
    world.reload_settings();
    world.scan_workspace();
    Server {
        connection,
        world,
        diagnostics_due: true,
    }
    .main_loop()
}

fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|list| list.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

#[expect(deprecated, reason = "root_uri is still what many clients send")]
fn root_path(params: &InitializeParams) -> Option<PathBuf> {
    params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| folder.uri.clone())
        .or_else(|| params.root_uri.clone())
        .and_then(|uri| uri.to_file_path().ok())
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_owned(), "\"".to_owned()]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(
            SemanticTokensOptions {
                legend: handlers::semantic_tokens::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            }
            .into(),
        ),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        ..ServerCapabilities::default()
    }
}

struct Server<'a> {
    connection: &'a Connection,
    world: World,
    diagnostics_due: bool,
}

impl Server<'_> {
    fn main_loop(mut self) -> Result<(), Error> {
        loop {
            if self.diagnostics_due && self.connection.receiver.is_empty() {
                self.publish_policy_diagnostics()?;
            }
            let Ok(message) = self.connection.receiver.recv() else {
                return Ok(());
            };
            match message {
                Message::Request(request) => {
                    if self.connection.handle_shutdown(&request)? {
                        return Ok(());
                    }
                    let response = self.request(request);
                    self.connection.sender.send(Message::Response(response))?;
                }
                Message::Notification(notification) => {
                    if notification.method == lsp_types::notification::Exit::METHOD {
                        return Ok(());
                    }
                    let method = notification.method.clone();
                    match self.notification(notification) {
                        // A notification has no answer to carry an error:
                        // say so in the log and keep serving, as a
                        // malformed request gets an error and the server
                        // goes on.
                        Err(Error::Json(error)) => self.log_error(&format!(
                            "ignored a {method} notification with invalid parameters: {error}"
                        ))?,
                        other => other?,
                    }
                }
                Message::Response(_) => {}
            }
        }
    }

    fn log_error(&self, message: &str) -> Result<(), Error> {
        let params = lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message: message.to_owned(),
        };
        let notification = Notification::new(LogMessage::METHOD.to_owned(), params);
        self.connection
            .sender
            .send(Message::Notification(notification))?;
        Ok(())
    }

    fn publish(&self, params: PublishDiagnosticsParams) -> Result<(), Error> {
        let notification = Notification::new(PublishDiagnostics::METHOD.to_owned(), params);
        self.connection
            .sender
            .send(Message::Notification(notification))?;
        Ok(())
    }

    fn publish_policy_diagnostics(&mut self) -> Result<(), Error> {
        self.diagnostics_due = false;
        for params in handlers::diagnostics::collect(&mut self.world) {
            self.publish(params)?;
        }
        Ok(())
    }

    fn request(&mut self, request: Request) -> Response {
        let world = &mut self.world;
        let id = request.id.clone();
        match request.method.as_str() {
            HoverRequest::METHOD => respond(request, |p| handlers::hover::hover(world, p)),
            GotoDefinition::METHOD => {
                respond(request, |p| handlers::definition::definition(world, p))
            }
            References::METHOD => respond(request, |p| handlers::references::references(world, p)),
            Completion::METHOD => respond(request, |p| handlers::completion::completion(world, p)),
            Formatting::METHOD => respond(request, |p| handlers::formatting::format(world, p)),
            DocumentSymbolRequest::METHOD => {
                respond(request, |p| handlers::symbols::document_symbols(world, p))
            }
            WorkspaceSymbolRequest::METHOD => {
                respond(request, |p| handlers::symbols::workspace_symbols(world, p))
            }
            SemanticTokensFullRequest::METHOD => {
                respond(request, |p| handlers::semantic_tokens::full(world, p))
            }
            CodeLensRequest::METHOD => {
                respond(request, |p| handlers::code_lens::code_lens(world, p))
            }
            PrepareRenameRequest::METHOD => {
                respond(request, |p| handlers::rename::prepare(world, p))
            }
            Rename::METHOD => match parse::<lsp_types::RenameParams>(&request) {
                Ok(params) => match handlers::rename::rename(world, params) {
                    Ok(edit) => Response::new_ok(id, edit),
                    Err(error) => {
                        Response::new_err(id, ErrorCode::InvalidParams as i32, error.to_string())
                    }
                },
                Err(response) => response,
            },
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unknown method {}", request.method),
            ),
        }
    }

    fn notification(&mut self, notification: Notification) -> Result<(), Error> {
        let world = &mut self.world;
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: lsp_types::DidOpenTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                let doc = params.text_document;
                let Some(kind) = DocKind::for_path(doc.uri.path()) else {
                    return Ok(());
                };
                world.open(doc.uri.clone(), kind, doc.text, doc.version);
                self.diagnostics_due = true;
                self.manifest_diagnostics(&doc.uri)?;
            }
            DidChangeTextDocument::METHOD => {
                let params: lsp_types::DidChangeTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                let encoding = world.encoding;
                if let Some(doc) = world.docs.get_mut(&params.text_document.uri) {
                    let mut text = doc.text.clone();
                    let mut index = doc.index.clone();
                    for change in params.content_changes {
                        match change.range {
                            Some(range) => {
                                let span = crate::position::Lines::new(&text, &index, encoding)
                                    .span(range);
                                let (start, end) = (span.start as usize, span.end as usize);
                                if text.is_char_boundary(start)
                                    && text.is_char_boundary(end)
                                    && start <= end
                                {
                                    text.replace_range(start..end, &change.text);
                                }
                            }
                            None => text = change.text,
                        }
                        index = riskgate_dsl::LineIndex::new(&text);
                    }
                    doc.version = Some(params.text_document.version);
                    doc.set_text(text);
                    world.invalidate();
                    self.diagnostics_due = true;
                }
            }
            DidSaveTextDocument::METHOD => {
                let params: lsp_types::DidSaveTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                let uri = params.text_document.uri;
                if uri
                    .to_file_path()
                    .is_ok_and(|path| crate::settings::is_config_file(&path))
                {
                    world.reload_settings();
                    self.diagnostics_due = true;
                }
                if let (Some(text), Some(doc)) = (params.text, world.docs.get_mut(&uri))
                    && text != doc.text
                {
                    doc.set_text(text);
                    world.invalidate();
                    self.diagnostics_due = true;
                }
                self.manifest_diagnostics(&uri)?;
            }
            DidCloseTextDocument::METHOD => {
                let params: lsp_types::DidCloseTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                let uri = params.text_document.uri;
                let manifest = world
                    .docs
                    .get(&uri)
                    .is_some_and(|d| d.kind == DocKind::Manifest);
                let library = world.docs.get(&uri).is_some_and(|d| d.library);
                if let Some(doc) = world.docs.get_mut(&uri) {
                    doc.open = false;
                    doc.version = None;
                }
                if library {
                    // Stays navigable; nothing on disk to reload.
                } else if let Ok(path) = uri.to_file_path() {
                    if path.exists() && world.root.as_ref().is_some_and(|r| path.starts_with(r)) {
                        world.load_from_disk(&path);
                    } else {
                        world.docs.remove(&uri);
                        world.invalidate();
                    }
                }
                self.diagnostics_due = true;
                if manifest {
                    self.publish(PublishDiagnosticsParams::new(uri, Vec::new(), None))?;
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let params: lsp_types::DidChangeWatchedFilesParams =
                    serde_json::from_value(notification.params)?;
                for change in params.changes {
                    let Ok(path) = change.uri.to_file_path() else {
                        continue;
                    };
                    if crate::settings::is_config_file(&path) {
                        world.reload_settings();
                        continue;
                    }
                    if change.typ == FileChangeType::DELETED {
                        world.remove(&change.uri);
                    } else {
                        world.load_from_disk(&path);
                    }
                }
                self.diagnostics_due = true;
            }
            _ => {}
        }
        Ok(())
    }

    fn manifest_diagnostics(&mut self, uri: &Url) -> Result<(), Error> {
        if let Some(params) = handlers::manifest_diagnostics::check(&mut self.world, uri) {
            self.publish(params)?;
        }
        Ok(())
    }
}

fn parse<P: DeserializeOwned>(request: &Request) -> Result<P, Response> {
    serde_json::from_value(request.params.clone()).map_err(|error| {
        Response::new_err(
            request.id.clone(),
            ErrorCode::InvalidParams as i32,
            error.to_string(),
        )
    })
}

fn respond<P: DeserializeOwned, R: serde::Serialize>(
    request: Request,
    handler: impl FnOnce(P) -> R,
) -> Response {
    let id: RequestId = request.id.clone();
    match parse::<P>(&request) {
        Ok(params) => Response::new_ok(id, handler(params)),
        Err(response) => response,
    }
}
