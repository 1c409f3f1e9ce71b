//! The compiled form of policies that the evaluator walks.
//!
//! Names are resolved: local variables are frame slots, references to rules
//! and imports are absolute `data`/`input` paths, calls point at a builtin, a
//! user function path or an evaluator intrinsic. Every node keeps the
//! [`Loc`] of the policy text it came from so runtime errors point at it.

use std::sync::Arc;

use riskgate_dsl::Span;

use crate::builtins::Builtin;
use crate::value::Value;

/// A local variable: an index into the frame of the rule (or query) being
/// evaluated.
pub type Slot = u32;

/// Where a node was written: source file index and byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    /// Index into the policy's file table.
    pub file: u32,
    /// Byte span in that file.
    pub span: Span,
}

/// A term: something that evaluates to zero or more values.
#[derive(Debug, Clone)]
pub struct Term {
    /// What the term is.
    pub kind: TermKind,
    /// Where it was written.
    pub loc: Loc,
}

/// The kinds of term.
#[derive(Debug, Clone)]
pub enum TermKind {
    /// A constant value.
    Value(Value),
    /// A local variable.
    Var(Slot),
    /// A reference into `input`, `data` or a computed value.
    Ref {
        /// What the path starts from.
        head: RefHead,
        /// Path segments.
        path: Vec<Term>,
    },
    /// An array literal.
    Array(Vec<Term>),
    /// A set literal.
    Set(Vec<Term>),
    /// An object literal.
    Object(Vec<(Term, Term)>),
    /// A function or builtin call.
    Call(Box<Call>),
    /// `[term | body]`.
    ArrayCompr(Box<Term>, Box<Body>),
    /// `{term | body}`.
    SetCompr(Box<Term>, Box<Body>),
    /// `{key: value | body}`.
    ObjectCompr(Box<Term>, Box<Term>, Box<Body>),
    /// A template string.
    Template(Vec<TemplatePart>),
}

/// A part of a template string.
#[derive(Debug, Clone)]
pub enum TemplatePart {
    /// Literal text.
    Text(Arc<str>),
    /// An interpolated expression, evaluated under its `with` modifiers.
    Expr(Term, Vec<With>),
}

/// The start of a reference.
#[derive(Debug, Clone)]
pub enum RefHead {
    /// `input`.
    Input,
    /// `data`.
    Data,
    /// Any other term (a local variable, a call, a literal).
    Term(Box<Term>),
}

/// A call.
#[derive(Debug, Clone)]
pub struct Call {
    /// The full name as used for `with` mocking (`count`, `data.lib.f`).
    pub name: Arc<str>,
    /// What is called.
    pub target: Callee,
    /// Arguments; one more than the arity when the last is an output.
    pub args: Vec<Term>,
    /// The callee's number of parameters (`None` for variadic `print`).
    pub arity: Option<usize>,
}

/// What a call invokes.
#[derive(Debug, Clone)]
pub enum Callee {
    /// A registry builtin.
    Builtin(&'static Builtin),
    /// A user function at this `data` path.
    User(Arc<[Arc<str>]>),
    /// A builtin implemented by the evaluator.
    Intrinsic(Intrinsic),
    /// An OPA builtin riskgate does not provide (`http.send`), allowed only
    /// when some `with` replaces it; calling the original is an error.
    Unsupported {
        /// Its name.
        name: &'static str,
        /// Why it is not provided.
        reason: &'static str,
    },
}

/// Builtins that need the evaluator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intrinsic {
    /// `print(...)`.
    Print,
    /// `trace(note)`.
    Trace,
    /// `walk(x)` (a relation).
    Walk,
    /// `internal.member_2(x, coll)` / `x in coll`.
    Member2,
    /// `internal.member_3(k, v, coll)` / `k, v in coll`.
    Member3,
    /// `opa.runtime()`: riskgate has no runtime configuration to report,
    /// so it is the empty object (what OPA returns without one).
    OpaRuntime,
}

impl Intrinsic {
    /// Looks an intrinsic up by name; returns it with its arity
    /// (`None` arity means variadic).
    #[must_use]
    pub fn lookup(name: &str) -> Option<(Intrinsic, Option<usize>)> {
        Some(match name {
            "print" => (Intrinsic::Print, None),
            "trace" => (Intrinsic::Trace, Some(1)),
            "walk" => (Intrinsic::Walk, Some(1)),
            "internal.member_2" => (Intrinsic::Member2, Some(2)),
            "internal.member_3" => (Intrinsic::Member3, Some(3)),
            "opa.runtime" => (Intrinsic::OpaRuntime, Some(0)),
            _ => return None,
        })
    }
}

/// A query: literals evaluated in order (already reordered for safety).
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// The literals.
    pub literals: Vec<Literal>,
    /// Slots declared inside this body (including nested bodies).
    pub locals: Vec<Slot>,
    /// Where it was written.
    pub loc: Loc,
}

/// One statement of a body.
#[derive(Debug, Clone)]
pub struct Literal {
    /// The statement.
    pub kind: LiteralKind,
    /// `with` modifiers.
    pub with: Vec<With>,
    /// Where it was written.
    pub loc: Loc,
}

