//! Every file in `tests/data/manifests/bad` is a malformed manifest; the
//! rendered load diagnostics are snapshots. The harness also checks that each
//! file reports at least one diagnostic and that every label lies inside the
//! file.

use std::path::Path;

use riskgate_controls::manifest::load_manifests_from_bytes;

use crate::common::render;

#[test]
fn malformed_manifest_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/manifests/bad");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 20, "keep the malformed corpus");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let loaded = load_manifests_from_bytes(&name, &bytes);
        assert!(
            loaded.iter().any(|m| !m.diagnostics.is_empty()),
            "{name}: expected at least one diagnostic"
        );
        for diagnostic in loaded.iter().flat_map(|m| &m.diagnostics) {
            for label in diagnostic.labels() {
                assert!(
                    label.span.end as usize <= bytes.len() && label.span.start <= label.span.end,
                    "{name}: label out of range"
                );
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let description = text.chars().take(2000).collect::<String>();
        insta::with_settings!({ snapshot_suffix => name.clone(), description => description, omit_expression => true }, {
            insta::assert_snapshot!("load", render(&text, &loaded));
        });
    }
}
