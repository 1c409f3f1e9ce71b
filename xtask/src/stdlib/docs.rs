//! `cargo xtask docs-catalogue`: renders `docs/catalogue.md` from the stdlib
//! policies (families -> risks -> controls with requirements, thresholds per
//! tier and references).

use std::fmt::Write as _;

use anyhow::Result;
use riskgate_dsl::ast::RequirementKind;

use super::check::Differences;
use super::gate::{self, AppliesAlt, GateControl, GateRequirement, Lit, Stdlib};

/// The document, from the files in the repository.
pub fn render() -> Result<String> {
    let stdlib = gate::load(&super::policies_dir())?;
    let text = std::fs::read_to_string(super::differences_path())?;
    let differences: Differences = serde_yaml_ng::from_str(&text)?;
    Ok(render_from(&stdlib, &differences))
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn tier_table(entries: &[(String, Lit)]) -> String {
    entries
        .iter()
        .map(|(tier, v)| format!("{tier} {}", plain(v)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A value for a reader: tier tables as `default 0.8 · high 0.85`, strings
/// unquoted.
fn plain(value: &Lit) -> String {
    match value {
        Lit::Str(s) => s.clone(),
        Lit::Num(n) => format!("{n}"),
        Lit::Object(entries) => tier_table(entries),
        Lit::Expr(text) => {
            if let Ok(expr) = riskgate_dsl::parse_term(text)
                && let Some(("by_tier", [arg])) = gate::lib_call(&expr)
                && let Lit::Object(entries) = gate::lit(arg, text)
            {
                return tier_table(&entries);
            }
            format!("`{text}`")
        }
        Lit::Array(items) | Lit::Set(items) => {
            let parts: Vec<String> = items.iter().map(plain).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.render(),
    }
}

fn scope_text(object: &Lit) -> String {
    let mut parts = Vec::new();
    for (key, label) in [
        ("tiers", "tiers"),
        ("model_kinds", "kinds"),
        ("flags_any", "any flag of"),
        ("also_flags_any", "or any flag of"),
    ] {
        if let Some(v) = object.get(key) {
            parts.push(format!("{label} {}", v.strings().join(", ")));
        }
    }
    parts.join("; ")
}

fn when_text(req: &GateRequirement) -> String {
    let Some(when) = req.field("when") else {
        return String::new();
    };
    if let Lit::Expr(text) = when
        && let Ok(expr) = riskgate_dsl::parse_term(text)
        && let Some(("in_scope", [arg])) = gate::lib_call(&expr)
    {
        return scope_text(&gate::lit(arg, text));
    }
    plain(when)
}

fn applies_text(alts: &[AppliesAlt]) -> String {
    if alts.is_empty() {
        return "every release".to_owned();
    }
    alts.iter()
        .map(|a| {
            let mut parts = Vec::new();
            if !a.tiers.is_empty() {
                parts.push(format!("tier {}", a.tiers.join(", ")));
            }
            if !a.model_kinds.is_empty() {
                parts.push(format!("kind {}", a.model_kinds.join(", ")));
            }
            if !a.flags_any.is_empty() {
                parts.push(format!("any flag of {}", a.flags_any.join(", ")));
            }
            parts.extend(a.other.iter().map(|o| format!("`{o}`")));
            parts.join(" and ")
        })
        .collect::<Vec<_>>()
        .join("; **or** ")
}

fn requirement_row(req: &GateRequirement) -> String {
    let get = |k: &str| req.field(k).map(plain);
    let (what, expected, source) = match req.kind {
        RequirementKind::Field => (
            format!("`{}`", get("path").unwrap_or_default()),
            "present".to_owned(),
            "manifest".to_owned(),
        ),
        RequirementKind::Test => {
            let metric = get("metric").unwrap_or_default();
            let mut expected = format!(
                "{} {}",
                get("op").unwrap_or_default(),
                get("threshold").unwrap_or_default()
            );
            if let Some(a) = get("aggregate") {
                let _ = write!(expected, ", {a}");
            }
            if let Some(n) = get("min_n") {
                let _ = write!(expected, ", min_n {n}");
            }
            if let Some(d) = get("max_age_days") {
                let _ = write!(expected, ", max age {d} days");
            }
            let source = match req.field("value") {
                Some(v) => format!("derived: {}", plain(v)),
                None => "reported".to_owned(),
            };
            (format!("`{metric}`"), expected, source)
        }
        RequirementKind::Monitor => {
            let mut expected = String::new();
            if let (Some(op), Some(t)) = (get("alert_op"), get("alert_threshold")) {
                let _ = write!(expected, "alert {op} {t}; ");
            }
            let _ = write!(expected, "cadence {}", get("cadence").unwrap_or_default());
            (
                format!("`{}`", get("metric").unwrap_or_default()),
                expected,
                "spec.monitors".to_owned(),
            )
        }
        RequirementKind::Approval => {
            let mut expected = format!(
                "roles {}, quorum {}",
                get("roles").unwrap_or_default(),
                get("quorum").unwrap_or_default()
            );
            if let Some(d) = get("max_age_days") {
                let _ = write!(expected, ", max age {d} days");
            }
            ("sign-off".to_owned(), expected, "spec.approvals".to_owned())
        }
        RequirementKind::Document => {
            let mut expected = String::from("present");
            if matches!(req.field("digest_required"), Some(Lit::Bool(true))) {
                expected.push_str(", with digest");
            }
            if let Some(d) = get("max_age_days") {
                let _ = write!(expected, ", max age {d} days");
            }
            (
                format!("`{}`", get("kind").unwrap_or_else(|| req.id.clone())),
                expected,
                "spec.documents".to_owned(),
            )
        }
    };
    format!(
        "| {} `{}` | {} | {} | {} | {} |\n",
        req.kind.as_str(),
        cell(&req.id),
        cell(&what),
        cell(&expected),
        cell(&when_text(req)),
        cell(&source)
    )
}

fn control_section(out: &mut String, control: &GateControl) {
    let _ = writeln!(out, "#### {} {}\n", control.id, control.str_field("title"));
    let _ = writeln!(
        out,
        "`{}` · severity **{}** · {} · defined in `stdlib/{}`\n",
        control.str_field("name"),
        control.str_field("severity"),
        if matches!(control.field("waivable"), Some(Lit::Bool(false))) {
            "**not waivable**"
        } else {
            "waivable"
        },
        control.file
    );
    let description = control.str_field("description");
    if !description.is_empty() {
        let _ = writeln!(out, "{description}\n");
    }
    let mitigates = control
        .field("mitigates")
        .map(Lit::strings)
        .unwrap_or_default()
        .iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "- **Mitigates:** {mitigates}");
    let _ = writeln!(out, "- **Applies to:** {}", applies_text(&control.applies));
    if let Some(Lit::Object(entries)) = control.field("enforcement") {
        let _ = writeln!(out, "- **Enforcement:** {}", tier_table(entries));
    }
    if let Some(Lit::Object(refs)) = control.field("references") {
        let _ = writeln!(out, "- **References:**");
        for (framework, items) in refs {
            let _ = writeln!(out, "  - {framework}: {}", items.strings().join("; "));
        }
    }
    out.push('\n');
    if !control.requirements.is_empty() {
        out.push_str(
            "| requirement | what | expected | when | evidence |\n|---|---|---|---|---|\n",
        );
        for req in &control.requirements {
            out.push_str(&requirement_row(req));
        }
        out.push('\n');
    }
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
