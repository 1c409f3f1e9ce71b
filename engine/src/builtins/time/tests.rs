use crate::builtins::testing::{Want::*, check};

#[test]
fn parse() {
    check(&[
        (
            "time.parse_ns",
            &[
                r#""2006-01-02T15:04:05Z07:00""#,
                r#""2017-06-02T19:00:00-07:00""#,
            ],
            Json("1496455200000000000"),
        ),
        (
            "time.parse_ns",
            &[
                r#""2006-01-02T15:04:05Z07:00""#,
                r#""1677-09-21T00:12:43.145224192-00:00""#,
            ],
            Json("-9223372036854775808"),
        ),
        (
            "time.parse_ns",
            &[
                r#""2006-01-02T15:04:05Z07:00""#,
                r#""2262-04-11T23:47:16.854775807-00:00""#,
            ],
            Json("9223372036854775807"),
        ),
        (
            "time.parse_ns",
            &[
                r#""2006-01-02T15:04:05Z07:00""#,
                r#""2262-04-11T23:47:16.854775808-00:00""#,
            ],
            Err("time.parse_ns: time outside of valid range"),
        ),
        (
            "time.parse_ns",
            &[
                r#""2006-01-02T15:04:05Z07:00""#,
                r#""1677-09-21T00:12:43.145224191-00:00""#,
            ],
            Err("time outside of valid range"),
        ),
        (
            "time.parse_ns",
            &[
                r#""01/02 03:04:05PM '06 -0700""#,
                r#""06/02 07:00:00PM '17 -0700""#,
            ],
            Json("1496455200000000000"),
        ),
        (
            "time.parse_ns",
            &[r#""02 Jan 06 15:04 -0700""#, r#""02 Jun 17 19:00 -0700""#],
            Json("1496455200000000000"),
        ),
        (
            "time.parse_ns",
            &[
                r#""Mon Jan _2 15:04:05 MST 2006""#,
                r#""Fri Jun  2 19:00:00 PDT 2017""#,
            ],
            Json("1496430000000000000"),
        ),
        (
            "time.parse_ns",
            &[
                r#""Monday, 02-Jan-06 15:04:05 MST""#,
                r#""Friday, 02-Jun-17 19:00:00 UTC""#,
            ],
            Json("1496430000000000000"),
        ),
        (
            "time.parse_ns",
            &[r#""RFC1123Z""#, r#""Sat, 03 Dec 2022 00:10:53 +0530""#],
            Json("1670006453000000000"),
        ),
        (
            "time.parse_ns",
            &[r#""2006-01-02""#, r#""2020-02-29""#],
            Json("1582934400000000000"),
        ),
        (
            "time.parse_ns",
            &[r#""2006-01-02""#, r#""2021-02-29""#],
            Err("parsing time \"2021-02-29\": day out of range"),
        ),
        (
            "time.parse_ns",
            &[r#""2006-01-02""#, r#""2021-13-01""#],
            Err("month out of range"),
        ),
        (
            "time.parse_ns",
            &[r#""2006-01-02""#, r#""2021-01-01x""#],
            Err("extra text: \"x\""),
        ),
        (
            "time.parse_ns",
            &[r#""2006-01-02""#, r#""21-01-01""#],
            Err(
                "parsing time \"21-01-01\" as \"2006-01-02\": cannot parse \"21-01-01\" as \"2006\"",
            ),
        ),
        (
            "time.parse_ns",
            &[
                r#""2006-01-02 15:04:05.000""#,
                r#""2020-01-01 00:00:00.25""#,
            ],
            Err("cannot parse"),
        ),
        (
            "time.parse_ns",
            &[
                r#""2006-01-02 15:04:05.000""#,
                r#""2020-01-01 00:00:00.250""#,
            ],
            Json("1577836800250000000"),
        ),
        (
            "time.parse_ns",
            &[r#""15:04:05,999""#, r#""00:00:01,5""#],
            Err("time outside of valid range"),
        ),
        (
            "time.parse_ns",
            &[r#""2006 002""#, r#""2020 060""#],
            Json("1582934400000000000"),
        ),
        (
            "time.parse_ns",
            &[r#""3:04pm Jan 2 2006""#, r#""12:30am Feb 1 2020""#],
            Json("1580517000000000000"),
        ),
        (
            "time.parse_ns",
            &["1", r#""x""#],
            TypeErr("time.parse_ns: operand 1 must be string but got number"),
        ),
        (
            "time.parse_rfc3339_ns",
            &[r#""1970-01-01T00:00:00-00:00""#],
            Json("0"),
        ),
        (
            "time.parse_rfc3339_ns",
            &[r#""2017-06-02T19:00:00.5+02:00""#],
            Json("1496422800500000000"),
        ),
        (
            "time.parse_rfc3339_ns",
            &[r#""2017-06-02T19:00:00.123456789Z""#],
            Json("1496430000123456789"),
        ),
        (
            "time.parse_rfc3339_ns",
            &[r#""2017-06-02""#],
            Err("cannot parse \"\" as \"T\""),
        ),
        (
            "time.parse_rfc3339_ns",
            &["null"],
            TypeErr("operand 1 must be string but got null"),
        ),
    ]);
}

#[test]
fn durations() {
    check(&[
        ("time.parse_duration_ns", &[r#""100ms""#], Json("100000000")),
        (
            "time.parse_duration_ns",
            &[r#""1h30m""#],
            Json("5400000000000"),
        ),
        (
            "time.parse_duration_ns",
            &[r#""-1.5h""#],
            Json("-5400000000000"),
        ),
        (
            "time.parse_duration_ns",
            &[r#""2us3µs4μs5ns""#],
            Json("9005"),
        ),
        ("time.parse_duration_ns", &[r#"".5s""#], Json("500000000")),
        ("time.parse_duration_ns", &[r#""0""#], Json("0")),
        (
            "time.parse_duration_ns",
            &[r#""1""#],
            Err("time: missing unit in duration \"1\""),
        ),
        (
            "time.parse_duration_ns",
            &[r#""1d""#],
            Err("time: unknown unit \"d\" in duration \"1d\""),
        ),
        (
            "time.parse_duration_ns",
            &[r#""""#],
            Err("time: invalid duration \"\""),
        ),
        (
            "time.parse_duration_ns",
            &[r#""3000000h""#],
            Err("invalid duration"),
        ),
    ]);
}

#[test]
fn calendar() {
    check(&[
        ("time.now_ns", &[], Json("1700000000123456789")),
        ("time.date", &["1517814000000000000"], Json("[2018, 2, 5]")),
        (
            "time.date",
            &[r#"[1517814000000000000, "America/Los_Angeles"]"#],
            Json("[2018, 2, 4]"),
        ),
        (
            "time.date",
            &[r#"[1517832000000000000, ""]"#],
            Json("[2018, 2, 5]"),
        ),
        ("time.date", &["1582977600000000000"], Json("[2020, 2, 29]")),
        ("time.date", &["-1"], Json("[1969, 12, 31]")),
        (
            "time.date",
            &["1.5e21"],
            Err("time.date: timestamp too big"),
        ),
        (
            "time.date",
            &[r#"[0, "Mars/Olympus"]"#],
            Err("unknown time zone Mars/Olympus"),
        ),
        (
            "time.date",
            &[r#"[]"#],
            TypeErr(
                "operand 1 must be either number (ns) or [number (ns), string (tz)] but got array",
            ),
        ),
        ("time.date", &[r#""now""#], TypeErr("but got string")),
        ("time.clock", &["1517832000000000000"], Json("[12, 0, 0]")),
        (
            "time.clock",
            &[r#"[1517832000000000000, "America/New_York"]"#],
            Json("[7, 0, 0]"),
        ),
        ("time.clock", &["-1"], Json("[23, 59, 59]")),
        (
            "time.weekday",
            &["1517832000000000000"],
            Json(r#""Monday""#),
        ),
        (
            "time.weekday",
            &["1518350400000000000"],
            Json(r#""Sunday""#),
        ),
        (
            "time.weekday",
            &[r#"[1518350400000000000, "Pacific/Kiritimati"]"#],
            Json(r#""Monday""#),
        ),
        (
            "time.add_date",
            &["1585852421593912000", "3", "9", "12"],
            Json("1705257221593912000"),
        ),
        (
            "time.add_date",
            &["1585852421593912000", "-1", "-1", "-1"],
            Json("1551465221593912000"),
        ),
        // Jan 31 + 1 month is "Feb 31", which Go normalises to Mar 3.
        (
            "time.add_date",
            &["1612051200000000000", "0", "1", "0"],
            Json("1614729600000000000"),
        ),
        (
            "time.add_date",
            &["0", "2262", "1", "1"],
            Err("time.add_date: time outside of valid range"),
        ),
        (
            "time.add_date",
            &["-9223372036854775808", "0", "0", "-1"],
            Err("time outside of valid range"),
        ),
        (
            "time.add_date",
            &["0", "1.5", "0", "0"],
            TypeErr("operand 2 must be integer number"),
        ),
    ]);
}

#[test]
fn diff() {
    let now = "1700000000000000000";
    let plus_61s = "1700000061000000000";
    let plus_60s = "1700000060000000000";
    check(&[
        ("time.diff", &[plus_61s, now], Json("[0, 0, 0, 0, 1, 1]")),
        (
            "time.diff",
            &[
                &format!("[{plus_60s}, \"UTC\"]"),
                &format!("[{now}, \"Asia/Shanghai\"]"),
            ],
            Json("[0, 0, 0, 0, 1, 0]"),
        ),
        // 2020-02-02 .. 2020-03-01 (leap year)
        (
            "time.diff",
            &["1580601600000000000", "1583020800000000000"],
            Json("[0, 0, 28, 0, 0, 0]"),
        ),
        // 2021-02-02 .. 2021-03-01
        (
            "time.diff",
            &["1612224000000000000", "1614556800000000000"],
            Json("[0, 0, 27, 0, 0, 0]"),
        ),
        // 2004-02-29 .. 2005-03-01
        (
            "time.diff",
            &["1078012800000000000", "1109635200000000000"],
            Json("[1, 0, 1, 0, 0, 0]"),
        ),
        (
            "time.diff",
            &["true", now],
            TypeErr("operand 1 must be either number"),
        ),
    ]);
}

#[test]
fn format() {
    let ns = "1670006453141828752";
    check(&[
        (
            "time.format",
            &[ns],
            Json(r#""2022-12-02T18:40:53.141828752Z""#),
        ),
        (
            "time.format",
            &[&format!("[{ns}, \"Asia/Kolkata\"]")],
            Json(r#""2022-12-03T00:10:53.141828752+05:30""#),
        ),
        (
            "time.format",
            &[&format!(
                "[{ns}, \"Asia/Kolkata\", \"Mon Jan 02 15:04:05 -0700 2006\"]"
            )],
            Json(r#""Sat Dec 03 00:10:53 +0530 2022""#),
        ),
        (
            "time.format",
            &[&format!("[{ns}, \"Asia/Kolkata\", \"RFC1123Z\"]")],
            Json(r#""Sat, 03 Dec 2022 00:10:53 +0530""#),
        ),
        (
            "time.format",
            &[&format!("[{ns}, \"Asia/Kolkata\", \"RFC1123\"]")],
            Json(r#""Sat, 03 Dec 2022 00:10:53 IST""#),
        ),
        (
            "time.format",
            &[&format!(
                "[{ns}, \"America/New_York\", \"January _2 3:4:5 pm MST Z07 -07:00:00 .000 ,999999 __2 002 06\"]"
            )],
            Json(r#""December  2 1:40:53 pm EST -05 -05:00:00 .141 ,141828 336 336 22""#),
        ),
        ("time.format", &["0"], Json(r#""1970-01-01T00:00:00Z""#)),
        (
            "time.format",
            &["1.5822e22"],
            Err("time.format: timestamp too big"),
        ),
    ]);
}
