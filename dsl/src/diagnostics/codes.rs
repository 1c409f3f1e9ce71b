//! The registry of every diagnostic code riskgate can emit.
//!
//! Codes are stable: a code is never reused, and a retired code stays listed
//! with `retired: true`. Ranges: `E0xxx` syntax, `E1xxx` compile errors,
//! `W0xxx` warnings, `R0xxx` runtime errors, `L0xxx` lints, `E3xxx` control
//! declaration errors, `W3xxx` waiver findings, `E4xxx` configuration.
//! `riskgate explain CODE` prints [`Code::docs`]; `cargo xtask docs` writes
//! one page per code under `docs/diagnostics/`.

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

/// The index of all codes (`docs/diagnostics.md`).
#[must_use]
pub fn markdown_index() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\nEvery problem riskgate reports has a stable code. Codes are never reused.\nRanges: `E0xxx` syntax, `E1xxx` compile, `E2xxx` manifest, `E3xxx` controls,\n`E4xxx` configuration, `W` warnings, `R` runtime, `L` lints. `riskgate explain CODE` prints a code's page.\n\n| code | name | severity | meaning |\n|---|---|---|---|\n",
    );
    for code in ALL {
        out.push_str(&format!(
            "| [{id}](diagnostics/{id}.md) | `{name}` | {severity} | {summary} |\n",
            id = code.id,
            name = code.name,
            severity = code.severity.as_str(),
            summary = code.summary,
        ));
    }
    out
}

