//! Builtin functions, split by OPA category (one module per category).
//!
//! Each category module exposes `pub(crate) const BUILTINS: &[Builtin]`;
//! [`lookup`] searches them all. Builtins are pure functions of their
//! arguments and the [`BuiltinContext`]; the clock is the evaluation clock,
//! never the wall clock.
//!
//! Builtins that need the evaluator (`print`, `trace`, `walk`, `internal.*`
//! membership helpers) are implemented there, not here.

use crate::value::Value;

mod aggregates;
mod arrays;
mod bits;
mod comparison;
mod conversions;
mod crypto;
mod encoding;
mod glob;
mod graph;
#[cfg(feature = "graphql")]
mod graphql;
mod http;
mod jsonpatch;
#[cfg(feature = "jsonschema")]
mod jsonschema;
mod jwt;
mod net;
mod numbers;
mod objects;
mod operands;
mod providers;
mod rand;
mod regex;
mod rego;
mod results;
mod semver;
mod sets;
mod sprintf;
mod strings;
mod template;
#[cfg(test)]
mod testing;
mod time;
mod types;
mod units;
mod uuid;
#[cfg(feature = "opa-extras")]
mod x509;

pub(crate) use encoding::from_yaml;
pub(crate) use http::HTTP_SEND;
pub(crate) use net::NET_LOOKUP_IP_ADDR;
pub(crate) use rand::RAND_INTN;

/// What a builtin may read besides its arguments.
#[derive(Debug, Clone)]
pub struct BuiltinContext {
    /// The evaluation clock in nanoseconds since the Unix epoch
    /// (`time.now_ns()`); fixed for a whole evaluation.
    pub now_ns: i64,
    /// The seed of `rand.intn` ([`crate::CompileOptions::rand_seed`]);
    /// `None` when the policy did not opt in.
    pub rand_seed: Option<u64>,
    /// The network opt-in of `http.send` and `net.lookup_ip_addr`
    /// ([`crate::CompileOptions::net`]); `None` when the policy did not opt
    /// in.
    pub net: Option<std::sync::Arc<crate::net::NetPolicy>>,
}

/// Why a builtin call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinError {
    /// The OPA error class.
    pub kind: BuiltinErrorKind,
    /// A message in OPA's wording, e.g. `count: operand 1 must be one of
    /// {array, object, set, string} but got number`.
    pub message: String,
}

/// OPA's classes of builtin error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinErrorKind {
    /// An operand has the wrong type (`eval_type_error`).
    Type,
    /// The builtin failed on well-typed operands (`eval_builtin_error`).
    Failed,
    /// The call has no result, as OPA's `max([])`: the expression is
    /// undefined, never an error, even with strict builtin errors.
    Undefined,
}

impl BuiltinError {
    /// A type error.
    #[must_use]
    pub fn type_error(message: impl Into<String>) -> Self {
        Self {
            kind: BuiltinErrorKind::Type,
            message: message.into(),
        }
    }

    /// A failure on well-typed operands.
    #[must_use]
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            kind: BuiltinErrorKind::Failed,
            message: message.into(),
        }
    }

    /// A call with no result (the expression is undefined).
    #[must_use]
    pub fn undefined(message: impl Into<String>) -> Self {
        Self {
            kind: BuiltinErrorKind::Undefined,
            message: message.into(),
        }
    }

    /// OPA's error code for this class.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self.kind {
            BuiltinErrorKind::Type => "eval_type_error",
            BuiltinErrorKind::Failed | BuiltinErrorKind::Undefined => "eval_builtin_error",
        }
    }
}

/// The signature every builtin implements.
pub type BuiltinFn = fn(&BuiltinContext, &[Value]) -> Result<Value, BuiltinError>;

/// A builtin function.
#[derive(Debug)]
pub struct Builtin {
    /// The exact OPA name, e.g. `strings.replace_n`.
    pub name: &'static str,
    /// Number of arguments.
    pub arity: usize,
    /// The implementation.
    pub func: BuiltinFn,
    /// OPA's category, used for docs/builtins.md.
    pub category: &'static str,
    /// One line describing the function.
    pub summary: &'static str,
}

impl Builtin {
    /// A table entry; category modules list their builtins with this.
    #[must_use]
    pub const fn new(
        category: &'static str,
        name: &'static str,
        arity: usize,
        func: BuiltinFn,
        summary: &'static str,
    ) -> Self {
        Self {
            name,
            arity,
            func,
            category,
            summary,
        }
    }
}

/// Finds a builtin by its OPA name.
#[must_use]
pub fn lookup(name: &str) -> Option<&'static Builtin> {
    registry().get(name).copied()
}

/// Every builtin, sorted by name.
#[must_use]
pub fn all() -> Vec<&'static Builtin> {
    registry().values().copied().collect()
}

/// OPA builtins riskgate deliberately does not provide, with the reason.
pub const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "http.send",
        "network access would make decisions non-reproducible (opt in with --allow-net)",
    ),
    (
        "net.lookup_ip_addr",
        "network access would make decisions non-reproducible (opt in with --allow-net)",
    ),
    (
        "rand.intn",
        "random numbers would make decisions non-deterministic (opt in with --seed)",
    ),
];

