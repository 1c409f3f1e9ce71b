//! Snapshot tests of every renderer over the fixtures, plus the format
//! checks a consumer relies on: SARIF validates against the official
//! schema, JUnit is well-formed XML, JSON round-trips to the same trace.

use super::fixtures;
use super::{Explain, Format, ReportOptions};

const FORMATS: [(Format, &str); 6] = [
    (Format::Pretty, "pretty"),
    (Format::Json, "json"),
    (Format::Sarif, "sarif"),
    (Format::Junit, "junit"),
    (Format::Github, "github"),
    (Format::Markdown, "markdown"),
];

fn options(explain: Explain, redact: bool) -> ReportOptions<'static> {
    ReportOptions {
        explain,
        redact,
        width: 100,
        ..ReportOptions::default()
    }
}

/// Every format × {short, full, redacted} over the fixture with every
/// status.
#[test]
fn every_format_every_variant() {
    let trace = fixtures::everything();
    let variants = [
        ("short", options(Explain::Short, false)),
        ("full", options(Explain::Full, false)),
        ("redacted", options(Explain::Short, true)),
    ];
    for (format, format_name) in FORMATS {
        for (variant, options) in &variants {
            let output = format.render(&trace, options);
            insta::assert_snapshot!(format!("{format_name}_{variant}"), output);
        }
    }
}

#[test]
fn every_format_on_a_passing_run() {
    let trace = fixtures::passing();
    for (format, format_name) in FORMATS {
        let output = format.render(&trace, &ReportOptions::default());
        insta::assert_snapshot!(format!("{format_name}_passing"), output);
    }
}

#[test]
fn pretty_shows_source_snippets_when_given_the_file() {
    let sources = fixtures::sources();
    let options = ReportOptions {
        sources: Some(&sources),
        ..ReportOptions::default()
    };
    insta::assert_snapshot!(super::pretty::render(&fixtures::denied(), &options));
}

#[test]
fn pretty_colours_only_when_asked() {
    let trace = fixtures::everything();
    let plain = super::pretty::render(&trace, &ReportOptions::default());
    assert!(!plain.contains('\x1b'));
    let coloured = super::pretty::render(
        &trace,
        &ReportOptions {
            color: true,
            ..ReportOptions::default()
        },
    );
    assert!(coloured.contains("\x1b[1;31mDENY\x1b[0m"));
    assert!(coloured.contains("\x1b[1;35mERROR\x1b[0m"));
    // Stripping the escapes gives the plain report back.
    let stripped = regex_lite_strip(&coloured);
    assert_eq!(stripped, plain);
}

