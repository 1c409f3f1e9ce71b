//! Every file in `tests/data/err` is a policy with syntax errors; the
//! rendered diagnostics are snapshots. The harness also checks each file
//! reports at least one error and that every label lies inside the source.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::sync::Arc;

use riskgate_dsl::{Dialect, ParseOptions, parse_module};

fn render(name: &str, source: &str) -> String {
    let parsed = parse_module(source, ParseOptions::new(Dialect::for_path(name)));
    assert!(parsed.has_errors(), "{name}: expected at least one error");
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let shared: Arc<str> = Arc::from(source);
    let mut out = String::new();
    for diagnostic in parsed.diagnostics {
        for label in diagnostic.labels() {
            assert!(
                label.span.end as usize <= source.len() && label.span.start <= label.span.end,
                "{name}: label out of range"
            );
        }
        let report = diagnostic.with_source(name, Arc::clone(&shared));
        handler.render_report(&mut out, &report).unwrap();
        out.push('\n');
    }
    out
}

#[test]
fn syntax_error_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/err");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 30, "keep at least 30 distinct syntax errors");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let source = std::fs::read_to_string(&path).unwrap();
        insta::with_settings!({ snapshot_suffix => name.clone(), description => source.clone(), omit_expression => true }, {
            insta::assert_snapshot!("syntax_error", render(&name, &source));
        });
    }
}
