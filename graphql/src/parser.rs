//! Recursive-descent parser for GraphQL query and schema documents, reporting
//! the first error in gqlparser's words and at its position.

use crate::ast::{
    Argument, ChildValue, Definition, Directive, DirectiveDefinition, EnumValueDefinition, Field,
    FieldDefinition, Fragment, FragmentSpread, GValue, InlineFragment, Operation, OperationType,
    QueryDocument, SchemaDefinition, SchemaDocument, Selection, TypeRef, ValueKind,
    VariableDefinition,
};
use crate::lexer::{GqlError, Kind, Lexer, Pos, Token};

type PResult<T> = Result<T, GqlError>;

/// Parses an executable document.
pub fn parse_query(source: &str) -> PResult<QueryDocument> {
    let mut p = Parser::new(source);
    let mut doc = QueryDocument::default();
    while p.peek().kind != Kind::Eof {
        let tok = p.peek().clone();
        match (tok.kind, tok.value.as_str()) {
            (Kind::Name, "query" | "mutation" | "subscription") | (Kind::BraceL, _) => {
                doc.operations.push(p.operation()?);
            }
            (Kind::Name, "fragment") => doc.fragments.push(p.fragment_definition()?),
            _ => return Err(unexpected(&tok)),
        }
    }
    Ok(doc)
}

/// Parses a type-system document.
pub fn parse_schema(source: &str) -> PResult<SchemaDocument> {
    let mut p = Parser::new(source);
    let mut doc = SchemaDocument::default();
    while p.peek().kind != Kind::Eof {
        let mut description = String::new();
        if matches!(p.peek().kind, Kind::String | Kind::BlockString) {
            description = p.next()?.value;
        }
        let tok = p.peek().clone();
        if tok.kind != Kind::Name {
            return Err(unexpected(&tok));
        }
        match tok.value.as_str() {
            "scalar" | "type" | "interface" | "union" | "enum" | "input" => {
                doc.definitions.push(p.type_definition(description)?);
            }
            "schema" => doc.schema.push(p.schema_definition(description)?),
            "directive" => doc.directives.push(p.directive_definition(description)?),
            "extend" => {
                if !description.is_empty() {
                    return Err(unexpected(&p.prev));
                }
                p.extension(&mut doc)?;
            }
            _ => return Err(unexpected(&tok)),
        }
    }
    Ok(doc)
}

fn unexpected(tok: &Token) -> GqlError {
    GqlError::at(Some(tok.pos), format!("Unexpected {}", tok.describe()))
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    peeked: Option<Token>,
    prev: Token,
}

impl<'a> Parser<'a> {
    fn new(source: &'a str) -> Self {
        Self {
            lexer: Lexer::new(source),
            peeked: None,
            prev: Token {
                kind: Kind::Eof,
                value: String::new(),
                pos: Pos::default(),
                error: None,
            },
        }
    }

    fn peek(&mut self) -> &Token {
        let lexer = &mut self.lexer;
        self.peeked.get_or_insert_with(|| lexer.next_token())
    }

    fn pos(&mut self) -> Option<Pos> {
        Some(self.peek().pos)
    }

    fn next(&mut self) -> PResult<Token> {
        let tok = match self.peeked.take() {
            Some(tok) => tok,
            None => self.lexer.next_token(),
        };
        self.prev = tok.clone();
        match tok.error {
            Some(error) => Err(error),
            None => Ok(tok),
        }
    }

    fn expect(&mut self, kind: Kind) -> PResult<Token> {
        let tok = self.peek().clone();
        if tok.kind == kind {
            return self.next();
        }
        Err(GqlError::at(
            Some(tok.pos),
            format!("Expected {}, found {}", kind.text(), tok.kind.text()),
        ))
    }

    fn expect_keyword(&mut self, value: &str) -> PResult<Token> {
        let tok = self.peek().clone();
        if tok.kind == Kind::Name && tok.value == value {
            return self.next();
        }
        Err(GqlError::at(
            Some(tok.pos),
            format!("Expected \"{value}\", found {}", tok.describe()),
        ))
    }

    fn skip(&mut self, kind: Kind) -> PResult<bool> {
        if self.peek().kind != kind {
            return Ok(false);
        }
        self.next()?;
        Ok(true)
    }