fn regex_lite_strip(text: &str) -> String {
    let mut out = String::new();
    let mut in_escape = false;
    for c in text.chars() {
        if in_escape {
            in_escape = c != 'm';
        } else if c == '\x1b' {
            in_escape = true;
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn pretty_wraps_to_the_terminal_width() {
    let narrow = ReportOptions {
        width: 50,
        ..ReportOptions::default()
    };
    let output = super::pretty::render(&fixtures::warning(), &narrow);
    insta::assert_snapshot!(output);
    for line in output.lines().filter(|l| !l.contains("/")) {
        assert!(line.chars().count() <= 50, "line too long: {line:?}");
    }
}

#[test]
fn json_round_trips_to_the_same_trace() {
    let trace = fixtures::everything();
    let text = super::json::render(&trace, &options(Explain::Full, false));
    assert!(text.ends_with("}\n"));
    let back: riskgate_controls::trace::Trace = serde_json::from_str(&text).unwrap();
    assert_eq!(back, trace);
}

#[test]
fn rule_explanations_are_shown_only_with_explain_full() {
    let trace = fixtures::everything();
    let needle = "Enter applies if";
    for format in [Format::Pretty, Format::Json, Format::Markdown] {
        let full = format.render(&trace, &options(Explain::Full, false));
        assert!(full.contains(needle), "{format:?} full:\n{full}");
        let short = format.render(&trace, &options(Explain::Short, false));
        assert!(!short.contains(needle), "{format:?} short:\n{short}");
        let redacted = format.render(&trace, &options(Explain::Full, true));
        assert!(!redacted.contains(needle), "{format:?} redacted");
    }
}

#[test]
fn redaction_removes_every_evidence_value() {
    let trace = fixtures::everything();
    let text = super::json::render(&trace, &options(Explain::Full, true));
    let back: riskgate_controls::trace::Trace = serde_json::from_str(&text).unwrap();
    for requirement in back
        .manifests
        .iter()
        .flat_map(|m| &m.controls)
        .flat_map(|c| &c.requirements)
    {
        assert!(requirement.actual.is_none(), "{}", requirement.id);
        assert!(requirement.evidence.iter().all(|e| e.value.is_none()));
    }
    for (format, name) in FORMATS {
        let output = format.render(&trace, &options(Explain::Full, true));
        assert!(!output.contains("0.74"), "{name} leaks 0.74");
        assert!(!output.contains("\"none\""), "{name} leaks \"none\"");
    }
}

fn sarif_validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = sarif_validator();
    for (name, trace) in [
        ("everything", fixtures::everything()),
        ("passing", fixtures::passing()),
        ("load_error", fixtures::load_error()),
        ("empty", fixtures::trace_of(Vec::new())),
    ] {
        for explain in [Explain::Short, Explain::Full] {
            let text = super::sarif::render(&trace, &options(explain, false));
            let log: serde_json::Value = serde_json::from_str(&text).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&log)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{name} {explain:?}: {errors:#?}");
        }
    }
}

#[test]
fn sarif_schema_check_catches_an_invalid_log() {
    // Guards the test above against a validator that accepts anything.
    let validator = sarif_validator();
    let mut log: serde_json::Value = serde_json::from_str(&super::sarif::render(
        &fixtures::everything(),
        &ReportOptions::default(),
    ))
    .unwrap();
    log["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&log));
}

#[test]
fn sarif_maps_actions_to_levels_and_waivers_to_suppressions() {
    let text = super::sarif::render(&fixtures::everything(), &ReportOptions::default());
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let find = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("no result for {rule}"))
    };
    assert_eq!(find("C-FAIR-01")["level"], "error");
    assert_eq!(find("C-LLM-02")["level"], "warning");
    assert_eq!(find("C-OPS-12")["level"], "note");
    assert_eq!(find("C-DOC-02")["suppressions"][0]["kind"], "external");
    assert_eq!(
        find("C-DOC-02")["suppressions"][0]["justification"],
        "WV-2026-007"
    );
    let region = &find("C-FAIR-01")["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(13), Some(18))
    );
    // Passing and not-applicable requirements are not results.
    assert!(
        results
            .iter()
            .all(|r| r["ruleId"] != "C-PERF-01" && r["ruleId"] != "C-LLM-05")
    );
    // Every rule index points at the rule with the same id.
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn junit_is_well_formed_and_counts_match() {
    for explain in [Explain::Short, Explain::Full] {
        let text = super::junit::render(&fixtures::everything(), &options(explain, false));
        let doc = roxmltree::Document::parse(&text).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let suites: Vec<_> = root
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .collect();
        assert_eq!(suites.len(), 4);
        for suite in &suites {
            let cases: Vec<_> = suite
                .children()
                .filter(|n| n.has_tag_name("testcase"))
                .collect();
            let count = |tag: &str| {
                cases
                    .iter()
                    .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
                    .count()
            };
            assert_eq!(
                suite.attribute("tests"),
                Some(cases.len().to_string().as_str())
            );
            assert_eq!(
                suite.attribute("failures"),
                Some(count("failure").to_string().as_str())
            );
            assert_eq!(
                suite.attribute("errors"),
                Some(count("error").to_string().as_str())
            );
            assert_eq!(
                suite.attribute("skipped"),
                Some(count("skipped").to_string().as_str())
            );
        }
        // Escaped text comes back verbatim.
        let chatbot = suites.get(1).unwrap();
        let case = chatbot
            .children()
            .find(|n| n.has_tag_name("testcase"))
            .unwrap();
        assert_eq!(
            case.attribute("name"),
            Some("C-LLM-02 Outputs <filtered> & logged \"always\"")
        );
        assert_eq!(case.attribute("classname"), Some("ml/support-chatbot"));
    }
}

#[test]
fn github_commands_escape_properties_and_messages() {
    let text = super::github::render(&fixtures::warning(), &ReportOptions::default());
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::warning file=examples/chat%2C bot.yaml,line=31,col=20,title=C-LLM-02::"
        ),
        "{first}"
    );
    // The message keeps `:` and `,` but encodes `%` and newlines.
    assert!(first.contains("100%25 of turns: none"), "{first}");
    assert!(
        first.contains("%0Ato pass: set spec.safety.output_filter"),
        "{first}"
    );
    assert!(text.lines().all(|l| !l.contains('\r')));
}

