//! Diagnostic codes: the [`Code`] type, the [`declare_codes!`](crate::declare_codes)
//! macro every crate declares its own codes with, and the syntax codes
//! (`E0xxx`) the parser emits.
//!
//! Codes are stable: a code is never reused, and a retired code stays listed
//! with `retired: true`. Each crate owns the codes it emits: `E0xxx` syntax
//! here; `E1xxx` compile, `R0xxx` runtime and the Rego lints in
//! `riskgate_engine::codes`; `E2xxx`/`W2xxx` manifests, `E3xxx`/`W3xxx`
//! declarations and waivers, `E5xxx`/`W5xxx` evidence verification and
//! the domain lints in
//! `riskgate_controls::codes`; `E4xxx` configuration in
//! `riskgate_workspace::codes`; `E6xxx` evidence import in
//! `riskgate_import::codes`. `riskgate_workspace::registry` holds the one
//! registry of all of them (`riskgate explain`, the docs pages, lint selection).

use super::Severity;

/// A stable diagnostic code with its documentation.
#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    /// The code, e.g. `E0003`.
    pub id: &'static str,
    /// A kebab-case name describing the flagged pattern.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what the code flags.
    pub summary: &'static str,
    /// Markdown with the sections *Why*, *Example* and *Fix*.
    pub docs: &'static str,
    /// Retired codes stay reserved but are no longer emitted.
    pub retired: bool,
}

impl Code {
    /// The documentation page for this code (`docs/diagnostics/<ID>.md`).
    #[must_use]
    pub fn markdown_page(&self) -> String {
        let severity = self.severity.as_str();
        let retired = if self.retired {
            "\n> Retired: riskgate no longer emits this code; the id stays reserved.\n"
        } else {
            ""
        };
        format!(
            "# {id} {name}\n\n*{severity}* — {summary}.\n{retired}\n{docs}\nShow this page in a terminal with `riskgate explain {id}`.\n",
            id = self.id,
            name = self.name,
            summary = self.summary,
            docs = self.docs,
        )
    }
}