    fn name(&mut self) -> PResult<String> {
        Ok(self.expect(Kind::Name)?.value)
    }

    /// `start item* end`, the whole group optional.
    fn many<T>(
        &mut self,
        start: Kind,
        end: Kind,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut out = Vec::new();
        if !self.skip(start)? {
            return Ok(out);
        }
        while self.peek().kind != end {
            out.push(item(self)?);
        }
        self.next()?;
        Ok(out)
    }

    /// `start item+ end`, the whole group optional.
    fn some<T>(
        &mut self,
        start: Kind,
        end: Kind,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut out = Vec::new();
        if !self.skip(start)? {
            return Ok(out);
        }
        while self.peek().kind != end {
            out.push(item(self)?);
        }
        if out.is_empty() {
            let tok = self.peek().clone();
            return Err(GqlError::at(
                Some(tok.pos),
                format!(
                    "expected at least one definition, found {}",
                    tok.kind.text()
                ),
            ));
        }
        self.next()?;
        Ok(out)
    }

    // ---- executable documents ----

    fn operation(&mut self) -> PResult<Operation> {
        let pos = self.pos();
        if self.peek().kind == Kind::BraceL {
            return Ok(Operation {
                operation: "query".to_owned(),
                name: String::new(),
                variables: Vec::new(),
                directives: Vec::new(),
                selection_set: self.required_selection_set()?,
                pos,
            });
        }
        let operation = self.operation_type()?;
        let name = if self.peek().kind == Kind::Name {
            self.next()?.value
        } else {
            String::new()
        };
        Ok(Operation {
            operation,
            name,
            variables: self.variable_definitions()?,
            directives: self.directives(false)?,
            selection_set: self.required_selection_set()?,
            pos,
        })
    }

    fn operation_type(&mut self) -> PResult<String> {
        let tok = self.next()?;
        match tok.value.as_str() {
            "query" | "mutation" | "subscription" => Ok(tok.value),
            _ => Err(unexpected(&tok)),
        }
    }

    fn variable_definitions(&mut self) -> PResult<Vec<VariableDefinition>> {
        self.many(Kind::ParenL, Kind::ParenR, |p| {
            let pos = p.pos();
            p.expect(Kind::Dollar)?;
            let variable = p.name()?;
            p.expect(Kind::Colon)?;
            let ty = p.type_reference()?;
            let default = if p.skip(Kind::Equals)? {
                Some(p.value_literal(true)?)
            } else {
                None
            };
            Ok(VariableDefinition {
                variable,
                ty,
                default,
                directives: p.directives(false)?,
                pos,
            })
        })
    }

    fn required_selection_set(&mut self) -> PResult<Vec<Selection>> {
        let tok = self.peek().clone();
        if tok.kind != Kind::BraceL {
            return Err(GqlError::at(
                Some(tok.pos),
                format!("Expected {{, found {}", tok.kind.text()),
            ));
        }
        self.some(Kind::BraceL, Kind::BraceR, Self::selection)
    }

    fn selection(&mut self) -> PResult<Selection> {
        if self.peek().kind == Kind::Spread {
            return self.fragment();
        }
        let pos = self.pos();
        let alias = self.name()?;
        let name = if self.skip(Kind::Colon)? {
            self.name()?
        } else {
            alias.clone()
        };
        let arguments = self.arguments(false)?;
        let directives = self.directives(false)?;
        let selection_set = if self.peek().kind == Kind::BraceL {
            self.some(Kind::BraceL, Kind::BraceR, Self::selection)?
        } else {
            Vec::new()
        };
        Ok(Selection::Field(Field {
            alias,
            name,
            arguments,
            directives,
            selection_set,
            pos,
        }))
    }

    fn arguments(&mut self, is_const: bool) -> PResult<Vec<Argument>> {
        self.many(Kind::ParenL, Kind::ParenR, |p| {
            let pos = p.pos();
            let name = p.name()?;
            p.expect(Kind::Colon)?;
            Ok(Argument {
                name,
                value: Some(p.value_literal(is_const)?),
                pos,
            })
        })
    }

