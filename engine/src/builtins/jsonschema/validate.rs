//! Validating a JSON document against a compiled schema, reporting errors
//! in gojsonschema's order, wording and `type` names (OPA's behaviour).
//!
//! Like gojsonschema, failing `anyOf`/`oneOf`/`contains` report the errors of
//! the branch that got furthest, measured by a score of passed checks.

use serde_json::Value as Json;

use super::canonical;
use super::compile::{Additional, Compiled, Dependency, Items, Schema};

/// One validation error.
#[derive(Debug, Clone)]
pub(super) struct Issue {
    /// gojsonschema's error type, e.g. `invalid_type`.
    pub kind: &'static str,
    /// The instance location without `(root).`, or `(root)`.
    pub field: String,
    /// The message without the field prefix.
    pub description: String,
}

#[derive(Debug, Default)]
struct Outcome {
    issues: Vec<Issue>,
    score: i64,
}

impl Outcome {
    fn valid(&self) -> bool {
        self.issues.is_empty()
    }

    fn add(
        &mut self,
        kind: &'static str,
        path: &[String],
        description: impl FnOnce(&str) -> String,
    ) {
        let field = field(path);
        let description = description(&field);
        self.issues.push(Issue {
            kind,
            field,
            description,
        });
        self.score -= 2;
    }

    fn merge(&mut self, other: Outcome) {
        self.score += other.score;
        self.issues.extend(other.issues);
    }
}

fn field(path: &[String]) -> String {
    if path.is_empty() {
        "(root)".to_owned()
    } else {
        path.join(".")
    }
}

/// Validates `document`; an empty result means it matches.
pub(super) fn validate(compiled: &Compiled, document: &Json) -> Vec<Issue> {
    let mut outcome = Outcome::default();
    let mut path = Vec::new();
    Validator { compiled }.node(&compiled.root, document, &mut outcome, &mut path);
    outcome.issues
}

struct Validator<'a> {
    compiled: &'a Compiled,
}

fn is_integer(number: &serde_json::Number) -> bool {
    number.is_i64() || number.is_u64() || number.as_f64().is_some_and(|f| f.fract() == 0.0)
}

