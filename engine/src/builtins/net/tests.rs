use crate::builtins::testing::{Want::*, check};

#[test]
fn contains_and_intersects() {
    check(&[
        (
            "net.cidr_contains",
            &[r#""10.0.0.0/8""#, r#""10.1.0.0/24""#],
            Json("true"),
        ),
        (
            "net.cidr_contains",
            &[r#""172.17.0.0/24""#, r#""172.17.0.0/16""#],
            Json("false"),
        ),
        (
            "net.cidr_contains",
            &[r#""10.0.0.0/8""#, r#""192.168.1.0/24""#],
            Json("false"),
        ),
        (
            "net.cidr_contains",
            &[r#""10.0.0.0/8""#, r#""10.1.1.1/32""#],
            Json("true"),
        ),
        (
            "net.cidr_contains",
            &[
                r#""2001:4860:4860::8888/32""#,
                r#""2001:4860:4860:1234::8888/40""#,
            ],
            Json("true"),
        ),
        (
            "net.cidr_contains",
            &[r#""2001:4860::/96""#, r#""2001:4860::/32""#],
            Json("false"),
        ),
        (
            "net.cidr_contains",
            &[r#""2001:4860::/32""#, r#""fd1e:5bfe:8af3:9ddc::/64""#],
            Json("false"),
        ),
        (
            "net.cidr_contains",
            &[r#""10.0.0.0/8""#, r#""10.1.2.3""#],
            Json("true"),
        ),
        (
            "net.cidr_contains",
            &[r#""10.0.0.0/8""#, r#""192.168.1.1""#],
            Json("false"),
        ),
        (
            "net.cidr_contains",
            &[r#""0.0.0.0/0""#, r#""::1""#],
            Json("false"),
        ),
        (
            "net.cidr_contains",
            &[r#""::/0""#, r#""::1""#],
            Json("true"),
        ),
        (
            "net.cidr_contains",
            &[r#""not-a-cidr""#, r#""192.168.1.67""#],
            Err("net.cidr_contains: invalid CIDR address: not-a-cidr"),
        ),
        (
            "net.cidr_contains",
            &[r#""192.168.1.0/28""#, r#""not-a-cidr""#],
            Err("invalid CIDR address: not-a-cidr"),
        ),
        (
            "net.cidr_contains",
            &["1", r#""1.1.1.1""#],
            TypeErr("operand 1 must be string but got number"),
        ),
        (
            "net.cidr_intersects",
            &[r#""192.168.1.0/25""#, r#""192.168.1.64/25""#],
            Json("true"),
        ),
        (
            "net.cidr_intersects",
            &[r#""192.168.1.0/24""#, r#""192.168.2.0/24""#],
            Json("false"),
        ),
        (
            "net.cidr_intersects",
            &[
                r#""fd1e:5bfe:8af3:9ddc::/64""#,
                r#""fd1e:5bfe:8af3:9ddc:1111::/72""#,
            ],
            Json("true"),
        ),
        (
            "net.cidr_intersects",
            &[
                r#""fd1e:5bfe:8af3:9ddc::/64""#,
                r#""2001:4860:4860::8888/32""#,
            ],
            Json("false"),
        ),
        (
            "net.cidr_intersects",
            &[r#""not-a-cidr""#, r#""192.168.1.0/24""#],
            Err("invalid CIDR address"),
        ),
        ("net.cidr_is_valid", &[r#""192.168.1.0/24""#], Json("true")),
        (
            "net.cidr_is_valid",
            &[r#""2002::1234:abcd:ffff:c0a8:101/64""#],
            Json("true"),
        ),
        ("net.cidr_is_valid", &[r#""""#], Json("false")),
        ("net.cidr_is_valid", &[r#""192.168.1.2""#], Json("false")),
        ("net.cidr_is_valid", &[r#""192.168.1.2/33""#], Json("false")),
        ("net.cidr_is_valid", &["7"], Json("false")),
    ]);
}

#[test]
fn expand_and_merge() {
    check(&[
        (
            "net.cidr_expand",
            &[r#""192.168.1.1/30""#],
            Json(r#"["192.168.1.0", "192.168.1.1", "192.168.1.2", "192.168.1.3"]"#),
        ),
        (
            "net.cidr_expand",
            &[r#""172.16.100.255/30""#],
            Json(r#"["172.16.100.252", "172.16.100.253", "172.16.100.254", "172.16.100.255"]"#),
        ),
        (
            "net.cidr_expand",
            &[r#""192.168.1.1/32""#],
            Json(r#"["192.168.1.1"]"#),
        ),
        (
            "net.cidr_expand",
            &[r#""::1/127""#],
            Json(r#"["::", "::1"]"#),
        ),
        (
            "net.cidr_expand",
            &[r#""192.168.1.1/33""#],
            Err("net.cidr_expand: invalid CIDR address: 192.168.1.1/33"),
        ),
        (
            "net.cidr_expand",
            &[r#""10.0.0.0/8""#],
            Err("CIDR too large to expand"),
        ),
        (
            "net.cidr_merge",
            &[
                r#"["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128", "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]"#,
            ],
            Json(r#"["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]"#),
        ),
        (
            "net.cidr_merge",
            &[
                r#"["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64", "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]"#,
            ],
            Json(r#"["2601:600:8a80:207e::/64"]"#),
        ),
        (
            "net.cidr_merge",
            &[r#"["2601:600:8a80:207e:a57d:7567:e2c9:e7b3"]"#],
            Err("net.cidr_merge: IPv6 invalid: needs prefix length"),
        ),
        (
            "net.cidr_merge",
            &[r#"["192.0.128.0/24", "0.0.0.0/0"]"#],
            Json(r#"["0.0.0.0/0"]"#),
        ),
        (
            "net.cidr_merge",
            &[r#"["192.0.128.0/24", "192.0.129.0/24"]"#],
            Json(r#"["192.0.128.0/23"]"#),
        ),
        (
            "net.cidr_merge",
            &[r#"{"$set": ["192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31"]}"#],
            Json(r#"["192.0.2.112/29"]"#),
        ),
        (
            "net.cidr_merge",
            &[r#"["192.0.129.0/24", "192.0.130.0/24"]"#],
            Json(r#"["192.0.129.0/24", "192.0.130.0/24"]"#),
        ),
        (
            "net.cidr_merge",
            &[r#"["192.0.2.112/30", "192.0.2.116/32", "192.0.2.118/31"]"#],
            Json(r#"["192.0.2.112/30", "192.0.2.116/32", "192.0.2.118/31"]"#),
        ),
        (
            "net.cidr_merge",
            &[r#"["192.0.2.112/31", "192.0.2.116/31", "192.0.2.118/31"]"#],
            Json(r#"["192.0.2.112/31", "192.0.2.116/30"]"#),
        ),
        (
            "net.cidr_merge",
            &[
                r#"["192.0.1.254/31", "192.0.2.0/28", "192.0.2.16/28", "192.0.2.32/28", "192.0.2.48/28", "192.0.2.64/28", "192.0.2.80/28", "192.0.2.96/28", "192.0.2.112/28", "192.0.2.128/28", "192.0.2.144/28", "192.0.2.160/28", "192.0.2.176/28", "192.0.2.192/28", "192.0.2.208/28", "192.0.2.224/28", "192.0.2.240/28", "192.0.3.0/28"]"#,
            ],
            Json(r#"["192.0.1.254/31", "192.0.2.0/24", "192.0.3.0/28"]"#),
        ),
        (
            "net.cidr_merge",
            &[r#"["::/0", "::192.0.2.0/124", "ff00::101/128"]"#],
            Json(r#"["::/0"]"#),
        ),
        (
            "net.cidr_merge",
            &[
                r#"["fe80::/120", "192.0.2.0/24", "192.0.3.0/24", "192.0.4.0/25", "192.0.4.128/25"]"#,
            ],
            Json(r#"["192.0.2.0/23", "192.0.4.0/24", "fe80::/120"]"#),
        ),
        ("net.cidr_merge", &["[]"], Json("[]")),
        (
            "net.cidr_merge",
            &[r#"["192.0.2.112", "192.0.2.116/31", "192.0.2.118/31"]"#],
            Json(r#"["192.0.2.0/24"]"#),
        ),
        (
            "net.cidr_merge",
            &[r#"["192.0.128.0", "192.0.129.0"]"#],
            Json(r#"["192.0.128.0/23"]"#),
        ),
        (
            "net.cidr_merge",
            &[r#"["10.0.0.1"]"#],
            Json(r#"["10.0.0.0/8"]"#),
        ),
        ("net.cidr_merge", &[r#"["foo"]"#], Err("net.cidr_merge:")),
        (
            "net.cidr_merge",
            &[r#""10.0.0.0/8""#],
            TypeErr("operand 1 must be one of {array, set} but got string"),
        ),
    ]);
}

#[test]
fn contains_matches() {
    check(&[
        (
            "net.cidr_contains_matches",
            &[r#""1.1.1.0/24""#, r#""1.1.1.1""#],
            Json(r#"[["1.1.1.0/24", "1.1.1.1"]]"#),
        ),
        (
            "net.cidr_contains_matches",
            &[
                r#"["1.1.2.0/24", "1.1.1.0/24"]"#,
                r#"["1.1.1.1", "1.1.2.1"]"#,
            ],
            Json("[[0, 1], [1, 0]]"),
        ),
        (
            "net.cidr_contains_matches",
            &[
                r#"[["1.1.2.0/24", 1], "1.1.1.0/24"]"#,
                r#"["1.1.1.1", "1.1.2.1"]"#,
            ],
            Json("[[0, 1], [1, 0]]"),
        ),
        (
            "net.cidr_contains_matches",
            &[r#"["1.1.2.0/24", "1.1.1.0/24"]"#, r#"["1.1.1.1", 1]"#],
            Err("net.cidr_contains_matches: operand 2: element must be string or non-empty array"),
        ),
        (
            "net.cidr_contains_matches",
            &[
                r#"{"$set": ["1.1.1.0/24", "1.1.2.0/24"]}"#,
                r#"{"$set": ["1.1.1.1", "1.1.2.1"]}"#,
            ],
            Json(r#"[["1.1.1.0/24", "1.1.1.1"], ["1.1.2.0/24", "1.1.2.1"]]"#),
        ),
        (
            "net.cidr_contains_matches",
            &[
                r#"{"$set": [["1.1.1.0/24", "bar"], ["1.1.2.0/24", "foo"]]}"#,
                r#"{"$set": [["1.1.1.1", "baz"], ["1.1.2.1", "qux"]]}"#,
            ],
            Json(
                r#"[[["1.1.1.0/24", "bar"], ["1.1.1.1", "baz"]], [["1.1.2.0/24", "foo"], ["1.1.2.1", "qux"]]]"#,
            ),
        ),
        (
            "net.cidr_contains_matches",
            &[
                r#"{"$set": [["1.1.1.0/24", "bar"]]}"#,
                r#"{"$set": [[], ["1.1.2.1", "qux"]]}"#,
            ],
            Err("operand 2: element must be string or non-empty array"),
        ),
        (
            "net.cidr_contains_matches",
            &[
                r#"{"k1": "1.1.1.1/24", "k2": ["1.1.1.2/24", 1]}"#,
                r#""1.1.1.128""#,
            ],
            Json(r#"[["k1", "1.1.1.128"], ["k2", "1.1.1.128"]]"#),
        ),
        (
            "net.cidr_contains_matches",
            &["1", r#""1.1.1.128""#],
            TypeErr("operand 1 must be one of {string, array, set, object} but got number"),
        ),
    ]);
}
