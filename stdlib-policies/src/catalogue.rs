//! The standard library read back as documentation: risks, controls, their
//! fields, `applies` alternatives and requirements, parsed from the `.gate`
//! sources into a small model ([`Stdlib`]) and rendered as Markdown
//! ([`render`]). Used by `riskgate explain C-FAIR-01`, and by `cargo xtask`
//! for `docs/catalogue.md` and the consistency check with the catalogue.

pub mod render;

use riskgate_dsl::ast::{
    ControlMember, Expr, ExprKind, Item, LiteralKind, Requirement, RequirementKind,
};
use riskgate_dsl::{Dialect, ParseOptions, parse_module};

/// A constant value, or the source text of an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// `null`
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Lit>),
    /// A set.
    Set(Vec<Lit>),
    /// An object with string keys, in source order.
    Object(Vec<(String, Lit)>),
    /// Not a constant: the expression as written.
    Expr(String),
}

impl Lit {
    /// The string, when this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Lit::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Strings of an array or set.
    #[must_use]
    pub fn strings(&self) -> Vec<String> {
        match self {
            Lit::Array(items) | Lit::Set(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// An object's entry.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Lit> {
        match self {
            Lit::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A compact, Rego-like rendering for docs and messages.
    #[must_use]
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

/// A `risk` declaration.
#[derive(Debug, Clone)]
pub struct GateRisk {
    /// `family.leaf`.
    pub id: String,
    /// One line.
    pub title: String,
    /// Its family.
    pub family: String,
    /// What the risk is.
    pub description: String,
}

/// One `applies if` alternative: recognised conditions, plus any literal
/// that is not one of the library's scope helpers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppliesAlt {
    /// `lib.tier_in([...])`.
    pub tiers: Vec<String>,
    /// `lib.kind_in([...])`.
    pub model_kinds: Vec<String>,
    /// `lib.flags_any([...])`.
    pub flags_any: Vec<String>,
    /// Any other condition, as written.
    pub other: Vec<String>,
}

/// A `require` block.
#[derive(Debug, Clone)]
pub struct GateRequirement {
    /// `test`, `monitor`, ...
    pub kind: RequirementKind,
    /// Its id.
    pub id: String,
    /// Fields in source order.
    pub fields: Vec<(String, Lit)>,
}

impl GateRequirement {
    /// A field's value.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<&Lit> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// A `control` declaration.
#[derive(Debug, Clone)]
pub struct GateControl {
    /// e.g. `C-FAIR-01`.
    pub id: String,
    /// The file it is declared in, e.g. `fairness.gate`.
    pub file: String,
    /// Fields in source order.
    pub fields: Vec<(String, Lit)>,
    /// `applies if` alternatives (empty: always applies).
    pub applies: Vec<AppliesAlt>,
    /// `require` blocks in source order.
    pub requirements: Vec<GateRequirement>,
    /// How many `violation` rules it has.
    pub violation_rules: usize,
}

impl GateControl {
    /// A field's value.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<&Lit> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// A string field, or `""`.
    #[must_use]
    pub fn str_field(&self, name: &str) -> String {
        self.field(name)
            .and_then(Lit::as_str)
            .unwrap_or_default()
            .to_owned()
    }
}

/// Every risk and control of a set of `.gate` files.
#[derive(Debug, Default)]
pub struct Stdlib {
    /// Family name and description, from the `families` rule of the taxonomy.
    pub families: Vec<(String, String)>,
    /// Risks in source order.
    pub risks: Vec<GateRisk>,
    /// Controls in source order.
    pub controls: Vec<GateControl>,
}

/// A `.gate` source that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub file: String,
    /// How many diagnostics, and the first.
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for LoadError {}

/// Reads `.gate` sources (`(file name, text)`, other files are skipped) in
/// the order given.
///
/// # Errors
/// A source with any diagnostic.
pub fn load<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Stdlib, LoadError> {
    let mut stdlib = Stdlib::default();
    for (name, source) in files {
        if name.ends_with(".gate") {
            load_source(name, source, &mut stdlib)?;
        }
    }
    Ok(stdlib)
}

/// The embedded standard library ([`crate::POLICY_FILES`]).
///
/// # Errors
/// Only if an embedded file does not parse (a test guards against it).
pub fn embedded() -> Result<Stdlib, LoadError> {
    load(
        crate::POLICY_FILES
            .iter()
            .map(|f| (f.path.strip_prefix("stdlib/").unwrap_or(f.path), f.source)),
    )
}

impl Stdlib {
    /// The control with this id (any case) or `name`.
    #[must_use]
    pub fn control(&self, key: &str) -> Option<&GateControl> {
        self.controls
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(key) || c.str_field("name") == key)
    }

    /// The risk with this id.
    #[must_use]
    pub fn risk(&self, id: &str) -> Option<&GateRisk> {
        self.risks.iter().find(|r| r.id == id)
    }
}

fn load_source(file: &str, source: &str, stdlib: &mut Stdlib) -> Result<(), LoadError> {
    let parsed = parse_module(source, ParseOptions::new(Dialect::Gate));
    if let Some(first) = parsed.diagnostics.first() {
        return Err(LoadError {
            file: file.to_owned(),
            message: format!(
                "{} diagnostic(s), the first: {}",
                parsed.diagnostics.len(),
                first.message()
            ),
        });
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

/// `lib.<name>(args)` calls: the helper name and its arguments.
#[must_use]
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
#[must_use]
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn the_embedded_library_reads_back_with_every_control_and_risk() {
        let stdlib = super::embedded().unwrap();
        assert_eq!(stdlib.controls.len(), 56);
        assert_eq!(stdlib.risks.len(), 42);
        assert_eq!(stdlib.families.len(), 10);
        let control = stdlib.control("c-fair-01").unwrap();
        assert_eq!(control.id, "C-FAIR-01");
        assert_eq!(control.file, "fairness.gate");
        assert!(std::ptr::eq(
            control,
            stdlib.control("adverse-impact-ratio").unwrap()
        ));
        let risk = stdlib.risk("fairness.disparate_impact").unwrap();
        let by: Vec<&str> = super::render::mitigated_by(&stdlib, &risk.id)
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert!(by.contains(&"C-FAIR-01"), "{by:?}");
        assert!(stdlib.control("C-NOPE-01").is_none());
    }

    #[test]
    fn a_source_that_does_not_parse_is_an_error_naming_the_file() {
        let error = super::load([("bad.gate", "control {")]).unwrap_err();
        assert_eq!(error.file, "bad.gate");
        assert!(error.to_string().starts_with("bad.gate: "), "{error}");
    }
}
