//! Lowering: `risk` and `control` declarations become [`ControlSet`] specs
//! plus generated Rego rules in the control's package; the declarations
//! are removed from the module, which then compiles as plain Rego.
//!
//! Generated rule names are deterministic: `__rg_c<control>_applies`,
//! `__rg_c<control>_r<requirement>_<field>` and `__rg_c<control>_v<rule>`,
//! where the indexes count declarations across all files in input order.

mod control;
mod requirement;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::codes;
use riskgate_dsl::ast::{self, Expr, Item, Module};
use riskgate_dsl::{Diagnostic, LineIndex, Span};

use super::schema::TypeError;
use super::spec::{ControlSet, ControlSpec, RiskSpec};
use crate::trace::Location;
use riskgate_engine::compile::FileDiagnostic;

/// The result of lowering every file.
pub(crate) struct Lowered {
    pub(crate) set: ControlSet,
    /// Modules with declarations replaced by generated rules.
    pub(crate) modules: Vec<Module>,
    pub(crate) diagnostics: Vec<FileDiagnostic>,
}

/// One file being lowered.
pub(crate) struct FileCtx<'a> {
    pub(crate) name: &'a str,
    pub(crate) source: &'a str,
    pub(crate) index: LineIndex,
    /// `data.a.b` of the module's package.
    pub(crate) package: String,
}

impl FileCtx<'_> {
    pub(crate) fn location(&self, span: Span) -> Location {
        let lc = self.index.line_col(self.source, span.start);
        Location {
            file: self.name.to_owned(),
            line: lc.line,
            col: lc.col,
        }
    }
}

/// State across files.
pub(crate) struct LowerCtx<'a> {
    pub(crate) roles: &'a BTreeSet<String>,
    pub(crate) diagnostics: Vec<FileDiagnostic>,
    pub(crate) next_control: usize,
    risks: BTreeMap<String, RiskSpec>,
    risk_spans: BTreeMap<String, (String, Span)>,
    controls: BTreeMap<String, (ControlSpec, Span)>,
    /// `(file, span, risk id)` of every `mitigates` entry, checked at the end.
    pub(crate) mitigates: Vec<(String, Span, String)>,
}

impl LowerCtx<'_> {
    pub(crate) fn error(&mut self, file: &str, diagnostic: Diagnostic) {
        self.diagnostics.push(FileDiagnostic {
            file: Arc::from(file),
            diagnostic,
        });
    }
}

/// Lowers parsed modules (`(name, source, module)`, in input order).
pub(crate) fn lower(files: Vec<(&str, &str, Module)>, roles: &BTreeSet<String>) -> Lowered {
    let mut ctx = LowerCtx {
        roles,
        diagnostics: Vec::new(),
        next_control: 0,
        risks: BTreeMap::new(),
        risk_spans: BTreeMap::new(),
        controls: BTreeMap::new(),
        mitigates: Vec::new(),
    };
    let mut modules = Vec::new();
    let modules_order: Vec<String> = files.iter().map(|(n, _, _)| (*n).to_owned()).collect();
    for (name, source, module) in files {
        modules.push(lower_module(&mut ctx, name, source, module));
    }
    for (file, span, id) in std::mem::take(&mut ctx.mitigates) {
        if !ctx.risks.contains_key(&id) {
            let mut diagnostic = Diagnostic::new(
                &codes::UNKNOWN_RISK,
                format!("control mitigates unknown risk `{id}`"),
            )
            .with_primary(span, "no `risk` declares this id");
            if let Some(s) =
                riskgate_dsl::suggest::closest(&id, ctx.risks.keys().map(String::as_str))
            {
                diagnostic = diagnostic.with_help(format!("did you mean `{s}`?"));
            } else {
                diagnostic = diagnostic.with_help(format!(
                    "declare it with `risk \"{id}\" {{ title: ..., family: ... }}`"
                ));
            }
            ctx.error(&file, diagnostic);
        }
    }
    let order: Vec<String> = modules_order;
    ctx.diagnostics.sort_by_key(|d| {
        (
            order
                .iter()
                .position(|n| **n == *d.file)
                .unwrap_or(usize::MAX),
            d.diagnostic.primary_span().start,
        )
    });
    let controls = std::mem::take(&mut ctx.controls)
        .into_values()
        .map(|(spec, _)| spec)
        .collect();
    Lowered {
        set: ControlSet {
            risks: ctx.risks,
            controls,
        },
        modules,
        diagnostics: ctx.diagnostics,
    }
}

