use crate::builtins::testing::{Want::*, check};

#[test]
fn matching() {
    check(&[
        (
            "regex.match",
            &[r#""^[a-z]+\\[[0-9]+\\]$""#, r#""foo[1]""#],
            Json("true"),
        ),
        ("regex.match", &[r#""^$""#, r#""""#], Json("true")),
        ("regex.match", &[r#""""#, r#""x""#], Json("true")),
        ("regex.match", &[r#""^$""#, r#""something""#], Json("false")),
        (
            "regex.match",
            &[r#""$^[[[""#, r#""something""#],
            Err("regex.match: error parsing regexp"),
        ),
        (
            "regex.match",
            &["1", r#""x""#],
            TypeErr("regex.match: operand 1 must be string but got number"),
        ),
        (
            "regex.match",
            &[r#""x""#, "[]"],
            TypeErr("operand 2 must be string but got array"),
        ),
        ("re_match", &[r#""^a+$""#, r#""aaa""#], Json("true")),
        ("regex.is_valid", &[r#"".+""#], Json("true")),
        ("regex.is_valid", &[r#""++""#], Json("false")),
        ("regex.is_valid", &["10"], Json("false")),
    ]);
}

#[test]
fn finding() {
    check(&[
        (
            "regex.find_n",
            &[r#""a.""#, r#""paranormal""#, "-1"],
            Json(r#"["ar", "an", "al"]"#),
        ),
        (
            "regex.find_n",
            &[r#""a.""#, r#""paranormal""#, "2"],
            Json(r#"["ar", "an"]"#),
        ),
        (
            "regex.find_n",
            &[r#""a.""#, r#""paranormal""#, "0"],
            Json("[]"),
        ),
        (
            "regex.find_n",
            &[r#""^a.""#, r#""abacadaeaf""#, "-1"],
            Json(r#"["ab"]"#),
        ),
        (
            "regex.find_n",
            &[r#"".$""#, r#""abacadaeaf""#, "-1"],
            Json(r#"["f"]"#),
        ),
        (
            "regex.find_n",
            &[r#""[abcdef]{2}""#, r#""abacadaeaf""#, "-1"],
            Json(r#"["ab", "ac", "ad", "ae", "af"]"#),
        ),
        (
            "regex.find_n",
            &[r#""a*""#, r#""baaac""#, "-1"],
            Json(r#"["", "aaa", ""]"#),
        ),
        (
            "regex.find_n",
            &[r#""a""#, r#""a""#, "1.5"],
            TypeErr("operand 3 must be integer number"),
        ),
        (
            "regex.find_all_string_submatch_n",
            &[r#""a(x*)b""#, r#""-""#, "-1"],
            Json("[]"),
        ),
        (
            "regex.find_all_string_submatch_n",
            &[r#""a(x*)b""#, r#""-ab-axb-""#, "-1"],
            Json(r#"[["ab", ""], ["axb", "x"]]"#),
        ),
        (
            "regex.find_all_string_submatch_n",
            &[
                r#""[^aouiye]([aouiye])([^aouiye])?""#,
                r#""somestri""#,
                "-1",
            ],
            Json(r#"[["som", "o", "m"], ["ri", "i", ""]]"#),
        ),
        (
            "regex.find_all_string_submatch_n",
            &[r#""[^aouiye]([aouiye])([^aouiye])?""#, r#""somestri""#, "1"],
            Json(r#"[["som", "o", "m"]]"#),
        ),
    ]);
}

#[test]
fn replacing_and_splitting() {
    check(&[
        (
            "regex.replace",
            &[r#""-wy-wxxy-""#, r#""w(x*)y""#, r#""0""#],
            Json(r#""-0-0-""#),
        ),
        (
            "regex.replace",
            &[r#""foo""#, r#""(foo)""#, r#""$1$1""#],
            Json(r#""foofoo""#),
        ),
        (
            "regex.replace",
            &[r#""foo""#, r#""^[a-z]""#, r#""F""#],
            Json(r#""Foo""#),
        ),
        (
            "regex.replace",
            &[r#""foo""#, r#""[a-z]$""#, r#""F""#],
            Json(r#""foF""#),
        ),
        (
            "regex.replace",
            &[r#""foo barx""#, r#""[a-z]{2}""#, r#""_""#],
            Json(r#""_o __""#),
        ),
        (
            "regex.replace",
            &[r#""foo""#, r#""[""#, r#""$1""#],
            Err("regex.replace: error parsing regexp"),
        ),
        (
            "regex.split",
            &[r#""^[a-z]+\\[[0-9]+\\]$""#, r#""""#],
            Json(r#"[""]"#),
        ),
        (
            "regex.split",
            &[r#""^[a-z]+""#, r#""foobar baz""#],
            Json(r#"["", " baz"]"#),
        ),
        (
            "regex.split",
            &[r#""[a-z]+$""#, r#""foobar baz""#],
            Json(r#"["foobar ", ""]"#),
        ),
        (
            "regex.split",
            &[r#""^[a-z]+$""#, r#""foobar baz""#],
            Json(r#"["foobar baz"]"#),
        ),
        (
            "regex.split",
            &[r#""^[a-z ]+$""#, r#""foobar baz""#],
            Json(r#"["", ""]"#),
        ),
        (
            "regex.split",
            &[r#""a""#, r#""banana""#],
            Json(r#"["b", "n", "n", ""]"#),
        ),
        (
            "regex.split",
            &[r#""z+""#, r#""pizza""#],
            Json(r#"["pi", "a"]"#),
        ),
        (
            "regex.split",
            &[r#""""#, r#""abc""#],
            Json(r#"["a", "b", "c"]"#),
        ),
    ]);
}

#[test]
fn templates_and_globs() {
    check(&[
        (
            "regex.template_match",
            &[
                r#""urn:foo:{.*}""#,
                r#""urn:foo:bar:baz""#,
                r#""{""#,
                r#""}""#,
            ],
            Json("true"),
        ),
        (
            "regex.template_match",
            &[
                r#""urn:foo:<.*>""#,
                r#""urn:foo:bar:baz""#,
                r#""<""#,
                r#"">""#,
            ],
            Json("true"),
        ),
        (
            "regex.template_match",
            &[
                r#""urn.foo:{[0-9]{2}}""#,
                r#""urnxfoo:12""#,
                r#""{""#,
                r#""}""#,
            ],
            Json("false"),
        ),
        (
            "regex.template_match",
            &[
                r#""urn:foo:{[0-9]{2}}""#,
                r#""urn:foo:123""#,
                r#""{""#,
                r#""}""#,
            ],
            Json("false"),
        ),
        (
            "regex.template_match",
            &[r#""urn:{x""#, r#""urn:x""#, r#""{""#, r#""}""#],
            Err("unbalanced braces in \"urn:{x\""),
        ),
        (
            "regex.template_match",
            &[r#""x""#, r#""x""#, r#""{{""#, r#""}""#],
            Err("start delimiter has to be exactly one character long but is 2 long"),
        ),
        (
            "regex.globs_match",
            &[r#""a.a.[0-9]+z""#, r#"".b.b2359825792*594823z""#],
            Json("true"),
        ),
        (
            "regex.globs_match",
            &[r#""[a-z]+""#, r#""[0-9]*""#],
            Json("false"),
        ),
        ("regex.globs_match", &[r#""b.*""#, r#""bar""#], Json("true")),
        (
            "regex.globs_match",
            &[r#""b.*""#, r#""car""#],
            Json("false"),
        ),
        (
            "regex.globs_match",
            &[r#""[a-z]+\\[[0-9]+\\]""#, r#""foo\\[1\\]""#],
            Json("true"),
        ),
        (
            "regex.globs_match",
            &[r#""[a-z]+\\[[0-9]+\\]""#, r#""foo[\"bar\"]""#],
            Json("false"),
        ),
        (
            "regex.globs_match",
            &[r#""pqrs]""#, r#""[a-b]+""#],
            Err(
                "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid",
            ),
        ),
        (
            "regex.globs_match",
            &[r#""*a""#, r#""a""#],
            Err("flag '*' must be preceded by a non-flag"),
        ),
        (
            "regex.globs_match",
            &[r#""[a-""#, r#""a""#],
            Err("range character '-' must be followed"),
        ),
    ]);
}