/// The end-to-end tests of `riskgate check` replay these traces; they are
/// generated from the fixtures so the two never drift. Run with
/// `RISKGATE_BLESS=1` to rewrite them.
#[test]
fn replay_trace_files_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/traces");
    let bless = std::env::var_os("RISKGATE_BLESS").is_some();
    let mut stale = Vec::new();
    for (name, trace) in [
        ("everything", fixtures::everything()),
        ("passing", fixtures::passing()),
        ("warning", fixtures::warning()),
        ("denied", fixtures::denied()),
        ("load_error", fixtures::load_error()),
    ] {
        let path = dir.join(format!("{name}.json"));
        let want = super::json::render(&trace, &ReportOptions::default());
        if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, want).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale trace files (rerun with RISKGATE_BLESS=1): {stale:?}"
    );
}

/// A streamed report (each manifest's part as it is checked, then the
/// totals from the summary alone) is byte for byte the report rendered
/// from the whole trace, for every fixture, variant, colour and snippets.
#[test]
fn streamed_reports_are_the_whole_trace_rendering() {
    let sources = fixtures::sources();
    let traces = [
        ("everything", fixtures::everything()),
        ("passing", fixtures::passing()),
        ("warning", fixtures::warning()),
        ("denied", fixtures::denied()),
        ("load_error", fixtures::load_error()),
        ("empty", fixtures::trace_of(Vec::new())),
    ];
    let mut variants = Vec::new();
    for explain in [Explain::Short, Explain::Full] {
        for redact in [false, true] {
            for color in [false, true] {
                variants.push(ReportOptions {
                    color,
                    sources: Some(&sources),
                    ..options(explain, redact)
                });
            }
        }
    }
    let mut streamed_formats = 0;
    for (format, format_name) in FORMATS {
        let Some(streamed) = format.streaming() else {
            continue;
        };
        streamed_formats += 1;
        for (trace_name, trace) in &traces {
            for options in &variants {
                let whole = format.render(trace, options);
                let parts: String = trace
                    .manifests
                    .iter()
                    .enumerate()
                    .map(|(index, manifest)| streamed.render_manifest(index, manifest, options))
                    .collect();
                let header = riskgate_controls::trace::Trace {
                    manifests: Vec::new(),
                    ..trace.clone()
                };
                let (start, end) = streamed.render_frame(&header, options);
                if !streamed.spools() {
                    assert_eq!(start, "", "{format_name} starts with nothing");
                }
                let streamed_text = format!("{start}{parts}{end}");
                assert_eq!(
                    streamed_text, whole,
                    "{format_name} {trace_name} {options:?}"
                );
            }
        }
    }
    assert_eq!(streamed_formats, 3, "pretty, github and json stream");
}
