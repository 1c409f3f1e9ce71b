//! Property test: random well-formed modules survive formatting.
//!
//! A generator builds spanless ASTs in the shapes the parser produces
//! (parentheses where precedence needs them, folded negative numbers). Each
//! one is formatted, the text parsed again, and the test checks that
//! (a) formatting the output again changes nothing and (b) the parsed tree
//! equals the generated one, spans aside.

mod support;

use proptest::prelude::*;
use riskgate_dsl::ast::*;
use riskgate_dsl::format::format_module;
use riskgate_dsl::{Dialect, ParseOptions, Span, parse_module};

fn sp() -> Span {
    Span::default()
}

fn e(kind: ExprKind) -> Expr {
    Expr { span: sp(), kind }
}

fn name(text: &str) -> Name {
    Name {
        span: sp(),
        text: text.to_owned(),
        quoted: false,
    }
}

/// A declaration id: the parser records it as a quoted name.
fn quoted(text: &str) -> Name {
    Name {
        quoted: true,
        ..name(text)
    }
}

fn paren(expr: Expr) -> Expr {
    e(ExprKind::Paren(Box::new(expr)))
}

// ---------------------------------------------------------------- leaves

fn ident() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "x", "y", "foo", "bar_1", "input", "data"])
        .prop_map(str::to_owned)
}

fn rule_name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["p", "q", "allow", "deny", "r_1"]).prop_map(str::to_owned)
}

fn number() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["0", "1", "42", "3.14", "1e3", "2.5E-3", "-1", "-0.5"])
        .prop_map(str::to_owned)
}

fn quoted_text() -> impl Strategy<Value = String> {
    "[a-z \"\\\\\n\t\u{7}é☃{}]{0,8}"
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        Just(e(ExprKind::Null)),
        any::<bool>().prop_map(|b| e(ExprKind::Bool(b))),
        number().prop_map(|n| e(ExprKind::Number(n))),
        quoted_text().prop_map(|value| e(ExprKind::String(StringLit { value, raw: false }))),
        "[a-z \\\\\n{}]{0,6}".prop_map(|value| e(ExprKind::String(StringLit { value, raw: true }))),
        ident().prop_map(|v| e(ExprKind::Var(v))),
        (ident(), prop::collection::vec(ident(), 1..3)).prop_map(|(head, path)| {
            e(ExprKind::Ref {
                head: Box::new(e(ExprKind::Var(head))),
                path: path.iter().map(|p| RefArg::Dot(name(p))).collect(),
            })
        }),
    ]
}

fn binop() -> impl Strategy<Value = BinOp> {
    prop::sample::select(vec![
        BinOp::Eq,
        BinOp::Neq,
        BinOp::Lt,
        BinOp::Lte,
        BinOp::Gt,
        BinOp::Gte,
        BinOp::Or,
        BinOp::And,
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div,
        BinOp::Rem,
    ])
}

// ---------------------------------------------------------------- expressions

fn expr() -> BoxedStrategy<Expr> {
    leaf()
        .prop_recursive(3, 24, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(|v| e(ExprKind::Array(v))),
                prop::collection::vec(inner.clone(), 1..3).prop_map(|v| e(ExprKind::Set(v))),
                prop::collection::vec((leaf(), inner.clone()), 0..3)
                    .prop_map(|v| e(ExprKind::Object(v))),
                (
                    prop::collection::vec(ident(), 1..3),
                    prop::collection::vec(inner.clone(), 0..3)
                )
                    .prop_map(|(func, args)| e(ExprKind::Call {
                        func: func.iter().map(|f| name(f)).collect(),
                        args,
                    })),
                (ident(), prop::collection::vec(inner.clone(), 1..3)).prop_map(|(head, path)| {
                    e(ExprKind::Ref {
                        head: Box::new(e(ExprKind::Var(head))),
                        path: path.into_iter().map(RefArg::Bracket).collect(),
                    })
                }),
                (inner.clone(), ident()).prop_map(|(head, field)| {
                    e(ExprKind::Ref {
                        head: Box::new(paren(head)),
                        path: vec![RefArg::Dot(name(&field))],
                    })
                }),
                inner.clone().prop_map(paren),
                inner.clone().prop_map(|x| e(ExprKind::Neg(Box::new(x)))),
                (binop(), inner.clone(), inner.clone()).prop_map(|(op, lhs, rhs)| {
                    e(ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    })
                }),
                (inner.clone(), inner.clone()).prop_map(|(value, collection)| {
                    e(ExprKind::Membership {
                        key: None,
                        value: Box::new(value),
                        collection: Box::new(collection),
                    })
                }),
                (inner.clone(), compr_body(inner.clone())).prop_map(|(term, body)| {
                    e(ExprKind::ArrayCompr {
                        term: Box::new(term),
                        body,
                    })
                }),
                (inner.clone(), compr_body(inner.clone())).prop_map(|(term, body)| {
                    e(ExprKind::SetCompr {
                        term: Box::new(term),
                        body,
                    })
                }),
                (leaf(), inner.clone(), compr_body(inner.clone())).prop_map(
                    |(key, value, body)| {
                        e(ExprKind::ObjectCompr {
                            key: Box::new(key),
                            value: Box::new(value),
                            body,
                        })
                    }
                ),
                (
                    any::<bool>(),
                    prop::collection::vec(("[a-z \"\n{}é]{0,5}", prop::option::of(inner)), 0..3)
                )
                    .prop_map(|(raw, parts)| template(raw, parts)),
            ]
        })
        .boxed()
}

