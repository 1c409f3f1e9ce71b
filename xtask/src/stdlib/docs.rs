//! `cargo xtask docs-catalogue`: renders `docs/catalogue.md` from the stdlib
//! policies (families -> risks -> controls with requirements, thresholds per
//! tier and references).

use std::fmt::Write as _;

use anyhow::Result;
use riskgate_stdlib_policies::catalogue::render::{cell, control_section};

use super::check::Differences;
use super::gate::{self, Lit, Stdlib};

/// The document, from the files in the repository.
pub fn render() -> Result<String> {
    let stdlib = gate::load(&super::policies_dir())?;
    let text = std::fs::read_to_string(super::differences_path())?;
    let differences: Differences = serde_yaml_ng::from_str(&text)?;
    Ok(render_from(&stdlib, &differences))
}

pub fn render_from(stdlib: &Stdlib, differences: &Differences) -> String {
    let mut out = String::new();
    out.push_str("# Standard library catalogue\n\n");
    out.push_str(
        "<!-- Generated from stdlib-policies/policies by `cargo xtask docs-catalogue`; do not edit. -->\n\n",
    );
    let _ = writeln!(
        out,
        "The embedded standard library declares {} risks in {} families and {} controls. \
         Each control lists its requirements; thresholds that depend on the declared \
         risk tier read `default 0.8 · high 0.85` (`default` applies to tiers not listed). \
         A test is **reported** when its metric is looked up in `spec.evaluations`, and \
         **derived** when the standard library computes it from the manifest itself \
         (helpers in `stdlib/lib.gate`). See [controls](controls.md) for what each \
         requirement kind checks and [manifest](manifest.md) for the fields.\n",
        stdlib.risks.len(),
        stdlib.families.len(),
        stdlib.controls.len()
    );
    out.push_str("| family | risks | controls |\n|---|---|---|\n");
    for (family, _) in &stdlib.families {
        let risks = stdlib.risks.iter().filter(|r| &r.family == family).count();
        let controls = stdlib
            .controls
            .iter()
            .filter(|c| &c.str_field("family") == family)
            .count();
        let _ = writeln!(out, "| [{family}](#{family}) | {risks} | {controls} |");
    }
    out.push('\n');
    for (family, description) in &stdlib.families {
        let _ = writeln!(out, "## {family}\n\n{description}\n\n### Risks\n");
        out.push_str("| risk | title | description | mitigated by |\n|---|---|---|---|\n");
        for risk in stdlib.risks.iter().filter(|r| &r.family == family) {
            let by: Vec<String> = stdlib
                .controls
                .iter()
                .filter(|c| {
                    c.field("mitigates")
                        .map(Lit::strings)
                        .unwrap_or_default()
                        .contains(&risk.id)
                })
                .map(|c| c.id.clone())
                .collect();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                risk.id,
                cell(&risk.title),
                cell(&risk.description),
                by.join(", ")
            );
        }
        out.push_str("\n### Controls\n\n");
        for control in stdlib
            .controls
            .iter()
            .filter(|c| &c.str_field("family") == family)
        {
            control_section(&mut out, control);
        }
    }
    if !differences.encodings.is_empty() {
        out.push_str("## Encoding notes\n\nHow catalogue entries without a 1:1 form in the control language were written (from `stdlib-policies/catalogue-differences.yaml`).\n\n");
        for entry in &differences.encodings {
            let topic = entry
                .get("topic")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let choice = entry
                .get("choice")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let _ = writeln!(out, "- **{topic}.** {}", choice.trim());
        }
        out.push('\n');
    }
    if !differences.differences.is_empty() {
        out.push_str("## Differences from the catalogue\n\n");
        for d in &differences.differences {
            let _ = writeln!(out, "- `{}`: {}", d.key, d.reason.trim());
        }
        out.push('\n');
    }
    if !differences.known_gaps.is_empty() {
        out.push_str("## Known gaps\n\n");
        for gap in &differences.known_gaps {
            let risk = gap.get("risk").and_then(|v| v.as_str()).unwrap_or_default();
            let reason = gap
                .get("reason")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let _ = writeln!(out, "- `{risk}`: {reason}");
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    /// CI fails when docs/catalogue.md no longer matches the policies.
    #[test]
    fn catalogue_doc_is_fresh() {
        let expected = super::render().unwrap();
        let path = super::super::catalogue_doc_path();
        if std::env::var_os("RISKGATE_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let current = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            current == expected,
            "docs/catalogue.md is stale: run `cargo xtask docs-catalogue`"
        );
    }
}
