//! Turns pest's parse failures into diagnostics with stable codes and
//! readable "expected ..." lists.

use pest::error::{Error, InputLocation};

use super::{Grammar, Rule};
use crate::diagnostics::{Diagnostic, codes};
use crate::span::Span;

/// Byte offset of a pest error within the text that was parsed.
pub(super) fn error_offset(error: &Error<Rule>) -> usize {
    match error.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    }
}

/// Builds the diagnostic for a pest failure while parsing `chunk`, which
/// starts at byte `offset` of `source`.
pub(super) fn syntax_error(
    source: &str,
    chunk: &str,
    offset: usize,
    entry: Rule,
    error: &Error<Rule>,
) -> Diagnostic {
    let at = offset + error_offset(error);
    let expected = expected_list(chunk, entry, error);
    let rest = source.get(at..).unwrap_or_default();
    if only_trivia(rest) {
        let end = source.len() as u32;
        return Diagnostic::new(&codes::UNEXPECTED_EOF, "unexpected end of file")
            .with_primary(Span::new(end, end), format!("expected {expected}"))
            .with_help("the construct before this point is incomplete");
    }
    let before = source.get(..at).unwrap_or_default();
    let last = before.trim_end();
    if last.len() < before.len()
        && before
            .get(last.len()..)
            .is_some_and(|gap| gap.contains('\n'))
        && !last.is_empty()
    {
        // The construct stopped at the end of a line: point there, not at
        // the first token of the next line.
        let end = last.len() as u32;
        let start = last.char_indices().last().map_or(0, |(i, _)| i) as u32;
        return Diagnostic::new(&codes::UNEXPECTED_TOKEN, "unexpected end of line")
            .with_primary(
                Span::new(start, end),
                format!("expected {expected} after this"),
            )
            .with_help("complete the expression before the line ends");
    }
    let token = token_at(rest);
    let span = Span::new(at as u32, (at + token.len().max(1)) as u32);
    if let Some(number) = malformed_number(source, at) {
        let span = Span::new(number.0 as u32, number.1 as u32);
        let token = span.text(source);
        return Diagnostic::new(&codes::INVALID_NUMBER, format!("invalid number `{token}`"))
            .with_primary(span, "not a number")
            .with_help("numbers are written like 10, 2.5 or 1e3; names cannot start with a digit");
    }
    let mut diagnostic = Diagnostic::new(
        &codes::UNEXPECTED_TOKEN,
        format!("unexpected {}", describe(token)),
    )
    .with_primary(span, format!("expected {expected}"));
    if let Some(help) = help_for(token, &expected) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

/// Re-parses with pest's error detail switched on to learn which tokens
/// could have continued the text, and renders them as a readable list.
fn expected_list(chunk: &str, entry: Rule, error: &Error<Rule>) -> String {
    use pest::Parser as _;
    let mut expected: Vec<String> = Vec::new();
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant {
        expected.extend(
            positives
                .iter()
                .filter_map(|r| rule_name(*r))
                .map(str::to_string),
        );
    }
    pest::set_error_detail(true);
    let detailed = Grammar::parse(entry, chunk).err();
    pest::set_error_detail(false);
    if let Some(attempts) = detailed.as_ref().and_then(Error::parse_attempts) {
        for token in attempts.expected_tokens() {
            if let Some(name) = token_name(&token.to_string()) {
                expected.push(name.to_string());
            }
        }
        for stack in &attempts.call_stacks {
            if let Some(name) = rule_name(stack.deepest.get_rule().copied().unwrap_or(Rule::EOI)) {
                expected.push(name.to_string());
            }
        }
    }
    expected.sort_by_key(|name| (priority(name), name.clone()));
    expected.dedup();
    if expected.iter().any(|name| name == "an expression") {
        // These only start expressions; naming them again adds noise.
        expected
            .retain(|name| !matches!(name.as_str(), "`{`" | "`(`" | "`[`" | "a string" | "a name"));
    }
    match expected.as_slice() {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] if init.len() < 6 => format!("{} or {last}", init.join(", ")),
        many => format!(
            "{}, ...",
            many.iter().take(6).cloned().collect::<Vec<_>>().join(", ")
        ),
    }
}

fn priority(name: &str) -> u8 {
    match name {
        "an expression" => 0,
        "a name" => 1,
        "a rule or declaration" => 2,
        "`if`" | "`{`" | "`:=`" | "`=`" => 3,
        "end of file" => 9,
        _ => 5,
    }
}