fn template(raw: bool, parts: Vec<(String, Option<Expr>)>) -> Expr {
    let mut out: Vec<TemplatePart> = Vec::new();
    for (text, expr) in parts {
        let text = if raw { text.replace('"', "q") } else { text };
        if !text.is_empty() {
            if let Some(TemplatePart::Text(prev)) = out.last_mut() {
                prev.push_str(&text);
            } else {
                out.push(TemplatePart::Text(text));
            }
        }
        if let Some(expr) = expr {
            out.push(TemplatePart::Expr {
                expr,
                with: Vec::new(),
            });
        }
    }
    e(ExprKind::Template(TemplateString { parts: out, raw }))
}

// ---------------------------------------------------------------- bodies

fn literal(inner: impl Strategy<Value = Expr> + Clone + 'static) -> BoxedStrategy<Literal> {
    let kind = prop_oneof![
        4 => inner.clone().prop_map(LiteralKind::Expr),
        2 => (inner.clone(), inner.clone()).prop_map(|(lhs, rhs)| {
            LiteralKind::Expr(e(ExprKind::Assign {
                op: AssignOp::Unify,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            }))
        }),
        // `:=` declares variables: its left side is a variable.
        2 => (ident(), inner.clone()).prop_map(|(var, rhs)| {
            LiteralKind::Expr(e(ExprKind::Assign {
                op: AssignOp::Assign,
                lhs: Box::new(e(ExprKind::Var(var))),
                rhs: Box::new(rhs),
            }))
        }),
        1 => (inner.clone(), inner.clone(), inner.clone()).prop_map(|(k, v, c)| {
            LiteralKind::Expr(e(ExprKind::Membership {
                key: Some(Box::new(k)),
                value: Box::new(v),
                collection: Box::new(c),
            }))
        }),
        1 => inner.clone().prop_map(LiteralKind::Not),
        1 => prop::collection::vec(ident(), 1..3)
            .prop_map(|names| LiteralKind::SomeVars(names.iter().map(|n| name(n)).collect())),
        1 => (prop::option::of(ident()), ident(), leaf()).prop_map(|(key, value, collection)| {
            LiteralKind::SomeIn {
                key: key.map(|k| e(ExprKind::Var(k))),
                value: e(ExprKind::Var(value)),
                collection,
            }
        }),
        1 => (prop::option::of(ident()), ident(), leaf(), prop::collection::vec(inner.clone(), 1..3))
            .prop_map(|(key, value, domain, exprs)| LiteralKind::Every {
                key: key.map(|k| name(&k)),
                value: name(&value),
                domain,
                body: Body {
                    span: sp(),
                    literals: exprs.into_iter().map(|x| plain_literal(LiteralKind::Expr(x))).collect(),
                    braced: true,
                },
            }),
    ];
    let with = prop::collection::vec(
        (ident(), prop::collection::vec(ident(), 0..2), leaf()),
        0..2,
    )
    .prop_map(|mods| {
        mods.into_iter()
            .map(|(root, path, value)| {
                let target = if path.is_empty() {
                    e(ExprKind::Var(root))
                } else {
                    e(ExprKind::Ref {
                        head: Box::new(e(ExprKind::Var(root))),
                        path: path.iter().map(|p| RefArg::Dot(name(p))).collect(),
                    })
                };
                WithModifier {
                    span: sp(),
                    target,
                    value,
                }
            })
            .collect::<Vec<_>>()
    });
    (kind, with)
        .prop_map(|(kind, with)| Literal {
            span: sp(),
            kind,
            with,
        })
        .boxed()
}

