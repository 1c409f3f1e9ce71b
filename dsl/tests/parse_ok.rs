//! Parser snapshots over a corpus covering every construct (the formatter's
//! inputs in `tests/data/fmt` plus `tests/data/ok`): each module is dumped
//! as a compact tree with spans, and every node's span is checked to lie
//! inside its parent's.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::path::Path;

use riskgate_dsl::ast::*;
use riskgate_dsl::{Dialect, ParseOptions, Span, parse_module};

struct Dump<'s> {
    source: &'s str,
    out: String,
    depth: usize,
    parents: Vec<Span>,
}

impl Dump<'_> {
    fn node(&mut self, label: &str, span: Span, children: impl FnOnce(&mut Self)) {
        if let Some(parent) = self.parents.last() {
            assert!(
                parent.start <= span.start && span.end <= parent.end,
                "{label} {span:?} escapes its parent {parent:?}"
            );
        }
        assert!(span.end as usize <= self.source.len());
        let _ = writeln!(
            self.out,
            "{}{label} @{}..{}",
            "  ".repeat(self.depth),
            span.start,
            span.end
        );
        self.depth += 1;
        self.parents.push(span);
        children(self);
        self.parents.pop();
        self.depth -= 1;
    }

    fn leaf(&mut self, label: &str, span: Span) {
        self.node(label, span, |_| {});
    }

    fn module(&mut self, module: &Module) {
        self.node("Module", module.span, |d| {
            if let Some(p) = &module.package {
                d.node(&format!("Package {}", names(&p.path)), p.span, |_| {});
            }
            for i in &module.imports {
                let alias = i
                    .alias
                    .as_ref()
                    .map(|a| format!(" as {}", a.text))
                    .unwrap_or_default();
                d.leaf(&format!("Import {}{alias}", names(&i.path)), i.span);
            }
            for item in &module.items {
                match item {
                    Item::Rule(rule) => d.rule(rule),
                    Item::Risk(risk) => {
                        d.node(&format!("Risk {:?}", risk.id.text), risk.span, |d| {
                            risk.fields.iter().for_each(|f| d.field(f));
                        })
                    }
                    Item::Control(control) => d.node(
                        &format!("Control {:?}", control.id.text),
                        control.span,
                        |d| {
                            for member in &control.members {
                                match member {
                                    ControlMember::Field(f) => d.field(f),
                                    ControlMember::Applies(a) => {
                                        d.node("Applies", a.span, |d| d.body(&a.body))
                                    }
                                    ControlMember::Require(r) => d.node(
                                        &format!("Require {} {:?}", r.kind.as_str(), r.id.text),
                                        r.span,
                                        |d| r.fields.iter().for_each(|f| d.field(f)),
                                    ),
                                    ControlMember::Rule(rule) => d.rule(rule),
                                }
                            }
                        },
                    ),
                }
            }
        });
        for c in &module.comments {
            let _ = writeln!(
                self.out,
                "Comment @{}..{} {:?}",
                c.span.start, c.span.end, c.text
            );
        }
    }

    fn field(&mut self, field: &Field) {
        self.node(&format!("Field {}", field.name.text), field.span, |d| {
            d.expr(&field.value)
        });
    }

    fn rule(&mut self, rule: &Rule) {
        let label = if rule.is_default {
            "Rule default"
        } else {
            "Rule"
        };
        self.node(label, rule.span, |d| {
            let head = &rule.head;
            d.node("Head", head.span, |d| {
                d.node(
                    &format!("Ref {}", head.reference.name.text),
                    head.reference.span,
                    |d| {
                        d.ref_args(&head.reference.path);
                    },
                );
                if let Some(args) = &head.args {
                    d.node("Args", head.span, |d| args.iter().for_each(|a| d.expr(a)));
                }
                if let Some(v) = &head.value {
                    d.node(&format!("Value {}", v.op.as_str()), v.value.span, |d| {
                        d.expr(&v.value)
                    });
                }
                if let Some(c) = &head.contains {
                    d.node("Contains", c.span, |d| d.expr(c));
                }
            });
            if let Some(body) = &rule.body {
                d.body(body);
            }
            for e in &rule.else_chain {
                d.node("Else", e.span, |d| {
                    if let Some(v) = &e.value {
                        d.node(&format!("Value {}", v.op.as_str()), v.value.span, |d| {
                            d.expr(&v.value)
                        });
                    }
                    if let Some(body) = &e.body {
                        d.body(body);
                    }
                });
            }
        });
    }

    fn body(&mut self, body: &Body) {
        let label = if body.braced { "Body {}" } else { "Body" };
        self.node(label, body.span, |d| {
            for literal in &body.literals {
                d.node("Literal", literal.span, |d| {
                    match &literal.kind {
                        LiteralKind::Expr(e) => d.expr(e),
                        LiteralKind::Not(e) => d.node("Not", e.span, |d| d.expr(e)),
                        LiteralKind::SomeVars(vars) => {
                            for v in vars {
                                d.leaf(&format!("Some {}", v.text), v.span);
                            }
                        }
                        LiteralKind::SomeIn {
                            key,
                            value,
                            collection,
                        } => d.node("SomeIn", literal.span, |d| {
                            key.iter().for_each(|k| d.expr(k));
                            d.expr(value);
                            d.expr(collection);
                        }),
                        LiteralKind::Every {
                            key,
                            value,
                            domain,
                            body,
                        } => {
                            let key = key
                                .as_ref()
                                .map(|k| format!("{}, ", k.text))
                                .unwrap_or_default();
                            d.node(&format!("Every {key}{}", value.text), literal.span, |d| {
                                d.expr(domain);
                                d.body(body);
                            });
                        }
                    }
                    for w in &literal.with {
                        d.node("With", w.span, |d| {
                            d.expr(&w.target);
                            d.expr(&w.value);
                        });
                    }
                });
            }
        });
    }

    fn ref_args(&mut self, path: &[RefArg]) {
        for arg in path {
            match arg {
                RefArg::Dot(name) => self.leaf(&format!(".{}", name.text), name.span),
                RefArg::Bracket(e) => self.node("[]", e.span, |d| d.expr(e)),
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Null => self.leaf("null", span),
            ExprKind::Bool(b) => self.leaf(&b.to_string(), span),
            ExprKind::Number(n) => self.leaf(&format!("Number {n}"), span),
            ExprKind::String(s) => self.leaf(
                &format!("String{} {:?}", if s.raw { " raw" } else { "" }, s.value),
                span,
            ),
            ExprKind::Template(t) => self.node("Template", span, |d| {
                for part in &t.parts {
                    match part {
                        TemplatePart::Text(text) => {
                            let _ = writeln!(d.out, "{}Text {text:?}", "  ".repeat(d.depth));
                        }
                        TemplatePart::Expr { expr, with } => {
                            d.expr(expr);
                            for w in with {
                                d.node("With", w.span, |d| {
                                    d.expr(&w.target);
                                    d.expr(&w.value);
                                });
                            }
                        }
                    }
                }
            }),
            ExprKind::Var(v) => self.leaf(&format!("Var {v}"), span),
            ExprKind::Ref { head, path } => self.node("Ref", span, |d| {
                d.expr(head);
                d.ref_args(path);
            }),
            ExprKind::Call { func, args } => {
                self.node(&format!("Call {}", names(func)), span, |d| {
                    args.iter().for_each(|a| d.expr(a));
                })
            }
            ExprKind::Array(items) => {
                self.node("Array", span, |d| items.iter().for_each(|e| d.expr(e)))
            }
            ExprKind::Set(items) => {
                self.node("Set", span, |d| items.iter().for_each(|e| d.expr(e)))
            }
            ExprKind::Object(entries) => self.node("Object", span, |d| {
                for (k, v) in entries {
                    d.expr(k);
                    d.expr(v);
                }
            }),
            ExprKind::ArrayCompr { term, body } | ExprKind::SetCompr { term, body } => {
                let label = if matches!(expr.kind, ExprKind::ArrayCompr { .. }) {
                    "ArrayCompr"
                } else {
                    "SetCompr"
                };
                self.node(label, span, |d| {
                    d.expr(term);
                    d.body(body);
                });
            }
            ExprKind::ObjectCompr { key, value, body } => self.node("ObjectCompr", span, |d| {
                d.expr(key);
                d.expr(value);
                d.body(body);
            }),
            ExprKind::Paren(inner) => self.node("Paren", span, |d| d.expr(inner)),
            ExprKind::Neg(inner) => self.node("Neg", span, |d| d.expr(inner)),
            ExprKind::Binary { op, lhs, rhs } => {
                self.node(&format!("Binary {}", op.as_str()), span, |d| {
                    d.expr(lhs);
                    d.expr(rhs);
                })
            }
            ExprKind::Membership {
                key,
                value,
                collection,
            } => self.node("In", span, |d| {
                key.iter().for_each(|k| d.expr(k));
                d.expr(value);
                d.expr(collection);
            }),
            ExprKind::Assign { op, lhs, rhs } => {
                self.node(&format!("Assign {}", op.as_str()), span, |d| {
                    d.expr(lhs);
                    d.expr(rhs);
                })
            }
        }
    }
}

fn names(path: &[Name]) -> String {
    path.iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

fn dump(name: &str, source: &str) -> String {
    let options =
        ParseOptions::new(Dialect::for_path(name)).with_v0_compatible(name.contains(".v0."));
    let parsed = parse_module(source, options);
    assert!(
        parsed.diagnostics.is_empty(),
        "{name}: {:?}",
        parsed.diagnostics
    );
    let mut dump = Dump {
        source,
        out: String::new(),
        depth: 0,
        parents: Vec::new(),
    };
    dump.module(&parsed.module);
    dump.out
}

#[test]
fn parser_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files = Vec::new();
    for dir in ["ok", "fmt"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let source = std::fs::read_to_string(&path).unwrap();
        insta::with_settings!({ snapshot_suffix => name.clone(), omit_expression => true }, {
            insta::assert_snapshot!("ast", dump(&name, &source));
        });
    }
}