/// Builtins this build leaves out: their cargo feature of `riskgate-engine`
/// is off (all are on by default).
const LEFT_OUT: &[(&str, &str)] = &[
    #[cfg(not(feature = "graphql"))]
    ("graphql.is_valid", GRAPHQL_OFF),
    #[cfg(not(feature = "graphql"))]
    ("graphql.parse", GRAPHQL_OFF),
    #[cfg(not(feature = "graphql"))]
    ("graphql.parse_and_verify", GRAPHQL_OFF),
    #[cfg(not(feature = "graphql"))]
    ("graphql.parse_query", GRAPHQL_OFF),
    #[cfg(not(feature = "graphql"))]
    ("graphql.parse_schema", GRAPHQL_OFF),
    #[cfg(not(feature = "graphql"))]
    ("graphql.schema_is_valid", GRAPHQL_OFF),
    #[cfg(not(feature = "opa-extras"))]
    ("crypto.parse_private_keys", OPA_EXTRAS_OFF),
    #[cfg(not(feature = "opa-extras"))]
    ("crypto.x509.parse_and_verify_certificates", OPA_EXTRAS_OFF),
    #[cfg(not(feature = "opa-extras"))]
    (
        "crypto.x509.parse_and_verify_certificates_with_options",
        OPA_EXTRAS_OFF,
    ),
    #[cfg(not(feature = "opa-extras"))]
    ("crypto.x509.parse_certificate_request", OPA_EXTRAS_OFF),
    #[cfg(not(feature = "opa-extras"))]
    ("crypto.x509.parse_certificates", OPA_EXTRAS_OFF),
    #[cfg(not(feature = "opa-extras"))]
    ("crypto.x509.parse_keypair", OPA_EXTRAS_OFF),
    #[cfg(not(feature = "opa-extras"))]
    ("crypto.x509.parse_rsa_private_key", OPA_EXTRAS_OFF),
    #[cfg(not(feature = "jsonschema"))]
    ("json.match_schema", JSONSCHEMA_OFF),
    #[cfg(not(feature = "jsonschema"))]
    ("json.verify_schema", JSONSCHEMA_OFF),
];

#[cfg(not(feature = "graphql"))]
const GRAPHQL_OFF: &str = "this build leaves out the graphql builtins (cargo feature `graphql`)";
#[cfg(not(feature = "opa-extras"))]
const OPA_EXTRAS_OFF: &str =
    "this build leaves out the certificate and private key builtins (cargo feature `opa-extras`)";
#[cfg(not(feature = "jsonschema"))]
const JSONSCHEMA_OFF: &str =
    "this build leaves out the JSON Schema builtins (cargo feature `jsonschema`)";

/// The reason a builtin is unsupported, if it is one of [`UNSUPPORTED`]
/// or left out of this build.
#[must_use]
pub fn unsupported_reason(name: &str) -> Option<&'static str> {
    unsupported(name).map(|(_, reason)| reason)
}

/// The static name and reason of an unsupported builtin.
#[must_use]
pub fn unsupported(name: &str) -> Option<(&'static str, &'static str)> {
    UNSUPPORTED
        .iter()
        .chain(LEFT_OUT)
        .find(|(unsupported, _)| *unsupported == name)
        .copied()
}

fn registry() -> &'static std::collections::BTreeMap<&'static str, &'static Builtin> {
    static REGISTRY: std::sync::OnceLock<
        std::collections::BTreeMap<&'static str, &'static Builtin>,
    > = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| {
        CATEGORIES
            .iter()
            .flat_map(|category| category.iter())
            .map(|builtin| (builtin.name, builtin))
            .collect()
    })
}

/// The builtin tables of every category module.
const CATEGORIES: &[&[Builtin]] = &[
    aggregates::BUILTINS,
    arrays::BUILTINS,
    bits::BUILTINS,
    comparison::BUILTINS,
    conversions::BUILTINS,
    numbers::BUILTINS,
    objects::BUILTINS,
    sets::BUILTINS,
    sprintf::BUILTINS,
    strings::BUILTINS,
    template::BUILTINS,
    types::BUILTINS,
    time::BUILTINS,
    regex::BUILTINS,
    rego::BUILTINS,
    glob::BUILTINS,
    encoding::BUILTINS,
    encoding::SERIAL_BUILTINS,
    crypto::BUILTINS,
    semver::BUILTINS,
    units::BUILTINS,
    uuid::BUILTINS,
    net::BUILTINS,
    graph::BUILTINS,
    jsonpatch::BUILTINS,
    providers::BUILTINS,
    #[cfg(feature = "jsonschema")]
    jsonschema::BUILTINS,
    jwt::BUILTINS,
    #[cfg(feature = "graphql")]
    graphql::BUILTINS,
    #[cfg(feature = "opa-extras")]
    jwt::ASYMMETRIC_BUILTINS,
    #[cfg(feature = "opa-extras")]
    x509::BUILTINS,
];
