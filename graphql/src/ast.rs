//! The GraphQL document model, shaped like gqlparser's so that its JSON form
//! (field names, `Kind` numbers, pruning of null and empty members) is the
//! one OPA returns.

use serde_json::{Map, Value as Json, json};

use crate::lexer::Pos;

/// gqlparser's value kinds, numbered as in its JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Variable = 0,
    Int = 1,
    Float = 2,
    String = 3,
    Block = 4,
    Boolean = 5,
    Null = 6,
    Enum = 7,
    List = 8,
    Object = 9,
}

impl ValueKind {
    fn from_number(n: u64) -> Self {
        match n {
            1 => Self::Int,
            2 => Self::Float,
            3 => Self::String,
            4 => Self::Block,
            5 => Self::Boolean,
            6 => Self::Null,
            7 => Self::Enum,
            8 => Self::List,
            9 => Self::Object,
            _ => Self::Variable,
        }
    }
}

#[derive(Debug, Clone)]
pub struct GValue {
    pub raw: String,
    pub children: Vec<ChildValue>,
    pub kind: ValueKind,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone)]
pub struct ChildValue {
    pub name: String,
    pub value: Option<GValue>,
}

#[derive(Debug, Clone)]
pub struct Argument {
    pub name: String,
    pub value: Option<GValue>,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone)]
pub struct Directive {
    pub name: String,
    pub arguments: Vec<Argument>,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone, Default)]
pub struct TypeRef {
    pub named: String,
    pub elem: Option<Box<TypeRef>>,
    pub non_null: bool,
    pub pos: Option<Pos>,
}

impl TypeRef {
    /// The innermost named type.
    pub fn name(&self) -> &str {
        match &self.elem {
            Some(elem) => elem.name(),
            None => &self.named,
        }
    }
}

impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.elem {
            Some(elem) => write!(f, "[{elem}]")?,
            None => f.write_str(&self.named)?,
        }
        if self.non_null {
            f.write_str("!")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct VariableDefinition {
    pub variable: String,
    pub ty: TypeRef,
    pub default: Option<GValue>,
    pub directives: Vec<Directive>,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone)]
pub enum Selection {
    Field(Field),
    Spread(FragmentSpread),
    Inline(InlineFragment),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub alias: String,
    pub name: String,
    pub arguments: Vec<Argument>,
    pub directives: Vec<Directive>,
    pub selection_set: Vec<Selection>,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone)]
pub struct FragmentSpread {
    pub name: String,
    pub directives: Vec<Directive>,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone)]
pub struct InlineFragment {
    pub type_condition: String,
    pub directives: Vec<Directive>,
    pub selection_set: Vec<Selection>,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub operation: String,
    pub name: String,
    pub variables: Vec<VariableDefinition>,
    pub directives: Vec<Directive>,
    pub selection_set: Vec<Selection>,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone)]
pub struct Fragment {
    pub name: String,
    pub variables: Vec<VariableDefinition>,
    pub type_condition: String,
    pub directives: Vec<Directive>,
    pub selection_set: Vec<Selection>,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone, Default)]
pub struct QueryDocument {
    pub operations: Vec<Operation>,
    pub fragments: Vec<Fragment>,
}

#[derive(Debug, Clone, Default)]
pub struct SchemaDefinition {
    pub description: String,
    pub directives: Vec<Directive>,
    pub operation_types: Vec<OperationType>,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone)]
pub struct OperationType {
    pub operation: String,
    pub ty: String,
    pub pos: Option<Pos>,
}

/// A field, argument or input-field definition (gqlparser's
/// `FieldDefinition` / `ArgumentDefinition`).
#[derive(Debug, Clone, Default)]
pub struct FieldDefinition {
    pub description: String,
    pub name: String,
    pub arguments: Vec<FieldDefinition>,
    pub default: Option<GValue>,
    pub ty: TypeRef,
    pub directives: Vec<Directive>,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone)]
pub struct EnumValueDefinition {
    pub description: String,
    pub name: String,
    pub directives: Vec<Directive>,
}

#[derive(Debug, Clone, Default)]
pub struct Definition {
    pub kind: String,
    pub description: String,
    pub name: String,
    pub directives: Vec<Directive>,
    pub interfaces: Vec<String>,
    pub fields: Vec<FieldDefinition>,
    pub types: Vec<String>,
    pub enum_values: Vec<EnumValueDefinition>,
    pub built_in: bool,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone)]
