//! The spanned syntax tree of a policy module.
//!
//! Invariant: every node carries the byte [`Span`] of the source text it was
//! parsed from; spans of children lie inside the span of their parent.
//! The tree is syntax, not semantics: it keeps parentheses, raw-vs-quoted
//! strings and number spellings so the formatter can reproduce them, and it
//! records rule heads as written (the engine decides what kind of rule a
//! head defines).

use crate::span::Span;

pub mod spans;
pub mod walk;

/// A parsed `.rego` or `.gate` file.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// The whole file.
    pub span: Span,
    /// The `package` clause; `None` only when the file has a syntax error.
    pub package: Option<Package>,
    /// `import` clauses in source order.
    pub imports: Vec<Import>,
    /// Rules and declarations in source order.
    pub items: Vec<Item>,
    /// Every comment in the file, in source order.
    pub comments: Vec<Comment>,
}

/// A `# ...` comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// From the `#` to the end of the line (newline excluded).
    pub span: Span,
    /// The text after `#`, as written.
    pub text: String,
}

/// An identifier or a path segment, with its text.
///
/// In paths such as `package a["b c"]` a segment written as a string keeps
/// the decoded string as its text and `quoted` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// Where the name is written.
    pub span: Span,
    /// The name itself.
    pub text: String,
    /// Whether it was written as a quoted string (`["b c"]`).
    pub quoted: bool,
}

/// `package a.b.c`.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    /// The whole clause.
    pub span: Span,
    /// Path segments after `package` (without the implicit `data`).
    pub path: Vec<Name>,
}

/// `import data.x.y as z`.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    /// The whole clause.
    pub span: Span,
    /// The imported path, starting with its root (`data`, `input`,
    /// `future` or `rego`).
    pub path: Vec<Name>,
    /// The `as` alias, if any.
    pub alias: Option<Name>,
}

/// A top-level item of a module.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "items live in one Vec per module; boxing would cost an allocation per rule for little memory"
)]
pub enum Item {
    /// A Rego rule (complete, partial, function or default).
    Rule(Rule),
    /// A `risk "id" { ... }` declaration (`.gate` files only).
    Risk(RiskDecl),
    /// A `control "id" { ... }` declaration (`.gate` files only).
    Control(ControlDecl),
}

impl Item {
    /// The span of the item.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            Item::Rule(rule) => rule.span,
            Item::Risk(risk) => risk.span,
            Item::Control(control) => control.span,
        }
    }
}

/// A rule: `[default] head [if body] [else ...]*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The whole rule including its `else` chain.
    pub span: Span,
    /// Written with the `default` keyword.
    pub is_default: bool,
    /// What the rule defines.
    pub head: RuleHead,
    /// The body; `None` for rules without one (`p := 1`, defaults).
    pub body: Option<Body>,
    /// `else` clauses in order.
    pub else_chain: Vec<ElseClause>,
}

/// The head of a rule, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleHead {
    /// From the rule name to the end of the value (or `contains` term).
    pub span: Span,
    /// The rule reference: `p`, `p.q`, `p[x]`, `a.b["c"][k]`.
    pub reference: RuleRef,
    /// Function arguments; `Some` for functions (`f(x, y)`).
    pub args: Option<Vec<Expr>>,
    /// `:= value` or `= value`.
    pub value: Option<HeadValue>,
    /// The term after `contains` (partial set rules). In v0-compatible
    /// mode `p[x] { ... }` is read as `p contains x`.
    pub contains: Option<Expr>,
}

/// The reference a rule head defines: a name and optional path.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleRef {
    /// The whole reference.
    pub span: Span,
    /// The first segment (`p` in `p.q[r]`).
    pub name: Name,
    /// The remaining segments.
    pub path: Vec<RefArg>,
}

/// `:= expr` or `= expr` in a head or `else`.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadValue {
    /// Which operator was written.
    pub op: AssignOp,
    /// The value expression.
    pub value: Expr,
}

/// `else [:= value] [if body]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ElseClause {
    /// From `else` to the end of the clause.
    pub span: Span,
    /// The value; `None` means `true`.
    pub value: Option<HeadValue>,
    /// The body; `None` for a final unconditional `else`.
    pub body: Option<Body>,
}

/// A query: literals that must all hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// From `{` to `}`, or the single literal after `if`.
    pub span: Span,
    /// The literals in order.
    pub literals: Vec<Literal>,
    /// Written with braces (`if { ... }`) rather than as `if expr`.
    pub braced: bool,
}

/// One statement of a body, with its `with` modifiers.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    /// The whole literal including modifiers.
    pub span: Span,
    /// The statement.
    pub kind: LiteralKind,
    /// `with target as value` modifiers in order.
    pub with: Vec<WithModifier>,
}