    fn fragment(&mut self) -> PResult<Selection> {
        self.expect(Kind::Spread)?;
        let tok = self.peek().clone();
        if tok.kind == Kind::Name && tok.value != "on" {
            let pos = self.pos();
            return Ok(Selection::Spread(FragmentSpread {
                name: self.fragment_name()?,
                directives: self.directives(false)?,
                pos,
            }));
        }
        let pos = self.pos();
        let mut type_condition = String::new();
        if tok.value == "on" {
            self.next()?;
            type_condition = self.name()?;
        }
        Ok(Selection::Inline(InlineFragment {
            type_condition,
            directives: self.directives(false)?,
            selection_set: self.required_selection_set()?,
            pos,
        }))
    }

    fn fragment_definition(&mut self) -> PResult<Fragment> {
        let pos = self.pos();
        self.expect_keyword("fragment")?;
        let name = self.fragment_name()?;
        let variables = self.variable_definitions()?;
        self.expect_keyword("on")?;
        Ok(Fragment {
            name,
            variables,
            type_condition: self.name()?,
            directives: self.directives(false)?,
            selection_set: self.required_selection_set()?,
            pos,
        })
    }

    fn fragment_name(&mut self) -> PResult<String> {
        let tok = self.peek().clone();
        if tok.value == "on" {
            return Err(unexpected(&tok));
        }
        self.name()
    }

    fn value_literal(&mut self, is_const: bool) -> PResult<GValue> {
        let tok = self.peek().clone();
        let pos = Some(tok.pos);
        let kind = match tok.kind {
            Kind::BracketL => {
                let children = self.many(Kind::BracketL, Kind::BracketR, |p| {
                    Ok(ChildValue {
                        name: String::new(),
                        value: Some(p.value_literal(is_const)?),
                    })
                })?;
                return Ok(composite(ValueKind::List, children, pos));
            }
            Kind::BraceL => {
                let children = self.many(Kind::BraceL, Kind::BraceR, |p| {
                    let name = p.name()?;
                    p.expect(Kind::Colon)?;
                    Ok(ChildValue {
                        name,
                        value: Some(p.value_literal(is_const)?),
                    })
                })?;
                return Ok(composite(ValueKind::Object, children, pos));
            }
            Kind::Dollar if !is_const => {
                self.expect(Kind::Dollar)?;
                return Ok(GValue {
                    raw: self.name()?,
                    children: Vec::new(),
                    kind: ValueKind::Variable,
                    pos,
                });
            }
            Kind::Int => ValueKind::Int,
            Kind::Float => ValueKind::Float,
            Kind::String => ValueKind::String,
            Kind::BlockString => ValueKind::Block,
            Kind::Name => match tok.value.as_str() {
                "true" | "false" => ValueKind::Boolean,
                "null" => ValueKind::Null,
                _ => ValueKind::Enum,
            },
            _ => return Err(unexpected(&tok)),
        };
        self.next()?;
        Ok(GValue {
            raw: tok.value,
            children: Vec::new(),
            kind,
            pos,
        })
    }

    fn directives(&mut self, is_const: bool) -> PResult<Vec<Directive>> {
        let mut out = Vec::new();
        while self.peek().kind == Kind::At {
            self.expect(Kind::At)?;
            let pos = self.pos();
            out.push(Directive {
                name: self.name()?,
                arguments: self.arguments(is_const)?,
                pos,
            });
        }
        Ok(out)
    }

    fn type_reference(&mut self) -> PResult<TypeRef> {
        let mut ty = TypeRef::default();
        if self.skip(Kind::BracketL)? {
            ty.pos = self.pos();
            ty.elem = Some(Box::new(self.type_reference()?));
            self.expect(Kind::BracketR)?;
        } else {
            ty.pos = self.pos();
            ty.named = self.name()?;
        }
        if self.skip(Kind::Bang)? {
            ty.non_null = true;
        }
        Ok(ty)
    }

    // ---- type-system documents ----

    fn description(&mut self) -> PResult<String> {
        if matches!(self.peek().kind, Kind::String | Kind::BlockString) {
            return Ok(self.next()?.value);
        }
        Ok(String::new())
    }

