//! Language server for riskgate policies, started by `riskgate lsp`.
//!
//! Built on `lsp-server` (rust-analyzer's synchronous JSON-RPC scaffold) and
//! `lsp-types`. [`server`] runs the main loop, [`world`] holds the state
//! (documents with their parse, index and line index; the compiled policy
//! set), and [`handlers`] has one module per request.
//!
//! Architecture invariant: this crate is the only place (with `cli`) that
//! speaks JSON-RPC; it turns editor requests into calls on `riskgate-dsl`
//! and `riskgate-engine` and their plain-data results back into LSP types.
#![warn(missing_docs)]

pub mod handlers;
pub mod index;
pub mod library;
pub mod position;
pub mod schema;
pub mod scripted;
pub mod server;
pub mod settings;
pub mod world;

pub use lsp_server::Connection;

/// Why the server stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The client broke the protocol.
    #[error("protocol error: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    /// A message could not be (de)serialised.
    #[error("invalid message: {0}")]
    Json(#[from] serde_json::Error),
    /// The client went away.
    #[error("connection closed")]
    Disconnected,
    /// Reading or writing stdio failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl<T> From<crossbeam_channel::SendError<T>> for Error {
    fn from(_: crossbeam_channel::SendError<T>) -> Self {
        Error::Disconnected
    }
}

/// Serves the protocol on stdin/stdout until the client exits.
///
/// # Errors
/// When the connection breaks or the client violates the protocol.
pub fn run_stdio() -> Result<(), Error> {
    let (connection, io_threads) = Connection::stdio();
    server::run(&connection)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}
