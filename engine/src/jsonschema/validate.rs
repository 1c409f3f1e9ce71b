//! The validation walk: an [`Instance`] against a [`Compiled`] schema,
//! reporting [`Violation`]s in gojsonschema's order (OPA's behaviour).
//!
//! Like gojsonschema, the walk scores how far validation got (passed checks
//! minus twice the failures); a failed `anyOf`/`oneOf` keeps each branch
//! with its score, and [`furthest`] picks the branch gojsonschema reports.
//! A failed `contains` is explained by its furthest item directly.

use serde_json::Value as Json;

use super::MAX_SCHEMA_HOPS;
use super::canonical;
use super::compile::{Additional, Compiled, Dependency, Items, Literal, Schema};
use super::format::{FormatCheck, common_formats};
use super::instance::{Instance, JsonType};

/// How a walk reports.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Checks the `format` keyword on strings.
    pub format: FormatCheck,
    /// Also report members an object schema with `properties` neither
    /// declares nor forbids, as [`ViolationKind::UndeclaredProperty`]
    /// (which does not fail validation).
    pub report_undeclared_properties: bool,
}

impl Default for Options {
    /// gojsonschema's formats; undeclared properties are allowed silently.
    fn default() -> Options {
        Options {
            format: common_formats,
            report_undeclared_properties: false,
        }
    }
}

/// One thing an instance does wrong.
#[derive(Debug)]
pub struct Violation<'s> {
    /// The JSON Pointer of the instance value (`""` for the document).
    pub pointer: String,
    /// The (dereferenced) subschema whose keyword failed.
    pub schema: &'s Schema,
    /// What failed.
    pub kind: ViolationKind<'s>,
}

/// A failed keyword, with what a message needs.
#[derive(Debug)]
#[non_exhaustive]
pub enum ViolationKind<'s> {
    /// The `false` schema.
    FalseSchema,
    /// `type`.
    Type {
        /// The types the schema allows.
        expected: &'s [JsonType],
        /// The instance's type.
        found: JsonType,
    },
    /// No `anyOf` branch matched.
    AnyOf {
        /// Every branch, in schema order.
        branches: Vec<Branch<'s>>,
    },
    /// Not exactly one `oneOf` branch matched.
    OneOf {
        /// Every branch, in schema order.
        branches: Vec<Branch<'s>>,
        /// How many matched (0, or more than 1).
        matched: usize,
    },
    /// Some `allOf` branch failed; its violations come before this one.
    AllOf,
    /// The `not` schema matched.
    Not,
    /// A `dependencies` member is missing.
    Dependency {
        /// The member that is needed.
        needed: &'s str,
    },
    /// `if` held and `then` failed; its violations follow.
    Then,
    /// `if` failed and `else` failed; its violations follow.
    Else,
    /// An array has more items than `items` lists and `additionalItems` is false.
    AdditionalItems,
    /// `minItems`.
    MinItems {
        /// The bound.
        limit: u64,
    },
    /// `maxItems`.
    MaxItems {
        /// The bound.
        limit: u64,
    },
    /// `uniqueItems`: items `first` and `second` are equal.
    UniqueItems {
        /// The earlier index.
        first: usize,
        /// The later index.
        second: usize,
    },
    /// No item matched `contains`; the furthest item's violations follow.
    Contains,
    /// `minProperties`.
    MinProperties {
        /// The bound.
        limit: u64,
    },
    /// `maxProperties`.
    MaxProperties {
        /// The bound.
        limit: u64,
    },
    /// A `required` member is missing.
    Required {
        /// The member.
        property: &'s str,
    },
    /// `additionalProperties: false` and the member is not declared.
    AdditionalProperty {
        /// The member.
        property: String,
    },
    /// A member the schema does not declare (only with
    /// [`Options::report_undeclared_properties`]); not a failure.
    UndeclaredProperty {
        /// The member.
        property: String,
    },
    /// A member name failed `propertyNames`; its violations follow.
    PropertyName {
        /// The member.
        property: String,
    },
    /// `const`.
    Const {
        /// The constant.
        expected: &'s Literal,
    },
    /// `enum`.
    Enum {
        /// The members.
        allowed: &'s [Literal],
    },
    /// `format`.
    Format {
        /// The format name.
        format: &'s str,
        /// Why the string is not one, from the [`FormatCheck`].
        reason: String,
    },
    /// `minLength`.
    MinLength {
        /// The bound.
        limit: u64,
    },
    /// `maxLength`.
    MaxLength {
        /// The bound.
        limit: u64,
    },
    /// `pattern`.
    Pattern {
        /// The regular expression.
        pattern: &'s str,
    },
    /// `multipleOf`.
    MultipleOf {
        /// The divisor.
        divisor: f64,
    },
    /// `maximum` / `exclusiveMaximum`.
    Maximum {
        /// The bound.
        limit: f64,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// `minimum` / `exclusiveMinimum`.
    Minimum {
        /// The bound.
        limit: f64,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
}

impl ViolationKind<'_> {
    /// Whether the violation makes the instance invalid (everything but
    /// [`ViolationKind::UndeclaredProperty`]).
    #[must_use]
    pub fn fails(&self) -> bool {
        !matches!(self, ViolationKind::UndeclaredProperty { .. })
    }
}

