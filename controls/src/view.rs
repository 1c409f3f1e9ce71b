//! Reading the raw manifest tree: typed lookups that never fail on
//! unexpected shapes, JSON pointers, timestamps and people.

use riskgate_engine::value::Value;

/// `value[key]` for objects.
pub(crate) fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        // Manifest objects are small: a scan beats allocating a key.
        Value::Object(map) if map.len() <= SCAN_KEYS => map
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        Value::Object(_) => value.get(&Value::string(key)),
        _ => None,
    }
}

/// Objects up to this many keys are searched without allocating a key.
const SCAN_KEYS: usize = 32;

/// Follows a chain of object keys.
pub(crate) fn at<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(value, |v, k| get(v, k))
}

/// A string at a key chain.
pub(crate) fn str_at<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a str> {
    at(value, keys).and_then(Value::as_str)
}

/// The elements of an array at a key chain (empty when absent or not an
/// array).
pub(crate) fn items<'a>(value: &'a Value, keys: &[&str]) -> &'a [Value] {
    match at(value, keys) {
        Some(Value::Array(items)) => items.as_slice(),
        _ => &[],
    }
}

/// Whether a value counts as present: not null, not an empty string,
/// array or object.
pub(crate) fn is_present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Set(s) => !s.is_empty(),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// Nanoseconds since the epoch of an RFC 3339 timestamp.
pub(crate) fn parse_time(value: &Value) -> Option<i64> {
    parse_time_text(value.as_str()?)
}

/// Nanoseconds since the epoch of RFC 3339 text.
pub(crate) fn parse_time_text(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()?
        .timestamp_nanos_opt()
}

/// Formats nanoseconds since the epoch as RFC 3339 UTC (seconds precision).
#[must_use]
pub fn format_time(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let nanos = u32::try_from(ns.rem_euclid(1_000_000_000)).unwrap_or(0);
    chrono::DateTime::from_timestamp(secs, nanos).map_or_else(
        || ns.to_string(),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

const NS_PER_DAY: f64 = 86_400.0 * 1e9;

/// Age in days of `then` at `now`.
pub(crate) fn age_days(now: i64, then: i64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "day granularity")]
    let delta = (i128::from(now) - i128::from(then)) as f64;
    delta / NS_PER_DAY
}

/// Renders a day count for messages (`12`, `12.5`).
pub(crate) fn days(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// A person as named in the manifest (`{name, email, ...}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Person {
    pub(crate) email: Option<String>,
    pub(crate) name: Option<String>,
}

impl Person {
    /// Reads `{name, email}`; a plain string is a name (or an e-mail when
    /// it contains `@`).
    pub(crate) fn from_value(value: &Value) -> Option<Person> {
        let clean = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        };
        let person = match value {
            Value::String(s) if s.contains('@') => Person {
                email: clean(s),
                name: None,
            },
            Value::String(s) => Person {
                email: None,
                name: clean(s),
            },
            Value::Object(_) => Person {
                email: str_at(value, &["email"]).and_then(clean),
                name: str_at(value, &["name"]).and_then(clean),
            },
            _ => return None,
        };
        (person.email.is_some() || person.name.is_some()).then_some(person)
    }

    /// The identity key: the e-mail, else the name (case-insensitive).
    pub(crate) fn key(&self) -> String {
        match (&self.email, &self.name) {
            (Some(email), _) => email.to_lowercase(),
            (None, Some(name)) => format!("name:{}", name.to_lowercase()),
            (None, None) => String::new(),
        }
    }

    /// Whether two records name the same person: by e-mail when both have
    /// one, else by name.
    pub(crate) fn same(&self, other: &Person) -> bool {
        match (&self.email, &other.email) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => match (&self.name, &other.name) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            },
        }
    }

    /// How reports name the person.
    pub(crate) fn display(&self) -> String {
        match (&self.name, &self.email) {
            (Some(name), _) => name.clone(),
            (None, Some(email)) => email.clone(),
            (None, None) => "someone".to_owned(),
        }
    }
}

/// What the engine needs to know about the release itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct Release {
    pub(crate) digest: Option<String>,
    pub(crate) tier: Option<String>,
    pub(crate) environment: Option<String>,
    pub(crate) model_id: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) owner: Option<Person>,
    pub(crate) authors: Vec<Person>,
}

impl Release {
    pub(crate) fn read(input: &Value) -> Release {
        let spec = get(input, "spec").unwrap_or(&Value::Null);
        Release {
            digest: str_at(spec, &["identity", "artifact", "digest"]).map(str::to_owned),
            tier: str_at(spec, &["classification", "risk_tier"]).map(str::to_owned),
            environment: str_at(spec, &["deployment", "environment"]).map(str::to_owned),
            model_id: str_at(spec, &["identity", "model_id"]).map(str::to_owned),
            name: str_at(input, &["metadata", "name"]).map(str::to_owned),
            owner: at(spec, &["ownership", "model_owner"]).and_then(Person::from_value),
            authors: items(spec, &["ownership", "authors"])
                .iter()
                .filter_map(Person::from_value)
                .collect(),
        }
    }

    /// Whether `person` holds `role` for this release by construction
    /// (`model_author`, `model_owner`).
    pub(crate) fn holds(&self, person: &Person, role: &str) -> bool {
        match role {
            "model_author" => self.authors.iter().any(|a| a.same(person)),
            "model_owner" => self.owner.as_ref().is_some_and(|o| o.same(person)),
            _ => false,
        }
    }
}

pub(crate) use crate::digest::short_digest;