    fn type_definition(&mut self, description: String) -> PResult<Definition> {
        let keyword = self.peek().value.clone();
        self.expect_keyword(&keyword)?;
        let mut def = Definition {
            description,
            pos: self.pos(),
            name: self.name()?,
            ..Definition::default()
        };
        match keyword.as_str() {
            "scalar" => {
                def.kind = "SCALAR".to_owned();
                def.directives = self.directives(true)?;
            }
            "type" | "interface" => {
                def.kind = if keyword == "type" {
                    "OBJECT"
                } else {
                    "INTERFACE"
                }
                .to_owned();
                def.interfaces = self.implements()?;
                def.directives = self.directives(true)?;
                def.fields = self.some(Kind::BraceL, Kind::BraceR, Self::field_definition)?;
            }
            "union" => {
                def.kind = "UNION".to_owned();
                def.directives = self.directives(true)?;
                def.types = self.union_members()?;
            }
            "enum" => {
                def.kind = "ENUM".to_owned();
                def.directives = self.directives(true)?;
                def.enum_values = self.enum_values()?;
            }
            _ => {
                def.kind = "INPUT_OBJECT".to_owned();
                def.directives = self.directives(true)?;
                def.fields = self.some(Kind::BraceL, Kind::BraceR, Self::input_value)?;
            }
        }
        Ok(def)
    }

    fn implements(&mut self) -> PResult<Vec<String>> {
        let mut out = Vec::new();
        if self.peek().value == "implements" {
            self.next()?;
            self.skip(Kind::Amp)?;
            out.push(self.name()?);
            while self.skip(Kind::Amp)? {
                out.push(self.name()?);
            }
        }
        Ok(out)
    }

    fn union_members(&mut self) -> PResult<Vec<String>> {
        let mut out = Vec::new();
        if self.skip(Kind::Equals)? {
            self.skip(Kind::Pipe)?;
            out.push(self.name()?);
            while self.skip(Kind::Pipe)? {
                out.push(self.name()?);
            }
        }
        Ok(out)
    }

    fn enum_values(&mut self) -> PResult<Vec<EnumValueDefinition>> {
        self.some(Kind::BraceL, Kind::BraceR, |p| {
            Ok(EnumValueDefinition {
                description: p.description()?,
                name: p.name()?,
                directives: p.directives(true)?,
            })
        })
    }

    fn field_definition(&mut self) -> PResult<FieldDefinition> {
        let pos = self.pos();
        let description = self.description()?;
        let name = self.name()?;
        let arguments = self.some(Kind::ParenL, Kind::ParenR, Self::input_value)?;
        self.expect(Kind::Colon)?;
        Ok(FieldDefinition {
            description,
            name,
            arguments,
            default: None,
            ty: self.type_reference()?,
            directives: self.directives(true)?,
            pos,
        })
    }

    /// An argument or input-field definition.
    fn input_value(&mut self) -> PResult<FieldDefinition> {
        let pos = self.pos();
        let description = self.description()?;
        let name = self.name()?;
        self.expect(Kind::Colon)?;
        let ty = self.type_reference()?;
        let default = if self.skip(Kind::Equals)? {
            Some(self.value_literal(true)?)
        } else {
            None
        };
        Ok(FieldDefinition {
            description,
            name,
            arguments: Vec::new(),
            default,
            ty,
            directives: self.directives(true)?,
            pos,
        })
    }

    fn schema_definition(&mut self, description: String) -> PResult<SchemaDefinition> {
        self.expect_keyword("schema")?;
        let pos = self.pos();
        Ok(SchemaDefinition {
            description,
            directives: self.directives(true)?,
            operation_types: self.some(
                Kind::BraceL,
                Kind::BraceR,
                Self::operation_type_definition,
            )?,
            pos,
        })
    }

    fn operation_type_definition(&mut self) -> PResult<OperationType> {
        let pos = self.pos();
        let operation = self.operation_type()?;
        self.expect(Kind::Colon)?;
        Ok(OperationType {
            operation,
            ty: self.name()?,
            pos,
        })
    }

