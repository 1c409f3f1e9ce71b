//! The diagnostic codes the Rego engine emits: `E1xxx` compile errors,
//! `E0035` annotation syntax (read at compile time), `R0xxx` runtime
//! errors and the Rego-generic lints (`L0xxx`). Pages: `riskgate explain
//! CODE` and `docs/diagnostics/`.

riskgate_dsl::declare_codes! {
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