macro_rules! codes {
    ($( $(#[$meta:meta])* $konst:ident = $id:literal, $name:literal, $sev:ident, $summary:literal, $docs:literal; )*) => {
        $(
            $(#[$meta])*
            #[doc = concat!("`", $id, "` ", $name, ": ", $summary)]
            pub static $konst: Code = Code {
                id: $id,
                name: $name,
                severity: Severity::$sev,
                summary: $summary,
                docs: $docs,
                retired: false,
            };
        )*

        /// Every code, in code order.
        pub static ALL: &[&Code] = &[$(&$konst),*];
    };
}

/// Looks a code up by its id (`E0003`) or name (`unterminated-string`),
/// ignoring ASCII case.
#[must_use]
pub fn lookup(id_or_name: &str) -> Option<&'static Code> {
    ALL.iter()
        .copied()
        .find(|code| code.id.eq_ignore_ascii_case(id_or_name) || code.name == id_or_name)
}

codes! {
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
    INVALID_METADATA = "E0035", "invalid-metadata", Error,
        "a `# METADATA` comment block is not valid annotation YAML",
        "## Why\nA comment block that starts with `# METADATA` holds the annotations of the package or rule below it, written as YAML (see docs/language.md). riskgate reads them at compile time, for `rego.metadata.rule()` and `rego.metadata.chain()`, so a block that is not YAML, gives a known key the wrong type, uses an unknown `scope`, or is attached to something other than a package or rule is rejected rather than silently ignored (OPA: `rego_parse_error`).\n\n## Example\n```rego\n# METADATA\n# title: [unclosed\nallow if input.ok\n```\n\n## Fix\nWrite valid YAML with the documented keys: `title` and `description` are strings, `authors` a list of `Name <email>` strings or `{name, email}` objects, `related_resources` a list of URLs or `{ref, description}` objects, `custom` a mapping, and `scope` one of `rule`, `document` (above a rule), `package` or `subpackages` (above `package`). To keep an ordinary comment, do not start it with `METADATA`.\n";
    UNSAFE_VAR = "E1001", "unsafe-variable", Error,
        "a variable is used where nothing can bind it",
        "## Why\nEvery variable must be bound by some statement (an assignment, a reference it indexes, `some ... in`) before it is used in a call, a comparison, a negation or a rule head. Otherwise the rule could not be evaluated (OPA: `rego_unsafe_var_error`).\n\n## Example\n```rego\nallow if not input.roles[r]\n```\n\n## Fix\nBind the variable first, e.g. `some r in data.roles` before the negation, or use `_` if any value will do.\n";
    RECURSIVE_RULE = "E1002", "recursive-rule", Error,
        "a rule or function depends on itself",
        "## Why\nRego does not allow recursion: rules form a dependency graph without cycles so that evaluation always terminates (OPA: `rego_recursion_error`).\n\n## Example\n```rego\nf(x) := f(x - 1) if x > 0\n```\n\n## Fix\nRewrite the logic without recursion, for example with `walk`, `graph.reachable` or a comprehension over a bounded range.\n";
    WRONG_ARITY = "E1003", "wrong-number-of-arguments", Error,
        "a function or builtin is called with the wrong number of arguments",
        "## Why\nEvery function has a fixed number of parameters; one extra argument is allowed and receives the result (OPA: `rego_type_error`).\n\n## Example\n```rego\nn := count(input.a, input.b, input.c)\n```\n\n## Fix\nPass exactly the parameters the function declares.\n";
    UNDEFINED_FUNCTION = "E1004", "undefined-function", Error,
        "a call names a function that is neither a builtin nor defined by the policy",
        "## Why\nThe called name does not resolve to a rule function in scope, an import, or a builtin (OPA: `rego_type_error`).\n\n## Example\n```rego\nallow if is_admn(input.user)\n```\n\n## Fix\nCheck the spelling and the imports; user functions in other packages are called by their full path (`data.lib.is_admin(x)`).\n";
    UNSUPPORTED_BUILTIN = "E1005", "unsupported-builtin", Error,
        "a policy calls an OPA builtin that riskgate deliberately does not provide",
        "## Why\nBuiltins with network access or non-deterministic results (`http.send`, `net.lookup_ip_addr`, `rand.intn`, ...) would make decisions depend on the outside world.\n\n## Example\n```rego\nresp := http.send({\"method\": \"get\", \"url\": \"https://example.com\"})\n```\n\n## Fix\nPass the needed facts in through `input` or data files instead.\n";
    CONFLICTING_RULES = "E1006", "conflicting-rules", Error,
        "rules at one path cannot be combined (kinds, arities or several defaults)",
        "## Why\nAll definitions of a rule must agree: complete, multi-value (`contains`) and function definitions cannot share a name, functions must agree on arity, and only one `default` may exist (OPA: `rego_type_error`).\n\n## Example\n```rego\ndefault allow := false\ndefault allow := true\n```\n\n## Fix\nKeep one default, and give differently shaped rules different names.\n";
    VAR_REDECLARED = "E1007", "variable-redeclared", Error,
        "a variable is declared with `:=` or `some` more than once in one scope",
        "## Why\n`:=` declares a new local variable; declaring it twice in the same body is almost always a mistake (OPA: `rego_compile_error`).\n\n## Example\n```rego\nallow if {\n    x := 1\n    x := 2\n}\n```\n\n## Fix\nUse a different name, or compare with `==` instead of assigning again.\n";
    BAD_WITH_TARGET = "E1008", "invalid-with-target-path", Error,
        "`with` replaces something that cannot be replaced",
        "## Why\n`with` can replace `input`, documents under `data`, and functions or builtins by name; other targets, and replacing a function by a non-function where one is required, are rejected (OPA: `rego_compile_error`).\n\n## Example\n```rego\nallow if p with x as 1\n```\n\n## Fix\nReplace `input...`, `data...` or a function name.\n";
    INVALID_RULE = "E1009", "invalid-rule-or-expression", Error,
        "a rule or expression is not valid Rego although it parses",
        "## Why\nSome forms pass the grammar but have no meaning, e.g. an assignment nested inside another expression or a non-variable on the left of `:=` (OPA: `rego_compile_error`).\n\n## Example\n```rego\nallow if 1 := input.x\n```\n\n## Fix\nFollow the message; assignments declare variables and stand alone as statements.\n";
    EVAL_CONFLICT = "R0001", "eval-conflict", Error,
        "a rule produced more than one value, or an object rule produced one key twice",
        "## Why\nComplete rules and functions have exactly one value for given inputs; partial object rules one value per key. Two definitions that both apply but disagree are a policy bug (OPA: `eval_conflict_error`).\n\n## Example\n```rego\nlevel := \"high\" if input.score > 5\nlevel := \"low\" if input.score > 1\n```\n\n## Fix\nMake the conditions exclusive, or use `else` to give one precedence.\n";
    EVAL_BUILTIN = "R0002", "builtin-error", Error,
        "a builtin failed (strict builtin errors)",
        "## Why\nWith strict builtin errors a failing builtin stops evaluation instead of making the expression undefined (OPA: `eval_builtin_error` / `eval_type_error`).\n\n## Example\n```rego\nx := 1 / 0\n```\n\n## Fix\nCheck operands before the call, or evaluate without strict builtin errors.\n";
    EVAL_LIMIT = "R0003", "evaluation-limit-exceeded", Error,
        "evaluation exceeded a step, depth, output, time or cancellation limit",
        "## Why\nLimits keep a policy from hanging or exhausting memory (for example unbounded recursion or a huge loop).\n\n## Example\n```rego\nn := count([x | some x in numbers.range(1, 1000000000)])\n```\n\n## Fix\nBound the loop, or raise the limit where the workload is legitimate.\n";
    EVAL_ERROR = "R0004", "evaluation-error", Error,
        "evaluation failed for another reason (unsafe value, bad `with`, invalid reference)",
        "## Why\nThe policy reached a state it cannot evaluate, such as an unsafe variable discovered at runtime or a `with` replacement of the wrong kind (OPA: `eval_internal_error` / `eval_type_error`).\n\n## Example\n```rego\nallow if data.f with data.f as 1\n```\n\n## Fix\nFollow the message and the marked span.\n";
    MANIFEST_SYNTAX = "E2001", "invalid-manifest-syntax", Error,
        "a manifest is not well-formed YAML or JSON",
        "## Why\nThe loader could not read the text as YAML 1.2 (JSON is read as YAML). Common causes are tabs used for indentation, a key indented differently from its siblings, an unclosed quote or bracket, a complex (non-scalar) mapping key, or `.inf`/`.nan`, which JSON and Rego numbers cannot hold. Other documents in the same file are still loaded.\n\n## Example\n```yaml\nspec:\n  identity:\n     version: 1.2.0\n    model_id: credit-scorer\n```\n\n## Fix\nIndent with spaces only and align sibling keys at the same column; the position in the message points at the first character the parser could not accept.\n";
    MANIFEST_DUPLICATE_KEY = "E2002", "duplicate-manifest-key", Error,
        "a mapping in a manifest has the same key twice",
        "## Why\nYAML requires keys to be unique. Parsers that accept duplicates silently keep one of the values, so the evidence a reviewer reads may not be the evidence that is evaluated.\n\n## Example\n```yaml\nclassification:\n  risk_tier: high\n  risk_tier: low\n```\n\n## Fix\nKeep exactly one of the entries.\n";
    MANIFEST_NOT_TEXT = "E2003", "manifest-not-text", Error,
        "a manifest file is not UTF-8 text",
        "## Why\nManifests are UTF-8 YAML or JSON. Invalid UTF-8 byte sequences, NUL bytes or other control characters mean the file is binary, truncated or in another encoding.\n\n## Example\nA file saved as UTF-16, or a model artifact passed as `riskgate check model.bin`.\n\n## Fix\nSave the file as UTF-8, or point riskgate at the manifest rather than at another file.\n";
    MANIFEST_TOO_LARGE = "E2004", "manifest-too-large", Error,
        "a manifest exceeds the size, nesting or alias-expansion limits",
        "## Why\nManifests describe one release and are small. The loader rejects files over 16 MiB, nesting deeper than 100 levels and alias expansion beyond one million nodes, so a hostile or accidental input cannot exhaust memory or stack (e.g. a YAML \"billion laughs\").\n\n## Example\n```yaml\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n# ... nine levels expand to 10^9 nodes\n```\n\n## Fix\nSplit the input, or reference large evidence (reports, datasets) by URI and digest instead of inlining it.\n";
    MANIFEST_EMPTY = "E2005", "empty-manifest", Error,
        "a manifest file contains no document",
        "## Why\nThe file is empty or holds only comments and document markers, so there is no release to evaluate.\n\n## Example\n```yaml\n# TODO: fill in\n---\n```\n\n## Fix\nWrite the `ModelRelease` document, or stop passing the file to riskgate.\n";
    MANIFEST_NOT_OBJECT = "E2006", "manifest-not-an-object", Error,
        "a manifest document is not a mapping",
        "## Why\nA release manifest is a mapping with `apiVersion`, `kind`, `metadata` and `spec`; a list or a scalar at the top level cannot be one.\n\n## Example\n```yaml\n- apiVersion: riskgate.dev/v1alpha1\n  kind: ModelRelease\n```\n\n## Fix\nRemove the leading `- `; to put several releases in one file, separate them with `---` lines.\n";
    MANIFEST_API_VERSION = "E2007", "unsupported-api-version", Error,
        "a manifest's `apiVersion` is missing or not `riskgate.dev/v1alpha1`",
        "## Why\nThe `apiVersion` says which schema the document follows; riskgate reads `riskgate.dev/v1alpha1` only and will not guess.\n\n## Example\n```yaml\napiVersion: riskgate/v1\nkind: ModelRelease\n```\n\n## Fix\nWrite `apiVersion: riskgate.dev/v1alpha1`.\n";
    MANIFEST_KIND = "E2008", "unsupported-manifest-kind", Error,
        "a manifest's `kind` is missing or not `ModelRelease`",
        "## Why\nriskgate evaluates `ModelRelease` documents only; other kinds (for example Kubernetes objects in the same file) are not releases.\n\n## Example\n```yaml\napiVersion: riskgate.dev/v1alpha1\nkind: Deployment\n```\n\n## Fix\nWrite `kind: ModelRelease`, or keep other documents out of the files passed to `riskgate check`.\n";
    MANIFEST_WRONG_TYPE = "E2009", "manifest-wrong-type", Error,
        "a manifest field has the wrong type",
        "## Why\nEach field has a type in the manifest schema (`riskgate schema`); a policy comparing a number with a string would silently be undefined, so the loader rejects the value instead.\n\n## Example\n```yaml\nslices:\n  - {name: sex=female, value: 0.86, n: many}\n```\n\n## Fix\nWrite a value of the expected type, e.g. `n: 5200`. Quote text that YAML would otherwise read as a number or boolean (`version: \"1.10\"`).\n";
    MANIFEST_INVALID_VALUE = "E2010", "manifest-invalid-value", Error,
        "a manifest field has a value outside its closed set",
        "## Why\nSome fields take one of a fixed set of values that the standard library relies on: `risk_tier` (`low`, `medium`, `high`, `critical`), `model_kind` (`predictive`, `llm`, `agent`), an approval `decision` (`approve`, `reject`), a dataset `role`, a tool's `side_effects`, a finding's `status` and `severity`.\n\n## Example\n```yaml\nclassification:\n  risk_tier: severe\n```\n\n## Fix\nUse one of the values listed in the message.\n";
    MANIFEST_MISSING_FIELD = "E2011", "manifest-missing-field", Error,
        "a field the manifest schema requires is absent",
        "## Why\nA few fields identify things and cannot be left out: `metadata.name`, `spec`, and the `name`/`id`/`role`/`kind` of list entries and the `value` of a metric. Missing evidence is reported by controls instead, so most fields are optional.\n\n## Example\n```yaml\nmetrics:\n  - name: auc\n```\n\n## Fix\nAdd the field named in the message.\n";
    MANIFEST_INVALID_TIMESTAMP = "E2012", "invalid-timestamp", Error,
        "a manifest timestamp is not an RFC 3339 date-time",
        "## Why\nFreshness checks compare timestamps with the evaluation clock; a date without a time or a time without a zone is ambiguous.\n\n## Example\n```yaml\nrun_at: 2026-09-30\n```\n\n## Fix\nWrite a full date-time with a zone, e.g. `2026-09-30T12:00:00Z`.\n";
    MANIFEST_OUT_OF_RANGE = "E2013", "manifest-value-out-of-range", Error,
        "a manifest number is outside the range its field allows",
        "## Why\nRates are between 0 and 1, counts are not negative, and tier rationale scores are 1 to 4.\n\n## Example\n```yaml\ntier_rationale: {materiality: 5, complexity: 2}\n```\n\n## Fix\nWrite a value inside the range given in the message.\n";
    MANIFEST_UNKNOWN_FIELD = "W2001", "unknown-manifest-field", Warning,
        "a manifest has a field the schema does not define",
        "## Why\nUnknown fields are kept in `input` for custom policies, but the standard library never reads them, so a misspelt field is evidence that silently does not count.\n\n## Example\n```yaml\nclassification:\n  risk_teir: high\n```\n\n## Fix\nCorrect the spelling (the message suggests the closest known field), or keep the field if a custom policy reads it.\n";
    MANIFEST_UNKNOWN_TERM = "W2002", "unknown-vocabulary-term", Warning,
        "a use-case flag, role or document kind is close to, but not, a catalogue term",
        "## Why\nFlags, roles and document kinds are open vocabularies so organisations can add their own, but a near miss of a catalogue term (`credit_decisions` for `credit_decision`) silently switches controls off.\n\n## Example\n```yaml\nflags: [public_faceing]\n```\n\n## Fix\nUse the catalogue term the message suggests; an intentional custom term that happens to be close can be kept.\n";
    UNKNOWN_CONTROL_FIELD = "E3001", "unknown-declaration-field", Error,
        "a risk, control or requirement has a field riskgate does not know",
        "## Why\nEach declaration accepts a fixed set of fields (see docs/controls.md). An unknown field is usually a typo, and silently ignoring it would drop a check the author meant to make.\n\n## Example\n```rego\nrequire test \"auc\" {\n\tmetric: \"auc\"\n\top: \">=\"\n\tthreshhold: 0.7\n}\n```\n\n## Fix\nUse the field the message suggests, or remove the field.\n";
    INVALID_CONTROL_FIELD_VALUE = "E3002", "invalid-declaration-field-value", Error,
        "a field of a risk, control or requirement has the wrong type or an unknown value",
        "## Why\nFields have types (string, bool, number, array of roles, ...) and some take one of a fixed set of values: operators (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not_in`), severities, aggregates, cadences, enforcement points (`ci`, `admission`, `audit`) and actions (`deny`, `warn`, `record`). A threshold must suit its operator: numbers for ordering operators, arrays for `in`.\n\n## Example\n```rego\ncontrol \"C-X-01\" {\n\ttitle: \"Example\"\n\tseverity: \"urgent\"\n\tenforcement: {\"ci\": \"block\"}\n}\n```\n\n## Fix\nUse a value of the documented type, as the message and help say.\n";
    MISSING_CONTROL_FIELD = "E3003", "missing-declaration-field", Error,
        "a risk, control or requirement lacks a required field",
        "## Why\nSome fields have no sensible default: a control needs a `title`, a test needs `metric`, `op` and `threshold`, an approval needs `roles`, a field requirement needs `path`.\n\n## Example\n```rego\nrequire test \"auc\" {\n\tmetric: \"auc\"\n}\n```\n\n## Fix\nAdd the missing field.\n";
    UNKNOWN_RISK = "E3004", "unknown-risk", Error,
        "a control's `mitigates` names a risk that no `risk` declaration defines",
        "## Why\nReports group controls by the risks they mitigate; a misspelt or undeclared risk id would leave the control unattached.\n\n## Example\n```rego\ncontrol \"C-FAIR-01\" {\n\ttitle: \"Adverse impact\"\n\tmitigates: [\"fairness.disparate_impakt\"]\n}\n```\n\n## Fix\nDeclare the risk with `risk \"id\" { ... }` in any policy file, or fix the id.\n";
    DUPLICATE_DECLARATION = "E3005", "duplicate-declaration", Error,
        "two risks, two controls, or two requirements of one control share an id",
        "## Why\nIds identify risks and controls across the whole policy set (waivers and reports name them), and requirements within a control.\n\n## Example\n```rego\ncontrol \"C-GOV-01\" { title: \"Inventory\" }\ncontrol \"C-GOV-01\" { title: \"Owner\" }\n```\n\n## Fix\nRename one of them; ids are stable once published, so rename the newer one.\n";
    UNKNOWN_ROLE = "E3006", "unknown-role", Error,
        "a role is not in the role vocabulary",
        "## Why\nApprovals and waivers are checked against the manifest by role name; a role outside the vocabulary can never be matched. The built-in vocabulary is the catalogue's (`model_author`, `model_owner`, `peer_reviewer`, `model_validator`, `risk_officer`, `privacy_officer`, `security_reviewer`, `model_risk_committee`, `executive_accountable`); organisations add roles with `data.riskgate.config.roles`.\n\n## Example\n```rego\nrequire approval \"signoff\" { roles: [\"model_validater\"] }\n```\n\n## Fix\nFix the spelling, or add the role to `data.riskgate.config.roles`.\n";
    INVALID_CONTROL_RULE = "E3007", "invalid-rule-in-control", Error,
        "a control contains a rule other than a `violation contains ...` rule",
        "## Why\nRules inside a control become part of that control; only `violation` partial-set rules have a meaning there (each message is a failing finding). Helpers belong at package level, where every control can use them.\n\n## Example\n```rego\ncontrol \"C-REL-01\" {\n\ttitle: \"Rollback\"\n\thas_plan if input.spec.rollback.procedure_ref\n}\n```\n\n## Fix\nMove helper rules out of the control; write findings as `violation contains msg if { ... }`.\n";
    NON_CONSTANT_CONTROL_FIELD = "E3008", "non-constant-declaration-field", Error,
        "a risk or control field that must be constant is an expression",
        "## Why\nRisk and control metadata (title, severity, enforcement, waivability, ...) is read when the policy is compiled, so reports can list controls without evaluating anything. Only requirement fields may depend on the manifest.\n\n## Example\n```rego\ncontrol \"C-X-01\" {\n\ttitle: \"Example\"\n\tseverity: input.spec.classification.risk_tier\n}\n```\n\n## Fix\nWrite a literal value; move manifest-dependent logic into a requirement field such as `threshold` or `when`.\n";
    INVALID_CONFIGURATION = "E4001", "invalid-configuration", Error,
        "`riskgate.toml` has a table, key or value riskgate does not know, or is not TOML",
        "## Why\nThe configuration sets defaults for `check`, `fmt`, `lint`, `test` and the language server. Ignoring a misspelt key would silently change what a check does, so every unknown table, key and value is an error naming the file, line and column. The command line stops with exit code 2; the language server shows this diagnostic on the file and uses the built-in defaults until it is fixed.\n\n## Example\n```toml\n[lint]\nselect = [\"L0099\"]\n```\n\n## Fix\nUse the tables and keys docs/config.md lists, with the values the message names.\n";
    WAIVER_EXPIRED = "W3001", "waiver-expired", Warning,
        "a waiver is expired, not yet issued, or longer than the waiver policy allows",
        "## Why\nWaivers are time-bound exceptions. One that has expired at the evaluation clock, is issued in the future, or whose duration exceeds `max_duration_days_by_residual_risk` for its residual risk is ignored, so the requirement it names keeps failing.\n\n## Example\n```yaml\nwaivers:\n  - id: W-12\n    residual_risk: medium\n    issued_at: 2026-01-01T00:00:00Z\n    expires_at: 2026-03-01T00:00:00Z   # before the evaluation clock\n```\n\n## Fix\nRenew the waiver with a new approval and an expiry within the allowed duration, or fix the underlying finding.\n";
    WAIVER_OUT_OF_SCOPE = "W3002", "waiver-out-of-scope", Warning,
        "a waiver's scope does not match this release",
        "## Why\nA waiver scoped to another artifact digest, model or environment does not cover this release; it is ignored.\n\n## Example\n```yaml\nscope:\n  version_range_or_digest: \"sha256:old...\"   # release is sha256:new...\n  environments: [staging]                     # release deploys to production\n```\n\n## Fix\nIssue a waiver scoped to this release's artifact digest and environment.\n";
    WAIVER_UNAUTHORISED = "W3003", "waiver-unauthorised", Warning,
        "a waiver lacks a required approver role or violates segregation of duties",
        "## Why\nThe waiver policy requires approvals by given roles for each residual risk (a control's `waivable_by` replaces them), and an approver may not be the waiver's requester, the model owner or the control owner (SOD-4).\n\n## Example\n```yaml\nresidual_risk: high          # needs risk_officer and executive_accountable\nrequested_by: {email: a@example.com}\napproved_by:\n  - {email: a@example.com, role: risk_officer}\n```\n\n## Fix\nObtain approvals from independent people holding every required role.\n";
    WAIVER_INCOMPLETE = "W3004", "waiver-incomplete", Warning,
        "a waiver lacks a field the waiver policy requires",
        "## Why\nThe waiver policy's `required_fields` (justification, risk acceptance, residual risk, expiry, remediation, ...) make each exception auditable; an incomplete waiver is ignored.\n\n## Example\n```yaml\nwaivers:\n  - id: W-12\n    controls: [C-FAIR-01]\n    expires_at: 2026-12-01T00:00:00Z\n```\n\n## Fix\nAdd the fields named in the message.\n";
    WAIVER_NOT_WAIVABLE = "W3005", "waiver-for-non-waivable-control", Warning,
        "a waiver names a control that cannot be waived",
        "## Why\nSome controls (`waivable: false`, or listed in the waiver policy's `non_waivable`) guard the waiver process itself or anchor the evidence, so no waiver may cover them.\n\n## Example\n```yaml\nwaivers:\n  - id: W-3\n    controls: [C-GOV-03]\n```\n\n## Fix\nSatisfy the control instead of waiving it.\n";
    WAIVER_COMPENSATION_FAILING = "W3006", "waiver-compensating-control-failing", Warning,
        "a compensating control named by a waiver is not passing",
        "## Why\nA waiver is accepted because other controls or monitors compensate for the risk. Each listed compensating control is re-evaluated for this release; if one does not pass (or a listed monitor is missing or stale), the waiver is void.\n\n## Example\n```yaml\ncompensating_controls: [C-MON-01]   # C-MON-01 fails for this release\n```\n\n## Fix\nMake the compensating control pass, or revise the waiver.\n";
    WAIVER_UNKNOWN_TARGET = "W3007", "waiver-unknown-target", Warning,
        "a waiver names a control or requirement that the policy does not declare",
        "## Why\nA waiver for an unknown id covers nothing, which usually means a typo or a control that was renamed.\n\n## Example\n```yaml\ncontrols: [C-FAIR-1]   # the control is C-FAIR-01\n```\n\n## Fix\nUse the control and requirement ids shown in the report.\n";
    UNUSED_RULE = "L0001", "unused-rule", Warning,
        "a function or private rule is never referenced",
        "## Why\nA function, or a rule whose name starts with `_` (private by convention), that nothing in the linted files refers to is dead code: it costs review time and may hide a typo in the name of the rule that was meant to use it.\n\n## Example\n```rego\npackage p\n\n_is_admin(user) if user.role == \"admin\"\n\nallow if input.user.role == \"admin\"\n```\n\n## Fix\nUse it (here `allow if _is_admin(input.user)`) or delete it.\n";
    UNUSED_IMPORT = "L0002", "unused-import", Warning,
        "an import is never used in its file",
        "## Why\nImports only create a local name; an import nobody uses misleads readers about what the file depends on.\n\n## Example\n```rego\npackage p\n\nimport data.lib.scope\n\nallow if input.ok\n```\n\n## Fix\nRemove the import, or use its name.\n";
    UNUSED_ARGUMENT = "L0003", "unused-argument", Warning,
        "a function argument is never used in the function",
        "## Why\nAn argument the function ignores usually means the body tests the wrong thing (a global instead of the argument), or that callers pass a value for nothing.\n\n## Example\n```rego\npackage p\n\nis_high(tier, release) if tier == \"high\"\n```\n\n## Fix\nUse the argument, drop it from the function and its callers, or name it `_` (or `_release`) to say it is ignored on purpose.\n";
    UNUSED_VARIABLE = "L0004", "unused-variable", Warning,
        "a local variable is assigned with `:=` and never read",
        "## Why\nAn assignment whose result is never read has no effect except making the rule undefined when the right-hand side is; that is rarely intended and often a leftover.\n\n## Example\n```rego\npackage p\n\nallow if {\n	limit := 10\n	input.count < 5\n}\n```\n\n## Fix\nUse the variable (here `input.count < limit`) or remove the assignment.\n";
    SHADOWED_BUILTIN = "L0005", "shadowed-builtin", Warning,
        "a rule, function or local variable has the name of a builtin function or root document",
        "## Why\nA rule or variable called `count`, `max` or `input` hides the builtin or document of that name in the places it is visible, so later calls or references silently mean something else.\n\n## Example\n```rego\npackage p\n\ncount := 3\n\nallow if {\n	input := {\"a\": 1}\n	input.a == 1\n}\n```\n\n## Fix\nRename the rule or variable, e.g. `max_items`, `release`.\n";
    SHADOWED_VARIABLE = "L0006", "shadowed-variable", Warning,
        "a local variable hides a rule of its package or an import",
        "## Why\nInside the rule, the name now means the local value; a reader (or a later edit) expecting the rule or import of that name gets something else.\n\n## Example\n```rego\npackage p\n\nthreshold := 0.8\n\nallow if {\n	threshold := input.spec.threshold\n	input.score >= threshold\n}\n```\n\n## Fix\nGive the local variable its own name.\n";
    UNKNOWN_INPUT_FIELD = "L0007", "unknown-input-field", Warning,
        "an `input` reference names a field that the ModelRelease schema does not define",
        "## Why\nPolicies evaluate `kind: ModelRelease` manifests. A reference to a field the schema does not have is always undefined, so the expression around it never holds (or, under `not`, always does); usually it is a typo.\n\n## Example\n```rego\npackage p\n\nhigh_risk if input.spec.classification.risk_teir == \"high\"\n```\n\n## Fix\nUse the field name from the manifest reference (`riskgate schema` prints the schema): here `risk_tier`. Ignore the lint for policies that evaluate other kinds of input.\n";
    CONTROL_WITHOUT_TESTS = "L0008", "control-without-tests", Warning,
        "a control is not exercised by any test rule",
        "## Why\nControls decide releases; a control no `test_*` rule mentions can break silently when the policy or the manifest format changes. A test mentions a control when its name contains the control id in snake case (`test_c_fair_01_...`) or its body contains the id as a string.\n\n## Example\n```rego\ncontrol \"C-EX-01\" {\n	title: \"Rollback is documented\"\n	mitigates: [\"operational.unrecoverable_release\"]\n	require field \"rollback\" { path: \"spec.rollback.procedure_ref\" }\n}\n```\n\n## Fix\nAdd a test, e.g. `test_c_ex_01_denies_without_rollback if { ... }`, or a golden trace case that covers the control, and run it with `riskgate test`.\n";
    RISK_WITHOUT_CONTROL = "L0009", "risk-without-control", Warning,
        "a declared risk is mitigated by no control",
        "## Why\nA risk that no control lists in `mitigates` is a gap in the taxonomy coverage: releases are never checked against it.\n\n## Example\n```rego\nrisk \"privacy.membership_inference\" {\n	title: \"Training membership can be inferred\"\n	family: \"privacy\"\n}\n```\n\n## Fix\nAdd a control that mitigates the risk, or remove the risk if it does not apply (`riskgate graph --coverage` lists every gap).\n";
    CONTROL_WITHOUT_RISK = "L0010", "control-without-risk", Warning,
        "a control mitigates no risk",
        "## Why\nEvery control should trace back to a risk it reduces; without `mitigates` the control does not appear in the risk graph or in coverage reports, and nobody can tell why it exists.\n\n## Example\n```rego\ncontrol \"C-EX-02\" {\n	title: \"Model card exists\"\n	require document \"model_card\" {}\n}\n```\n\n## Fix\nAdd `mitigates: [\"family.risk\"]` naming the risks the control addresses.\n";
    THRESHOLD_OUT_OF_DOMAIN = "L0011", "threshold-out-of-domain", Warning,
        "a test threshold lies outside the domain of its metric",
        "## Why\nRates, ratios and scores such as accuracy, AUC or a false-positive rate lie between 0 and 1; counts, ages and latencies are never negative. A threshold outside the metric's domain makes the requirement always pass or always fail, which usually means a percentage was written instead of a fraction.\n\n## Example\n```rego\nrequire test \"accuracy\" {\n	metric: \"accuracy\"\n	op: \">=\"\n	threshold: 95\n}\n```\n\n## Fix\nWrite the threshold in the metric's unit (`0.95`).\n";
    UNREACHABLE_ELSE = "L0012", "unreachable-else", Warning,
        "an `else` clause can never be chosen",
        "## Why\n`else` is tried only when the clauses before it are undefined. After a clause whose body always holds (no body, or just `true`), the rest of the chain is dead.\n\n## Example\n```rego\npackage p\n\nlevel := \"low\" if {\n	true\n} else := \"high\" if {\n	input.score > 0.9\n}\n```\n\n## Fix\nPut the unconditional clause last, or give it a real condition.\n";
    NON_DETERMINISTIC_BUILTIN = "L0013", "non-deterministic-builtin", Warning,
        "a policy calls a builtin whose result does not follow from the release and data",
        "## Why\nRelease decisions must be reproducible: the same manifest and policy give the same decision and trace. `time.now_ns()`, `rand.intn`, `uuid.rfc4122`, `http.send`, `net.lookup_ip_addr` and `opa.runtime()` depend on when or where the policy runs.\n\n## Example\n```rego\npackage p\n\nstale if time.now_ns() - time.parse_rfc3339_ns(input.spec.evaluated_at) > 86400000000000\n```\n\n## Fix\nUse the evaluation clock `data.riskgate.context.now_ns` (set by `riskgate check --now`), and put external facts in the manifest or in data.\n";
    NAMING_STYLE = "L0014", "naming-style", Warning,
        "a rule, function or variable name is not snake_case",
        "## Why\nRego and riskgate policies name rules, functions and variables in `snake_case`; mixed styles make references harder to guess and search for.\n\n## Example\n```rego\npackage p\n\nisHighRisk if input.spec.classification.risk_tier == \"high\"\n```\n\n## Fix\nRename to snake_case: `is_high_risk`.\n";
    LINE_TOO_LONG = "L0015", "line-too-long", Warning,
        "a line is longer than the configured maximum",
        "## Why\nLong lines are hard to read in reviews and terminals. The maximum is 120 characters unless `max-line-length` in the `[lint]` section of `riskgate.toml` says otherwise; comments count, the long string literals of descriptions do not.\n\n## Example\n```rego\npackage p\n\nallow if { input.spec.classification.risk_tier == \"low\"; input.spec.deployment.environment == \"staging\"; count(input.spec.approvals) > 2 }\n```\n\n## Fix\nBreak the line, e.g. one statement per line in a braced body.\n";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut ids: Vec<_> = ALL.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len(), "duplicate code id");
        let mut names: Vec<_> = ALL.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len(), "duplicate code name");
        for code in ALL {
            assert!(
                code.docs.contains("## Fix"),
                "{} lacks a Fix section",
                code.id
            );
            assert!(
                !code.summary.chars().next().is_some_and(char::is_uppercase),
                "{} summary must not start upper-case",
                code.id
            );
        }
    }

    #[test]
    fn lookup_finds_by_id_and_name() {
        assert_eq!(lookup("e0003").map(|c| c.name), Some("unterminated-string"));
        assert_eq!(lookup("missing-if-keyword").map(|c| c.id), Some("E0013"));
        assert!(lookup("E9999").is_none());
    }
}
