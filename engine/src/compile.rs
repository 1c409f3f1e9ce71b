//! The compiler: parsed modules in, a shareable [`Policy`] out.
//!
//! Passes, in order: parse every module; collect the rule tree (package
//! paths, rule heads and function arities) so names can be resolved; lower
//! each rule to IR with resolved names and frame slots ([`lower`]); reorder
//! body literals so every variable is bound before use and report unsafe
//! variables ([`safety`]); reject recursion between rules ([`recursion`]).

mod annotations;
mod lower;
mod recursion;
mod safety;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use riskgate_dsl::{Diagnostic, Dialect, ParseOptions, ast};

pub use crate::errors::{FileDiagnostic, opa_error_code};
pub use annotations::metadata_summary;

use crate::ir::{Body, Tree};
pub use crate::program::CompileOptions;
use crate::program::{Policy, Program, SourceFile, Symbols};

/// Collects modules and compiles them together.
#[derive(Debug, Default)]
pub struct Compiler {
    options: CompileOptions,
    modules: Vec<(SourceFile, ast::Module)>,
}

impl Compiler {
    /// A compiler with the given options.
    #[must_use]
    pub fn new(options: CompileOptions) -> Self {
        Self {
            options,
            modules: Vec::new(),
        }
    }

    /// Parses and adds a module.
    ///
    /// # Errors
    /// The module's syntax errors.
    pub fn add_module(&mut self, name: &str, source: &str) -> Result<(), Vec<FileDiagnostic>> {
        let options = ParseOptions::new(Dialect::for_path(name))
            .with_v0_compatible(self.options.v0_compatible);
        let parsed = riskgate_dsl::parse_module(source, options);
        let file: Arc<str> = Arc::from(name);
        if parsed.has_errors() {
            return Err(crate::errors::attach(&file, parsed.diagnostics));
        }
        self.modules.push((
            SourceFile {
                name: file,
                text: Arc::from(source),
            },
            parsed.module,
        ));
        Ok(())
    }

    /// Adds an already parsed module.
    pub fn add_parsed(&mut self, name: &str, source: &str, module: ast::Module) {
        self.modules.push((
            SourceFile {
                name: Arc::from(name),
                text: Arc::from(source),
            },
            module,
        ));
    }

