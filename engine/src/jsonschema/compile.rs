//! Compiling a JSON Schema document into [`Schema`] nodes, rejecting the
//! malformed keywords OPA (gojsonschema) rejects, with its messages.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::canonical;
use super::instance::JsonType;

/// Which draft's rules apply; `Hybrid` (no `$schema`) accepts every form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Draft {
    Draft4 = 4,
    Draft6 = 6,
    Draft7 = 7,
    Hybrid = 100,
}

/// `additionalProperties` / `additionalItems`.
#[derive(Debug, Default)]
pub(super) enum Additional {
    #[default]
    Allowed,
    Forbidden,
    Schema(Box<Schema>),
}

/// `items`.
#[derive(Debug, Default)]
pub(super) enum Items {
    #[default]
    None,
    Single(Box<Schema>),
    Tuple(Vec<Schema>),
}

/// A `dependencies` entry.
#[derive(Debug)]
pub(super) enum Dependency {
    Keys(Vec<String>),
    Schema(Box<Schema>),
}

/// A `const` or `enum` member: the value as written and its canonical
/// text, which members are compared by.
#[derive(Debug)]
pub struct Literal {
    value: Json,
    canonical: String,
}

impl Literal {
    fn new(value: &Json) -> Literal {
        Literal {
            value: value.clone(),
            canonical: canonical::marshal(value),
        }
    }

    /// The value as the schema writes it.
    #[must_use]
    pub fn value(&self) -> &Json {
        &self.value
    }

    /// The canonical JSON text (sorted keys, numbers as doubles).
    #[must_use]
    pub fn canonical(&self) -> &str {
        &self.canonical
    }
}

/// One compiled (sub)schema.
#[derive(Debug, Default)]
pub struct Schema {
    /// `true` / `false` schemas (draft 6+).
    pub(super) pass: Option<bool>,
    /// A `$ref` pointer (`#/...`); other keywords are then ignored.
    pub(super) reference: Option<String>,
    pub(super) types: Vec<JsonType>,
    /// Whether the schema has a `properties` keyword (even an empty one).
    pub(super) declares_properties: bool,
    pub(super) properties: Vec<(String, Schema)>,
    pub(super) pattern_properties: Vec<(regex::Regex, Schema)>,
    pub(super) additional_properties: Additional,
    pub(super) property_names: Option<Box<Schema>>,
    pub(super) dependencies: BTreeMap<String, Dependency>,
    pub(super) items: Items,
    pub(super) additional_items: Additional,
    pub(super) multiple_of: Option<f64>,
    pub(super) minimum: Option<f64>,
    pub(super) exclusive_minimum: Option<f64>,
    pub(super) maximum: Option<f64>,
    pub(super) exclusive_maximum: Option<f64>,
    pub(super) min_length: Option<u64>,
    pub(super) max_length: Option<u64>,
    pub(super) pattern: Option<regex::Regex>,
    pub(super) format: Option<String>,
    pub(super) min_properties: Option<u64>,
    pub(super) max_properties: Option<u64>,
    pub(super) required: Vec<String>,
    pub(super) min_items: Option<u64>,
    pub(super) max_items: Option<u64>,
    pub(super) unique_items: bool,
    pub(super) contains: Option<Box<Schema>>,
    pub(super) constant: Option<Literal>,
    pub(super) enumeration: Vec<Literal>,
    pub(super) one_of: Vec<Schema>,
    pub(super) any_of: Vec<Schema>,
    pub(super) all_of: Vec<Schema>,
    pub(super) not: Option<Box<Schema>>,
    pub(super) if_: Option<Box<Schema>>,
    pub(super) then: Option<Box<Schema>>,
    pub(super) else_: Option<Box<Schema>>,
}

/// A compiled schema document: the root and every `$ref` target.
#[derive(Debug)]
pub struct Compiled {
    pub(super) root: Schema,
    pub(super) refs: BTreeMap<String, Schema>,
}

impl Compiled {
    /// The root schema.
    #[must_use]
    pub fn root(&self) -> &Schema {
        &self.root
    }