fn lower_module(ctx: &mut LowerCtx<'_>, name: &str, source: &str, module: Module) -> Module {
    let package = module.package.as_ref().map_or_else(String::new, |p| {
        let mut path = String::from("data");
        for segment in &p.path {
            path.push('.');
            path.push_str(&segment.text);
        }
        path
    });
    let file = FileCtx {
        name,
        source,
        index: LineIndex::new(source),
        package,
    };
    let Module {
        span,
        package,
        imports,
        items,
        comments,
    } = module;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Item::Rule(rule) => out.push(Item::Rule(rule)),
            Item::Risk(risk) => lower_risk(ctx, &file, &risk),
            Item::Control(decl) => {
                let index = ctx.next_control;
                ctx.next_control += 1;
                let (spec, generated) = control::lower_control(ctx, &file, &decl, index);
                out.extend(generated.into_iter().map(Item::Rule));
                if let Some(spec) = spec {
                    if let Some((_, first)) = ctx.controls.get(&spec.id) {
                        let first = *first;
                        let diagnostic = Diagnostic::new(
                            &codes::DUPLICATE_DECLARATION,
                            format!("control `{}` is declared more than once", spec.id),
                        )
                        .with_primary(decl.id.span, "declared again here")
                        .with_help("control ids are unique across all policy files");
                        let diagnostic = if first_in_same_file(ctx, &spec.id, name) {
                            diagnostic.with_secondary(first, "first declared here")
                        } else {
                            let at = ctx
                                .controls
                                .get(&spec.id)
                                .map(|(c, _)| c.location.to_string())
                                .unwrap_or_default();
                            diagnostic.with_help(format!("control ids are unique across all policy files; first declared at {at}"))
                        };
                        ctx.error(name, diagnostic);
                    } else {
                        ctx.controls.insert(spec.id.clone(), (spec, decl.id.span));
                    }
                }
            }
        }
    }
    Module {
        span,
        package,
        imports,
        items: out,
        comments,
    }
}

fn first_in_same_file(ctx: &LowerCtx<'_>, id: &str, file: &str) -> bool {
    ctx.controls
        .get(id)
        .is_some_and(|(spec, _)| spec.file == file)
}

fn lower_risk(ctx: &mut LowerCtx<'_>, file: &FileCtx<'_>, risk: &ast::RiskDecl) {
    let id = risk.id.text.clone();
    let well_formed = id.split_once('.').is_some_and(|(family, leaf)| {
        !family.is_empty()
            && !leaf.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
    });
    if !well_formed {
        ctx.error(
            file.name,
            Diagnostic::new(
                &codes::INVALID_CONTROL_FIELD_VALUE,
                format!("risk id `{id}` is not of the form `family.leaf`"),
            )
            .with_primary(risk.id.span, "expected e.g. `fairness.disparate_impact`")
            .with_help("risk ids are lower-case snake_case segments joined by `.`"),
        );
    }
    let mut strings: BTreeMap<&str, String> = BTreeMap::new();
    for field in &risk.fields {
        let name = field.name.text.as_str();
        if !super::schema::RISK_FIELDS.contains(&name) {
            unknown_field(
                ctx,
                file.name,
                &field.name,
                "risk",
                super::schema::RISK_FIELDS.iter().copied(),
            );
            continue;
        }
        let Some(value) = constant(ctx, file.name, field) else {
            continue;
        };
        if name == "references" {
            continue;
        }
        match value.as_str() {
            Some(text) => {
                strings.insert(name, text.to_owned());
            }
            None => wrong_type(ctx, file.name, &field.value, name, "a string", &value),
        }
    }
    for required in ["title", "family"] {
        if !risk.fields.iter().any(|f| f.name.text == required) {
            missing_field(ctx, file.name, risk.id.span, "risk", &id, required);
        }
    }
    if let Some((first_file, first)) = ctx.risk_spans.get(&id) {
        let mut diagnostic = Diagnostic::new(
            &codes::DUPLICATE_DECLARATION,
            format!("risk `{id}` is declared more than once"),
        )
        .with_primary(risk.id.span, "declared again here")
        .with_help("risk ids are unique across all policy files");
        if first_file == file.name {
            diagnostic = diagnostic.with_secondary(*first, "first declared here");
        } else if let Some(first) = ctx.risks.get(&id) {
            diagnostic = diagnostic.with_help(format!(
                "risk ids are unique across all policy files; first declared at {}",
                first.location
            ));
        }
        ctx.error(file.name, diagnostic);
        return;
    }
    ctx.risk_spans
        .insert(id.clone(), (file.name.to_owned(), risk.id.span));
    ctx.risks.insert(
        id.clone(),
        RiskSpec {
            id,
            title: strings.remove("title").unwrap_or_default(),
            family: strings.remove("family").unwrap_or_default(),
            description: strings.remove("description"),
            location: file.location(risk.span),
        },
    );
}