    /// Compiles every added module into a policy.
    ///
    /// # Errors
    /// Every compile error found.
    pub fn compile(self) -> Result<Policy, Vec<FileDiagnostic>> {
        let mut symbols = collect_symbols(&self.modules);
        symbols.rand_seed = self.options.rand_seed;
        symbols.net.clone_from(&self.options.net);
        let mut tree = Tree::default();
        let mut diagnostics = Vec::new();
        let mut metadata = annotations::MetadataIndex::default();
        for (index, (file, module)) in self.modules.iter().enumerate() {
            let errs = metadata.add_module(file_index(index), module, &file.text);
            diagnostics.extend(crate::errors::attach(&file.name, errs));
        }
        let mut mocks = Vec::new();
        let mut mocked = BTreeSet::new();
        for (index, (file, module)) in self.modules.iter().enumerate() {
            let mut errs = Vec::new();
            let mut uses = lower::MockUse::default();
            lower::lower_module(
                module,
                file_index(index),
                &symbols,
                &metadata,
                &mut tree,
                &mut errs,
                &mut uses,
            );
            diagnostics.extend(crate::errors::attach(&file.name, errs));
            mocked.append(&mut uses.mocked);
            mocks.push((file.name.clone(), uses));
        }
        for (file, uses) in &mocks {
            diagnostics.extend(crate::errors::attach(file, uses.errors(&mocked)));
        }
        if diagnostics.is_empty() {
            let files: Vec<Arc<str>> = self.modules.iter().map(|(f, _)| f.name.clone()).collect();
            for (file, diagnostic) in recursion::check(&tree) {
                let name = files
                    .get(file as usize)
                    .cloned()
                    .unwrap_or_else(|| Arc::from(""));
                diagnostics.push(FileDiagnostic {
                    file: name,
                    diagnostic,
                });
            }
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        Ok(Policy::new(Program {
            tree,
            symbols,
            files: self.modules.into_iter().map(|(file, _)| file).collect(),
            options: self.options,
        }))
    }
}

/// The rule's name and the static segments of its head reference up to
/// the first dynamic one (OPA's ground prefix, without the package).
pub(crate) fn ground_path(rule: &ast::Rule) -> Vec<Arc<str>> {
    let reference = &rule.head.reference;
    std::iter::once(Arc::from(reference.name.text.as_str()))
        .chain(reference.path.iter().map_while(static_segment))
        .collect()
}

/// The key of a statically known ref segment (`.a` or `["a"]`).
pub(crate) fn static_segment(arg: &ast::RefArg) -> Option<Arc<str>> {
    match arg {
        ast::RefArg::Dot(name) => Some(Arc::from(name.text.as_str())),
        ast::RefArg::Bracket(expr) => match &expr.kind {
            ast::ExprKind::String(s) => Some(Arc::from(s.value.as_str())),
            _ => None,
        },
    }
}

/// A module's index as the IR stores it.
fn file_index(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

fn collect_symbols(modules: &[(SourceFile, ast::Module)]) -> Symbols {
    let mut symbols = Symbols::default();
    for (_, module) in modules {
        let Some(package) = &module.package else {
            continue;
        };
        let pkg: Vec<Arc<str>> = package
            .path
            .iter()
            .map(|n| Arc::from(n.text.as_str()))
            .collect();
        let names = symbols.rule_names.entry(pkg.clone()).or_default();
        for item in &module.items {
            let ast::Item::Rule(rule) = item else {
                continue;
            };
            names.insert(rule.head.reference.name.text.clone());
            if let Some(args) = &rule.head.args {
                let mut path = pkg.clone();
                path.push(Arc::from(rule.head.reference.name.text.as_str()));
                for arg in &rule.head.reference.path {
                    if let Some(key) = static_segment(arg) {
                        path.push(key);
                    }
                }
                symbols.functions.insert(path, args.len());
            }
        }
    }
    symbols
}

/// A compiled query: body, frame size, and named variables with their slots.
pub(crate) type CompiledQuery = (Body, u32, Vec<(String, u32)>);

/// Compiles a query against the rule symbols of a policy.
pub(crate) fn compile_query(
    source: &str,
    symbols: &Symbols,
    options: &CompileOptions,
) -> Result<CompiledQuery, Vec<Diagnostic>> {
    let parse = ParseOptions::new(Dialect::Rego).with_v0_compatible(options.v0_compatible);
    let body = riskgate_dsl::parse_query(source, parse)?;
    lower::lower_query(&body, symbols)
}

/// The value of a constant term (`{"a": [1, 2], "b": set()}`), as written
/// for `input_term` or `--input` in Rego syntax; `None` if it is not
/// constant.
#[must_use]
pub fn constant_value(expr: &ast::Expr) -> Option<crate::value::Value> {
    use crate::value::Value;
    use ast::ExprKind;
    Some(match &expr.kind {
        ExprKind::Null => Value::Null,
        ExprKind::Bool(b) => Value::Bool(*b),
        ExprKind::Number(n) => Value::Number(crate::number::Number::parse(n)?),
        ExprKind::String(s) => Value::string(&s.value),
        ExprKind::Paren(inner) => constant_value(inner)?,
        ExprKind::Array(items) => Value::Array(Arc::new(
            items
                .iter()
                .map(constant_value)
                .collect::<Option<Vec<_>>>()?,
        )),
        ExprKind::Set(items) => Value::Set(Arc::new(
            items
                .iter()
                .map(constant_value)
                .collect::<Option<BTreeSet<_>>>()?,
        )),
        ExprKind::Object(items) => Value::Object(Arc::new(
            items
                .iter()
                .map(|(k, v)| Some((constant_value(k)?, constant_value(v)?)))
                .collect::<Option<BTreeMap<_, _>>>()?,
        )),
        ExprKind::Call { func, args }
            if args.is_empty()
                && func.len() == 1
                && func.first().is_some_and(|f| f.text == "set") =>
        {
            Value::empty_set()
        }
        _ => return None,
    })
}