/// One `anyOf`/`oneOf` branch as applied to the instance.
#[derive(Debug)]
pub struct Branch<'s> {
    /// The branch's schema, as written (possibly a `$ref`).
    pub schema: &'s Schema,
    /// Its violations.
    pub violations: Vec<Violation<'s>>,
    /// How far validation got: passed checks minus twice the failures.
    pub score: i64,
}

impl Branch<'_> {
    /// Whether the instance matches the branch.
    #[must_use]
    pub fn matches(&self) -> bool {
        self.violations.iter().all(|v| !v.kind.fails())
    }
}

/// The failed branch that got furthest (highest score, the first of
/// equals): what gojsonschema explains a failed combinator with.
#[must_use]
pub fn furthest<'b, 's>(branches: &'b [Branch<'s>]) -> Option<&'b Branch<'s>> {
    let mut best: Option<&Branch<'s>> = None;
    for branch in branches.iter().filter(|b| !b.matches()) {
        if best.is_none_or(|b| branch.score > b.score) {
            best = Some(branch);
        }
    }
    best
}

/// Validates `document`; no failing violation means it matches.
#[must_use]
pub fn validate<'s, I: Instance>(
    compiled: &'s Compiled,
    document: &I,
    options: &Options,
) -> Vec<Violation<'s>> {
    let mut outcome = Outcome::default();
    let mut walk = Walk {
        compiled,
        options,
        pointer: String::new(),
    };
    walk.node(&compiled.root, document, &mut outcome, 0);
    outcome.violations
}

#[derive(Debug, Default)]
struct Outcome<'s> {
    violations: Vec<Violation<'s>>,
    score: i64,
}

impl<'s> Outcome<'s> {
    fn valid(&self) -> bool {
        self.violations.iter().all(|v| !v.kind.fails())
    }

    fn add(&mut self, pointer: &str, schema: &'s Schema, kind: ViolationKind<'s>) {
        if kind.fails() {
            self.score -= 2;
        }
        self.violations.push(Violation {
            pointer: pointer.to_owned(),
            schema,
            kind,
        });
    }

    fn merge(&mut self, other: Outcome<'s>) {
        self.score += other.score;
        self.violations.extend(other.violations);
    }

    /// Keeps what a matching branch reported without failing.
    fn keep_findings(&mut self, other: Outcome<'s>) {
        self.violations.extend(other.violations);
    }

