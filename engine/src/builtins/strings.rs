//! String functions. `sprintf` lives in [`super::sprintf`].

use crate::builtins::operands::{
    arg, collection, count as count_value, element_error, failed, int, number, object,
    operand_error, string, strings as string_items, type_error,
};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::number::Number;
use crate::value::Value;

pub(crate) const CATEGORY: &str = "strings";

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "concat",
        arity: 2,
        func: concat,
        category: CATEGORY,
        summary: "Joins an array or set of strings with a delimiter.",
    },
    Builtin {
        name: "contains",
        arity: 2,
        func: contains,
        category: CATEGORY,
        summary: "Whether a string contains a substring.",
    },
    Builtin {
        name: "endswith",
        arity: 2,
        func: endswith,
        category: CATEGORY,
        summary: "Whether a string ends with a suffix.",
    },
    Builtin {
        name: "format_int",
        arity: 2,
        func: format_int,
        category: CATEGORY,
        summary: "Formats the integer part of a number in base 2, 8, 10 or 16.",
    },
    Builtin {
        name: "indexof",
        arity: 2,
        func: indexof,
        category: CATEGORY,
        summary: "The character index of the first occurrence of a substring, or -1.",
    },
    Builtin {
        name: "indexof_n",
        arity: 2,
        func: indexof_n,
        category: CATEGORY,
        summary: "The character indexes of all occurrences of a substring.",
    },
    Builtin {
        name: "lower",
        arity: 1,
        func: lower,
        category: CATEGORY,
        summary: "Converts a string to lower case.",
    },
    Builtin {
        name: "replace",
        arity: 3,
        func: replace,
        category: CATEGORY,
        summary: "Replaces every occurrence of `old` with `new`.",
    },
    Builtin {
        name: "split",
        arity: 2,
        func: split,
        category: CATEGORY,
        summary: "Splits a string at each occurrence of a delimiter.",
    },
    Builtin {
        name: "startswith",
        arity: 2,
        func: startswith,
        category: CATEGORY,
        summary: "Whether a string starts with a prefix.",
    },
    Builtin {
        name: "strings.any_prefix_match",
        arity: 2,
        func: any_prefix_match,
        category: CATEGORY,
        summary: "Whether any of the strings starts with any of the prefixes (strings, arrays or sets).",
    },
    Builtin {
        name: "strings.any_suffix_match",
        arity: 2,
        func: any_suffix_match,
        category: CATEGORY,
        summary: "Whether any of the strings ends with any of the suffixes (strings, arrays or sets).",
    },
    Builtin {
        name: "strings.count",
        arity: 2,
        func: strings_count,
        category: CATEGORY,
        summary: "The number of non-overlapping occurrences of a substring.",
    },
    Builtin {
        name: "strings.replace_n",
        arity: 2,
        func: replace_n,
        category: CATEGORY,
        summary: "Replaces several substrings at once, given as an object of old to new.",
    },
    Builtin {
        name: "strings.reverse",
        arity: 1,
        func: reverse,
        category: CATEGORY,
        summary: "Reverses the characters of a string.",
    },
    Builtin {
        name: "substring",
        arity: 3,
        func: substring,
        category: CATEGORY,
        summary: "The characters from `offset` on, at most `length` of them (all if negative).",
    },
    Builtin {
        name: "trim",
        arity: 2,
        func: trim,
        category: CATEGORY,
        summary: "Removes leading and trailing characters contained in a cutset.",
    },
    Builtin {
        name: "trim_left",
        arity: 2,
        func: trim_left,
        category: CATEGORY,
        summary: "Removes leading characters contained in a cutset.",
    },
    Builtin {
        name: "trim_prefix",
        arity: 2,
        func: trim_prefix,
        category: CATEGORY,
        summary: "Removes a prefix, if present.",
    },
    Builtin {
        name: "trim_right",
        arity: 2,
        func: trim_right,
        category: CATEGORY,
        summary: "Removes trailing characters contained in a cutset.",
    },
    Builtin {
        name: "trim_space",
        arity: 1,
        func: trim_space,
        category: CATEGORY,
        summary: "Removes leading and trailing white space.",
    },
    Builtin {
        name: "trim_suffix",
        arity: 2,
        func: trim_suffix,
        category: CATEGORY,
        summary: "Removes a suffix, if present.",
    },
    Builtin {
        name: "upper",
        arity: 1,
        func: upper,
        category: CATEGORY,
        summary: "Converts a string to upper case.",
    },
];