/// The kinds of statement allowed in a body.
#[derive(Debug, Clone, PartialEq)]
pub enum LiteralKind {
    /// An expression, e.g. `x > 1`, `y := f(x)`, `input.a[i] = b`.
    Expr(Expr),
    /// `not expr`.
    Not(Expr),
    /// `some x, y`: declares local variables.
    SomeVars(Vec<Name>),
    /// `some value in collection` or `some key, value in collection`.
    SomeIn {
        /// The key pattern, when two terms are given.
        key: Option<Expr>,
        /// The value pattern.
        value: Expr,
        /// The collection iterated.
        collection: Expr,
    },
    /// `every [key,] value in domain { body }`.
    Every {
        /// The key variable, when two are given.
        key: Option<Name>,
        /// The value variable.
        value: Name,
        /// The collection iterated.
        domain: Expr,
        /// The body that must hold for every element.
        body: Body,
    },
}

/// `with target as value`.
#[derive(Debug, Clone, PartialEq)]
pub struct WithModifier {
    /// From `with` to the end of the value.
    pub span: Span,
    /// What is replaced: `input...`, `data...` or a function/builtin name.
    pub target: Expr,
    /// The replacement.
    pub value: Expr,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// The source range of the whole expression.
    pub span: Span,
    /// What the expression is.
    pub kind: ExprKind,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, spelled as in the source (e.g. `1e3`, `-0.5`); a unary
    /// minus written directly before a number literal is folded in.
    Number(String),
    /// A string literal.
    String(StringLit),
    /// A template string: `$"...{expr}..."` or ``$`...{expr}...` ``.
    Template(TemplateString),
    /// A variable (or the root of a reference such as `input`).
    Var(String),
    /// A reference: `head.a[b]...`.
    Ref {
        /// What the reference starts from: a variable, a call, or a
        /// composite literal.
        head: Box<Expr>,
        /// The path segments, at least one.
        path: Vec<RefArg>,
    },
    /// A function call: `f(x)`, `data.lib.f(x)`, `time.now_ns()`.
    Call {
        /// The called function's dotted name.
        func: Vec<Name>,
        /// Arguments in order.
        args: Vec<Expr>,
    },
    /// `[a, b]`.
    Array(Vec<Expr>),
    /// `{a, b}` (the empty set is written `set()`, a call).
    Set(Vec<Expr>),
    /// `{k: v, ...}`.
    Object(Vec<(Expr, Expr)>),
    /// `[term | body]`.
    ArrayCompr {
        /// The produced element.
        term: Box<Expr>,
        /// The query.
        body: Body,
    },
    /// `{term | body}`.
    SetCompr {
        /// The produced element.
        term: Box<Expr>,
        /// The query.
        body: Body,
    },
    /// `{key: value | body}`.
    ObjectCompr {
        /// The produced key.
        key: Box<Expr>,
        /// The produced value.
        value: Box<Expr>,
        /// The query.
        body: Body,
    },
    /// `(expr)`, kept so the formatter can reproduce it.
    Paren(Box<Expr>),
    /// Unary minus on a non-literal, `-x`.
    Neg(Box<Expr>),
    /// An infix operator.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `value in collection` or `key, value in collection`.
    Membership {
        /// The key, for the two-term form.
        key: Option<Box<Expr>>,
        /// The value.
        value: Box<Expr>,
        /// The collection.
        collection: Box<Expr>,
    },
    /// `lhs := rhs` or `lhs = rhs`; only at the top of a literal.
    Assign {
        /// The operator.
        op: AssignOp,
        /// Left side.
        lhs: Box<Expr>,
        /// Right side.
        rhs: Box<Expr>,
    },
}

/// A segment of a reference path.
#[derive(Debug, Clone, PartialEq)]
pub enum RefArg {
    /// `.name` (any identifier, keywords included).
    Dot(Name),
    /// `[expr]`; the span of the expression excludes the brackets.
    Bracket(Expr),
}

impl RefArg {
    /// The span of the segment's content.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            RefArg::Dot(name) => name.span,
            RefArg::Bracket(expr) => expr.span,
        }
    }
}

/// A decoded string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringLit {
    /// The string's value after escape processing.
    pub value: String,
    /// Written as a raw (backtick) string.
    pub raw: bool,
}

/// A template string and its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateString {
    /// Text and expression parts in order.
    pub parts: Vec<TemplatePart>,
    /// Written with backticks.
    pub raw: bool,
}

/// A part of a template string.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Literal text (escapes decoded).
    Text(String),
    /// An interpolated `{expr}`, optionally with `with` modifiers.
    Expr {
        /// The interpolated expression.
        expr: Expr,
        /// `with` modifiers applied while evaluating it.
        with: Vec<WithModifier>,
    },
}

