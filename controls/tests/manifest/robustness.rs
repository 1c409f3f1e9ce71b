//! The loader never panics and every label stays inside the input.

use proptest::prelude::*;
use riskgate_controls::manifest::{load_manifests, load_manifests_from_bytes};

fn check_labels(len: usize, loaded: &[riskgate_controls::manifest::LoadedManifest]) {
    assert!(!loaded.is_empty());
    for diagnostic in loaded.iter().flat_map(|m| &m.diagnostics) {
        for label in diagnostic.labels() {
            assert!(label.span.start <= label.span.end && label.span.end as usize <= len);
        }
    }
    for manifest in loaded {
        for (_, position) in manifest.positions.iter() {
            assert!(position.span.end as usize <= len);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_labels(text.len(), &load_manifests("p.yaml", &text));
    }

    #[test]
    fn yaml_like_text_never_panics(text in "[a-z:\\-\\[\\]{}#&*!|>'\" \n\t,0-9.~%?@`é]{0,300}") {
        check_labels(text.len(), &load_manifests("p.yaml", &text));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        check_labels(bytes.len(), &load_manifests_from_bytes("p.yaml", &bytes));
    }

    #[test]
    fn mutated_example_never_panics(cut in 0usize..2000, insert in "[\\-:\\[{ \n\t'\"&*]{0,4}") {
        let base = include_str!("../../../examples/manifests/agent-with-waiver.yaml");
        let cut = (0..=cut.min(base.len())).rev().find(|&i| base.is_char_boundary(i)).unwrap();
        let text = format!("{}{insert}{}", &base[..cut], &base[cut..]);
        check_labels(text.len(), &load_manifests("p.yaml", &text));
    }
}

#[test]
fn oversized_input_is_rejected_without_parsing() {
    let text = "a: 1\n".repeat(4 * 1024 * 1024);
    let loaded = load_manifests("big.yaml", &text);
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].diagnostics[0].code().id, "E2004");
    assert!(loaded[0].diagnostics[0].message().contains("16 MiB"));
}