    fn into_branch(self, schema: &'s Schema) -> Branch<'s> {
        Branch {
            schema,
            violations: self.violations,
            score: self.score,
        }
    }
}

struct Walk<'s, 'o> {
    compiled: &'s Compiled,
    options: &'o Options,
    /// The instance pointer of the value being checked.
    pointer: String,
}

impl<'s> Walk<'s, '_> {
    /// `schema` applied to the same value (`hops` deep without descending).
    fn sub<I: Instance>(&mut self, schema: &'s Schema, value: &I, hops: usize) -> Outcome<'s> {
        let mut outcome = Outcome::default();
        self.node(schema, value, &mut outcome, hops + 1);
        outcome
    }

    /// `schema` applied to the member or item `token` of the value.
    fn child<I: Instance>(&mut self, schema: &'s Schema, value: &I, token: &str) -> Outcome<'s> {
        let len = self.pointer.len();
        crate::json_pointer::push(&mut self.pointer, token);
        let mut outcome = Outcome::default();
        self.node(schema, value, &mut outcome, 0);
        self.pointer.truncate(len);
        outcome
    }

    fn node<I: Instance>(
        &mut self,
        schema: &'s Schema,
        value: &I,
        out: &mut Outcome<'s>,
        hops: usize,
    ) {
        if hops > MAX_SCHEMA_HOPS {
            return;
        }
        if let Some(pass) = schema.pass {
            if !pass {
                out.add(&self.pointer, schema, ViolationKind::FalseSchema);
            }
            return;
        }
        if let Some(pointer) = &schema.reference {
            if let Some(target) = self.compiled.refs.get(pointer) {
                self.node(target, value, out, hops + 1);
            }
            return;
        }
        let given = value.json_type();
        if !schema.types.is_empty() && !schema.types.iter().any(|t| given.satisfies(*t)) {
            out.add(
                &self.pointer,
                schema,
                ViolationKind::Type {
                    expected: &schema.types,
                    found: given,
                },
            );
            return;
        }
        self.combinators(schema, value, out, hops);
        match given {
            JsonType::Array => {
                self.array(schema, value.items(), out);
                self.common(schema, value, out);
            }
            JsonType::Object => {
                self.object(schema, value, out, hops);
                self.common(schema, value, out);
                for (name, property) in &schema.properties {
                    if let Some(item) = value.member(name) {
                        let sub = self.child(property, item, name);
                        out.merge(sub);
                    }
                }
            }
            JsonType::Integer | JsonType::Number => {
                self.number(schema, value.number().unwrap_or(0.0), out);
                self.common(schema, value, out);
            }
            JsonType::String => {
                self.common(schema, value, out);
                self.string(schema, value.string().unwrap_or_default(), out);
            }
            JsonType::Null | JsonType::Boolean => self.common(schema, value, out),
        }
        out.score += 1;
    }

    fn combinators<I: Instance>(
        &mut self,
        schema: &'s Schema,
        value: &I,
        out: &mut Outcome<'s>,
        hops: usize,
    ) {
        if !schema.any_of.is_empty() {
            let mut branches = Vec::with_capacity(schema.any_of.len());
            let mut matched = None;
            for branch in &schema.any_of {
                let result = self.sub(branch, value, hops);
                if result.valid() {
                    matched = Some(result);
                    break;
                }
                branches.push(result.into_branch(branch));
            }
            match matched {
                Some(result) => out.keep_findings(result),
                None => self.failed_choice(out, schema, ViolationKind::AnyOf { branches }),
            }
        }
        if !schema.one_of.is_empty() {
            let mut branches = Vec::with_capacity(schema.one_of.len());
            for branch in &schema.one_of {
                branches.push(self.sub(branch, value, hops).into_branch(branch));
            }
            let matched = branches.iter().filter(|b| b.matches()).count();
            if matched == 1 {
                let findings = branches
                    .into_iter()
                    .filter(Branch::matches)
                    .flat_map(|b| b.violations);
                out.violations.extend(findings);
            } else {
                self.failed_choice(out, schema, ViolationKind::OneOf { branches, matched });
            }
        }
        if !schema.all_of.is_empty() {
            let mut matched = 0;
            for branch in &schema.all_of {
                let result = self.sub(branch, value, hops);
                if result.valid() {
                    matched += 1;
                }
                out.merge(result);
            }
            if matched != schema.all_of.len() {
                out.add(&self.pointer, schema, ViolationKind::AllOf);
            }
        }
        if let Some(not) = &schema.not
            && self.sub(not, value, hops).valid()
        {
            out.add(&self.pointer, schema, ViolationKind::Not);
        }
        if value.json_type() == JsonType::Object {
            for (key, _) in value.members() {
                match schema.dependencies.get(key) {
                    Some(Dependency::Keys(keys)) => {
                        for needed in keys.iter().filter(|k| value.member(k).is_none()) {
                            out.add(&self.pointer, schema, ViolationKind::Dependency { needed });
                        }
                    }
                    Some(Dependency::Schema(dependency)) => {
                        self.node(dependency, value, out, hops + 1);
                    }
                    None => {}
                }
            }
        }
        if let Some(condition) = &schema.if_ {
            let holds = self.sub(condition, value, hops).valid();
            let (branch, kind) = if holds {
                (&schema.then, ViolationKind::Then)
            } else {
                (&schema.else_, ViolationKind::Else)
            };
            if let Some(branch) = branch {
                let result = self.sub(branch, value, hops);
                if !result.valid() {
                    out.add(&self.pointer, schema, kind);
                    out.merge(result);
                }
            }
        }
        out.score += 1;
    }

    /// A failed `anyOf`/`oneOf`; the score counts the furthest branch, as
    /// gojsonschema merges it (only when no `oneOf` branch matched).
    fn failed_choice(&self, out: &mut Outcome<'s>, schema: &'s Schema, kind: ViolationKind<'s>) {
        let explained = match &kind {
            ViolationKind::AnyOf { branches }
            | ViolationKind::OneOf {
                branches,
                matched: 0,
            } => furthest(branches).map(|b| b.score),
            _ => None,
        };
        out.add(&self.pointer, schema, kind);
        out.score += explained.unwrap_or(0);
    }

    fn array<I: Instance>(&mut self, schema: &'s Schema, items: &[I], out: &mut Outcome<'s>) {
        match &schema.items {
            Items::None => {}
            Items::Single(item_schema) => {
                for (i, item) in items.iter().enumerate() {
                    let sub = self.child(item_schema, item, &i.to_string());
                    out.merge(sub);
                }
            }
            Items::Tuple(schemas) => {
                for (i, (item_schema, item)) in schemas.iter().zip(items).enumerate() {
                    let sub = self.child(item_schema, item, &i.to_string());
                    out.merge(sub);
                }
                if schemas.len() < items.len() {
                    match &schema.additional_items {
                        Additional::Allowed => {}
                        Additional::Forbidden => {
                            out.add(&self.pointer, schema, ViolationKind::AdditionalItems);
                        }
                        Additional::Schema(extra) => {
                            for (i, item) in items.iter().enumerate().skip(schemas.len()) {
                                let sub = self.child(extra, item, &i.to_string());
                                out.merge(sub);
                            }
                        }
                    }
                }
            }
        }
        let len = items.len() as u64;
        if let Some(limit) = schema.min_items.filter(|min| len < *min) {
            out.add(&self.pointer, schema, ViolationKind::MinItems { limit });
        }
        if let Some(limit) = schema.max_items.filter(|max| len > *max) {
            out.add(&self.pointer, schema, ViolationKind::MaxItems { limit });
        }
        if schema.unique_items {
            let mut seen: std::collections::HashMap<String, usize> =
                std::collections::HashMap::new();
            for (second, item) in items.iter().enumerate() {
                let text = canonical::marshal(item);
                if let Some(first) = seen.get(&text).copied() {
                    out.add(
                        &self.pointer,
                        schema,
                        ViolationKind::UniqueItems { first, second },
                    );
                }
                seen.insert(text, second);
            }
        }
        if let Some(contains) = &schema.contains {
            let mut best: Option<Outcome<'s>> = None;
            let mut found = false;
            for (i, item) in items.iter().enumerate() {
                let result = self.child(contains, item, &i.to_string());
                if result.valid() {
                    found = true;
                    break;
                }
                if best.as_ref().is_none_or(|b| result.score > b.score) {
                    best = Some(result);
                }
            }
            if !found {
                out.add(&self.pointer, schema, ViolationKind::Contains);
                if let Some(best) = best {
                    out.merge(best);
                }
            }
        }
        out.score += 1;
    }

    fn object<I: Instance>(
        &mut self,
        schema: &'s Schema,
        value: &I,
        out: &mut Outcome<'s>,
        hops: usize,
    ) {
        let len = value.members().count() as u64;
        if let Some(limit) = schema.min_properties.filter(|min| len < *min) {
            out.add(
                &self.pointer,
                schema,
                ViolationKind::MinProperties { limit },
            );
        }
        if let Some(limit) = schema.max_properties.filter(|max| len > *max) {
            out.add(
                &self.pointer,
                schema,
                ViolationKind::MaxProperties { limit },
            );
        }
        for property in &schema.required {
            if value.member(property).is_some() {
                out.score += 1;
            } else {
                out.add(&self.pointer, schema, ViolationKind::Required { property });
            }
        }
        for (key, item) in value.members() {
            let declared = schema.properties.iter().any(|(name, _)| name == key);
            let mut matched = false;
            for (pattern, pattern_schema) in &schema.pattern_properties {
                if pattern.is_match(key) {
                    matched = true;
                    let sub = self.child(pattern_schema, item, key);
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
                Additional::Allowed => {
                    if self.options.report_undeclared_properties && schema.declares_properties {
                        let property = key.to_owned();
                        out.add(
                            &self.pointer,
                            schema,
                            ViolationKind::UndeclaredProperty { property },
                        );
                    }
                }
                Additional::Forbidden => {
                    let property = key.to_owned();
                    out.add(
                        &self.pointer,
                        schema,
                        ViolationKind::AdditionalProperty { property },
                    );
                }
                Additional::Schema(extra) => {
                    let sub = self.child(extra, item, key);
                    out.merge(sub);
                }
            }
        }
        if let Some(names) = &schema.property_names {
            for (key, _) in value.members() {
                let result = self.sub(names, &Json::String(key.to_owned()), hops);
                if !result.valid() {
                    let property = key.to_owned();
                    out.add(
                        &self.pointer,
                        schema,
                        ViolationKind::PropertyName { property },
                    );
                    out.merge(result);
                }
            }
        }
        out.score += 1;
    }

    fn common<I: Instance>(&self, schema: &'s Schema, value: &I, out: &mut Outcome<'s>) {
        if schema.constant.is_some() || !schema.enumeration.is_empty() {
            let text = canonical::marshal(value);
            if let Some(expected) = schema.constant.as_ref().filter(|c| c.canonical() != text) {
                out.add(&self.pointer, schema, ViolationKind::Const { expected });
            }
            if !schema.enumeration.is_empty()
                && !schema.enumeration.iter().any(|m| m.canonical() == text)
            {
                let allowed = schema.enumeration.as_slice();
                out.add(&self.pointer, schema, ViolationKind::Enum { allowed });
            }
        }
        if let Some(format) = &schema.format
            && let Some(text) = value.string()
            && let Err(reason) = (self.options.format)(format, text)
        {
            out.add(
                &self.pointer,
                schema,
                ViolationKind::Format { format, reason },
            );
        }
        out.score += 1;
    }

    fn string(&self, schema: &'s Schema, text: &str, out: &mut Outcome<'s>) {
        let len = text.chars().count() as u64;
        if let Some(limit) = schema.min_length.filter(|min| len < *min) {
            out.add(&self.pointer, schema, ViolationKind::MinLength { limit });
        }
        if let Some(limit) = schema.max_length.filter(|max| len > *max) {
            out.add(&self.pointer, schema, ViolationKind::MaxLength { limit });
        }
        if let Some(pattern) = schema.pattern.as_ref().filter(|p| !p.is_match(text)) {
            let pattern = pattern.as_str();
            out.add(&self.pointer, schema, ViolationKind::Pattern { pattern });
        }
        out.score += 1;
    }

    fn number(&self, schema: &'s Schema, value: f64, out: &mut Outcome<'s>) {
        if let Some(divisor) = schema.multiple_of {
            let quotient = value / divisor;
            if (quotient - quotient.round()).abs() > 1e-9 * quotient.abs().max(1.0) {
                out.add(&self.pointer, schema, ViolationKind::MultipleOf { divisor });
            }
        }
        let bounds = [
            (schema.maximum.filter(|max| value > *max), false, true),
            (
                schema.exclusive_maximum.filter(|max| value >= *max),
                true,
                true,
            ),
            (schema.minimum.filter(|min| value < *min), false, false),
            (
                schema.exclusive_minimum.filter(|min| value <= *min),
                true,
                false,
            ),
        ];
        for (limit, exclusive, upper) in bounds {
            let Some(limit) = limit else { continue };
            let kind = if upper {
                ViolationKind::Maximum { limit, exclusive }
            } else {
                ViolationKind::Minimum { limit, exclusive }
            };
            out.add(&self.pointer, schema, kind);
        }
        out.score += 1;
    }
}
