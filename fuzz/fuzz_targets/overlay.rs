//! Reading an organisation overlay never panics, and any overlay that
//! reads compiles with the standard library or fails with diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use riskgate_workspace::policy_set::{OverlayInput, compile_with_overlay, overlay_data};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let input = OverlayInput {
        name: "fuzz-overlay.yaml".to_owned(),
        text: text.to_owned(),
    };
    if let Ok(overlay) = overlay_data(Some(&input)) {
        let _ = compile_with_overlay(&[], false, overlay);
    }
});
