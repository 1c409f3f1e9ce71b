//! Language server for riskgate policies, started by `riskgate lsp`.
//!
//! Architecture invariant: this crate is the only place (with `cli`) that
//! speaks JSON-RPC; it turns editor requests into calls on `riskgate-dsl`
//! and `riskgate-engine` and their plain-data results back into LSP types.
//! The server itself lands with the authoring-toolchain work.
