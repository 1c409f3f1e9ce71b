//! Building a schema from a schema document merged with the prelude, with
//! gqlparser's schema checks (undefined types, interface contracts, field
//! kinds, directive placement).

use std::collections::BTreeMap;

use crate::ast::{Definition, DirectiveDefinition, FieldDefinition, SchemaDocument, TypeRef};
use crate::lexer::{GqlError, Pos, go_quote};

/// A validated schema.
#[derive(Debug, Default)]
pub struct Schema {
    pub types: BTreeMap<String, Definition>,
    pub directives: BTreeMap<String, DirectiveDefinition>,
    pub query: Option<String>,
    pub mutation: Option<String>,
    pub subscription: Option<String>,
    /// Object types (and interfaces) a composite type may be at run time.
    pub possible: BTreeMap<String, Vec<String>>,
}

type SResult<T> = Result<T, GqlError>;

fn err(pos: Option<Pos>, message: String) -> GqlError {
    GqlError::at(pos, message)
}

impl Schema {
    pub fn def(&self, name: &str) -> Option<&Definition> {
        self.types.get(name)
    }

    pub fn is_input_type(&self, name: &str) -> bool {
        self.def(name)
            .is_some_and(|d| matches!(d.kind.as_str(), "SCALAR" | "ENUM" | "INPUT_OBJECT"))
    }

    pub fn is_composite(&self, name: &str) -> bool {
        self.def(name)
            .is_some_and(|d| matches!(d.kind.as_str(), "OBJECT" | "INTERFACE" | "UNION"))
    }

    /// The concrete types `name` may stand for.
    pub fn possible_types(&self, name: &str) -> Vec<String> {
        match self.def(name).map(|d| d.kind.as_str()) {
            Some("OBJECT") => vec![name.to_owned()],
            _ => self.possible.get(name).cloned().unwrap_or_default(),
        }
    }

    /// The root type of an operation kind.
    pub fn root(&self, operation: &str) -> Option<&Definition> {
        let name = match operation {
            "query" => self.query.as_ref(),
            "mutation" => self.mutation.as_ref(),
            "subscription" => self.subscription.as_ref(),
            _ => None,
        }?;
        self.def(name)
    }
}

/// Merges `prelude` and `doc` and validates the result.
pub fn build(prelude: &SchemaDocument, doc: &SchemaDocument) -> SResult<Schema> {
    let mut schema = Schema::default();
    let definitions = prelude.definitions.iter().chain(&doc.definitions);
    let mut order: Vec<String> = Vec::new();
    for def in definitions {
        if schema.types.contains_key(&def.name) {
            return Err(err(def.pos, format!("Cannot redeclare type {}.", def.name)));
        }
        order.push(def.name.clone());
        schema.types.insert(def.name.clone(), def.clone());
    }
    for ext in prelude.extensions.iter().chain(&doc.extensions) {
        let def = schema.types.entry(ext.name.clone()).or_insert_with(|| {
            order.push(ext.name.clone());
            Definition {
                kind: ext.kind.clone(),
                name: ext.name.clone(),
                pos: ext.pos,
                ..Definition::default()
            }
        });
        if def.kind != ext.kind {
            return Err(err(
                ext.pos,
                format!(
                    "Cannot extend type {} because the base type is a {}, not {}.",
                    ext.name, def.kind, ext.kind
                ),
            ));
        }
        def.directives.extend(ext.directives.iter().cloned());
        def.interfaces.extend(ext.interfaces.iter().cloned());
        def.fields.extend(ext.fields.iter().cloned());
        def.types.extend(ext.types.iter().cloned());
        def.enum_values.extend(ext.enum_values.iter().cloned());
    }
    for name in &order {
        let Some(def) = schema.types.get(name) else {
            continue;
        };
        let mut adds: Vec<(String, String)> = Vec::new();
        match def.kind.as_str() {
            "UNION" => adds.extend(def.types.iter().map(|t| (def.name.clone(), t.clone()))),
            "OBJECT" | "INPUT_OBJECT" | "INTERFACE" => {
                adds.extend(def.interfaces.iter().map(|i| (i.clone(), def.name.clone())));
            }
            _ => {}
        }
        for (abstract_type, member) in adds {
            schema
                .possible
                .entry(abstract_type)
                .or_default()
                .push(member);
        }
    }
    for dir in prelude.directives.iter().chain(&doc.directives) {
        if schema.directives.contains_key(&dir.name)
            && !matches!(
                dir.name.as_str(),
                "include" | "skip" | "deprecated" | "specifiedBy" | "defer" | "oneOf"
            )
        {
            return Err(err(
                dir.pos,
                format!("Cannot redeclare directive {}.", dir.name),
            ));
        }
        schema
            .directives
            .entry(dir.name.clone())
            .or_insert_with(|| dir.clone());
    }
    if let Some(second) = doc.schema.get(1) {
        return Err(err(
            second.pos,
            "Cannot have multiple schema entry points, consider schema extensions instead."
                .to_owned(),
        ));
    }
    for entry in doc.schema.iter().chain(&doc.schema_extension) {
        for op in &entry.operation_types {
            if !schema.types.contains_key(&op.ty) {
                return Err(err(
                    op.pos,
                    format!(
                        "Schema root {} refers to a type {} that does not exist.",
                        op.operation, op.ty
                    ),
                ));
            }
            let slot = match op.operation.as_str() {
                "query" => &mut schema.query,
                "mutation" => &mut schema.mutation,
                _ => &mut schema.subscription,
            };
            *slot = Some(op.ty.clone());
        }
    }
    for def in schema.types.values() {
        validate_definition(&schema, def)?;
    }
    for dir in schema.directives.values() {
        validate_name(dir.pos, &dir.name)?;
        validate_args(&schema, &dir.arguments, Some(&dir.name))?;
    }
    if doc.schema.is_empty() {
        for (slot, name) in [
            (&mut schema.query, "Query"),
            (&mut schema.mutation, "Mutation"),
            (&mut schema.subscription, "Subscription"),
        ] {
            if slot.is_none() && schema.types.contains_key(name) {
                *slot = Some(name.to_owned());
            }
        }
    }
    if let Some(query) = schema.query.clone()
        && let Some(def) = schema.types.get_mut(&query)
    {
        def.fields.push(FieldDefinition {
            name: "__schema".to_owned(),
            ty: named("__Schema", true),
            ..FieldDefinition::default()
        });
        def.fields.push(FieldDefinition {
            name: "__type".to_owned(),
            ty: named("__Type", false),
            arguments: vec![FieldDefinition {
                name: "name".to_owned(),
                ty: named("String", true),
                ..FieldDefinition::default()
            }],
            ..FieldDefinition::default()
        });
    }
    Ok(schema)
}

