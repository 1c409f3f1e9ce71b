//! Diagnostics tagged with the file they point into, and OPA's error
//! codes for them; made by the compiler, carried by evaluation errors.

use std::sync::Arc;

use crate::codes;
use riskgate_dsl::Diagnostic;

/// A diagnostic together with the name of the file it points into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiagnostic {
    /// The module name given to [`crate::compile::Compiler::add_module`]
    /// (empty for queries).
    pub file: Arc<str>,
    /// The problem.
    pub diagnostic: Diagnostic,
}

impl FileDiagnostic {
    /// OPA's error code string for this diagnostic (`rego_parse_error`, ...).
    #[must_use]
    pub fn opa_code(&self) -> &'static str {
        opa_error_code(&self.diagnostic)
    }
}

impl std::fmt::Display for FileDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.file,
            self.opa_code(),
            self.diagnostic.message()
        )
    }
}

/// OPA's error code string for a riskgate diagnostic.
#[must_use]
pub fn opa_error_code(diagnostic: &Diagnostic) -> &'static str {
    let code = diagnostic.code();
    if code.id.starts_with("E0") {
        return "rego_parse_error";
    }
    if std::ptr::eq(code, &codes::UNSAFE_VAR) {
        "rego_unsafe_var_error"
    } else if std::ptr::eq(code, &codes::RECURSIVE_RULE) {
        "rego_recursion_error"
    } else if std::ptr::eq(code, &codes::WRONG_ARITY)
        || std::ptr::eq(code, &codes::UNDEFINED_FUNCTION)
        || std::ptr::eq(code, &codes::UNSUPPORTED_BUILTIN)
        || std::ptr::eq(code, &codes::CONFLICTING_RULES)
    {
        "rego_type_error"
    } else {
        "rego_compile_error"
    }
}

pub(crate) fn attach(file: &Arc<str>, diagnostics: Vec<Diagnostic>) -> Vec<FileDiagnostic> {
    diagnostics
        .into_iter()
        .map(|diagnostic| FileDiagnostic {
            file: file.clone(),
            diagnostic,
        })
        .collect()
}