fn type_name(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(n) if is_integer(n) => "integer",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn types_text(types: &[&str]) -> String {
    match types {
        [single] => (*single).to_owned(),
        many => format!("[{}]", many.join(",")),
    }
}

impl Validator<'_> {
    fn sub(&self, schema: &Schema, value: &Json, path: &mut Vec<String>) -> Outcome {
        let mut outcome = Outcome::default();
        self.node(schema, value, &mut outcome, path);
        outcome
    }

    fn child(&self, schema: &Schema, value: &Json, path: &mut Vec<String>, key: String) -> Outcome {
        path.push(key);
        let outcome = self.sub(schema, value, path);
        path.pop();
        outcome
    }

    fn node(&self, schema: &Schema, value: &Json, out: &mut Outcome, path: &mut Vec<String>) {
        if let Some(pass) = schema.pass {
            if !pass {
                out.add("false", path, |_| {
                    "False always fails validation".to_owned()
                });
            }
            return;
        }
        if let Some(pointer) = &schema.reference {
            if let Some(target) = self.compiled.refs.get(pointer) {
                self.node(target, value, out, path);
            }
            return;
        }
        let given = type_name(value);
        if !schema.types.is_empty() {
            let ok = schema.types.contains(&given)
                || (given == "integer" && schema.types.contains(&"number"));
            if !ok {
                let expected = types_text(&schema.types);
                out.add("invalid_type", path, |_| {
                    format!("Invalid type. Expected: {expected}, given: {given}")
                });
                return;
            }
        }
        self.combinators(schema, value, out, path);
        match value {
            Json::Array(items) => {
                self.array(schema, items, out, path);
                common(schema, value, out, path);
            }
            Json::Object(map) => {
                self.object(schema, map, out, path);
                common(schema, value, out, path);
                for (name, property) in &schema.properties {
                    if let Some(item) = map.get(name) {
                        let sub = self.child(property, item, path, name.clone());
                        out.merge(sub);
                    }
                }
            }
            Json::Number(n) => {
                number(schema, n.as_f64().unwrap_or(0.0), out, path);
                common(schema, value, out, path);
            }
            Json::String(s) => {
                common(schema, value, out, path);
                string(schema, s, out, path);
            }
            Json::Null | Json::Bool(_) => common(schema, value, out, path),
        }
        out.score += 1;
    }

    fn combinators(
        &self,
        schema: &Schema,
        value: &Json,
        out: &mut Outcome,
        path: &mut Vec<String>,
    ) {
        if !schema.any_of.is_empty() {
            let branches = schema.any_of.iter().map(|b| self.sub(b, value, path));
            if let Err(best) = first_valid(branches) {
                out.add("number_any_of", path, |_| {
                    "Must validate at least one schema (anyOf)".to_owned()
                });
                if let Some(best) = best {
                    out.merge(best);
                }
            }
        }
        if !schema.one_of.is_empty() {
            let mut best: Option<Outcome> = None;
            let mut matched = 0;
            for branch in &schema.one_of {
                let result = self.sub(branch, value, path);
                if result.valid() {
                    matched += 1;
                } else if matched == 0 && best.as_ref().is_none_or(|b| result.score > b.score) {
                    best = Some(result);
                }
            }
            if matched != 1 {
                out.add("number_one_of", path, |_| {
                    "Must validate one and only one schema (oneOf)".to_owned()
                });
                if matched == 0
                    && let Some(best) = best
                {
                    out.merge(best);
                }
            }
        }
        if !schema.all_of.is_empty() {
            let mut matched = 0;
            for branch in &schema.all_of {
                let result = self.sub(branch, value, path);
                if result.valid() {
                    matched += 1;
                }
                out.merge(result);
            }
            if matched != schema.all_of.len() {
                out.add("number_all_of", path, |_| {
                    "Must validate all the schemas (allOf)".to_owned()
                });
            }
        }
        if let Some(not) = &schema.not
            && self.sub(not, value, path).valid()
        {
            out.add("number_not", path, |_| {
                "Must not validate the schema (not)".to_owned()
            });
        }
        if let Json::Object(map) = value {
            for key in map.keys() {
                match schema.dependencies.get(key) {
                    Some(Dependency::Keys(keys)) => {
                        for needed in keys.iter().filter(|k| !map.contains_key(*k)) {
                            out.add("missing_dependency", path, |_| {
                                format!("Has a dependency on {needed}")
                            });
                        }
                    }
                    Some(Dependency::Schema(dependency)) => self.node(dependency, value, out, path),
                    None => {}
                }
            }
        }
        if let Some(condition) = &schema.if_ {
            let holds = self.sub(condition, value, path).valid();
            let (branch, kind, text) = if holds {
                (
                    &schema.then,
                    "condition_then",
                    "Must validate \"then\" as \"if\" was valid",
                )
            } else {
                (
                    &schema.else_,
                    "condition_else",
                    "Must validate \"else\" as \"if\" was not valid",
                )
            };
            if let Some(branch) = branch {
                let result = self.sub(branch, value, path);
                if !result.valid() {
                    out.add(kind, path, |_| text.to_owned());
                    out.merge(result);
                }
            }
        }
        out.score += 1;
    }

    fn array(&self, schema: &Schema, items: &[Json], out: &mut Outcome, path: &mut Vec<String>) {
        match &schema.items {
            Items::None => {}
            Items::Single(item_schema) => {
                for (i, item) in items.iter().enumerate() {
                    let sub = self.child(item_schema, item, path, i.to_string());
                    out.merge(sub);
                }
            }
            Items::Tuple(schemas) => {
                for (i, (item_schema, item)) in schemas.iter().zip(items).enumerate() {
                    let sub = self.child(item_schema, item, path, i.to_string());
                    out.merge(sub);
                }
                if schemas.len() < items.len() {
                    match &schema.additional_items {
                        Additional::Allowed => {}
                        Additional::Forbidden => out.add("array_no_additional_items", path, |_| {
                            "No additional items allowed on array".to_owned()
                        }),
                        Additional::Schema(extra) => {
                            for (i, item) in items.iter().enumerate().skip(schemas.len()) {
                                let sub = self.child(extra, item, path, i.to_string());
                                out.merge(sub);
                            }
                        }
                    }
                }
            }
        }
        let len = items.len() as u64;
        if let Some(min) = schema.min_items.filter(|min| len < *min) {
            out.add("array_min_items", path, |_| {
                format!("Array must have at least {min} items")
            });
        }
        if let Some(max) = schema.max_items.filter(|max| len > *max) {
            out.add("array_max_items", path, |_| {
                format!("Array must have at most {max} items")
            });
        }
        if schema.unique_items {
            let mut seen: std::collections::HashMap<String, usize> =
                std::collections::HashMap::new();
            for (j, item) in items.iter().enumerate() {
                let text = canonical::marshal(item);
                if let Some(i) = seen.get(&text) {
                    let i = *i;
                    out.add("unique", path, |_| {
                        format!("array items[{i},{j}] must be unique")
                    });
                }
                seen.insert(text, j);
            }
        }
        if let Some(contains) = &schema.contains {
            let candidates = items
                .iter()
                .enumerate()
                .map(|(i, item)| self.child(contains, item, path, i.to_string()));
            if let Err(best) = first_valid(candidates) {
                out.add("contains", path, |_| {
                    "At least one of the items must match".to_owned()
                });
                if let Some(best) = best {
                    out.merge(best);
                }
            }
        }
        out.score += 1;
    }

    fn object(
        &self,
        schema: &Schema,
        map: &serde_json::Map<String, Json>,
        out: &mut Outcome,
        path: &mut Vec<String>,
    ) {
        let len = map.len() as u64;
        if let Some(min) = schema.min_properties.filter(|min| len < *min) {
            out.add("array_min_properties", path, |_| {
                format!("Must have at least {min} properties")
            });
        }
        if let Some(max) = schema.max_properties.filter(|max| len > *max) {
            out.add("array_max_properties", path, |_| {
                format!("Must have at most {max} properties")
            });
        }
        for name in &schema.required {
            if map.contains_key(name) {
                out.score += 1;
            } else {
                out.add("required", path, |_| format!("{name} is required"));
            }
        }
        for (key, item) in map {
            let declared = schema.properties.iter().any(|(name, _)| name == key);
            let mut matched = false;
            for (pattern, pattern_schema) in &schema.pattern_properties {
                if pattern.is_match(key) {
                    matched = true;
                    let sub = self.child(pattern_schema, item, path, key.clone());
                    out.merge(sub);
                }
            }
            if matched {
                out.score += 1;
            }
            if declared || matched {
                continue;
            }
            match &schema.additional_properties {
                Additional::Allowed => {}
                Additional::Forbidden => out.add("additional_property_not_allowed", path, |_| {
                    format!("Additional property {key} is not allowed")
                }),
                Additional::Schema(extra) => {
                    let sub = self.child(extra, item, path, key.clone());
                    out.merge(sub);
                }
            }
        }
        if let Some(names) = &schema.property_names {
            for key in map.keys() {
                let result = self.sub(names, &Json::String(key.clone()), path);
                if !result.valid() {
                    out.add("invalid_property_name", path, |_| {
                        format!("Property name of \"{key}\" does not match")
                    });
                    out.merge(result);
                }
            }
        }
        out.score += 1;
    }
}

