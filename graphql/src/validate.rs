//! Validation of an executable document against a schema: the common
//! gqlparser rules, with their messages. Errors come in document order.
//!
//! Not checked: overlapping fields that cannot be merged.

use std::collections::BTreeSet;

use crate::ast::{
    Argument, Definition, Directive, FieldDefinition, GValue, QueryDocument, Selection, TypeRef,
    ValueKind, VariableDefinition,
};
use crate::lexer::{GqlError, Pos};
use crate::schema::{Schema, named};

/// Every error found, in document order.
pub fn validate(schema: &Schema, doc: &QueryDocument) -> Vec<GqlError> {
    let mut v = Validator {
        schema,
        doc,
        errors: Vec::new(),
        visited: BTreeSet::new(),
        used_vars: BTreeSet::new(),
        var_defs: Vec::new(),
        op_name: None,
    };
    v.document();
    v.errors
}

struct Validator<'a> {
    schema: &'a Schema,
    doc: &'a QueryDocument,
    errors: Vec<GqlError>,
    /// Fragments already walked (each is walked once, at its first spread).
    visited: BTreeSet<String>,
    used_vars: BTreeSet<String>,
    var_defs: Vec<&'a VariableDefinition>,
    /// The current operation's name; `None` outside operations.
    op_name: Option<&'a str>,
}