/// The kinds of statement.
#[derive(Debug, Clone)]
pub enum LiteralKind {
    /// Holds when the term is defined and not `false`.
    Expr(Term),
    /// Unification `a = b` or assignment `a := b`.
    Unify(Term, Term),
    /// `not ...`.
    Not(Box<LiteralKind>),
    /// `some [key,] value in collection`.
    SomeIn {
        /// Key pattern.
        key: Option<Term>,
        /// Value pattern.
        value: Term,
        /// The collection.
        collection: Term,
    },
    /// `every [key,] value in domain { body }`.
    Every {
        /// Key variable.
        key: Option<Slot>,
        /// Value variable.
        value: Slot,
        /// The domain.
        domain: Term,
        /// The body.
        body: Box<Body>,
    },
    /// Always true (`some x` declarations compile to this).
    True,
}

/// `with target as value`.
#[derive(Debug, Clone)]
pub struct With {
    /// What is replaced.
    pub target: WithTarget,
    /// The replacement.
    pub value: WithValue,
    /// Where it was written.
    pub loc: Loc,
}

/// The replacement in a `with` modifier.
#[derive(Debug, Clone)]
pub enum WithValue {
    /// A value (for documents, or a constant function result).
    Term(Term),
    /// Another function or builtin (function mocking).
    Function(Callee),
}

/// The target of a `with` modifier.
#[derive(Debug, Clone)]
pub enum WithTarget {
    /// `input` or a path below it.
    Input(Vec<Arc<str>>),
    /// `data` path (base or virtual document).
    Data(Vec<Arc<str>>),
    /// A function or builtin, by its call name.
    Function(Arc<str>),
}

/// A compiled rule definition (one `head if body` with its `else` chain).
#[derive(Debug, Clone)]
pub struct RuleDef {
    /// Number of frame slots the rule needs.
    pub slots: u32,
    /// Function argument patterns (empty for non-functions).
    pub args: Vec<Term>,
    /// Dynamic key path below the rule's static prefix.
    pub keys: Vec<Term>,
    /// What the rule produces.
    pub kind: RuleKind,
    /// Value (or set element) term.
    pub value: Term,
    /// The body (empty for unconditional rules).
    pub body: Body,
    /// `else` clauses: value and body.
    pub else_chain: Vec<(Term, Body)>,
    /// Where the rule is written.
    pub loc: Loc,
    /// Slot → variable name (for traces).
    pub names: Arc<[String]>,
}

/// What a rule contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// One value (complete rule, function, or object member with keys).
    Value,
    /// A set element (`contains`).
    SetElement,
}

/// All definitions at one static `data` path.
#[derive(Debug, Clone, Default)]
pub struct RuleGroup {
    /// Absolute path below `data`.
    pub path: Vec<Arc<str>>,
    /// Definitions in source order.
    pub defs: Vec<RuleDef>,
    /// The `default` definition, if any.
    pub default: Option<RuleDef>,
    /// Function arity, for functions.
    pub arity: Option<usize>,
}

/// Index of a node in the rule tree.
pub type NodeId = usize;

/// The tree of packages and rules under `data`.
#[derive(Debug, Clone)]
pub struct Tree {
    /// Nodes; index 0 is `data` itself.
    pub nodes: Vec<Node>,
}

/// One path under `data` that has rules at or below it.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Absolute path below `data`.
    pub path: Vec<Arc<str>>,
    /// Child nodes by key.
    pub children: std::collections::BTreeMap<Arc<str>, NodeId>,
    /// Rules whose static prefix is exactly this path.
    pub group: Option<RuleGroup>,
}

impl Default for Tree {
    fn default() -> Self {
        Self {
            nodes: vec![Node::default()],
        }
    }
}

impl Tree {
    /// The node at `path`, if any.
    #[must_use]
    pub fn find(&self, path: &[Arc<str>]) -> Option<NodeId> {
        let mut id = 0;
        for key in path {
            id = *self.nodes.get(id)?.children.get(key)?;
        }
        Some(id)
    }

    /// The node at `path`, created with its ancestors when missing.
    pub fn ensure(&mut self, path: &[Arc<str>]) -> NodeId {
        let mut id = 0;
        for (depth, key) in path.iter().enumerate() {
            let existing = self
                .nodes
                .get(id)
                .and_then(|n| n.children.get(key))
                .copied();
            id = match existing {
                Some(child) => child,
                None => {
                    let child = self.nodes.len();
                    self.nodes.push(Node {
                        path: path.iter().take(depth + 1).cloned().collect(),
                        ..Node::default()
                    });
                    if let Some(node) = self.nodes.get_mut(id) {
                        node.children.insert(key.clone(), child);
                    }
                    child
                }
            };
        }
        id
    }

    /// The node with this id.
    #[must_use]
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }
}

/// A rule path as written in messages (`data.x.allow` without `data.`).
pub(crate) fn join_path(path: &[Arc<str>]) -> String {
    path.iter().map(|s| &**s).collect::<Vec<_>>().join(".")
}