    fn extension(&mut self, doc: &mut SchemaDocument) -> PResult<()> {
        self.expect_keyword("extend")?;
        let keyword = self.peek().value.clone();
        if keyword == "schema" {
            self.expect_keyword("schema")?;
            let pos = self.pos();
            let directives = self.directives(true)?;
            let operation_types =
                self.some(Kind::BraceL, Kind::BraceR, Self::operation_type_definition)?;
            if directives.is_empty() && operation_types.is_empty() {
                return Err(unexpected(self.peek()));
            }
            doc.schema_extension.push(SchemaDefinition {
                description: String::new(),
                directives,
                operation_types,
                pos,
            });
            return Ok(());
        }
        if !matches!(
            keyword.as_str(),
            "scalar" | "type" | "interface" | "union" | "enum" | "input"
        ) {
            return Err(unexpected(self.peek()));
        }
        self.expect_keyword(&keyword)?;
        let mut def = Definition {
            pos: self.pos(),
            name: self.name()?,
            ..Definition::default()
        };
        match keyword.as_str() {
            "scalar" => {
                def.kind = "SCALAR".to_owned();
                def.directives = self.directives(true)?;
            }
            "type" => {
                def.kind = "OBJECT".to_owned();
                def.interfaces = self.implements()?;
                def.directives = self.directives(true)?;
                def.fields = self.some(Kind::BraceL, Kind::BraceR, Self::field_definition)?;
            }
            "interface" => {
                def.kind = "INTERFACE".to_owned();
                def.directives = self.directives(true)?;
                def.fields = self.some(Kind::BraceL, Kind::BraceR, Self::field_definition)?;
            }
            "union" => {
                def.kind = "UNION".to_owned();
                def.directives = self.directives(true)?;
                def.types = self.union_members()?;
            }
            "enum" => {
                def.kind = "ENUM".to_owned();
                def.directives = self.directives(true)?;
                def.enum_values = self.enum_values()?;
            }
            _ => {
                def.kind = "INPUT_OBJECT".to_owned();
                def.directives = self.directives(false)?;
                def.fields = self.some(Kind::BraceL, Kind::BraceR, Self::input_value)?;
            }
        }
        if def.directives.is_empty()
            && def.interfaces.is_empty()
            && def.fields.is_empty()
            && def.types.is_empty()
            && def.enum_values.is_empty()
        {
            return Err(unexpected(self.peek()));
        }
        doc.extensions.push(def);
        Ok(())
    }

    fn directive_definition(&mut self, description: String) -> PResult<DirectiveDefinition> {
        self.expect_keyword("directive")?;
        self.expect(Kind::At)?;
        let pos = self.pos();
        let name = self.name()?;
        let arguments = self.some(Kind::ParenL, Kind::ParenR, Self::input_value)?;
        let mut repeatable = false;
        let tok = self.peek().clone();
        if tok.kind == Kind::Name && tok.value == "repeatable" {
            repeatable = true;
            self.next()?;
        }
        self.expect_keyword("on")?;
        self.skip(Kind::Pipe)?;
        let mut locations = vec![self.directive_location()?];
        while self.skip(Kind::Pipe)? {
            locations.push(self.directive_location()?);
        }
        Ok(DirectiveDefinition {
            description,
            name,
            arguments,
            locations,
            repeatable,
            pos,
        })
    }

    fn directive_location(&mut self) -> PResult<String> {
        const LOCATIONS: &[&str] = &[
            "QUERY",
            "MUTATION",
            "SUBSCRIPTION",
            "FIELD",
            "FRAGMENT_DEFINITION",
            "FRAGMENT_SPREAD",
            "INLINE_FRAGMENT",
            "VARIABLE_DEFINITION",
            "SCHEMA",
            "SCALAR",
            "OBJECT",
            "FIELD_DEFINITION",
            "ARGUMENT_DEFINITION",
            "INTERFACE",
            "UNION",
            "ENUM",
            "ENUM_VALUE",
            "INPUT_OBJECT",
            "INPUT_FIELD_DEFINITION",
        ];
        let tok = self.expect(Kind::Name)?;
        if LOCATIONS.contains(&tok.value.as_str()) {
            Ok(tok.value)
        } else {
            Err(unexpected(&tok))
        }
    }
}

fn composite(kind: ValueKind, children: Vec<ChildValue>, pos: Option<Pos>) -> GValue {
    GValue {
        raw: String::new(),
        children,
        kind,
        pos,
    }
}