fn two_strings<'a>(name: &str, args: &'a [Value]) -> Result<(&'a str, &'a str), BuiltinError> {
    Ok((string(name, args, 1)?, string(name, args, 2)?))
}

fn concat(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "concat";
    let delimiter = string(NAME, args, 1)?;
    let items = arg(NAME, args, 2)?;
    let parts = collection(NAME, args, 2)?
        .map(|item| {
            item.as_str()
                .ok_or_else(|| element_error(NAME, 2, items, item, "string"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::string(&parts.join(delimiter)))
}

fn contains(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, needle) = two_strings("contains", args)?;
    Ok(Value::Bool(text.contains(needle)))
}

fn startswith(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, prefix) = two_strings("startswith", args)?;
    Ok(Value::Bool(text.starts_with(prefix)))
}

fn endswith(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, suffix) = two_strings("endswith", args)?;
    Ok(Value::Bool(text.ends_with(suffix)))
}

fn format_int(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "format_int";
    let input = number(NAME, args, 1)?;
    let base = number(NAME, args, 2)?;
    let radix = match base.as_i64() {
        Some(radix @ (2 | 8 | 10 | 16)) => radix,
        _ => return Err(operand_error(NAME, 2, "must be one of {2, 8, 10, 16}")),
    };
    // Truncates towards zero, as Go's big.Float.Int does.
    let Some(int) = input.as_i128().or_else(|| {
        let truncated = Number::from_f64(input.as_f64().trunc())?;
        truncated.as_i128()
    }) else {
        return Err(failed(NAME, "number too large"));
    };
    let magnitude = int.unsigned_abs();
    let digits = match radix {
        2 => format!("{magnitude:b}"),
        8 => format!("{magnitude:o}"),
        16 => format!("{magnitude:x}"),
        _ => magnitude.to_string(),
    };
    let sign = if int < 0 { "-" } else { "" };
    Ok(Value::string(&format!("{sign}{digits}")))
}

/// Character (not byte) indexes of the occurrences of `needle`,
/// overlapping ones included.
fn char_indexes<'a>(text: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    text.char_indices()
        .enumerate()
        .filter(move |(_, (byte, _))| {
            text.get(*byte..)
                .is_some_and(|rest| rest.starts_with(needle))
        })
        .map(|(chars, _)| chars)
}

fn search_strings<'a>(name: &str, args: &'a [Value]) -> Result<(&'a str, &'a str), BuiltinError> {
    let (text, needle) = two_strings(name, args)?;
    if needle.is_empty() {
        return Err(failed(name, "empty search character"));
    }
    Ok((text, needle))
}

fn indexof(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, needle) = search_strings("indexof", args)?;
    Ok(char_indexes(text, needle)
        .next()
        .map_or_else(|| Value::int(-1), count_value))
}

fn indexof_n(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, needle) = search_strings("indexof_n", args)?;
    Ok(Value::array(
        char_indexes(text, needle).map(count_value).collect(),
    ))
}

fn lower(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    Ok(Value::string(&string("lower", args, 1)?.to_lowercase()))
}

fn upper(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    Ok(Value::string(&string("upper", args, 1)?.to_uppercase()))
}

fn replace(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "replace";
    let text = string(NAME, args, 1)?;
    let old = string(NAME, args, 2)?;
    let new = string(NAME, args, 3)?;
    Ok(Value::string(&text.replace(old, new)))
}

fn replace_n(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "strings.replace_n";
    let patterns = object(NAME, args, 1)?;
    let text = string(NAME, args, 2)?;
    // Keys in sorted order; at each position the first matching key wins.
    let pairs = patterns
        .iter()
        .map(|(old, new)| {
            let old = old
                .as_str()
                .ok_or_else(|| operand_error(NAME, 1, "non-string key found in pattern object"))?;
            let new = new.as_str().ok_or_else(|| {
                operand_error(NAME, 1, "non-string value found in pattern object")
            })?;
            Ok((old, new))
        })
        .collect::<Result<Vec<_>, BuiltinError>>()?;
    Ok(Value::string(&replace_all(text, &pairs)))
}

