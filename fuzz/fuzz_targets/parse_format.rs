//! The parser never panics on any text, and the formatter is idempotent on
//! every module that parses: `fmt(fmt(x)) == fmt(x)`, and the formatted
//! text parses without errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use riskgate_dsl::{Dialect, ParseOptions, format, parse_module};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for dialect in [Dialect::Rego, Dialect::Gate] {
        let options = ParseOptions::new(dialect);
        let parsed = parse_module(text, options);
        if parsed.has_errors() {
            continue;
        }
        let once = format::format_module(&parsed.module, text);
        let reparsed = parse_module(&once, options);
        assert!(
            !reparsed.has_errors(),
            "formatted text does not parse:\n{once}\n{:?}",
            reparsed.diagnostics
        );
        let twice = format::format_module(&reparsed.module, &once);
        assert_eq!(once, twice, "the formatter is not idempotent");
    }
});