fn common(schema: &Schema, value: &Json, out: &mut Outcome, path: &[String]) {
    if schema.constant.is_some() || !schema.enumeration.is_empty() {
        let text = canonical::marshal(value);
        if let Some(constant) = schema.constant.as_ref().filter(|c| **c != text) {
            out.add("const", path, |field| {
                format!("{field} does not match: {constant}")
            });
        }
        if !schema.enumeration.is_empty() && !schema.enumeration.contains(&text) {
            let allowed = schema.enumeration.join(", ");
            out.add("enum", path, |field| {
                format!("{field} must be one of the following: {allowed}")
            });
        }
    }
    if let Some(format) = &schema.format
        && !super::format::matches(format, value)
    {
        out.add("format", path, |_| {
            format!("Does not match format '{format}'")
        });
    }
    out.score += 1;
}

fn string(schema: &Schema, text: &str, out: &mut Outcome, path: &[String]) {
    let len = text.chars().count() as u64;
    if let Some(min) = schema.min_length.filter(|min| len < *min) {
        out.add("string_gte", path, |_| {
            format!("String length must be greater than or equal to {min}")
        });
    }
    if let Some(max) = schema.max_length.filter(|max| len > *max) {
        out.add("string_lte", path, |_| {
            format!("String length must be less than or equal to {max}")
        });
    }
    if let Some(pattern) = schema.pattern.as_ref().filter(|p| !p.is_match(text)) {
        out.add("pattern", path, |_| {
            format!("Does not match pattern '{}'", pattern.as_str())
        });
    }
    out.score += 1;
}

fn number(schema: &Schema, value: f64, out: &mut Outcome, path: &[String]) {
    if let Some(multiple) = schema.multiple_of {
        let quotient = value / multiple;
        if (quotient - quotient.round()).abs() > 1e-9 * quotient.abs().max(1.0) {
            out.add("multiple_of", path, |_| {
                format!("Must be a multiple of {}", canonical::big_float(multiple))
            });
        }
    }
    if let Some(max) = schema.maximum.filter(|max| value > *max) {
        out.add("number_lte", path, |_| {
            format!(
                "Must be less than or equal to {}",
                canonical::big_float(max)
            )
        });
    }
    if let Some(max) = schema.exclusive_maximum.filter(|max| value >= *max) {
        out.add("number_lt", path, |_| {
            format!("Must be less than {}", canonical::big_float(max))
        });
    }
    if let Some(min) = schema.minimum.filter(|min| value < *min) {
        out.add("number_gte", path, |_| {
            format!(
                "Must be greater than or equal to {}",
                canonical::big_float(min)
            )
        });
    }
    if let Some(min) = schema.exclusive_minimum.filter(|min| value <= *min) {
        out.add("number_gt", path, |_| {
            format!("Must be greater than {}", canonical::big_float(min))
        });
    }
    out.score += 1;
}

/// Stops at the first valid outcome (`Ok`); when there is none, the
/// failure that got furthest (highest score, the first of equals), to
/// explain why nothing matched.
fn first_valid(outcomes: impl Iterator<Item = Outcome>) -> Result<(), Option<Outcome>> {
    let mut best: Option<Outcome> = None;
    for result in outcomes {
        if result.valid() {
            return Ok(());
        }
        if best.as_ref().is_none_or(|b| result.score > b.score) {
            best = Some(result);
        }
    }
    Err(best)
}