/// Go's `strings.Replacer`: scanning left to right, replaces the first
/// pattern (in `pairs` order) matching at each position; an empty pattern
/// matches once before every character and at the end.
fn replace_all(text: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut after_empty_match = false;
    loop {
        let found = pairs
            .iter()
            .find(|(old, _)| rest.starts_with(old) && !(old.is_empty() && after_empty_match));
        if let Some((old, new)) = found {
            out.push_str(new);
            after_empty_match = old.is_empty();
            rest = rest.get(old.len()..).unwrap_or_default();
            continue;
        }
        after_empty_match = false;
        let mut chars = rest.chars();
        let Some(next) = chars.next() else {
            break;
        };
        out.push(next);
        rest = chars.as_str();
    }
    out
}

fn split(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, delimiter) = two_strings("split", args)?;
    let parts: Vec<Value> = if delimiter.is_empty() {
        text.chars()
            .map(|c| Value::string(c.encode_utf8(&mut [0; 4])))
            .collect()
    } else {
        text.split(delimiter).map(Value::string).collect()
    };
    Ok(Value::array(parts))
}

fn substring(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "substring";
    let text = string(NAME, args, 1)?;
    let offset = int(NAME, args, 2)?;
    let length = int(NAME, args, 3)?;
    if offset < 0 {
        return Err(failed(NAME, "negative offset"));
    }
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let chars = text.chars().skip(skip);
    let result: String = if length < 0 {
        chars.collect()
    } else {
        chars
            .take(usize::try_from(length).unwrap_or(usize::MAX))
            .collect()
    };
    Ok(Value::string(&result))
}

fn trim(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, cutset) = two_strings("trim", args)?;
    Ok(Value::string(text.trim_matches(|c| cutset.contains(c))))
}

fn trim_left(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, cutset) = two_strings("trim_left", args)?;
    Ok(Value::string(
        text.trim_start_matches(|c| cutset.contains(c)),
    ))
}

fn trim_right(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, cutset) = two_strings("trim_right", args)?;
    Ok(Value::string(text.trim_end_matches(|c| cutset.contains(c))))
}

fn trim_prefix(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, prefix) = two_strings("trim_prefix", args)?;
    Ok(Value::string(text.strip_prefix(prefix).unwrap_or(text)))
}

fn trim_suffix(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, suffix) = two_strings("trim_suffix", args)?;
    Ok(Value::string(text.strip_suffix(suffix).unwrap_or(text)))
}

fn trim_space(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    Ok(Value::string(string("trim_space", args, 1)?.trim()))
}

fn reverse(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let text = string("strings.reverse", args, 1)?;
    Ok(Value::string(&text.chars().rev().collect::<String>()))
}

fn strings_count(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (text, needle) = two_strings("strings.count", args)?;
    Ok(count_value(text.matches(needle).count()))
}

/// A string or an array/set of strings (operand `pos`).
fn string_list<'a>(name: &str, value: &'a Value, pos: usize) -> Result<Vec<&'a str>, BuiltinError> {
    match value {
        Value::String(text) => Ok(vec![&**text]),
        Value::Array(_) | Value::Set(_) => string_items(name, value, pos),
        other => Err(type_error(name, pos, other, &["string", "set", "array"])),
    }
}

fn any_match(
    name: &str,
    args: &[Value],
    matches: fn(&str, &str) -> bool,
) -> Result<Value, BuiltinError> {
    let texts = string_list(name, arg(name, args, 1)?, 1)?;
    let affixes = string_list(name, arg(name, args, 2)?, 2)?;
    Ok(Value::Bool(texts.iter().any(|text| {
        affixes.iter().any(|affix| matches(text, affix))
    })))
}

fn any_prefix_match(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    any_match("strings.any_prefix_match", args, |text, affix| {
        text.starts_with(affix)
    })
}

fn any_suffix_match(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    any_match("strings.any_suffix_match", args, |text, affix| {
        text.ends_with(affix)
    })
}