pub fn named(name: &str, non_null: bool) -> TypeRef {
    TypeRef {
        named: name.to_owned(),
        elem: None,
        non_null,
        pos: None,
    }
}

fn validate_name(pos: Option<Pos>, name: &str) -> SResult<()> {
    if name.starts_with("__") {
        return Err(err(
            pos,
            format!(
                "Name \"{name}\" must not begin with \"__\", which is reserved by GraphQL introspection."
            ),
        ));
    }
    Ok(())
}

fn validate_type_ref(schema: &Schema, ty: &TypeRef) -> SResult<()> {
    if schema.def(ty.name()).is_none() {
        return Err(err(ty.pos, format!("Undefined type {}.", ty.name())));
    }
    Ok(())
}

fn validate_args(
    schema: &Schema,
    args: &[FieldDefinition],
    directive: Option<&str>,
) -> SResult<()> {
    for arg in args {
        validate_name(arg.pos, &arg.name)?;
        validate_type_ref(schema, &arg.ty)?;
        if !schema.is_input_type(arg.ty.name()) {
            let kind = schema.def(arg.ty.name()).map_or("", |d| d.kind.as_str());
            return Err(err(
                arg.pos,
                format!(
                    "cannot use {} as argument {} because {kind} is not a valid input type",
                    arg.ty, arg.name
                ),
            ));
        }
        validate_directives(schema, &arg.directives, "ARGUMENT_DEFINITION", directive)?;
    }
    Ok(())
}

fn validate_directives(
    schema: &Schema,
    dirs: &[super::ast::Directive],
    location: &str,
    current: Option<&str>,
) -> SResult<()> {
    for dir in dirs {
        validate_name(dir.pos, &dir.name)?;
        if current == Some(dir.name.as_str()) {
            return Err(err(
                dir.pos,
                format!("Directive {} cannot refer to itself.", dir.name),
            ));
        }
        let Some(def) = schema.directives.get(&dir.name) else {
            return Err(err(dir.pos, format!("Undefined directive {}.", dir.name)));
        };
        if !def.locations.iter().any(|l| l == location) {
            return Err(err(
                dir.pos,
                format!("Directive {} is not applicable on {location}.", dir.name),
            ));
        }
    }
    Ok(())
}

