//! Rendering of load results for assertions and snapshots.

use riskgate_controls::manifest::LoadedManifest;
use riskgate_dsl::LineIndex;

/// One line per diagnostic: `name:line:col: severity[CODE] message (help)`,
/// then secondary labels indented.
pub fn render(text: &str, loaded: &[LoadedManifest]) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for manifest in loaded {
        out.push_str(&format!(
            "document {} ({}): {}\n",
            manifest.index,
            manifest.release_name().unwrap_or("<unnamed>"),
            if manifest.manifest.is_some() {
                "loaded"
            } else {
                "not loaded"
            }
        ));
        for diagnostic in &manifest.diagnostics {
            let at = index.line_col(text, diagnostic.primary_span().start);
            out.push_str(&format!(
                "  {}:{at}: {}[{}] {}\n",
                manifest.name,
                diagnostic.severity().as_str(),
                diagnostic.code().id,
                diagnostic.message()
            ));
            if let Some(help) = diagnostic.help() {
                out.push_str(&format!("    help: {help}\n"));
            }
            for label in diagnostic.labels().iter().filter(|l| !l.primary) {
                let at = index.line_col(text, label.span.start);
                out.push_str(&format!(
                    "    note {at}: {}\n",
                    label.message.as_deref().unwrap_or("")
                ));
            }
        }
    }
    out
}