/// Declares a crate's codes: one `pub static` [`Code`] per entry and
/// `pub static ALL`, the crate's codes in declaration order.
#[macro_export]
macro_rules! declare_codes {
    ($( $(#[$meta:meta])* $konst:ident = $id:literal, $name:literal, $sev:ident, $summary:literal, $docs:literal; )*) => {
        $(
            $(#[$meta])*
            #[doc = concat!("`", $id, "` ", $name, ": ", $summary)]
            pub static $konst: $crate::diagnostics::Code = $crate::diagnostics::Code {
                id: $id,
                name: $name,
                severity: $crate::Severity::$sev,
                summary: $summary,
                docs: $docs,
                retired: false,
            };
        )*

        /// The codes this crate emits, in declaration order.
        pub static ALL: &[&$crate::diagnostics::Code] = &[$(&$konst),*];
    };
}

crate::declare_codes! {
    UNEXPECTED_TOKEN = "E0001", "unexpected-token", Error,
        "the parser found a token that cannot appear here",
        "## Why\nThe text does not match the grammar at this point, so the rule or declaration around it cannot be read.\n\n## Example\n```rego\nallow if input.user ==\n```\n\n## Fix\nLook at what the message says was expected at the marked position; often a missing operand, bracket or keyword.\n";
    UNEXPECTED_EOF = "E0002", "unexpected-end-of-file", Error,
        "the file ends in the middle of a rule or expression",
        "## Why\nSomething was opened or started but the file ended before it was complete.\n\n## Example\n```rego\nallow if {\n    input.user == \"alice\"\n```\n\n## Fix\nComplete the construct, usually by adding the missing closing bracket or operand.\n";
    UNTERMINATED_STRING = "E0003", "unterminated-string", Error,
        "a string literal has no closing quote",
        "## Why\nDouble-quoted strings must close on the same line; raw (backtick) strings must close before the end of the file.\n\n## Example\n```rego\nname := \"alice\n```\n\n## Fix\nAdd the closing quote, or use a raw string (`` `...` ``) for multi-line text.\n";
    INVALID_ESCAPE = "E0004", "invalid-escape-sequence", Error,
        "a string contains an escape sequence Rego does not define",
        "## Why\nRego strings use JSON escapes: `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`.\n\n## Example\n```rego\npattern := \"\\d+\"\n```\n\n## Fix\nEscape the backslash (`\"\\\\d+\"`) or use a raw string (`` `\\d+` ``).\n";
    UNCLOSED_DELIMITER = "E0005", "unclosed-delimiter", Error,
        "a bracket, brace or parenthesis is never closed",
        "## Why\nEvery `(`, `[` and `{` needs a matching closer.\n\n## Example\n```rego\nallow if {\n    x := [1, 2\n}\n```\n\n## Fix\nAdd the missing closer at the end of the construct it opens.\n";
    UNMATCHED_DELIMITER = "E0006", "unmatched-closing-delimiter", Error,
        "a closing bracket does not match the bracket it closes",
        "## Why\nA `)`, `]` or `}` appears with no matching opener, or closes a different kind of bracket.\n\n## Example\n```rego\nxs := [1, 2}\n```\n\n## Fix\nUse the closer that matches the opener, or remove the stray closer.\n";
    INVALID_CHARACTER = "E0007", "invalid-character", Error,
        "a character that is not part of the language appears outside strings and comments",
        "## Why\nIdentifiers are ASCII letters, digits and `_`; other characters are only allowed inside strings and comments.\n\n## Example\n```rego\nallow if input.user == @admin\n```\n\n## Fix\nRemove the character, or put the text in a string.\n";
    INVALID_NUMBER = "E0008", "invalid-number", Error,
        "a number literal is malformed",
        "## Why\nNumbers follow JSON syntax: digits, an optional fraction and an optional exponent.\n\n## Example\n```rego\nlimit := 1.5.2\n```\n\n## Fix\nWrite the number in JSON form, e.g. `1.5`, `2e3`.\n";
    MISSING_PACKAGE = "E0009", "missing-package", Error,
        "the file has no package declaration",
        "## Why\nEvery policy file belongs to a package; rules are addressed as `data.<package>.<rule>`.\n\n## Example\n```rego\nallow := true\n```\n\n## Fix\nStart the file with `package <name>`, e.g. `package riskgate.custom`.\n";
    MISPLACED_PACKAGE = "E0010", "misplaced-package", Error,
        "a package declaration appears after other statements or twice",
        "## Why\nA file has exactly one package, and it comes first.\n\n## Example\n```rego\npackage a\nallow := true\npackage b\n```\n\n## Fix\nSplit the file in two, one package each.\n";
    MISPLACED_IMPORT = "E0011", "import-after-rule", Error,
        "an import appears after a rule or declaration",
        "## Why\nImports apply to the whole file, so they must precede every rule.\n\n## Example\n```rego\npackage a\nallow := true\nimport data.lib\n```\n\n## Fix\nMove the import up, below the package declaration.\n";
    INVALID_IMPORT = "E0012", "invalid-import-path", Error,
        "an import path does not start with data, input, future or rego",
        "## Why\nOnly documents under `data` and `input`, and the `future.keywords` / `rego.v1` markers, can be imported.\n\n## Example\n```rego\nimport lib.helpers\n```\n\n## Fix\nWrite the full path: `import data.lib.helpers`.\n";
    MISSING_IF = "E0013", "missing-if-keyword", Error,
        "a rule body is written without the `if` keyword (Rego v0 style)",
        "## Why\nRego v1 requires `if` between a rule head and its body. riskgate parses Rego v1 unless `--v0-compatible` is given.\n\n## Example\n```rego\nallow {\n    input.user == \"admin\"\n}\n```\n\n## Fix\nWrite `allow if {`, or pass `--v0-compatible` for old policies.\n";
    MISSING_CONTAINS = "E0014", "missing-contains-keyword", Error,
        "a partial set rule is written as `p[x] { ... }` (Rego v0 style)",
        "## Why\nIn Rego v1, multi-value rules use `contains`; `p[x] { ... }` would otherwise be ambiguous with an object rule.\n\n## Example\n```rego\ndeny[msg] {\n    msg := \"no\"\n}\n```\n\n## Fix\nWrite `deny contains msg if {`.\n";
    DEFAULT_WITH_BODY = "E0015", "default-rule-with-body", Error,
        "a default rule has a body",
        "## Why\nA default value applies when no other definition does; it cannot have conditions.\n\n## Example\n```rego\ndefault allow := false if input.x\n```\n\n## Fix\nRemove the body: `default allow := false`.\n";
    DEFAULT_WITHOUT_VALUE = "E0016", "invalid-default-rule", Error,
        "a default rule has no value, or defines a set or a variable key",
        "## Why\nA default rule gives a single value to a complete rule or function.\n\n## Example\n```rego\ndefault deny contains \"x\"\n```\n\n## Fix\nWrite `default name := value`.\n";
    INVALID_ELSE = "E0017", "else-on-multi-value-rule", Error,
        "`else` is used on a rule that is not a complete rule or function",
        "## Why\n`else` chooses one value; multi-value (`contains`) rules, rules with variables in their head and default rules produce no single value to choose.\n\n## Example\n```rego\ndeny contains \"a\" if input.a\nelse := \"b\"\n```\n\n## Fix\nUse separate rule definitions instead of `else`.\n";
    MISSING_SEPARATOR = "E0019", "missing-separator", Error,
        "two expressions or statements stand on one line without `;`",
        "## Why\nStatements in a body are separated by newlines or semicolons; without one the parser cannot tell where the first ends.\n\n## Example\n```rego\nallow if { input.a input.b }\n```\n\n## Fix\nPut each statement on its own line, or separate them with `;`.\n";
    DECLARATION_IN_REGO = "E0021", "declaration-in-rego-file", Error,
        "a `risk` or `control` declaration appears in a `.rego` file",
        "## Why\n`risk` and `control` are riskgate extensions; plain `.rego` files stay OPA-compatible.\n\n## Example\n```rego\n# policy.rego\ncontrol \"C-1\" { title: \"x\" }\n```\n\n## Fix\nRename the file to `.gate`, or move the declaration to a `.gate` file.\n";
    UNKNOWN_REQUIREMENT_KIND = "E0022", "unknown-requirement-kind", Error,
        "`require` names a kind other than test, monitor, approval, document or field",
        "## Why\nEach requirement kind has its own evaluation; unknown kinds cannot be checked.\n\n## Example\n```\nrequire metric \"auc\" { op: \">=\" }\n```\n\n## Fix\nUse one of `test`, `monitor`, `approval`, `document`, `field`.\n";
    DUPLICATE_FIELD = "E0023", "duplicate-declaration-field", Error,
        "a field is given twice in one declaration or requirement",
        "## Why\nA field has one value; the second would silently replace the first.\n\n## Example\n```\nrisk \"fairness.bias\" { title: \"a\"\n  title: \"b\" }\n```\n\n## Fix\nKeep one of the two.\n";
    EMPTY_BODY = "E0024", "empty-body", Error,
        "a rule, `every` or comprehension has an empty body",
        "## Why\nAn empty body has no conditions; Rego rejects it to avoid rules that are true by accident.\n\n## Example\n```rego\nallow if {}\n```\n\n## Fix\nAdd the conditions, or write the rule without a body: `allow := true`.\n";
    INVALID_WITH_TARGET = "E0025", "invalid-with-target", Error,
        "the target of `with` is not a reference",
        "## Why\n`with` replaces a document (`input...`, `data...`) or a function by name; a literal cannot be replaced.\n\n## Example\n```rego\nallow if p with 1 as 2\n```\n\n## Fix\nName what to replace: `with input.user as \"bob\"`.\n";
    INVALID_KEYWORD_IMPORT = "E0026", "invalid-keyword-import", Error,
        "an import of `future.keywords` or `rego.v1` is malformed",
        "## Why\nThese imports switch language features on; they cannot be aliased, and only known keywords can be imported.\n\n## Example\n```rego\nimport rego.v1 as v1\n```\n\n## Fix\nWrite `import rego.v1` or `import future.keywords.<keyword>` without `as`.\n";
    EMPTY_DECLARATION_ID = "E0027", "empty-declaration-id", Error,
        "a risk, control or requirement has an empty id",
        "## Why\nIds are how traces, waivers and overlays refer to declarations.\n\n## Example\n```\ncontrol \"\" { title: \"x\" }\n```\n\n## Fix\nGive it a stable id, e.g. `control \"C-FAIR-01\"`.\n";
    CONTAINS_ON_FUNCTION = "E0028", "invalid-function-head", Error,
        "a function head uses `contains`, or a rule head mixes forms",
        "## Why\nFunctions return one value per call; `contains` defines a set.\n\n## Example\n```rego\nf(x) contains y if y := x\n```\n\n## Fix\nReturn the value: `f(x) := y if y := x`.\n";
    RESERVED_RULE_NAME = "E0029", "rule-shadows-root-document", Error,
        "a rule is named `input` or `data`",
        "## Why\n`input` and `data` are the root documents; a rule with that name would hide them.\n\n## Example\n```rego\ninput := {\"user\": \"x\"}\n```\n\n## Fix\nRename the rule.\n";
    UNCLOSED_TEMPLATE_EXPR = "E0030", "unclosed-template-expression", Error,
        "a `{` in a template string has no matching `}`",
        "## Why\nIn `$\"...\"` strings, `{` starts an embedded expression that must be closed.\n\n## Example\n```rego\nmsg := $\"user {input.user\"\n```\n\n## Fix\nClose the expression with `}`, or write `\\{` for a literal brace.\n";
    ASSIGN_IN_NOT = "E0031", "assignment-in-negation", Error,
        "`not` is applied to an assignment",
        "## Why\n`not x := y` would declare a variable that can never be used.\n\n## Example\n```rego\nallow if not x := input.a\n```\n\n## Fix\nCompare instead: `not input.a == y`, or assign first and negate a test.\n";
    DEFAULT_FUNCTION_ARGS = "E0032", "invalid-default-function-args", Error,
        "a default function has arguments that are not plain variables",
        "## Why\nA default function applies to every call; its parameters cannot be patterns.\n\n## Example\n```rego\ndefault f(1) := 0\n```\n\n## Fix\nUse variables: `default f(_) := 0`.\n";
    NESTING_TOO_DEEP = "E0034", "nesting-too-deep", Error,
        "brackets or operators are nested deeper than riskgate accepts",
        "## Why\nriskgate bounds nesting (256 brackets, 1000 operators or signs in one expression) so that hostile or generated input cannot exhaust the parser's or evaluator's stack. Real policies stay far below these limits.\n\n## Example\n```rego\nx := [[[[[[[[ ... 300 levels ... ]]]]]]]]\n```\n\n## Fix\nSplit the value into helper rules or load deep data from a JSON/YAML data file instead of writing it inline.\n";
    INVALID_ASSIGN_TARGET = "E0033", "invalid-assignment-target", Error,
        "the left side of `:=` is not a variable or a pattern of variables",
        "## Why\n`:=` declares new local variables; it cannot assign to a reference, a call or an operator expression. This often means an operator was left dangling at the end of the previous line, so two lines were read as one.\n\n## Example\n```rego\nallow if input.user ==\n\nq := 1\n```\n\n## Fix\nComplete the previous expression, or assign to a plain variable (`x := ...`, `[a, b] := ...`).\n";
}