fn validate_definition(schema: &Schema, def: &Definition) -> SResult<()> {
    for field in &def.fields {
        validate_name(field.pos, &field.name)?;
        validate_type_ref(schema, &field.ty)?;
        validate_args(schema, &field.arguments, None)?;
        let location = if def.kind == "INPUT_OBJECT" {
            "INPUT_FIELD_DEFINITION"
        } else {
            "FIELD_DEFINITION"
        };
        validate_directives(schema, &field.directives, location, None)?;
    }
    for member in &def.types {
        match schema.def(member) {
            None => {
                return Err(err(
                    def.pos,
                    format!("Undefined type {}.", go_quote(member)),
                ));
            }
            Some(m) if m.kind != "OBJECT" => {
                return Err(err(
                    def.pos,
                    format!("{} type {} must be OBJECT.", def.kind, go_quote(member)),
                ));
            }
            Some(_) => {}
        }
    }
    for interface in &def.interfaces {
        validate_implements(schema, def, interface)?;
    }
    match def.kind.as_str() {
        "OBJECT" | "INTERFACE" => {
            if def.fields.is_empty() {
                return Err(err(
                    def.pos,
                    format!("{} {}: must define one or more fields.", def.kind, def.name),
                ));
            }
            for field in &def.fields {
                if let Some(ty) = schema.def(field.ty.name())
                    && ty.kind == "INPUT_OBJECT"
                {
                    return Err(err(
                        field.pos,
                        format!(
                            "{} {}: field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.",
                            def.kind, def.name
                        ),
                    ));
                }
            }
        }
        "ENUM" => {
            if def.enum_values.is_empty() {
                return Err(err(
                    def.pos,
                    format!(
                        "{} {}: must define one or more unique enum values.",
                        def.kind, def.name
                    ),
                ));
            }
            if let Some(bad) = def
                .enum_values
                .iter()
                .find(|v| matches!(v.name.as_str(), "true" | "false" | "null"))
            {
                return Err(err(
                    def.pos,
                    format!("{} {}: non-enum value {}.", def.kind, def.name, bad.name),
                ));
            }
        }
        "INPUT_OBJECT" => {
            if def.fields.is_empty() {
                return Err(err(
                    def.pos,
                    format!(
                        "{} {}: must define one or more input fields.",
                        def.kind, def.name
                    ),
                ));
            }
            for field in &def.fields {
                if let Some(ty) = schema.def(field.ty.name())
                    && !matches!(ty.kind.as_str(), "SCALAR" | "ENUM" | "INPUT_OBJECT")
                {
                    return Err(err(
                        field.pos,
                        format!(
                            "{} {}: field must be one of SCALAR, ENUM, INPUT_OBJECT.",
                            ty.kind, field.name
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
    for (index, field) in def.fields.iter().enumerate() {
        if def
            .fields
            .iter()
            .skip(index + 1)
            .any(|f| f.name == field.name)
        {
            return Err(err(
                field.pos,
                format!(
                    "Field {}.{} can only be defined once.",
                    def.name, field.name
                ),
            ));
        }
    }
    if !def.built_in {
        validate_name(def.pos, &def.name)?;
    }
    validate_directives(schema, &def.directives, &def.kind, None)
}

fn validate_implements(schema: &Schema, def: &Definition, name: &str) -> SResult<()> {
    let Some(interface) = schema.def(name) else {
        return Err(err(def.pos, format!("Undefined type {}.", go_quote(name))));
    };
    if interface.kind != "INTERFACE" {
        return Err(err(
            def.pos,
            format!(
                "{} is a non interface type {}.",
                go_quote(name),
                interface.kind
            ),
        ));
    }
    for required in &interface.fields {
        let Some(found) = def.fields.iter().find(|f| f.name == required.name) else {
            return Err(err(
                def.pos,
                format!(
                    "For {} to implement {} it must have a field called {}.",
                    def.name, interface.name, required.name
                ),
            ));
        };
        if !is_covariant(schema, &required.ty, &found.ty) {
            return Err(err(
                found.pos,
                format!(
                    "For {} to implement {} the field {} must have type {}.",
                    def.name, interface.name, required.name, required.ty
                ),
            ));
        }
        for arg in &required.arguments {
            let Some(found_arg) = found.arguments.iter().find(|a| a.name == arg.name) else {
                return Err(err(
                    found.pos,
                    format!(
                        "For {} to implement {} the field {} must have the same arguments but it is missing {}.",
                        def.name, interface.name, required.name, arg.name
                    ),
                ));
            };
            if arg.ty.to_string() != found_arg.ty.to_string() {
                return Err(err(
                    found_arg.pos,
                    format!(
                        "For {} to implement {} the field {} must have the same arguments but {} has the wrong type.",
                        def.name, interface.name, required.name, arg.name
                    ),
                ));
            }
        }
        for extra in &found.arguments {
            if !required.arguments.iter().any(|a| a.name == extra.name)
                && extra.ty.non_null
                && extra.default.is_none()
            {
                return Err(err(
                    extra.pos,
                    format!(
                        "For {} to implement {} any additional arguments on {} must be optional or have a default value but {} is required.",
                        def.name, interface.name, found.name, extra.name
                    ),
                ));
            }
        }
    }
    for transitive in &interface.interfaces {
        if !def.interfaces.contains(transitive) {
            let message = if *transitive == def.name {
                format!(
                    "Type {} cannot implement {name} because it would create a circular reference.",
                    def.name
                )
            } else {
                format!(
                    "Type {} must implement {transitive} because it is implemented by {name}.",
                    def.name
                )
            };
            return Err(err(def.pos, message));
        }
    }
    Ok(())
}

fn is_covariant(schema: &Schema, required: &TypeRef, actual: &TypeRef) -> bool {
    if required.non_null && !actual.non_null {
        return false;
    }
    match (&required.elem, &actual.elem) {
        (None, _) => {
            required.named == actual.named
                || schema
                    .possible
                    .get(&required.named)
                    .is_some_and(|p| p.contains(&actual.named))
        }
        (Some(_), None) => false,
        (Some(r), Some(a)) => is_covariant(schema, r, a),
    }
}
