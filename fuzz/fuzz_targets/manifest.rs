//! The positioned manifest loader never panics on any bytes (YAML or
//! JSON), every position it records lies inside the text, and a loaded
//! manifest is checked against the standard library without panicking.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use riskgate_controls::manifest::load_manifests_from_bytes;
use riskgate_controls::trace::EnforcementPoint;
use riskgate_controls::{CheckOptions, PolicySet};
use riskgate_workspace::policy_set::compile_with_overlay;

fn stdlib() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| {
        // The set `riskgate check` builds without `--policy`.
        compile_with_overlay(&[], false, None).expect("the stdlib compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut options = CheckOptions::new(EnforcementPoint::Ci, 1_790_000_000_000_000_000);
    options.limits.max_steps = 2_000_000;
    for loaded in load_manifests_from_bytes("fuzz.yaml", data) {
        for (_, position) in loaded.positions.iter() {
            assert!(
                position.span.end as usize <= data.len(),
                "span outside the text"
            );
        }
        let _ = stdlib().check_loaded(&loaded, &text, &options);
    }
});