/// Human names for grammar rules; `None` hides internal rules.
fn rule_name(grammar_rule: Rule) -> Option<&'static str> {
    Some(match grammar_rule {
        Rule::EOI => "end of file",
        Rule::in_expr
        | Rule::rel_expr
        | Rule::term
        | Rule::expr_stmt
        | Rule::literal
        | Rule::compr_head
        | Rule::compr_rel
        | Rule::neg
        | Rule::number
        | Rule::string
        | Rule::raw_string
        | Rule::template
        | Rule::raw_template
        | Rule::array
        | Rule::brace
        | Rule::paren
        | Rule::var_or_call
        | Rule::null_lit
        | Rule::true_lit
        | Rule::false_lit
        | Rule::some_decl
        | Rule::every_stmt
        | Rule::not_stmt => "an expression",
        Rule::var_name | Rule::any_name | Rule::path | Rule::rule_ref => "a name",
        Rule::package_decl
        | Rule::import_decl
        | Rule::rule
        | Rule::risk_decl
        | Rule::control_decl
        | Rule::rule_head => "a rule or declaration",
        Rule::kw_package => "`package`",
        Rule::kw_if => "`if`",
        Rule::kw_contains => "`contains`",
        Rule::kw_else => "`else`",
        Rule::kw_in => "`in`",
        Rule::kw_as => "`as`",
        Rule::kw_with => "`with`",
        Rule::kw_some => "`some`",
        Rule::kw_not => "`not`",
        Rule::kw_every => "`every`",
        Rule::kw_default => "`default`",
        Rule::braced_body | Rule::rule_body => "a body",
        Rule::head_value | Rule::op_assign | Rule::op_unify => "`:=`",
        Rule::call_args => "`(`",
        Rule::field => "a field (`name: value`)",
        Rule::applies_block => "`applies`",
        Rule::require_block => "`require`",
        Rule::op_eq
        | Rule::op_neq
        | Rule::op_lt
        | Rule::op_lte
        | Rule::op_gt
        | Rule::op_gte
        | Rule::op_or
        | Rule::op_and
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::op_rem => "an operator",
        _ => return None,
    })
}

fn token_name(token: &str) -> Option<&'static str> {
    Some(match token {
        "}" => "`}`",
        "{" => "`{`",
        "]" => "`]`",
        "[" => "`[`",
        ")" => "`)`",
        "(" => "`(`",
        "," => "`,`",
        ":" => "`:`",
        ";" => "`;`",
        "|" => "`|`",
        "." => "`.`",
        ":=" => "`:=`",
        "=" => "`=`",
        "\"" => "a string",
        _ => return None,
    })
}

/// The byte range of a malformed number literal around `at`, if the text
/// there is number-like (digits, letters, dots) but not a valid number.
fn malformed_number(source: &str, at: usize) -> Option<(usize, usize)> {
    let bytes = source.as_bytes();
    let is_part = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'_';
    let mut start = at;
    while start > 0 && bytes.get(start - 1).copied().is_some_and(is_part) {
        start -= 1;
    }
    let mut end = at;
    while bytes.get(end).copied().is_some_and(is_part) {
        end += 1;
    }
    let text = source.get(start..end)?;
    let starts_with_digit = text.starts_with(|c: char| c.is_ascii_digit());
    (starts_with_digit && !is_valid_number(text)).then_some((start, end))
}

/// JSON number syntax without a sign (leading zeros tolerated, as in OPA).
fn is_valid_number(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (
            text.get(..i).unwrap_or_default(),
            Some(text.get(i + 1..).unwrap_or_default()),
        ),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

fn only_trivia(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#')
    })
}

/// The token-like piece of text at the start of `rest`.
fn token_at(rest: &str) -> &str {
    let word = rest
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    if word > 0 {
        return rest.get(..word).unwrap_or(rest);
    }
    for op in [":=", "==", "!=", "<=", ">="] {
        if rest.starts_with(op) {
            return op;
        }
    }
    let first = rest.chars().next().map_or(0, char::len_utf8);
    rest.get(..first).unwrap_or(rest)
}

fn describe(token: &str) -> String {
    match token {
        "\n" | "\r" => "end of line".to_string(),
        "\"" | "`" => "string".to_string(),
        _ if token.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
            format!("number `{token}`")
        }
        _ if is_keyword(token) => format!("keyword `{token}`"),
        _ => format!("`{token}`"),
    }
}

fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "contains"
            | "default"
            | "else"
            | "every"
            | "false"
            | "if"
            | "import"
            | "in"
            | "not"
            | "null"
            | "package"
            | "some"
            | "true"
            | "with"
    )
}

fn help_for(token: &str, expected: &str) -> Option<String> {
    if is_keyword(token) && expected.contains("a name") {
        return Some(format!(
            "`{token}` is a keyword; it can only be used as a name after a `.`, as in `data.x.{token}`"
        ));
    }
    if token == "=" && expected.contains("`:=`") {
        return None;
    }
    if token == "{" && expected.contains("`if`") {
        return Some("Rego v1 rule bodies start with `if {`".to_string());
    }
    None
}
