use crate::builtins::testing::{Want::*, check};

#[test]
fn base64_and_hex() {
    check(&[
        ("base64.encode", &[r#""hello""#], Json(r#""aGVsbG8=""#)),
        (
            "base64.encode",
            &[r#""subjects?_d""#],
            Json(r#""c3ViamVjdHM/X2Q=""#),
        ),
        ("base64.decode", &[r#""aGVsbG8=""#], Json(r#""hello""#)),
        (
            "base64.decode",
            &[r#""c3ViamVjdHM/X2Q=""#],
            Json(r#""subjects?_d""#),
        ),
        (
            "base64.decode",
            &[r#""aGVsbG8""#],
            Err("base64.decode: illegal base64 data at input byte"),
        ),
        (
            "base64.decode",
            &["1"],
            TypeErr("base64.decode: operand 1 must be string but got number"),
        ),
        ("base64.is_valid", &[r#""aGVsbG8=""#], Json("true")),
        ("base64.is_valid", &[r#""{'not':'base64'}""#], Json("false")),
        ("base64.is_valid", &["1"], TypeErr("must be string")),
        (
            "base64url.encode",
            &[r#""subjects?_d""#],
            Json(r#""c3ViamVjdHM_X2Q=""#),
        ),
        (
            "base64url.encode_no_pad",
            &[r#""hello""#],
            Json(r#""aGVsbG8""#),
        ),
        ("base64url.decode", &[r#""aGVsbG8=""#], Json(r#""hello""#)),
        ("base64url.decode", &[r#""aGVsbG8""#], Json(r#""hello""#)),
        (
            "base64url.decode",
            &[r#""c3ViamVjdHM_X2Q""#],
            Json(r#""subjects?_d""#),
        ),
        (
            "base64url.decode",
            &[r#""aGVsb""#],
            Err("base64url.decode: illegal base64url string: aGVsb"),
        ),
        (
            "hex.encode",
            &[r#""lorem ipsum""#],
            Json(r#""6c6f72656d20697073756d""#),
        ),
        (
            "hex.decode",
            &[r#""6c6f72656d20697073756d""#],
            Json(r#""lorem ipsum""#),
        ),
        ("hex.decode", &[r#""6C6F""#], Json(r#""lo""#)),
        (
            "hex.decode",
            &[r#""fghijkl""#],
            Err("hex.decode: encoding/hex: invalid byte: U+0067 'g'"),
        ),
        ("hex.decode", &[r#""abc""#], Err("odd length hex string")),
    ]);
}

#[test]
fn urlquery() {
    check(&[
        ("urlquery.encode", &[r#""a=b+1""#], Json(r#""a%3Db%2B1""#)),
        ("urlquery.encode", &[r#""a b~é""#], Json(r#""a+b~%C3%A9""#)),
        ("urlquery.encode", &[r#""""#], Json(r#""""#)),
        (
            "urlquery.decode",
            &[r#""a%3Db%2B1+x""#],
            Json(r#""a=b+1 x""#),
        ),
        (
            "urlquery.decode",
            &[r#""%zz""#],
            Err("urlquery.decode: invalid URL escape \"%zz\""),
        ),
        (
            "urlquery.decode",
            &[r#""ab%""#],
            Err("invalid URL escape \"%\""),
        ),
        ("urlquery.encode_object", &["{}"], Json(r#""""#)),
        (
            "urlquery.encode_object",
            &[r#"{"c": "d", "a": "b"}"#],
            Json(r#""a=b&c=d""#),
        ),
        (
            "urlquery.encode_object",
            &[r#"{"a": "c=b+1"}"#],
            Json(r#""a=c%3Db%2B1""#),
        ),
        (
            "urlquery.encode_object",
            &[r#"{"a": ["b+1", "c+2"]}"#],
            Json(r#""a=b%2B1&a=c%2B2""#),
        ),
        (
            "urlquery.encode_object",
            &[r#"{"a": {"$set": ["b+1"]}}"#],
            Json(r#""a=b%2B1""#),
        ),
        (
            "urlquery.encode_object",
            &[r#"{"a": 1}"#],
            TypeErr("operand 1 values must be string, array[string], or set[string]"),
        ),
        (
            "urlquery.encode_object",
            &[r#""a""#],
            TypeErr("operand 1 must be object but got string"),
        ),
        (
            "urlquery.decode_object",
            &[r#""a=value_a1&b=value_b&a=value_a2""#],
            Json(r#"{"a": ["value_a1", "value_a2"], "b": ["value_b"]}"#),
        ),
        (
            "urlquery.decode_object",
            &[r#""a=value_a1&b""#],
            Json(r#"{"a": ["value_a1"], "b": [""]}"#),
        ),
        ("urlquery.decode_object", &[r#""""#], Json("{}")),
        (
            "urlquery.decode_object",
            &[r#""a=1;b=2""#],
            Err("invalid semicolon separator in query"),
        ),
    ]);
}

#[test]
fn json() {
    let nums = "[1234567890, 2000000, 1000000000]";
    check(&[
        (
            "json.marshal",
            &[r#"[{"foo": {"$set": [1, 2, 3]}}]"#],
            Json(r#""[{\"foo\":[1,2,3]}]""#),
        ),
        (
            "json.marshal",
            &[r#""<a&b>""#],
            Json(r#""\"\\u003ca\\u0026b\\u003e\"""#),
        ),
        ("json.marshal", &["1.5"], Json(r#""1.5""#)),
        (
            "json.marshal_with_options",
            &[nums, r#"{"indent": "  "}"#],
            Json(r#""[\n  1234567890,\n  2000000,\n  1000000000\n]""#),
        ),
        (
            "json.marshal_with_options",
            &[nums, "{}"],
            Json(r#""[1234567890,2000000,1000000000]""#),
        ),
        (
            "json.marshal_with_options",
            &[nums, r#"{"pretty": true}"#],
            Json(r#""[\n\t1234567890,\n\t2000000,\n\t1000000000\n]""#),
        ),
        (
            "json.marshal_with_options",
            &[
                nums,
                r#"{"pretty": false, "prefix": "NO!", "indent": "BAD!"}"#,
            ],
            Json(r#""[1234567890,2000000,1000000000]""#),
        ),
        (
            "json.marshal_with_options",
            &[
                r#"{"foo": "bar", "bar": "baz"}"#,
                r#"{"prefix": "JSON => "}"#,
            ],
            Json(
                r#""JSON => {\nJSON => \t\"bar\": \"baz\",\nJSON => \t\"foo\": \"bar\"\nJSON => }""#,
            ),
        ),
        (
            "json.marshal_with_options",
            &["[]", r#"{"indent": "    ", "prefix": "---"}"#],
            Json(r#""---[]""#),
        ),
        (
            "json.marshal_with_options",
            &["[[[]]]", r#"{"indent": " "}"#],
            Json(r#""[\n [\n  []\n ]\n]""#),
        ),
        (
            "json.marshal_with_options",
            &[
                "[]",
                r#"{"indent": "    ", "include_winning_lottery_numbers": true}"#,
            ],
            TypeErr("object contained unknown key \"include_winning_lottery_numbers\""),
        ),
        (
            "json.marshal_with_options",
            &["[]", r#"{"pretty": 1}"#],
            TypeErr("operand 2 key pretty failed cast to bool"),
        ),
        (
            "json.unmarshal",
            &[r#""[{\"foo\":[1,2,3]}]""#],
            Json(r#"[{"foo": [1, 2, 3]}]"#),
        ),
        (
            "json.unmarshal",
            &[r#""{""#],
            Err("json.unmarshal: EOF while parsing"),
        ),
        (
            "json.unmarshal",
            &["1"],
            TypeErr("json.unmarshal: operand 1 must be string but got number"),
        ),
        ("json.is_valid", &[r#""plainstring""#], Json("false")),
        ("json.is_valid", &[r#""{""#], Json("false")),
        ("json.is_valid", &[r#""{\"json\": \"ok\"}""#], Json("true")),
        ("json.is_valid", &["1"], Json("false")),
    ]);
}

#[test]
fn yaml() {
    check(&[
        (
            "yaml.marshal",
            &[r#"[{"foo": {"$set": [1, 2, 3]}}]"#],
            Json(r#""- foo:\n  - 1\n  - 2\n  - 3\n""#),
        ),
        (
            "yaml.marshal",
            &[r#"{"a": "b", "c": null}"#],
            Json(r#""a: b\nc: null\n""#),
        ),
        (
            "yaml.unmarshal",
            &[r#""- foo:\n  - 1\n  - 2.5\n  - x\n""#],
            Json(r#"[{"foo": [1, 2.5, "x"]}]"#),
        ),
        (
            "yaml.unmarshal",
            &[r#""1: one\ntrue: yes\n""#],
            Json(r#"{"1": "one", "true": "yes"}"#),
        ),
        ("yaml.unmarshal", &[r#""""#], Json("null")),
        (
            "yaml.unmarshal",
            &[r#""[1,2,3""#],
            Err("yaml.unmarshal: yaml: line 1: did not find"),
        ),
        (
            "yaml.is_valid",
            &[r#""foo:\n   - qux: bar\n   - baz: 2""#],
            Json("true"),
        ),
        (
            "yaml.is_valid",
            &[r#""foo:\n   - qux: bar\n   - baz: {""#],
            Json("false"),
        ),
        ("yaml.is_valid", &[r#""{\"json\": \"ok\"}""#], Json("true")),
        ("yaml.is_valid", &["1"], Json("false")),
    ]);
}