    /// `schema` with its `$ref` chain followed (at most
    /// [`super::MAX_SCHEMA_HOPS`] references).
    #[must_use]
    pub fn resolve<'s>(&'s self, schema: &'s Schema) -> &'s Schema {
        let mut schema = schema;
        for _ in 0..super::MAX_SCHEMA_HOPS {
            match schema.reference.as_ref().and_then(|r| self.refs.get(r)) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }
}

impl Schema {
    /// The `type` keyword's types, in the schema's order (empty without one).
    #[must_use]
    pub fn types(&self) -> &[JsonType] {
        &self.types
    }

    /// `const`.
    #[must_use]
    pub fn constant(&self) -> Option<&Literal> {
        self.constant.as_ref()
    }

    /// The `enum` members (empty without `enum`).
    #[must_use]
    pub fn enumeration(&self) -> &[Literal] {
        &self.enumeration
    }

    /// The `anyOf` branches.
    #[must_use]
    pub fn any_of(&self) -> &[Schema] {
        &self.any_of
    }

    /// The `oneOf` branches.
    #[must_use]
    pub fn one_of(&self) -> &[Schema] {
        &self.one_of
    }

    /// The names `properties` declares, in the schema's order.
    pub fn declared_properties(&self) -> impl Iterator<Item = &str> {
        self.properties.iter().map(|(name, _)| name.as_str())
    }

    /// `minimum` (inclusive).
    #[must_use]
    pub fn minimum(&self) -> Option<f64> {
        self.minimum
    }

    /// `maximum` (inclusive).
    #[must_use]
    pub fn maximum(&self) -> Option<f64> {
        self.maximum
    }
}

/// Compiles a whole schema document.
///
/// # Errors
///
/// A malformed keyword or an unresolvable reference, with gojsonschema's
/// message.
pub fn compile(document: &Json) -> Result<Compiled, String> {
    let draft = match document.get("$schema") {
        None => Draft::Hybrid,
        Some(Json::String(url)) => detect_draft(url),
        Some(_) => return Err("$schema must be of type string".to_owned()),
    };
    let mut compiler = Compiler {
        refs: BTreeMap::new(),
        pending: Vec::new(),
    };
    let root = compiler.schema(document, draft)?;
    while let Some(pointer) = compiler.pending.pop() {
        if compiler.refs.contains_key(&pointer) {
            continue;
        }
        let target = resolve(document, &pointer)?;
        // Placeholder first so self-references terminate.
        compiler.refs.insert(pointer.clone(), Schema::default());
        let schema = compiler.schema(target, draft)?;
        compiler.refs.insert(pointer, schema);
    }
    Ok(Compiled {
        root,
        refs: compiler.refs,
    })
}

fn detect_draft(url: &str) -> Draft {
    if url.contains("draft-04") {
        Draft::Draft4
    } else if url.contains("draft-06") {
        Draft::Draft6
    } else if url.contains("draft-07") {
        Draft::Draft7
    } else {
        Draft::Hybrid
    }
}

/// Follows a local JSON pointer (`#`, `#/definitions/a`).
fn resolve<'a>(document: &'a Json, pointer: &str) -> Result<&'a Json, String> {
    let Some(path) = pointer.strip_prefix('#') else {
        return Err(format!(
            "unsupported reference {pointer}: only references within the schema are supported"
        ));
    };
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return Ok(document);
    }
    path.split('/').try_fold(document, |node, raw| {
        let token = crate::json_pointer::unescape(raw);
        match node {
            Json::Object(map) => map
                .get(token.as_ref())
                .ok_or_else(|| format!("Object has no key '{token}'")),
            Json::Array(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index))
                .ok_or_else(|| format!("Out of bound array[0,{}] index '{token}'", items.len())),
            _ => Err(format!("Invalid token reference '{token}'")),
        }
    })
}

struct Compiler {
    refs: BTreeMap<String, Schema>,
    pending: Vec<String>,
}

fn invalid_type(expected: &str, given: &str) -> String {
    format!("Invalid type. Expected: {expected}, given: {given}")
}

fn must_be_of_a(x: &str, y: &str) -> String {
    format!("{x} must be of a {y}")
}

fn must_be_of_an(x: &str, y: &str) -> String {
    format!("{x} must be of an {y}")
}

fn is_schema(value: &Json) -> bool {
    matches!(value, Json::Object(_) | Json::Bool(_))
}

fn number(value: &Json) -> Option<f64> {
    value.as_f64()
}

