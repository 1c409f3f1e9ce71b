//! Markdown rendering of the standard library's risks and controls, shared
//! by `docs/catalogue.md` (`cargo xtask docs-catalogue`) and `riskgate
//! explain`.

use std::fmt::Write as _;

use riskgate_dsl::ast::RequirementKind;

use super::{AppliesAlt, GateControl, GateRequirement, Lit, Stdlib};

/// Text for a Markdown table cell.
#[must_use]
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A tier table as `default 0.8 · high 0.85`.
#[must_use]
pub fn tier_table(entries: &[(String, Lit)]) -> String {
    entries
        .iter()
        .map(|(tier, v)| format!("{tier} {}", plain(v)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A value for a reader: tier tables as `default 0.8 · high 0.85`, strings
/// unquoted.
#[must_use]
pub fn plain(value: &Lit) -> String {
    match value {
        Lit::Str(s) => s.clone(),
        Lit::Num(n) => format!("{n}"),
        Lit::Object(entries) => tier_table(entries),
        Lit::Expr(text) => {
            if let Ok(expr) = riskgate_dsl::parse_term(text)
                && let Some(("by_tier", [arg])) = super::lib_call(&expr)
                && let Lit::Object(entries) = super::lit(arg, text)
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
        && let Some(("in_scope", [arg])) = super::lib_call(&expr)
    {
        return scope_text(&super::lit(arg, text));
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

/// A control as a Markdown section (`#### C-FAIR-01 Title`, a summary
/// line, mitigated risks, applicability, enforcement, references and a
/// table of requirements with thresholds per tier).
pub fn control_section(out: &mut String, control: &GateControl) {
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

/// The controls that mitigate `risk`, in source order.
#[must_use]
pub fn mitigated_by<'s>(stdlib: &'s Stdlib, risk: &str) -> Vec<&'s GateControl> {
    stdlib
        .controls
        .iter()
        .filter(|c| {
            c.field("mitigates")
                .map(Lit::strings)
                .unwrap_or_default()
                .iter()
                .any(|r| r == risk)
        })
        .collect()
}

/// `riskgate explain C-FAIR-01`: a control's documentation as Markdown,
/// the same section as in `docs/catalogue.md` plus its risks' titles.
#[must_use]
pub fn explain_control(stdlib: &Stdlib, control: &GateControl) -> String {
    let mut out = String::new();
    control_section(&mut out, control);
    let out = out.replacen("#### ", "# ", 1);
    let mut out = out.trim_end().to_owned();
    out.push('\n');
    let risks: Vec<String> = control
        .field("mitigates")
        .map(Lit::strings)
        .unwrap_or_default()
        .iter()
        .filter_map(|id| stdlib.risk(id))
        .map(|r| format!("- `{}`: {}", r.id, r.title))
        .collect();
    if !risks.is_empty() {
        let _ = write!(out, "\n## Risks\n\n{}\n", risks.join("\n"));
    }
    let _ = write!(
        out,
        "\nWaivers: {}. Thresholds that depend on the risk tier read \
         `default 0.8 · high 0.85` (`default` applies to tiers not listed); an \
         overlay can change them (`riskgate.config.controls.{}`).\n",
        if matches!(control.field("waivable"), Some(Lit::Bool(false))) {
            "this control cannot be waived"
        } else {
            "a failing requirement may be waived under the waiver policy"
        },
        control.id
    );
    out
}

/// `riskgate explain fairness.disparate_impact`: a risk and the controls
/// that mitigate it, as Markdown.
#[must_use]
pub fn explain_risk(stdlib: &Stdlib, risk: &super::GateRisk) -> String {
    let mut out = format!("# {} {}\n\nFamily `{}`.", risk.id, risk.title, risk.family);
    if !risk.description.is_empty() {
        let _ = write!(out, " {}", risk.description);
    }
    out.push_str("\n\n## Mitigated by\n\n");
    let controls = mitigated_by(stdlib, &risk.id);
    if controls.is_empty() {
        out.push_str("No control of the standard library mitigates this risk.\n");
    }
    for control in controls {
        let _ = writeln!(
            out,
            "- `{}` {} (severity {}; `riskgate explain {}`)",
            control.id,
            control.str_field("title"),
            control.str_field("severity"),
            control.id
        );
    }
    out
}
