//! Unsupported builtins (`http.send`) are allowed only where a `with`
//! somewhere in the policy replaces them.

use std::collections::BTreeSet;

use crate::codes;
use riskgate_dsl::{Diagnostic, Span};

/// Calls of unsupported builtins and the functions `with` replaces: an
/// unsupported builtin may only be called where some `with` mocks it.
#[derive(Debug, Default)]
pub(crate) struct MockUse {
    /// Unsupported builtins called: name, reason and where.
    pub(crate) calls: Vec<(&'static str, &'static str, Span)>,
    /// Names of functions and builtins replaced by `with`.
    pub(crate) mocked: BTreeSet<String>,
}

impl MockUse {
    pub(crate) fn append(&mut self, other: &mut MockUse) {
        self.calls.append(&mut other.calls);
        self.mocked.append(&mut other.mocked);
    }

    /// `E1005` for every unsupported call that no `with` anywhere mocks.
    pub(crate) fn errors(&self, mocked: &BTreeSet<String>) -> Vec<Diagnostic> {
        self.calls
            .iter()
            .filter(|(name, _, _)| !mocked.contains(*name))
            .map(|(name, reason, span)| {
                Diagnostic::new(
                    &codes::UNSUPPORTED_BUILTIN,
                    format!("builtin {name} is not supported: {reason}"),
                )
                .with_primary(*span, "")
            })
            .collect()
    }
}

/// Arity of the OPA builtins riskgate does not provide.
pub(super) fn unsupported_arity(name: &str) -> Option<usize> {
    match name {
        "http.send" | "net.lookup_ip_addr" => Some(1),
        "rand.intn" => Some(2),
        _ => None,
    }
}