/// A non-negative integer keyword (`minLength`, `maxItems`, ...).
fn count(map: &Map<String, Json>, key: &str) -> Result<Option<u64>, String> {
    let Some(value) = map.get(key) else {
        return Ok(None);
    };
    let integral = value
        .as_f64()
        .filter(|f| f.fract() == 0.0)
        .ok_or_else(|| must_be_of_an(key, "integer"))?;
    if integral < 0.0 {
        return Err(format!("{key} must be greater than or equal to 0"));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(Some(integral as u64))
}

fn regex(pattern: &str) -> Option<regex::Regex> {
    regex::Regex::new(pattern).ok()
}

impl Compiler {
    fn schema(&mut self, node: &Json, draft: Draft) -> Result<Schema, String> {
        if draft >= Draft::Draft6
            && let Json::Bool(pass) = node
        {
            return Ok(Schema {
                pass: Some(*pass),
                ..Schema::default()
            });
        }
        let Json::Object(map) = node else {
            return Err("Expected: valid schema, given: Invalid JSON".to_owned());
        };
        let mut schema = Schema::default();
        Self::annotations(map)?;
        if let Some(reference) = map.get("$ref") {
            let Json::String(pointer) = reference else {
                return Err(invalid_type("string", "$ref"));
            };
            self.pending.push(pointer.clone());
            schema.reference = Some(pointer.clone());
            return Ok(schema);
        }
        self.types(map, &mut schema)?;
        self.object_keywords(map, &mut schema, draft)?;
        self.array_keywords(map, &mut schema, draft)?;
        numeric_keywords(map, &mut schema, draft)?;
        string_keywords(map, &mut schema)?;
        self.value_keywords(map, &mut schema, draft)?;
        self.combinators(map, &mut schema, draft)?;
        Ok(schema)
    }

    fn annotations(map: &Map<String, Json>) -> Result<(), String> {
        for key in ["id", "$id", "title", "description"] {
            if map.get(key).is_some_and(|v| !v.is_string()) {
                return Err(invalid_type("string", key));
            }
        }
        if let Some(definitions) = map.get("definitions") {
            let Json::Object(definitions) = definitions else {
                return Err(invalid_type("array of schemas", "definitions"));
            };
            if definitions.values().any(|d| !is_schema(d)) {
                return Err(invalid_type("array of schemas", "definitions"));
            }
        }
        Ok(())
    }

    fn types(&mut self, map: &Map<String, Json>, schema: &mut Schema) -> Result<(), String> {
        let Some(types) = map.get("type") else {
            return Ok(());
        };
        let names: Vec<&Json> = match types {
            Json::String(_) => vec![types],
            Json::Array(items) => items.iter().collect(),
            _ => return Err(invalid_type("string/array of strings", "type")),
        };
        for name in names {
            let Json::String(name) = name else {
                return Err(invalid_type("string/array of strings", "type"));
            };
            let Some(known) = JsonType::from_name(name) else {
                let names: Vec<&str> = JsonType::ALL.iter().map(|t| t.name()).collect();
                return Err(format!(
                    "has a primitive type that is NOT VALID -- given: /{name}/ Expected valid values are:[{}]",
                    names.join(" ")
                ));
            };
            if schema.types.contains(&known) {
                return Err(format!("{name} type is duplicated"));
            }
            schema.types.push(known);
        }
        Ok(())
    }

    fn additional(
        &mut self,
        map: &Map<String, Json>,
        key: &str,
        draft: Draft,
    ) -> Result<Additional, String> {
        match map.get(key) {
            None => Ok(Additional::Allowed),
            Some(Json::Bool(true)) => Ok(Additional::Allowed),
            Some(Json::Bool(false)) => Ok(Additional::Forbidden),
            Some(node @ Json::Object(_)) => {
                Ok(Additional::Schema(Box::new(self.schema(node, draft)?)))
            }
            Some(_) => Err(invalid_type("boolean/valid schema", key)),
        }
    }

    fn sub(
        &mut self,
        map: &Map<String, Json>,
        key: &str,
        draft: Draft,
    ) -> Result<Option<Box<Schema>>, String> {
        match map.get(key) {
            None => Ok(None),
            Some(node) if is_schema(node) => Ok(Some(Box::new(self.schema(node, draft)?))),
            Some(_) => Err(must_be_of_an(key, "object")),
        }
    }

    fn object_keywords(
        &mut self,
        map: &Map<String, Json>,
        schema: &mut Schema,
        draft: Draft,
    ) -> Result<(), String> {
        if let Some(properties) = map.get("properties") {
            let Json::Object(properties) = properties else {
                return Err("properties must be of type object".to_owned());
            };
            schema.declares_properties = true;
            for (name, node) in properties {
                schema
                    .properties
                    .push((name.clone(), self.schema(node, draft)?));
            }
        }
        schema.additional_properties = self.additional(map, "additionalProperties", draft)?;
        if let Some(patterns) = map.get("patternProperties") {
            let Json::Object(patterns) = patterns else {
                return Err(invalid_type("valid schema", "patternProperties"));
            };
            for (pattern, node) in patterns {
                let compiled =
                    regex(pattern).ok_or_else(|| format!("Invalid regex pattern '{pattern}'"))?;
                schema
                    .pattern_properties
                    .push((compiled, self.schema(node, draft)?));
            }
        }
        if draft >= Draft::Draft6
            && let Some(node) = map.get("propertyNames")
        {
            if !is_schema(node) {
                return Err(invalid_type("valid schema", "patternProperties"));
            }
            schema.property_names = Some(Box::new(self.schema(node, draft)?));
        }
        if let Some(dependencies) = map.get("dependencies") {
            let Json::Object(dependencies) = dependencies else {
                return Err("dependencies must be of type object".to_owned());
            };
            for (key, dependency) in dependencies {
                let compiled = match dependency {
                    Json::Array(keys) => Dependency::Keys(
                        keys.iter()
                            .map(|k| {
                                k.as_str()
                                    .map(str::to_owned)
                                    .ok_or_else(|| "dependency must be of type string".to_owned())
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    node if is_schema(node) => {
                        Dependency::Schema(Box::new(self.schema(node, draft)?))
                    }
                    _ => {
                        return Err(
                            "dependency must be of type schema or array of strings".to_owned()
                        );
                    }
                };
                schema.dependencies.insert(key.clone(), compiled);
            }
        }
        schema.min_properties = count(map, "minProperties")?;
        schema.max_properties = count(map, "maxProperties")?;
        if let (Some(min), Some(max)) = (schema.min_properties, schema.max_properties)
            && min > max
        {
            return Err("minProperties cannot be greater than maxProperties".to_owned());
        }
        if let Some(required) = map.get("required") {
            let Json::Array(required) = required else {
                return Err(must_be_of_an("required", "array"));
            };
            for name in required {
                let Json::String(name) = name else {
                    return Err("required items must be string".to_owned());
                };
                if schema.required.contains(name) {
                    return Err("required items must be unique".to_owned());
                }
                schema.required.push(name.clone());
            }
        }
        Ok(())
    }

    fn array_keywords(
        &mut self,
        map: &Map<String, Json>,
        schema: &mut Schema,
        draft: Draft,
    ) -> Result<(), String> {
        match map.get("items") {
            None => {}
            Some(Json::Array(items)) => {
                let mut tuple = Vec::with_capacity(items.len());
                for item in items {
                    if !is_schema(item) {
                        return Err(invalid_type("valid schema/array of schemas", "items"));
                    }
                    tuple.push(self.schema(item, draft)?);
                }
                schema.items = Items::Tuple(tuple);
            }
            Some(node) if is_schema(node) => {
                schema.items = Items::Single(Box::new(self.schema(node, draft)?));
            }
            Some(_) => return Err(invalid_type("valid schema/array of schemas", "items")),
        }
        schema.additional_items = self.additional(map, "additionalItems", draft)?;
        schema.min_items = count(map, "minItems")?;
        schema.max_items = count(map, "maxItems")?;
        if let Some(unique) = map.get("uniqueItems") {
            schema.unique_items = unique
                .as_bool()
                .ok_or_else(|| must_be_of_a("uniqueItems", "boolean"))?;
        }
        if draft >= Draft::Draft6
            && let Some(node) = map.get("contains")
        {
            schema.contains = Some(Box::new(self.schema(node, draft)?));
        }
        Ok(())
    }

    fn value_keywords(
        &mut self,
        map: &Map<String, Json>,
        schema: &mut Schema,
        draft: Draft,
    ) -> Result<(), String> {
        if draft >= Draft::Draft6
            && let Some(constant) = map.get("const")
        {
            schema.constant = Some(Literal::new(constant));
        }
        if let Some(members) = map.get("enum") {
            let Json::Array(members) = members else {
                return Err(must_be_of_an("enum", "array"));
            };
            for member in members {
                let literal = Literal::new(member);
                if schema
                    .enumeration
                    .iter()
                    .any(|known| known.canonical == literal.canonical)
                {
                    return Err("enum items must be unique".to_owned());
                }
                schema.enumeration.push(literal);
            }
        }
        Ok(())
    }

    fn list(
        &mut self,
        map: &Map<String, Json>,
        key: &str,
        draft: Draft,
    ) -> Result<Vec<Schema>, String> {
        match map.get(key) {
            None => Ok(Vec::new()),
            Some(Json::Array(items)) => items.iter().map(|n| self.schema(n, draft)).collect(),
            Some(_) => Err(must_be_of_an(key, "array")),
        }
    }

    fn combinators(
        &mut self,
        map: &Map<String, Json>,
        schema: &mut Schema,
        draft: Draft,
    ) -> Result<(), String> {
        schema.one_of = self.list(map, "oneOf", draft)?;
        schema.any_of = self.list(map, "anyOf", draft)?;
        schema.all_of = self.list(map, "allOf", draft)?;
        schema.not = self.sub(map, "not", draft)?;
        if draft >= Draft::Draft7 {
            schema.if_ = self.sub(map, "if", draft)?;
            schema.then = self.sub(map, "then", draft)?;
            schema.else_ = self.sub(map, "else", draft)?;
        }
        Ok(())
    }
}

fn exclusive(
    map: &Map<String, Json>,
    key: &str,
    bound: &str,
    draft: Draft,
    inclusive: &mut Option<f64>,
) -> Result<Option<f64>, String> {
    let Some(value) = map.get(key) else {
        return Ok(None);
    };
    match value {
        Json::Bool(flag) if draft != Draft::Draft6 && draft != Draft::Draft7 => {
            if inclusive.is_none() {
                return Err(format!("{key} cannot be used without {bound}"));
            }
            Ok(if *flag { inclusive.take() } else { None })
        }
        Json::Number(_) if draft != Draft::Draft4 => Ok(number(value)),
        _ => Err(invalid_type(
            match draft {
                Draft::Draft4 => "boolean",
                Draft::Hybrid => "boolean/number",
                _ => "number",
            },
            key,
        )),
    }
}

fn numeric_keywords(
    map: &Map<String, Json>,
    schema: &mut Schema,
    draft: Draft,
) -> Result<(), String> {
    if let Some(value) = map.get("multipleOf") {
        let multiple = number(value).ok_or_else(|| invalid_type("number", "multipleOf"))?;
        if multiple <= 0.0 {
            return Err("multipleOf must be strictly greater than 0".to_owned());
        }
        schema.multiple_of = Some(multiple);
    }
    if let Some(value) = map.get("minimum") {
        schema.minimum = Some(number(value).ok_or_else(|| must_be_of_a("minimum", "number"))?);
    }
    schema.exclusive_minimum = exclusive(
        map,
        "exclusiveMinimum",
        "minimum",
        draft,
        &mut schema.minimum,
    )?;
    if let Some(value) = map.get("maximum") {
        schema.maximum = Some(number(value).ok_or_else(|| must_be_of_a("maximum", "number"))?);
    }
    schema.exclusive_maximum = exclusive(
        map,
        "exclusiveMaximum",
        "maximum",
        draft,
        &mut schema.maximum,
    )?;
    Ok(())
}

fn string_keywords(map: &Map<String, Json>, schema: &mut Schema) -> Result<(), String> {
    schema.min_length = count(map, "minLength")?;
    schema.max_length = count(map, "maxLength")?;
    if let (Some(min), Some(max)) = (schema.min_length, schema.max_length)
        && min > max
    {
        return Err("minLength cannot be greater than maxLength".to_owned());
    }
    if let Some(pattern) = map.get("pattern") {
        let Json::String(pattern) = pattern else {
            return Err(invalid_type("string", "pattern"));
        };
        schema.pattern =
            Some(regex(pattern).ok_or_else(|| "pattern must be a valid regex".to_owned())?);
    }
    if let Some(format) = map.get("format") {
        let Json::String(format) = format else {
            return Err(invalid_type("string", "format"));
        };
        schema.format = Some(format.clone());
    }
    Ok(())
}
