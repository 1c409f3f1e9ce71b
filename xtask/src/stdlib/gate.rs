//! Reads the stdlib `.gate` files back into a small model: risks, controls,
//! their fields, `applies` alternatives and requirements. Used by the
//! consistency check and the catalogue docs.

use std::path::Path;

use anyhow::{Context, Result, bail};
use riskgate_dsl::ast::{
    ControlMember, Expr, ExprKind, Item, LiteralKind, Requirement, RequirementKind,
};
use riskgate_dsl::{Dialect, ParseOptions, parse_module};

/// A constant value, or the source text of an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Array(Vec<Lit>),
    Set(Vec<Lit>),
    Object(Vec<(String, Lit)>),
    /// Not a constant: the expression as written.
    Expr(String),
}

impl Lit {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Lit::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Strings of an array or set.
    pub fn strings(&self) -> Vec<String> {
        match self {
            Lit::Array(items) | Lit::Set(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Lit> {
        match self {
            Lit::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A compact, Rego-like rendering for docs and messages.
    pub fn render(&self) -> String {
        match self {
            Lit::Null => "null".to_owned(),
            Lit::Bool(b) => b.to_string(),
            Lit::Num(n) => format!("{n}"),
            Lit::Str(s) => format!("\"{s}\""),
            Lit::Array(items) => {
                let parts: Vec<String> = items.iter().map(Lit::render).collect();
                format!("[{}]", parts.join(", "))
            }
            Lit::Set(items) => {
                let parts: Vec<String> = items.iter().map(Lit::render).collect();
                format!("{{{}}}", parts.join(", "))
            }
            Lit::Object(entries) => {
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("\"{k}\": {}", v.render()))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            Lit::Expr(text) => text.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct GateRisk {
    pub id: String,
    pub title: String,
    pub family: String,
    pub description: String,
}

/// One `applies if` alternative: recognised conditions, plus any literal
/// that is not one of the library's scope helpers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppliesAlt {
    pub tiers: Vec<String>,
    pub model_kinds: Vec<String>,
    pub flags_any: Vec<String>,
    pub other: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct GateRequirement {
    pub kind: RequirementKind,
    pub id: String,
    pub fields: Vec<(String, Lit)>,
}

impl GateRequirement {
    pub fn field(&self, name: &str) -> Option<&Lit> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

#[derive(Debug, Clone)]
pub struct GateControl {
    pub id: String,
    pub file: String,
    pub fields: Vec<(String, Lit)>,
    pub applies: Vec<AppliesAlt>,
    pub requirements: Vec<GateRequirement>,
    pub violation_rules: usize,
}

impl GateControl {
    pub fn field(&self, name: &str) -> Option<&Lit> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn str_field(&self, name: &str) -> String {
        self.field(name)
            .and_then(Lit::as_str)
            .unwrap_or_default()
            .to_owned()
    }
}

#[derive(Debug, Default)]
pub struct Stdlib {
    /// Family name and description, from the `families` rule of the taxonomy.
    pub families: Vec<(String, String)>,
    pub risks: Vec<GateRisk>,
    pub controls: Vec<GateControl>,
}

/// Parses every `.gate` file of `dir` (sorted by name). Any diagnostic is an
/// error.
pub fn load(dir: &Path) -> Result<Stdlib> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".gate"))
        .collect();
    names.sort();
    let mut stdlib = Stdlib::default();
    for name in names {
        let source = std::fs::read_to_string(dir.join(&name))?;
        load_source(&name, &source, &mut stdlib)?;
    }
    Ok(stdlib)
}

fn load_source(file: &str, source: &str, stdlib: &mut Stdlib) -> Result<()> {
    let parsed = parse_module(source, ParseOptions::new(Dialect::Gate));
    if !parsed.diagnostics.is_empty() {
        bail!(
            "{file}: {} diagnostic(s): {:?}",
            parsed.diagnostics.len(),
            parsed.diagnostics
        );
    }
    for item in &parsed.module.items {
        match item {
            Item::Risk(risk) => {
                let fields: Vec<(String, Lit)> = risk
                    .fields
                    .iter()
                    .map(|f| (f.name.text.clone(), lit(&f.value, source)))
                    .collect();
                let get = |k: &str| {
                    fields
                        .iter()
                        .find(|(n, _)| n == k)
                        .and_then(|(_, v)| v.as_str())
                        .unwrap_or_default()
                        .to_owned()
                };
                stdlib.risks.push(GateRisk {
                    id: risk.id.text.clone(),
                    title: get("title"),
                    family: get("family"),
                    description: get("description"),
                });
            }
            Item::Control(control) => {
                let mut out = GateControl {
                    id: control.id.text.clone(),
                    file: file.to_owned(),
                    fields: Vec::new(),
                    applies: Vec::new(),
                    requirements: Vec::new(),
                    violation_rules: 0,
                };
                for member in &control.members {
                    match member {
                        ControlMember::Field(f) => {
                            out.fields
                                .push((f.name.text.clone(), lit(&f.value, source)));
                        }
                        ControlMember::Applies(applies) => {
                            let mut alt = AppliesAlt::default();
                            for literal in &applies.body.literals {
                                applies_literal(
                                    &literal.kind,
                                    literal.span.text(source),
                                    source,
                                    &mut alt,
                                );
                            }
                            out.applies.push(alt);
                        }
                        ControlMember::Require(req) => {
                            out.requirements.push(requirement(req, source))
                        }
                        ControlMember::Rule(_) => out.violation_rules += 1,
                    }
                }
                stdlib.controls.push(out);
            }
            Item::Rule(rule) => {
                if rule.head.reference.name.text == "families"
                    && let Some(value) = &rule.head.value
                    && let Lit::Object(entries) = lit(&value.value, source)
                {
                    for (name, description) in entries {
                        let description = description.as_str().unwrap_or_default().to_owned();
                        stdlib.families.push((name, description));
                    }
                }
            }
        }
    }
    Ok(())
}

fn requirement(req: &Requirement, source: &str) -> GateRequirement {
    GateRequirement {
        kind: req.kind,
        id: req.id.text.clone(),
        fields: req
            .fields
            .iter()
            .map(|f| (f.name.text.clone(), lit(&f.value, source)))
            .collect(),
    }
}

/// `lib.<name>(arg)` calls: the helper name and its single argument.
pub fn lib_call(expr: &Expr) -> Option<(&str, &[Expr])> {
    match &expr.kind {
        ExprKind::Call { func, args } if func.len() == 2 && func.first()?.text == "lib" => {
            Some((func.get(1)?.text.as_str(), args.as_slice()))
        }
        _ => None,
    }
}

fn applies_literal(kind: &LiteralKind, text: &str, source: &str, alt: &mut AppliesAlt) {
    if let LiteralKind::Expr(expr) = kind
        && let Some((name, [arg])) = lib_call(expr)
    {
        let values = lit(arg, source).strings();
        match name {
            "tier_in" => return alt.tiers = values,
            "kind_in" => return alt.model_kinds = values,
            "flags_any" => return alt.flags_any = values,
            _ => {}
        }
    }
    alt.other.push(text.to_owned());
}

/// A constant when the expression is one, else its source text.
pub fn lit(expr: &Expr, source: &str) -> Lit {
    constant(expr).unwrap_or_else(|| Lit::Expr(expr.span.text(source).to_owned()))
}

fn constant(expr: &Expr) -> Option<Lit> {
    Some(match &expr.kind {
        ExprKind::Null => Lit::Null,
        ExprKind::Bool(b) => Lit::Bool(*b),
        ExprKind::Number(n) => Lit::Num(n.parse().ok()?),
        ExprKind::String(s) => Lit::Str(s.value.clone()),
        ExprKind::Array(items) => Lit::Array(items.iter().map(constant).collect::<Option<_>>()?),
        ExprKind::Set(items) => Lit::Set(items.iter().map(constant).collect::<Option<_>>()?),
        ExprKind::Object(entries) => Lit::Object(
            entries
                .iter()
                .map(|(k, v)| match (constant(k)?, constant(v)?) {
                    (Lit::Str(k), v) => Some((k, v)),
                    _ => None,
                })
                .collect::<Option<_>>()?,
        ),
        ExprKind::Paren(inner) => constant(inner)?,
        _ => return None,
    })
}