fn quote_value(v: &GValue) -> String {
    match v.kind {
        ValueKind::String | ValueKind::Block => super::lexer::go_quote(&v.raw),
        ValueKind::Variable => format!("${}", v.raw),
        ValueKind::List => {
            let items: Vec<String> = v
                .children
                .iter()
                .filter_map(|c| c.value.as_ref().map(quote_value))
                .collect();
            format!("[{}]", items.join(", "))
        }
        ValueKind::Object => {
            let items: Vec<String> = v
                .children
                .iter()
                .filter_map(|c| {
                    c.value
                        .as_ref()
                        .map(|x| format!("{}: {}", c.name, quote_value(x)))
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        _ => v.raw.clone(),
    }
}

impl<'a> Validator<'a> {
    fn error(&mut self, pos: Option<Pos>, message: String) {
        self.errors.push(GqlError::at(pos, message));
    }

    fn document(&mut self) {
        let doc = self.doc;
        let anonymous = doc.operations.iter().filter(|o| o.name.is_empty()).count();
        let mut op_names = BTreeSet::new();
        for op in &doc.operations {
            if op.name.is_empty() && doc.operations.len() > 1 && anonymous > 0 {
                self.error(
                    op.pos,
                    "This anonymous operation must be the only defined operation.".to_owned(),
                );
            }
            if !op.name.is_empty() && !op_names.insert(op.name.as_str()) {
                self.error(
                    op.pos,
                    format!("There can be only one operation named \"{}\".", op.name),
                );
            }
        }
        let mut frag_names = BTreeSet::new();
        for frag in &doc.fragments {
            if !frag_names.insert(frag.name.as_str()) {
                self.error(
                    frag.pos,
                    format!("There can be only one fragment named \"{}\".", frag.name),
                );
            }
        }
        let mut spread_anywhere = BTreeSet::new();
        collect_spreads(
            doc,
            &doc.operations
                .iter()
                .flat_map(|o| o.selection_set.iter())
                .collect::<Vec<_>>(),
            &mut spread_anywhere,
        );
        for op in &doc.operations {
            self.op_name = Some(op.name.as_str());
            self.var_defs = op.variables.iter().collect();
            self.used_vars.clear();
            self.variable_definitions(&op.variables);
            let root = self.schema.root(&op.operation);
            if root.is_none() {
                self.error(
                    op.pos,
                    format!(
                        "Schema does not support operation type \"{}\"",
                        op.operation
                    ),
                );
            }
            let location = op.operation.to_uppercase();
            self.directives(&op.directives, &location);
            if op.operation == "subscription" && op.selection_set.len() > 1 {
                let message = if op.name.is_empty() {
                    "Anonymous Subscription must select only one top level field.".to_owned()
                } else {
                    format!(
                        "Subscription \"{}\" must select only one top level field.",
                        op.name
                    )
                };
                self.error(op.pos, message);
            }
            self.selection_set(root, &op.selection_set);
            // Variables used through fragments walked for earlier operations
            // count too.
            let mut through = BTreeSet::new();
            fragment_variables(doc, &op.selection_set, &mut BTreeSet::new(), &mut through);
            for var in &op.variables {
                if !self.used_vars.contains(&var.variable) && !through.contains(&var.variable) {
                    let message = if op.name.is_empty() {
                        format!("Variable \"${}\" is never used.", var.variable)
                    } else {
                        format!(
                            "Variable \"${}\" is never used in operation \"{}\".",
                            var.variable, op.name
                        )
                    };
                    self.error(var.pos, message);
                }
            }
        }
        self.op_name = None;
        self.var_defs.clear();
        for frag in &doc.fragments {
            if !spread_anywhere.contains(&frag.name) {
                self.error(
                    frag.pos,
                    format!("Fragment \"{}\" is never used.", frag.name),
                );
            }
            self.fragment_cycles(frag.name.as_str(), &frag.selection_set, &mut Vec::new());
            if self.visited.insert(frag.name.clone()) {
                let parent = self.type_condition(&frag.type_condition, None, frag.pos);
                self.directives(&frag.directives, "FRAGMENT_DEFINITION");
                self.selection_set(parent, &frag.selection_set);
            }
        }
    }

    fn fragment_cycles(&mut self, start: &str, set: &'a [Selection], path: &mut Vec<&'a str>) {
        for sel in set {
            match sel {
                Selection::Field(f) => self.fragment_cycles(start, &f.selection_set, path),
                Selection::Inline(f) => self.fragment_cycles(start, &f.selection_set, path),
                Selection::Spread(s) => {
                    if s.name == start {
                        self.error(
                            s.pos,
                            format!("Cannot spread fragment \"{start}\" within itself."),
                        );
                    } else if !path.contains(&s.name.as_str())
                        && let Some(frag) = self.doc.fragments.iter().find(|f| f.name == s.name)
                    {
                        path.push(s.name.as_str());
                        self.fragment_cycles(start, &frag.selection_set, path);
                        path.pop();
                    }
                }
            }
        }
    }

    fn variable_definitions(&mut self, vars: &'a [VariableDefinition]) {
        let mut seen = BTreeSet::new();
        for var in vars {
            if !seen.insert(var.variable.as_str()) {
                self.error(
                    var.pos,
                    format!(
                        "There can be only one variable named \"${}\".",
                        var.variable
                    ),
                );
            }
            let name = var.ty.name();
            if self.schema.def(name).is_none() {
                self.error(var.ty.pos.or(var.pos), format!("Unknown type \"{name}\"."));
            } else if !self.schema.is_input_type(name) {
                self.error(
                    var.pos,
                    format!(
                        "Variable \"${}\" cannot be non-input type \"{}\".",
                        var.variable, var.ty
                    ),
                );
            }
            if let Some(default) = &var.default {
                self.value(default, Some(&var.ty));
            }
            self.directives(&var.directives, "VARIABLE_DEFINITION");
        }
    }

    fn type_condition(
        &mut self,
        name: &str,
        spread_name: Option<&str>,
        pos: Option<Pos>,
    ) -> Option<&'a Definition> {
        let schema = self.schema;
        let Some(def) = schema.def(name) else {
            self.error(pos, format!("Unknown type \"{name}\"."));
            return None;
        };
        if !schema.is_composite(name) {
            let message = match spread_name {
                Some(spread) => format!(
                    "Fragment \"{spread}\" cannot condition on non composite type \"{name}\"."
                ),
                None => format!("Fragment cannot condition on non composite type \"{name}\"."),
            };
            self.error(pos, message);
            return None;
        }
        Some(def)
    }

    fn possible_spread(
        &mut self,
        parent: Option<&Definition>,
        target: Option<&Definition>,
        name: Option<&str>,
        pos: Option<Pos>,
    ) {
        let (Some(parent), Some(target)) = (parent, target) else {
            return;
        };
        let parent_types = self.schema.possible_types(&parent.name);
        let target_types = self.schema.possible_types(&target.name);
        if parent_types.iter().any(|t| target_types.contains(t)) {
            return;
        }
        let message = match name {
            Some(name) => format!(
                "Fragment \"{name}\" cannot be spread here as objects of type \"{}\" can never be of type \"{}\".",
                parent.name, target.name
            ),
            None => format!(
                "Fragment cannot be spread here as objects of type \"{}\" can never be of type \"{}\".",
                parent.name, target.name
            ),
        };
        self.error(pos, message);
    }

    fn selection_set(&mut self, parent: Option<&'a Definition>, set: &'a [Selection]) {
        for sel in set {
            match sel {
                Selection::Field(field) => {
                    let def = parent.and_then(|p| self.field_definition(p, &field.name));
                    if let Some(parent) = parent
                        && def.is_none()
                    {
                        self.error(
                            field.pos,
                            format!(
                                "Cannot query field \"{}\" on type \"{}\".",
                                field.name, parent.name
                            ),
                        );
                    }
                    self.arguments(
                        &field.arguments,
                        def.map(|d| d.arguments.as_slice()),
                        field.pos,
                        &format!(
                            "field \"{}.{}\"",
                            parent.map_or("", |p| p.name.as_str()),
                            field.name
                        ),
                        &format!("Field \"{}\"", field.name),
                    );
                    self.directives(&field.directives, "FIELD");
                    let field_type = def.and_then(|d| self.schema.def(d.ty.name()));
                    if let (Some(d), Some(ty)) = (def, field_type) {
                        let leaf = matches!(ty.kind.as_str(), "SCALAR" | "ENUM");
                        if leaf && !field.selection_set.is_empty() {
                            self.error(
                                field.pos,
                                format!(
                                    "Field \"{}\" must not have a selection since type \"{}\" has no subfields.",
                                    field.name, d.ty
                                ),
                            );
                        } else if !leaf && field.selection_set.is_empty() {
                            self.error(
                                field.pos,
                                format!(
                                    "Field \"{}\" of type \"{}\" must have a selection of subfields.",
                                    field.name, d.ty
                                ),
                            );
                        }
                    }
                    self.selection_set(field_type, &field.selection_set);
                }
                Selection::Inline(inline) => {
                    let target = if inline.type_condition.is_empty() {
                        parent
                    } else {
                        self.type_condition(&inline.type_condition, None, inline.pos)
                    };
                    self.possible_spread(parent, target, None, inline.pos);
                    self.directives(&inline.directives, "INLINE_FRAGMENT");
                    self.selection_set(target, &inline.selection_set);
                }
                Selection::Spread(spread) => {
                    self.directives(&spread.directives, "FRAGMENT_SPREAD");
                    let doc = self.doc;
                    let Some(frag) = doc.fragments.iter().find(|f| f.name == spread.name) else {
                        self.error(spread.pos, format!("Unknown fragment \"{}\".", spread.name));
                        continue;
                    };
                    let target = self.schema.def(&frag.type_condition);
                    self.possible_spread(parent, target, Some(&spread.name), spread.pos);
                    if self.visited.insert(frag.name.clone()) {
                        let target =
                            self.type_condition(&frag.type_condition, Some(&frag.name), frag.pos);
                        self.directives(&frag.directives, "FRAGMENT_DEFINITION");
                        self.selection_set(target, &frag.selection_set);
                    }
                }
            }
        }
    }

    fn field_definition(&self, parent: &'a Definition, name: &str) -> Option<&'a FieldDefinition> {
        if name == "__typename" {
            static TYPENAME: std::sync::OnceLock<FieldDefinition> = std::sync::OnceLock::new();
            return Some(TYPENAME.get_or_init(|| FieldDefinition {
                name: "__typename".to_owned(),
                ty: named("String", true),
                ..FieldDefinition::default()
            }));
        }
        parent.fields.iter().find(|f| f.name == name)
    }

    fn arguments(
        &mut self,
        args: &'a [Argument],
        defs: Option<&'a [FieldDefinition]>,
        pos: Option<Pos>,
        unknown_on: &str,
        required_owner: &str,
    ) {
        let mut seen = BTreeSet::new();
        for arg in args {
            if !seen.insert(arg.name.as_str()) {
                self.error(
                    arg.pos,
                    format!("There can be only one argument named \"{}\".", arg.name),
                );
            }
            let def = defs.and_then(|d| d.iter().find(|a| a.name == arg.name));
            if defs.is_some() && def.is_none() {
                self.error(
                    arg.pos,
                    format!("Unknown argument \"{}\" on {unknown_on}.", arg.name),
                );
            }
            if let Some(value) = &arg.value {
                self.value(value, def.map(|d| &d.ty));
                if let (Some(def), ValueKind::Variable) = (def, value.kind) {
                    self.variable_position(value, &def.ty, def.default.is_some());
                }
            }
        }
        for def in defs.unwrap_or_default() {
            let given = args.iter().find(|a| a.name == def.name);
            let null = given
                .and_then(|a| a.value.as_ref())
                .is_some_and(|v| v.kind == ValueKind::Null);
            if def.ty.non_null && def.default.is_none() && (given.is_none() || null) {
                self.error(
                    pos,
                    format!(
                        "{required_owner} argument \"{}\" of type \"{}\" is required, but it was not provided.",
                        def.name, def.ty
                    ),
                );
            }
        }
    }

    fn directives(&mut self, dirs: &'a [Directive], location: &str) {
        let mut seen = BTreeSet::new();
        let schema = self.schema;
        for dir in dirs {
            let Some(def) = schema.directives.get(&dir.name) else {
                self.error(dir.pos, format!("Unknown directive \"@{}\".", dir.name));
                continue;
            };
            if !def.locations.iter().any(|l| l == location) {
                self.error(
                    dir.pos,
                    format!("Directive \"@{}\" may not be used on {location}.", dir.name),
                );
            }
            if !def.repeatable && !seen.insert(dir.name.as_str()) {
                self.error(
                    dir.pos,
                    format!(
                        "The directive \"@{}\" can only be used once at this location.",
                        dir.name
                    ),
                );
            }
            self.arguments(
                &dir.arguments,
                Some(&def.arguments),
                dir.pos,
                &format!("directive \"@{}\"", dir.name),
                &format!("Directive \"@{}\"", dir.name),
            );
        }
    }

    fn variable_position(&mut self, value: &GValue, expected: &TypeRef, has_default: bool) {
        let Some(var) = self.var_defs.iter().find(|v| v.variable == value.raw) else {
            return;
        };
        let mut var_type = var.ty.clone();
        if !var_type.non_null && expected.non_null {
            let defaulted = var
                .default
                .as_ref()
                .is_some_and(|d| d.kind != ValueKind::Null);
            if !(defaulted || has_default) {
                let message = format!(
                    "Variable \"${}\" of type \"{}\" used in position expecting type \"{}\".",
                    value.raw, var.ty, expected
                );
                self.error(value.pos, message);
                return;
            }
            var_type.non_null = true;
        }
        if !type_fits(self.schema, &var_type, expected) {
            self.error(
                value.pos,
                format!(
                    "Variable \"${}\" of type \"{}\" used in position expecting type \"{}\".",
                    value.raw, var.ty, expected
                ),
            );
        }
    }

    /// Checks a literal against its expected type, and records variables.
    fn value(&mut self, value: &'a GValue, expected: Option<&TypeRef>) {
        if value.kind == ValueKind::Variable {
            self.used_vars.insert(value.raw.clone());
            if let Some(op) = self.op_name
                && !self.var_defs.iter().any(|v| v.variable == value.raw)
            {
                let message = if op.is_empty() {
                    format!("Variable \"${}\" is not defined.", value.raw)
                } else {
                    format!(
                        "Variable \"${}\" is not defined by operation \"{op}\".",
                        value.raw
                    )
                };
                self.error(value.pos, message);
            }
            return;
        }
        let Some(expected) = expected else {
            for child in &value.children {
                if let Some(v) = &child.value {
                    self.value(v, None);
                }
            }
            return;
        };
        if value.kind == ValueKind::Null {
            if expected.non_null {
                self.error(
                    value.pos,
                    format!("Expected value of type \"{expected}\", found null."),
                );
            }
            return;
        }
        if let Some(elem) = &expected.elem {
            if value.kind == ValueKind::List {
                for child in &value.children {
                    if let Some(v) = &child.value {
                        self.value(v, Some(elem));
                    }
                }
            } else {
                self.value(value, Some(elem));
            }
            return;
        }
        let schema = self.schema;
        let Some(def) = schema.def(&expected.named) else {
            return;
        };
        let shown = quote_value(value);
        let problem = match (def.kind.as_str(), def.name.as_str(), value.kind) {
            (_, _, ValueKind::List) => Some(format!(
                "Expected value of type \"{expected}\", found {shown}."
            )),
            ("INPUT_OBJECT", _, ValueKind::Object) => {
                self.input_object(value, def);
                None
            }
            ("INPUT_OBJECT", _, _) | (_, _, ValueKind::Object) => Some(format!(
                "Expected value of type \"{expected}\", found {shown}."
            )),
            ("ENUM", _, ValueKind::Enum) => (!def.enum_values.iter().any(|e| e.name == value.raw))
                .then(|| {
                    format!(
                        "Value \"{}\" does not exist in \"{}\" enum.",
                        value.raw, def.name
                    )
                }),
            ("ENUM", _, _) => Some(format!(
                "Enum \"{}\" cannot represent non-enum value: {shown}.",
                def.name
            )),
            ("SCALAR", "Int", kind) => (kind != ValueKind::Int)
                .then(|| format!("Int cannot represent non-integer value: {shown}")),
            ("SCALAR", "Float", kind) => (!matches!(kind, ValueKind::Int | ValueKind::Float))
                .then(|| format!("Float cannot represent non numeric value: {shown}")),
            ("SCALAR", "String", kind) => (!matches!(kind, ValueKind::String | ValueKind::Block))
                .then(|| format!("String cannot represent a non string value: {shown}")),
            ("SCALAR", "Boolean", kind) => (kind != ValueKind::Boolean)
                .then(|| format!("Boolean cannot represent a non boolean value: {shown}")),
            ("SCALAR", "ID", kind) => {
                (!matches!(kind, ValueKind::Int | ValueKind::String | ValueKind::Block)).then(
                    || format!("ID cannot represent a non-string and non-integer value: {shown}"),
                )
            }
            _ => None,
        };
        if let Some(problem) = problem {
            self.error(value.pos, problem);
        }
    }

    fn input_object(&mut self, value: &'a GValue, def: &'a Definition) {
        let mut seen = BTreeSet::new();
        for child in &value.children {
            if !seen.insert(child.name.as_str()) {
                self.error(
                    value.pos,
                    format!(
                        "There can be only one input field named \"{}\".",
                        child.name
                    ),
                );
            }
            let field = def.fields.iter().find(|f| f.name == child.name);
            if field.is_none() {
                self.error(
                    child.value.as_ref().and_then(|v| v.pos).or(value.pos),
                    format!(
                        "Field \"{}\" is not defined by type \"{}\".",
                        child.name, def.name
                    ),
                );
            }
            if let Some(v) = &child.value {
                self.value(v, field.map(|f| &f.ty));
            }
        }
        for field in &def.fields {
            if field.ty.non_null
                && field.default.is_none()
                && !value.children.iter().any(|c| c.name == field.name)
            {
                self.error(
                    value.pos,
                    format!(
                        "Field \"{}.{}\" of required type \"{}\" was not provided.",
                        def.name, field.name, field.ty
                    ),
                );
            }
        }
    }
}

/// Whether a variable of type `var` may be used where `expected` is wanted.
fn type_fits(schema: &Schema, var: &TypeRef, expected: &TypeRef) -> bool {
    if expected.non_null && !var.non_null {
        return false;
    }
    match (&var.elem, &expected.elem) {
        (Some(v), Some(e)) => type_fits(schema, v, e),
        (None, None) => {
            var.named == expected.named
                || schema.possible_types(&expected.named).contains(&var.named)
        }
        _ => false,
    }
}

fn collect_spreads<'a>(doc: &'a QueryDocument, set: &[&'a Selection], out: &mut BTreeSet<String>) {
    for sel in set {
        match sel {
            Selection::Field(f) => {
                collect_spreads(doc, &f.selection_set.iter().collect::<Vec<_>>(), out)
            }
            Selection::Inline(f) => {
                collect_spreads(doc, &f.selection_set.iter().collect::<Vec<_>>(), out)
            }
            Selection::Spread(s) => {
                if out.insert(s.name.clone())
                    && let Some(frag) = doc.fragments.iter().find(|f| f.name == s.name)
                {
                    collect_spreads(doc, &frag.selection_set.iter().collect::<Vec<_>>(), out);
                }
            }
        }
    }
}

/// Variables used inside the fragments reachable from `set`.
fn fragment_variables(
    doc: &QueryDocument,
    set: &[Selection],
    seen: &mut BTreeSet<String>,
    out: &mut BTreeSet<String>,
) {
    fn values(v: &GValue, out: &mut BTreeSet<String>) {
        if v.kind == ValueKind::Variable {
            out.insert(v.raw.clone());
        }
        for c in &v.children {
            if let Some(v) = &c.value {
                values(v, out);
            }
        }
    }
    fn directive_values(dirs: &[Directive], out: &mut BTreeSet<String>) {
        for d in dirs {
            for a in &d.arguments {
                if let Some(v) = &a.value {
                    values(v, out);
                }
            }
        }
    }
    for sel in set {
        match sel {
            Selection::Field(f) => fragment_variables(doc, &f.selection_set, seen, out),
            Selection::Inline(f) => fragment_variables(doc, &f.selection_set, seen, out),
            Selection::Spread(s) => {
                if seen.insert(s.name.clone())
                    && let Some(frag) = doc.fragments.iter().find(|f| f.name == s.name)
                {
                    directive_values(&frag.directives, out);
                    all_values(&frag.selection_set, out);
                    fragment_variables(doc, &frag.selection_set, seen, out);
                }
            }
        }
    }

    fn all_values(set: &[Selection], out: &mut BTreeSet<String>) {
        for sel in set {
            match sel {
                Selection::Field(f) => {
                    for a in &f.arguments {
                        if let Some(v) = &a.value {
                            values(v, out);
                        }
                    }
                    directive_values(&f.directives, out);
                    all_values(&f.selection_set, out);
                }
                Selection::Inline(f) => {
                    directive_values(&f.directives, out);
                    all_values(&f.selection_set, out);
                }
                Selection::Spread(s) => directive_values(&s.directives, out),
            }
        }
    }
}