pub struct DirectiveDefinition {
    pub description: String,
    pub name: String,
    pub arguments: Vec<FieldDefinition>,
    pub locations: Vec<String>,
    pub repeatable: bool,
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone, Default)]
pub struct SchemaDocument {
    pub schema: Vec<SchemaDefinition>,
    pub schema_extension: Vec<SchemaDefinition>,
    pub directives: Vec<DirectiveDefinition>,
    pub definitions: Vec<Definition>,
    pub extensions: Vec<Definition>,
}

// ---- to JSON ----------------------------------------------------------

fn list<T>(items: &[T], f: impl Fn(&T) -> Json) -> Json {
    Json::Array(items.iter().map(f).collect())
}

fn strings(items: &[String]) -> Json {
    list(items, |s| json!(s))
}

fn opt<T>(item: Option<&T>, f: impl Fn(&T) -> Json) -> Json {
    item.map_or(Json::Null, f)
}

fn value_json(v: &GValue) -> Json {
    json!({
        "Raw": v.raw,
        "Children": list(&v.children, |c| json!({
            "Name": c.name,
            "Value": opt(c.value.as_ref(), value_json),
        })),
        "Kind": v.kind as u8,
        "ExpectedTypeHasDefault": false,
    })
}

fn arguments_json(args: &[Argument]) -> Json {
    list(
        args,
        |a| json!({"Name": a.name, "Value": opt(a.value.as_ref(), value_json)}),
    )
}

fn directives_json(dirs: &[Directive]) -> Json {
    list(
        dirs,
        |d| json!({"Name": d.name, "Arguments": arguments_json(&d.arguments), "Location": ""}),
    )
}

fn type_json(t: &TypeRef) -> Json {
    json!({
        "NamedType": t.named,
        "Elem": opt(t.elem.as_deref(), type_json),
        "NonNull": t.non_null,
    })
}

fn variables_json(vars: &[VariableDefinition]) -> Json {
    list(vars, |v| {
        json!({
            "Variable": v.variable,
            "Type": type_json(&v.ty),
            "DefaultValue": opt(v.default.as_ref(), value_json),
            "Directives": directives_json(&v.directives),
            "Used": false,
        })
    })
}

fn selections_json(set: &[Selection]) -> Json {
    list(set, |s| match s {
        Selection::Field(f) => json!({
            "Alias": f.alias,
            "Name": f.name,
            "Arguments": arguments_json(&f.arguments),
            "Directives": directives_json(&f.directives),
            "SelectionSet": selections_json(&f.selection_set),
        }),
        Selection::Spread(f) => json!({
            "Name": f.name,
            "Directives": directives_json(&f.directives),
        }),
        Selection::Inline(f) => json!({
            "TypeCondition": f.type_condition,
            "Directives": directives_json(&f.directives),
            "SelectionSet": selections_json(&f.selection_set),
        }),
    })
}

fn field_definition_json(f: &FieldDefinition) -> Json {
    json!({
        "Description": f.description,
        "Name": f.name,
        "Arguments": list(&f.arguments, field_definition_json),
        "DefaultValue": opt(f.default.as_ref(), value_json),
        "Type": type_json(&f.ty),
        "Directives": directives_json(&f.directives),
    })
}

fn definition_json(d: &Definition) -> Json {
    json!({
        "Kind": d.kind,
        "Description": d.description,
        "Name": d.name,
        "Directives": directives_json(&d.directives),
        "Interfaces": strings(&d.interfaces),
        "Fields": list(&d.fields, field_definition_json),
        "Types": strings(&d.types),
        "EnumValues": list(&d.enum_values, |e| json!({
            "Description": e.description,
            "Name": e.name,
            "Directives": directives_json(&e.directives),
        })),
        "BuiltIn": d.built_in,
    })
}

fn schema_definition_json(s: &SchemaDefinition) -> Json {
    json!({
        "Description": s.description,
        "Directives": directives_json(&s.directives),
        "OperationTypes": list(&s.operation_types, |o| json!({"Operation": o.operation, "Type": o.ty})),
    })
}