fn plain_literal(kind: LiteralKind) -> Literal {
    Literal {
        span: sp(),
        kind,
        with: Vec::new(),
    }
}

fn compr_body(inner: impl Strategy<Value = Expr> + Clone + 'static) -> impl Strategy<Value = Body> {
    prop::collection::vec(
        inner.prop_map(|x| plain_literal(LiteralKind::Expr(x))),
        1..3,
    )
    .prop_map(|literals| Body {
        span: sp(),
        literals,
        braced: false,
    })
}

fn rule_body() -> impl Strategy<Value = Body> {
    (any::<bool>(), prop::collection::vec(literal(expr()), 1..4)).prop_map(|(braced, literals)| {
        let braced = braced || literals.len() > 1;
        Body {
            span: sp(),
            literals,
            braced,
        }
    })
}

// ---------------------------------------------------------------- rules

fn head(reference: RuleRef) -> RuleHead {
    RuleHead {
        span: sp(),
        reference,
        args: None,
        value: None,
        contains: None,
    }
}

fn simple_ref(text: &str) -> RuleRef {
    RuleRef {
        span: sp(),
        name: name(text),
        path: Vec::new(),
    }
}

fn assign_op() -> impl Strategy<Value = AssignOp> {
    prop_oneof![Just(AssignOp::Assign), Just(AssignOp::Unify)]
}

fn rule() -> impl Strategy<Value = Rule> {
    let else_clause = (prop::option::of((assign_op(), expr())), rule_body());
    let complete = (
        rule_name(),
        prop::option::of((assign_op(), expr())),
        prop::option::of(rule_body()),
        prop::collection::vec(else_clause, 0..3),
        prop::option::of((assign_op(), expr())),
    )
        .prop_map(|(n, value, body, elses, last)| {
            let mut h = head(simple_ref(&n));
            h.value = value.map(|(op, value)| HeadValue { op, value });
            let has_body = body.is_some();
            let mut else_chain: Vec<ElseClause> = Vec::new();
            if has_body {
                for (value, body) in elses {
                    else_chain.push(ElseClause {
                        span: sp(),
                        value: value.map(|(op, value)| HeadValue { op, value }),
                        body: Some(body),
                    });
                }
                if let Some((op, value)) = last {
                    else_chain.push(ElseClause {
                        span: sp(),
                        value: Some(HeadValue { op, value }),
                        body: None,
                    });
                }
            }
            if h.value.is_none() && body.is_none() {
                h.value = Some(HeadValue {
                    op: AssignOp::Assign,
                    value: e(ExprKind::Bool(true)),
                });
            }
            Rule {
                span: sp(),
                is_default: false,
                head: h,
                body,
                else_chain,
            }
        });
    let function = (
        rule_name(),
        prop::collection::vec(
            prop_oneof![ident().prop_map(|v| e(ExprKind::Var(v))), leaf()],
            1..3,
        ),
        assign_op(),
        expr(),
        rule_body(),
    )
        .prop_map(|(n, args, op, value, body)| {
            let mut h = head(simple_ref(&n));
            h.args = Some(args);
            h.value = Some(HeadValue { op, value });
            Rule {
                span: sp(),
                is_default: false,
                head: h,
                body: Some(body),
                else_chain: Vec::new(),
            }
        });
    let contains =
        (rule_name(), expr(), prop::option::of(rule_body())).prop_map(|(n, term, body)| {
            let mut h = head(simple_ref(&n));
            h.contains = Some(term);
            Rule {
                span: sp(),
                is_default: false,
                head: h,
                body,
                else_chain: Vec::new(),
            }
        });
    let ref_head = (
        rule_name(),
        ident(),
        prop_oneof![ident().prop_map(|v| e(ExprKind::Var(v))), leaf()],
        assign_op(),
        expr(),
        rule_body(),
    )
        .prop_map(|(n, field, key, op, value, body)| {
            let mut h = head(RuleRef {
                span: sp(),
                name: name(&n),
                path: vec![RefArg::Dot(name(&field)), RefArg::Bracket(key)],
            });
            h.value = Some(HeadValue { op, value });
            Rule {
                span: sp(),
                is_default: false,
                head: h,
                body: Some(body),
                else_chain: Vec::new(),
            }
        });
    let default = (rule_name(), assign_op(), leaf()).prop_map(|(n, op, value)| {
        let mut h = head(simple_ref(&n));
        h.value = Some(HeadValue { op, value });
        Rule {
            span: sp(),
            is_default: true,
            head: h,
            body: None,
            else_chain: Vec::new(),
        }
    });
    prop_oneof![3 => complete, 1 => function, 1 => contains, 1 => ref_head, 1 => default]
}

