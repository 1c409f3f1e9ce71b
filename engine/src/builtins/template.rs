//! `strings.render_template`: Go `text/template` rendering, the subset
//! policies use, implemented here (Go's package has no Rust counterpart).
//!
//! Supported: text and `{{ }}` actions with `{{-`/`-}}` trimming and
//! `{{/* comments */}}`; dot, `$`, fields (`.a.b`, `$x.a`), variables
//! (`$x := ...`, `$x = ...`); `if`/`else if`/`else`, `range` (arrays, sets
//! and objects in key order, `$i, $v :=`, `else`, `break`, `continue`),
//! `with`/`else with`; pipelines with `|` and parentheses; the functions
//! `and or not len index print printf println eq ne lt le gt ge`.
//! Not supported: `define`, `template`, `block` and custom functions.
//! Controls and parentheses nest at most 100 deep.
//!
//! One deliberate difference: OPA hands numbers to Go as `json.Number`
//! strings, so in OPA `{{if .n}}` is true for `0` and `{{eq .n 1}}` fails
//! with incompatible types; here numbers test and compare as numbers. They
//! print as written either way.

mod exec;
mod lex;
mod parse;
mod print;
#[cfg(test)]
mod tests;

use crate::builtins::operands::{failed, object, string};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const NAME: &str = "strings.render_template";

pub(crate) const BUILTINS: &[Builtin] = &[Builtin {
    name: NAME,
    arity: 2,
    func: render_template,
    category: super::strings::CATEGORY,
    summary: "Renders a Go `text/template` with an object of variables (fields, variables, `if`/`range`/`with`, pipelines and Go's comparison and printing functions).",
}];

/// A template that does not parse or cannot run, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Error {
    line: usize,
    message: String,
}

impl Error {
    fn at(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Error {
    /// Go's wording: `template: <name>:<line>: <problem>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template: template:{}: {}", self.line, self.message)
    }
}

/// Renders `template` with `vars` as dot.
pub(crate) fn render(template: &str, vars: Value) -> Result<String, Error> {
    let tree = parse::parse(lex::pieces(template)?)?;
    exec::Exec::run(&tree, vars)
}

fn render_template(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let template = string(NAME, args, 1)?;
    let vars = object(NAME, args, 2)?;
    let vars = Value::Object(std::sync::Arc::new(vars.clone()));
    render(template, vars)
        .map(|text| Value::string(&text))
        .map_err(|err| failed(NAME, err))
}