impl QueryDocument {
    /// OPA's pruned JSON form.
    pub fn to_json(&self) -> Json {
        prune(json!({
            "Operations": list(&self.operations, |o| json!({
                "Operation": o.operation,
                "Name": o.name,
                "VariableDefinitions": variables_json(&o.variables),
                "Directives": directives_json(&o.directives),
                "SelectionSet": selections_json(&o.selection_set),
            })),
            "Fragments": list(&self.fragments, |f| json!({
                "Name": f.name,
                "VariableDefinition": variables_json(&f.variables),
                "TypeCondition": f.type_condition,
                "Directives": directives_json(&f.directives),
                "SelectionSet": selections_json(&f.selection_set),
            })),
        }))
    }
}

impl SchemaDocument {
    /// OPA's pruned JSON form.
    pub fn to_json(&self) -> Json {
        prune(json!({
            "Schema": list(&self.schema, schema_definition_json),
            "SchemaExtension": list(&self.schema_extension, schema_definition_json),
            "Directives": list(&self.directives, |d| json!({
                "Description": d.description,
                "Name": d.name,
                "Arguments": list(&d.arguments, field_definition_json),
                "Locations": strings(&d.locations),
                "IsRepeatable": d.repeatable,
            })),
            "Definitions": list(&self.definitions, definition_json),
            "Extensions": list(&self.extensions, definition_json),
        }))
    }
}

/// Drops nulls and (recursively) empty arrays and objects, as OPA does.
fn prune(json: Json) -> Json {
    match json {
        Json::Array(items) => Json::Array(
            items
                .into_iter()
                .map(prune)
                .filter(|item| !is_empty(item))
                .collect(),
        ),
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| (k, prune(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        other => other,
    }
}

fn is_empty(json: &Json) -> bool {
    match json {
        Json::Null => true,
        Json::Array(items) => items.is_empty(),
        Json::Object(map) => map.is_empty(),
        _ => false,
    }
}

// ---- from JSON (OPA decodes AST objects leniently, like Go's
// encoding/json: unknown members are ignored, missing ones are zero) ----

fn s(map: &Map<String, Json>, key: &str) -> String {
    map.get(key)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn b(map: &Map<String, Json>, key: &str) -> bool {
    map.get(key).and_then(Json::as_bool).unwrap_or(false)
}

fn objects<'a>(
    map: &'a Map<String, Json>,
    key: &str,
) -> impl Iterator<Item = &'a Map<String, Json>> {
    map.get(key)
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_object)
}

fn string_list(map: &Map<String, Json>, key: &str) -> Vec<String> {
    map.get(key)
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .map(str::to_owned)
        .collect()
}

fn value_from(map: &Map<String, Json>) -> GValue {
    GValue {
        raw: s(map, "Raw"),
        children: objects(map, "Children")
            .map(|c| ChildValue {
                name: s(c, "Name"),
                value: c.get("Value").and_then(Json::as_object).map(value_from),
            })
            .collect(),
        kind: ValueKind::from_number(map.get("Kind").and_then(Json::as_u64).unwrap_or(0)),
        pos: None,
    }
}

fn opt_value(map: &Map<String, Json>, key: &str) -> Option<GValue> {
    map.get(key).and_then(Json::as_object).map(value_from)
}

fn arguments_from(map: &Map<String, Json>) -> Vec<Argument> {
    objects(map, "Arguments")
        .map(|a| Argument {
            name: s(a, "Name"),
            value: opt_value(a, "Value"),
            pos: None,
        })
        .collect()
}

fn directives_from(map: &Map<String, Json>) -> Vec<Directive> {
    objects(map, "Directives")
        .map(|d| Directive {
            name: s(d, "Name"),
            arguments: arguments_from(d),
            pos: None,
        })
        .collect()
}

fn type_from(map: Option<&Map<String, Json>>) -> TypeRef {
    map.map_or_else(TypeRef::default, |t| TypeRef {
        named: s(t, "NamedType"),
        elem: t
            .get("Elem")
            .and_then(Json::as_object)
            .map(|e| Box::new(type_from(Some(e)))),
        non_null: b(t, "NonNull"),
        pos: None,
    })
}

fn variables_from(map: &Map<String, Json>, key: &str) -> Vec<VariableDefinition> {
    objects(map, key)
        .map(|v| VariableDefinition {
            variable: s(v, "Variable"),
            ty: type_from(v.get("Type").and_then(Json::as_object)),
            default: opt_value(v, "DefaultValue"),
            directives: directives_from(v),
            pos: None,
        })
        .collect()
}