/// The constant value of a field, or E3008.
pub(crate) fn constant(
    ctx: &mut LowerCtx<'_>,
    file: &str,
    field: &ast::Field,
) -> Option<riskgate_engine::value::Value> {
    let value = riskgate_engine::compile::constant_value(&field.value);
    if value.is_none() {
        ctx.error(
            file,
            Diagnostic::new(
                &codes::NON_CONSTANT_CONTROL_FIELD,
                format!("field `{}` must be a constant", field.name.text),
            )
            .with_primary(field.value.span, "this is an expression")
            .with_help("risk and control fields are read at compile time; only requirement fields may depend on the manifest"),
        );
    }
    value
}

pub(crate) fn unknown_field<'a>(
    ctx: &mut LowerCtx<'_>,
    file: &str,
    name: &ast::Name,
    what: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) {
    let mut diagnostic = Diagnostic::new(
        &codes::UNKNOWN_CONTROL_FIELD,
        format!("unknown field `{}` in {what}", name.text),
    )
    .with_primary(name.span, "not a field of this declaration");
    diagnostic = match riskgate_dsl::suggest::closest(&name.text, known.clone()) {
        Some(s) => diagnostic.with_help(format!("did you mean `{s}`?")),
        None => diagnostic.with_help(format!(
            "known fields: {}",
            known.collect::<Vec<_>>().join(", ")
        )),
    };
    ctx.error(file, diagnostic);
}

pub(crate) fn wrong_type(
    ctx: &mut LowerCtx<'_>,
    file: &str,
    expr: &Expr,
    field: &str,
    expected: &str,
    found: &riskgate_engine::value::Value,
) {
    ctx.error(
        file,
        Diagnostic::new(
            &codes::INVALID_CONTROL_FIELD_VALUE,
            format!(
                "field `{field}` must be {expected}, found {}",
                found.type_name()
            ),
        )
        .with_primary(expr.span, format!("expected {expected}")),
    );
}

pub(crate) fn missing_field(
    ctx: &mut LowerCtx<'_>,
    file: &str,
    span: Span,
    what: &str,
    id: &str,
    field: &str,
) {
    ctx.error(
        file,
        Diagnostic::new(
            &codes::MISSING_CONTROL_FIELD,
            format!("{what} `{id}` has no `{field}`"),
        )
        .with_primary(span, format!("add `{field}: ...`")),
    );
}

/// Reports a [`TypeError`] for a field.
pub(crate) fn type_error(
    ctx: &mut LowerCtx<'_>,
    file: &FileCtx<'_>,
    expr: &ast::Expr,
    field: &str,
    error: TypeError,
) {
    let diagnostic = match error {
        TypeError::Invalid(message, help) => {
            let d = Diagnostic::new(
                &codes::INVALID_CONTROL_FIELD_VALUE,
                format!("invalid `{field}`: {message}"),
            )
            .with_primary(expr.span, "");
            match help {
                Some(help) => d.with_help(help),
                None => d,
            }
        }
        TypeError::UnknownRole(role) => {
            let span = string_span(expr, &role).unwrap_or(expr.span);
            let d = Diagnostic::new(&codes::UNKNOWN_ROLE, format!("unknown role `{role}`"))
                .with_primary(span, "not in the role vocabulary");
            match riskgate_dsl::suggest::closest(&role, ctx.roles.iter().map(String::as_str)) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help("add organisation roles with `data.riskgate.config.roles`"),
            }
        }
    };
    ctx.error(file.name, diagnostic);
}

/// The span of the string literal `text` inside an array/set expression.
pub(crate) fn string_span(expr: &ast::Expr, text: &str) -> Option<riskgate_dsl::Span> {
    let items = match &expr.kind {
        ast::ExprKind::Array(items) | ast::ExprKind::Set(items) => items,
        _ => return None,
    };
    items
        .iter()
        .find(|item| matches!(&item.kind, ast::ExprKind::String(s) if s.value == text))
        .map(|item| item.span)
}

/// A generated complete rule `name := value` (or `name if body` when
/// `value` is `None`), spanning `span`.
pub(crate) fn generated_rule(
    name: String,
    span: Span,
    value: Option<Expr>,
    body: Option<ast::Body>,
) -> ast::Rule {
    let rule_name = ast::Name {
        span,
        text: name,
        quoted: false,
    };
    ast::Rule {
        span,
        is_default: false,
        head: ast::RuleHead {
            span,
            reference: ast::RuleRef {
                span,
                name: rule_name,
                path: Vec::new(),
            },
            args: None,
            value: value.map(|value| ast::HeadValue {
                op: ast::AssignOp::Assign,
                value,
            }),
            contains: None,
        },
        body,
        else_chain: Vec::new(),
    }
}
