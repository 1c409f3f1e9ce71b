//! The `format` keyword. A caller picks the checker ([`FormatCheck`]);
//! [`common_formats`] is gojsonschema's set, where unknown formats always
//! match, as in OPA. Formats only constrain strings.

/// Checks a string against a `format`: `Err` carries why it does not match.
pub type FormatCheck = fn(format: &str, text: &str) -> Result<(), String>;

/// The common string formats gojsonschema checks.
///
/// # Errors
///
/// When `text` is not a `format` value.
pub fn common_formats(format: &str, text: &str) -> Result<(), String> {
    let matches = match format {
        "date-time" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
        "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10,
        "time" => chrono::DateTime::parse_from_rfc3339(&format!("1970-01-01T{text}")).is_ok(),
        "ipv4" => text.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => text.contains(':') && text.parse::<std::net::Ipv6Addr>().is_ok(),
        "email" => email(text),
        "uuid" => uuid(text),
        "regex" => regex::Regex::new(text).is_ok(),
        "hostname" => hostname(text),
        "uri" => uri(text),
        _ => true,
    };
    if matches {
        Ok(())
    } else {
        Err(format!("not a valid {format}"))
    }
}

fn email(text: &str) -> bool {
    text.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !text.contains(' ')
    })
}

fn uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn hostname(text: &str) -> bool {
    let text = text.strip_suffix('.').unwrap_or(text);
    !text.is_empty()
        && text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn uri(text: &str) -> bool {
    text.split_once(':').is_some_and(|(scheme, _)| {
        let mut bytes = scheme.bytes();
        bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
            && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    }) && !text.contains(' ')
}
