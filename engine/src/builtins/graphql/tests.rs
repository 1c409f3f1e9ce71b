//! Unit tests for the GraphQL builtins (the case tables cover the rest).

use super::validation_message;
use crate::builtins::testing::{Want::*, check};
use riskgate_graphql::lexer::{GqlError, Pos};

const SCHEMA: &str = r#""type Query { hero(episode: Episode): Character search(text: String!): [Result] } enum Episode { NEWHOPE EMPIRE } interface Character { id: ID! name: String } type Human implements Character { id: ID! name: String height: Float } type Droid implements Character { id: ID! name: String primaryFunction: String } union Result = Human | Droid""#;

#[test]
fn validation_rules() {
    check(&[
        (
            "graphql.is_valid",
            &[
                r#""{ hero(episode: EMPIRE) { name ... on Droid { primaryFunction } } }""#,
                SCHEMA,
            ],
            Json("true"),
        ),
        (
            "graphql.is_valid",
            &[r#""{ hero(episode: JEDI) { name } }""#, SCHEMA],
            Json("false"),
        ),
        (
            "graphql.is_valid",
            &[r#""{ hero { ... on Episode { x } } }""#, SCHEMA],
            Json("false"),
        ),
        (
            "graphql.is_valid",
            &[
                r#""{ search(text: \"a\") { __typename ... on Human { height } } }""#,
                SCHEMA,
            ],
            Json("true"),
        ),
        (
            "graphql.is_valid",
            &[r#""{ search(text: 1) { __typename } }""#, SCHEMA],
            Json("false"),
        ),
        (
            "graphql.is_valid",
            &[r#""{ search(text: \"a\") { name } }""#, SCHEMA],
            Json("false"),
        ),
        (
            "graphql.is_valid",
            &[r#""{ ...Missing }""#, SCHEMA],
            Json("false"),
        ),
        (
            "graphql.is_valid",
            &[
                r#""{ hero { name } } fragment Unused on Query { hero { id } }""#,
                SCHEMA,
            ],
            Json("false"),
        ),
        (
            "graphql.is_valid",
            &[
                r#""query ($e: Episode) { hero(episode: $e) { ...A } } fragment A on Character { ...B } fragment B on Character { ...A }""#,
                SCHEMA,
            ],
            Json("false"),
        ),
        (
            "graphql.is_valid",
            &[r#""{ hero { name @unknown } }""#, SCHEMA],
            Json("false"),
        ),
        (
            "graphql.is_valid",
            &[r#""{ hero { name } } { hero { id } }""#, SCHEMA],
            Json("false"),
        ),
        (
            "graphql.is_valid",
            &[
                r#""query ($t: String) { search(text: $t) { __typename } }""#,
                SCHEMA,
            ],
            Json("false"),
        ),
        (
            "graphql.is_valid",
            &[
                r#""query ($t: String = \"x\") { search(text: $t) { __typename } }""#,
                SCHEMA,
            ],
            Json("true"),
        ),
        (
            "graphql.is_valid",
            &[r#""{ __schema { types { name } } }""#, SCHEMA],
            Json("true"),
        ),
        (
            "graphql.parse",
            &[r#""{ hero { nope } }""#, SCHEMA],
            Err(
                "graphql.parse: Cannot query field \"nope\" on type \"Character\" in GraphQL string at location 1:10",
            ),
        ),
        (
            "graphql.parse",
            &[r#""query ($v: Int) { hero { id } }""#, SCHEMA],
            Err("Variable \"$v\" is never used in GraphQL string at location 1:8"),
        ),
    ]);
}

#[test]
fn several_errors_are_joined_like_opa() {
    let errors = [
        GqlError::at(Some(Pos { line: 1, column: 3 }), "First."),
        GqlError::at(Some(Pos { line: 2, column: 5 }), "Second."),
    ];
    assert_eq!(
        validation_message(&errors),
        "First.\ninput:2:5: Second in GraphQL string at location 1:3"
    );
}