fn selections_from(map: &Map<String, Json>) -> Vec<Selection> {
    objects(map, "SelectionSet")
        .map(|sel| {
            if sel.contains_key("TypeCondition") || !sel.contains_key("Name") {
                Selection::Inline(InlineFragment {
                    type_condition: s(sel, "TypeCondition"),
                    directives: directives_from(sel),
                    selection_set: selections_from(sel),
                    pos: None,
                })
            } else if sel.contains_key("Alias")
                || sel.contains_key("Arguments")
                || sel.contains_key("SelectionSet")
            {
                Selection::Field(Field {
                    alias: s(sel, "Alias"),
                    name: s(sel, "Name"),
                    arguments: arguments_from(sel),
                    directives: directives_from(sel),
                    selection_set: selections_from(sel),
                    pos: None,
                })
            } else {
                Selection::Spread(FragmentSpread {
                    name: s(sel, "Name"),
                    directives: directives_from(sel),
                    pos: None,
                })
            }
        })
        .collect()
}

fn field_definition_from(f: &Map<String, Json>) -> FieldDefinition {
    FieldDefinition {
        description: s(f, "Description"),
        name: s(f, "Name"),
        arguments: objects(f, "Arguments").map(field_definition_from).collect(),
        default: opt_value(f, "DefaultValue"),
        ty: type_from(f.get("Type").and_then(Json::as_object)),
        directives: directives_from(f),
        pos: None,
    }
}

fn definition_from(d: &Map<String, Json>) -> Definition {
    Definition {
        kind: s(d, "Kind"),
        description: s(d, "Description"),
        name: s(d, "Name"),
        directives: directives_from(d),
        interfaces: string_list(d, "Interfaces"),
        fields: objects(d, "Fields").map(field_definition_from).collect(),
        types: string_list(d, "Types"),
        enum_values: objects(d, "EnumValues")
            .map(|e| EnumValueDefinition {
                description: s(e, "Description"),
                name: s(e, "Name"),
                directives: directives_from(e),
            })
            .collect(),
        built_in: b(d, "BuiltIn"),
        pos: None,
    }
}

fn schema_definition_from(d: &Map<String, Json>) -> SchemaDefinition {
    SchemaDefinition {
        description: s(d, "Description"),
        directives: directives_from(d),
        operation_types: objects(d, "OperationTypes")
            .map(|o| OperationType {
                operation: s(o, "Operation"),
                ty: s(o, "Type"),
                pos: None,
            })
            .collect(),
        pos: None,
    }
}

impl QueryDocument {
    /// Decodes OPA's JSON form.
    pub fn from_json(map: &Map<String, Json>) -> Self {
        Self {
            operations: objects(map, "Operations")
                .map(|o| Operation {
                    operation: s(o, "Operation"),
                    name: s(o, "Name"),
                    variables: variables_from(o, "VariableDefinitions"),
                    directives: directives_from(o),
                    selection_set: selections_from(o),
                    pos: None,
                })
                .collect(),
            fragments: objects(map, "Fragments")
                .map(|f| Fragment {
                    name: s(f, "Name"),
                    variables: variables_from(f, "VariableDefinition"),
                    type_condition: s(f, "TypeCondition"),
                    directives: directives_from(f),
                    selection_set: selections_from(f),
                    pos: None,
                })
                .collect(),
        }
    }
}

impl SchemaDocument {
    /// Decodes OPA's JSON form.
    pub fn from_json(map: &Map<String, Json>) -> Self {
        Self {
            schema: objects(map, "Schema").map(schema_definition_from).collect(),
            schema_extension: objects(map, "SchemaExtension")
                .map(schema_definition_from)
                .collect(),
            directives: objects(map, "Directives")
                .map(|d| DirectiveDefinition {
                    description: s(d, "Description"),
                    name: s(d, "Name"),
                    arguments: objects(d, "Arguments").map(field_definition_from).collect(),
                    locations: string_list(d, "Locations"),
                    repeatable: b(d, "IsRepeatable"),
                    pos: None,
                })
                .collect(),
            definitions: objects(map, "Definitions").map(definition_from).collect(),
            extensions: objects(map, "Extensions").map(definition_from).collect(),
        }
    }
}