fn field() -> impl Strategy<Value = Field> {
    (
        prop::sample::select(vec!["title", "severity", "metric", "min_n"]),
        expr(),
    )
        .prop_map(|(n, value)| Field {
            span: sp(),
            name: name(n),
            value,
        })
}

/// Fields with distinct names (duplicates are an error).
fn fields() -> impl Strategy<Value = Vec<Field>> {
    prop::collection::vec(field(), 0..3).prop_map(|mut fields| {
        let mut seen = std::collections::BTreeSet::new();
        fields.retain(|f| seen.insert(f.name.text.clone()));
        fields
    })
}

fn declaration() -> impl Strategy<Value = Item> {
    let risk = ("[a-z.]{1,8}", fields()).prop_map(|(id, fields)| {
        Item::Risk(RiskDecl {
            span: sp(),
            id: quoted(&id),
            fields,
        })
    });
    let member = prop_oneof![
        field().prop_map(ControlMember::Field),
        rule_body().prop_map(|body| ControlMember::Applies(Applies { span: sp(), body })),
        (
            prop::sample::select(RequirementKind::ALL.to_vec()),
            "[a-z_]{1,6}",
            fields()
        )
            .prop_map(|(kind, id, fields)| ControlMember::Require(Requirement {
                span: sp(),
                kind,
                kind_span: sp(),
                id: quoted(&id),
                fields,
            })),
        rule().prop_map(ControlMember::Rule),
    ];
    let control =
        ("C-[A-Z0-9]{1,4}", prop::collection::vec(member, 0..4)).prop_map(|(id, mut members)| {
            let mut seen = std::collections::BTreeSet::new();
            members.retain(|m| match m {
                ControlMember::Field(f) => seen.insert(f.name.text.clone()),
                _ => true,
            });
            Item::Control(ControlDecl {
                span: sp(),
                id: quoted(&id),
                members,
            })
        });
    prop_oneof![risk, control]
}

fn module() -> impl Strategy<Value = Module> {
    (
        prop::collection::vec(ident(), 1..3),
        prop::collection::vec(
            (
                prop::collection::vec(ident(), 1..3),
                prop::option::of(ident()),
            ),
            0..3,
        ),
        prop::collection::vec(rule(), 0..5),
        prop::collection::vec(declaration(), 0..3),
    )
        .prop_map(|(package, imports, rules, declarations)| {
            let mut module = Module {
                span: sp(),
                package: Some(Package {
                    span: sp(),
                    path: package.iter().map(|p| name(p)).collect(),
                }),
                imports: imports
                    .into_iter()
                    .map(|(path, alias)| Import {
                        span: sp(),
                        path: std::iter::once(name("data"))
                            .chain(path.iter().map(|p| name(p)))
                            .collect(),
                        alias: alias.map(|a| name(&a)),
                    })
                    .collect(),
                items: rules
                    .into_iter()
                    .map(Item::Rule)
                    .chain(declarations)
                    .collect(),
                comments: Vec::new(),
            };
            canonical::module(&mut module);
            module
        })
}

#[path = "format_roundtrip/canonical.rs"]
mod canonical;

fn format_and_parse(module: &Module) -> (String, riskgate_dsl::ParsedModule) {
    let text = format_module(module, "");
    let parsed = parse_module(&text, ParseOptions::new(Dialect::Gate));
    (text, parsed)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn formatting_round_trips(module in module()) {
        let (text, parsed) = format_and_parse(&module);
        prop_assert!(!parsed.has_errors(), "output does not parse:\n{text}\n{:#?}", parsed.diagnostics);
        prop_assert_eq!(support::spanless(&parsed.module), support::spanless(&module), "tree changed; output:\n{}", text);
        let again = format_module(&parsed.module, &text);
        prop_assert_eq!(again, text);
    }
}