/// Infix operators, from lowest to highest precedence group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `==`
    Eq,
    /// `!=`
    Neq,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `|` (set union)
    Or,
    /// `&` (set intersection)
    And,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

impl BinOp {
    /// The operator as written.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            BinOp::Eq => "==",
            BinOp::Neq => "!=",
            BinOp::Lt => "<",
            BinOp::Lte => "<=",
            BinOp::Gt => ">",
            BinOp::Gte => ">=",
            BinOp::Or => "|",
            BinOp::And => "&",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
        }
    }

    /// Binding strength: higher binds tighter. Membership (`in`) is 0.
    #[must_use]
    pub const fn precedence(self) -> u8 {
        match self {
            BinOp::Eq | BinOp::Neq | BinOp::Lt | BinOp::Lte | BinOp::Gt | BinOp::Gte => 1,
            BinOp::Or => 2,
            BinOp::And => 3,
            BinOp::Add | BinOp::Sub => 4,
            BinOp::Mul | BinOp::Div | BinOp::Rem => 5,
        }
    }

    /// The OPA builtin this operator calls (`plus`, `equal`, ...).
    #[must_use]
    pub const fn builtin_name(self) -> &'static str {
        match self {
            BinOp::Eq => "equal",
            BinOp::Neq => "neq",
            BinOp::Lt => "lt",
            BinOp::Lte => "lte",
            BinOp::Gt => "gt",
            BinOp::Gte => "gte",
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Add => "plus",
            BinOp::Sub => "minus",
            BinOp::Mul => "mul",
            BinOp::Div => "div",
            BinOp::Rem => "rem",
        }
    }
}

/// `:=` (declare and assign) or `=` (unify).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignOp {
    /// `:=`
    Assign,
    /// `=`
    Unify,
}

impl AssignOp {
    /// The operator as written.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            AssignOp::Assign => ":=",
            AssignOp::Unify => "=",
        }
    }
}

/// `risk "family.leaf" { field: value ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskDecl {
    /// The whole declaration.
    pub span: Span,
    /// The risk id (the string literal; its span includes the quotes).
    pub id: Name,
    /// Fields in source order.
    pub fields: Vec<Field>,
}

/// `control "C-XXX-01" { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlDecl {
    /// The whole declaration.
    pub span: Span,
    /// The control id (the string literal; its span includes the quotes).
    pub id: Name,
    /// Fields, `applies` blocks, requirements and rules in source order.
    pub members: Vec<ControlMember>,
}

/// A member of a control declaration.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "members live in one Vec per control"
)]
pub enum ControlMember {
    /// `name: value`.
    Field(Field),
    /// `applies if { ... }`.
    Applies(Applies),
    /// `require kind "id" { ... }`.
    Require(Requirement),
    /// A rule scoped to the control, e.g. `violation contains msg if { ... }`.
    Rule(Rule),
}

/// `name: value` inside a declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// From the name to the end of the value.
    pub span: Span,
    /// The field name.
    pub name: Name,
    /// The value (any expression).
    pub value: Expr,
}

/// `applies if { ... }`: when the control is in scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Applies {
    /// The whole block.
    pub span: Span,
    /// The condition.
    pub body: Body,
}

/// `require kind "id" { field: value ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The whole block.
    pub span: Span,
    /// The requirement kind.
    pub kind: RequirementKind,
    /// Where the kind keyword is written.
    pub kind_span: Span,
    /// The requirement id (span includes the quotes).
    pub id: Name,
    /// Fields in source order.
    pub fields: Vec<Field>,
}

/// The kinds of structured requirement a control can state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RequirementKind {
    /// A metric reported by, or derived from, the release.
    Test,
    /// A production monitor.
    Monitor,
    /// A sign-off by people in given roles.
    Approval,
    /// A governance document.
    Document,
    /// A required manifest field, optionally with a predicate.
    Field,
}

impl RequirementKind {
    /// Every kind, in declaration order.
    pub const ALL: [RequirementKind; 5] = [
        RequirementKind::Test,
        RequirementKind::Monitor,
        RequirementKind::Approval,
        RequirementKind::Document,
        RequirementKind::Field,
    ];

    /// The keyword as written after `require`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            RequirementKind::Test => "test",
            RequirementKind::Monitor => "monitor",
            RequirementKind::Approval => "approval",
            RequirementKind::Document => "document",
            RequirementKind::Field => "field",
        }
    }

    /// Parses the keyword written after `require`.
    #[must_use]
    pub fn from_keyword(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == word)
    }
}
