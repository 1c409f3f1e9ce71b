//! `cargo xtask stdlib-gen`: writes `stdlib-policies/policies/` from the
//! catalogue. Run once; afterwards the files are maintained as code and
//! `cargo xtask stdlib-check` keeps them honest.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_yaml_ng::Value;

use super::catalogue::{Applicability, Catalogue, Control, Scope, TIERS, Test};
use super::encoding;
use super::rego::{quote, string_array, string_set, term, term_multiline};

mod config;
use config::config;

const LIB_TEMPLATE: &str = include_str!("lib_template.gate");

/// Generates every policy file into `out_dir`. Refuses to overwrite existing
/// files unless `force`.
pub fn generate(catalogue: &Catalogue, out_dir: &Path, force: bool) -> Result<Vec<String>> {
    let files = render_all(catalogue)?;
    std::fs::create_dir_all(out_dir)?;
    let mut written = Vec::new();
    for (name, text) in &files {
        let path = out_dir.join(name);
        if path.exists() && !force {
            bail!(
                "{} exists; the stdlib is generated once and then maintained as code (use --force to overwrite)",
                path.display()
            );
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        written.push(name.clone());
    }
    Ok(written)
}

/// Every file, formatted, keyed by file name.
pub fn render_all(catalogue: &Catalogue) -> Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    files.insert("taxonomy.gate".to_owned(), taxonomy(catalogue));
    files.insert("lib.gate".to_owned(), lib(catalogue));
    files.insert("config.rego".to_owned(), config(catalogue));
    let mut families: Vec<&str> = Vec::new();
    for control in &catalogue.controls {
        if !families.contains(&control.family.as_str()) {
            families.push(&control.family);
        }
    }
    for family in families {
        files.insert(format!("{family}.gate"), family_file(catalogue, family)?);
    }
    let mut formatted = BTreeMap::new();
    for (name, text) in files {
        let options = riskgate_dsl::ParseOptions::new(riskgate_dsl::Dialect::for_path(&name));
        match riskgate_dsl::format::format_source(&text, options) {
            Ok(out) => {
                formatted.insert(name, out);
            }
            Err(diagnostics) => {
                let messages: Vec<String> = diagnostics
                    .iter()
                    .map(|d| format!("{d:?}"))
                    .take(5)
                    .collect();
                bail!(
                    "generated {name} does not parse:\n{}\n--- source ---\n{text}",
                    messages.join("\n")
                );
            }
        }
    }
    Ok(formatted)
}

pub(super) fn header(out: &mut String, package: &str, summary: &str) {
    let _ = writeln!(out, "# {summary}");
    out.push_str("#\n# Generated once from the controls catalogue by `cargo xtask stdlib-gen`,\n# then maintained as code; `cargo xtask stdlib-check` reports drift.\n");
    let _ = writeln!(out, "package {package}\n");
}

/// A risk title from its id: `security.prompt_injection` -> "Prompt injection".
pub fn risk_title(id: &str) -> String {
    let leaf = id.rsplit('.').next().unwrap_or(id);
    let words = leaf.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

fn taxonomy(catalogue: &Catalogue) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "stdlib.taxonomy",
        "Model-risk taxonomy: risk families and the risks controls mitigate.",
    );
    out.push_str("# Risk families and what each covers.\nfamilies := {\n");
    for family in &catalogue.taxonomy {
        let _ = writeln!(
            out,
            "\t{}: {},",
            quote(&family.family),
            quote(&family.description)
        );
    }
    out.push_str("}\n\n");
    for family in &catalogue.taxonomy {
        let _ = writeln!(
            out,
            "# ---- {} ----\n# {}\n",
            family.family, family.description
        );
        for risk in &family.risks {
            if !risk.refs.is_empty() {
                let refs: Vec<String> = risk
                    .refs
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.join(", ")))
                    .collect();
                let _ = writeln!(out, "# refs: {}", refs.join("; "));
            }
            let _ = writeln!(out, "risk {} {{", quote(&risk.id));
            let _ = writeln!(out, "\ttitle: {}", quote(&risk_title(&risk.id)));
            let _ = writeln!(out, "\tfamily: {}", quote(&family.family));
            let _ = writeln!(out, "\tdescription: {}", quote(&risk.description));
            out.push_str("}\n\n");
        }
    }
    out
}

/// Severity: the lowest tier a control applies to (`low` raised to
/// `medium`: every catalogue control is a release gate); non-waivable
/// controls are `critical`.
pub fn severity(control: &Control, non_waivable: bool) -> &'static str {
    if non_waivable {
        return "critical";
    }
    let lowest = TIERS
        .iter()
        .position(|t| control.applicability.tiers.iter().any(|x| x == t))
        .unwrap_or(0);
    match lowest {
        0 | 1 => "medium",
        2 => "high",
        _ => "critical",
    }
}

fn family_file(catalogue: &Catalogue, family: &str) -> Result<String> {
    let mut out = String::new();
    let description = catalogue
        .taxonomy
        .iter()
        .find(|f| f.family == family)
        .map_or("", |f| f.description.as_str());
    header(
        &mut out,
        &format!("stdlib.{family}"),
        &format!("Standard library controls, family `{family}`: {description}"),
    );
    out.push_str("import data.stdlib.lib\n\n");
    let non_waivable = catalogue.non_waivable();
    for control in catalogue.controls.iter().filter(|c| c.family == family) {
        let nw = control.non_waivable || non_waivable.contains(&control.id);
        control_decl(&mut out, catalogue, control, nw)?;
    }
    Ok(out)
}

fn control_decl(
    out: &mut String,
    catalogue: &Catalogue,
    control: &Control,
    non_waivable: bool,
) -> Result<()> {
    let _ = writeln!(out, "control {} {{", quote(&control.id));
    let _ = writeln!(out, "\ttitle: {}", quote(&control.title));
    let _ = writeln!(out, "\tname: {}", quote(&control.name));
    let _ = writeln!(out, "\tfamily: {}", quote(&control.family));
    let mut description = Vec::new();
    if let Some(condition) = &control.applicability.condition {
        description.push(format!("Applies when: {condition}."));
    }
    if let Some(also) = &control.applicability.also_when {
        description.push(format!("Also applies to: {also}."));
    }
    if let Some(notes) = &control.notes {
        description.push(notes.trim().to_owned());
    }
    if !description.is_empty() {
        let _ = writeln!(out, "\tdescription: {}", quote(&sentences(&description)));
    }
    let _ = writeln!(out, "\tmitigates: {}", string_array(&control.mitigates));
    let _ = writeln!(
        out,
        "\tseverity: {}",
        quote(severity(control, non_waivable))
    );
    out.push_str(
        "\tenforcement: {\"ci\": \"deny\", \"admission\": \"deny\", \"audit\": \"record\"}\n",
    );
    if non_waivable {
        out.push_str("\twaivable: false\n");
    }
    let refs = Value::Mapping(control.references.clone());
    let _ = writeln!(out, "\treferences: {}", term_multiline(&refs, 1));
    out.push('\n');

    applies(out, &control.applicability);
    if let Some(extra) = encoding::extra_applies(&control.id) {
        for line in extra.lines() {
            let _ = writeln!(out, "\t{line}");
        }
    }

    required_fields(out, control);
    tests(out, catalogue, control)?;
    monitors(out, control);
    documents(out, catalogue, control)?;
    approvals(out, catalogue, control)?;
    out.push_str("}\n\n");
    Ok(())
}

/// Joins phrases into sentences, adding a full stop where one is missing.
fn sentences(parts: &[String]) -> String {
    let fixed: Vec<String> = parts
        .iter()
        .map(|p| {
            let p = p.trim();
            if p.ends_with(['.', ')', '"']) {
                p.to_owned()
            } else {
                format!("{p}.")
            }
        })
        .collect();
    fixed.join(" ")
}

fn applies(out: &mut String, app: &Applicability) {
    let mut conditions = Vec::new();
    let tiers = app.tier_condition();
    if !tiers.is_empty() {
        conditions.push(format!("lib.tier_in({})", string_set(&tiers)));
    }
    let kinds = app.kind_condition();
    if !kinds.is_empty() {
        conditions.push(format!("lib.kind_in({})", string_set(&kinds)));
    }
    if !app.flags_any.is_empty() {
        conditions.push(format!("lib.flags_any({})", string_set(&app.flags_any)));
    }
    if conditions.is_empty() {
        // Applies to every release: no `applies` block.
        return;
    }
    out.push_str("\tapplies if {\n");
    for c in &conditions {
        let _ = writeln!(out, "\t\t{c}");
    }
    out.push_str("\t}\n\n");
    if !app.also_when_flags_any.is_empty() {
        let _ = writeln!(
            out,
            "\tapplies if lib.flags_any({})\n",
            string_set(&app.also_when_flags_any)
        );
    }
}

fn required_fields(out: &mut String, control: &Control) {
    let mut lists_required: Vec<String> = Vec::new();
    for path in &control.requires_fields {
        if let Some((list, key)) = path.split_once(".*.") {
            if !lists_required.iter().any(|l| l == list) {
                lists_required.push(list.to_owned());
                let _ = writeln!(
                    out,
                    "\trequire field {} {{\n\t\tpath: {}\n\t}}\n",
                    quote(list),
                    quote(&format!("spec.{list}"))
                );
            }
            let _ = writeln!(
                out,
                "\trequire test {} {{\n\t\tmetric: \"items_missing_field\"\n\t\tvalue: lib.items_missing({}, {})\n\t\top: \"==\"\n\t\tthreshold: []\n\t\tdescription: {}\n\t}}\n",
                quote(path),
                quote(list),
                quote(key),
                quote(&format!("every entry of spec.{list} has `{key}`"))
            );
        } else {
            let _ = writeln!(
                out,
                "\trequire field {} {{\n\t\tpath: {}\n\t}}\n",
                quote(path),
                quote(&format!("spec.{path}"))
            );
        }
    }
}

/// A test's `when` expression from its scope, or `None`.
pub fn scope_expr(scope: &Scope) -> Option<String> {
    if scope.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for (key, values) in [
        ("tiers", &scope.tiers),
        ("model_kinds", &scope.model_kinds),
        ("flags_any", &scope.flags_any),
        ("also_flags_any", &scope.also_flags_any),
    ] {
        if !values.is_empty() {
            parts.push(format!("{}: {}", quote(key), string_array(values)));
        }
    }
    Some(format!("lib.in_scope({{{}}})", parts.join(", ")))
}

fn freshness_table(catalogue: &Catalogue, key: &str) -> Result<Value> {
    catalogue
        .defaults
        .evidence_freshness_days
        .get(key)
        .cloned()
        .with_context(|| format!("no evidence_freshness_days entry {key}"))
}

/// A threshold from a freshness table: `365` for a uniform table, the tier
/// table otherwise.
fn tier_threshold(table: &Value) -> String {
    match table {
        Value::Mapping(map) if map.len() == 1 && map.get("default").is_some() => {
            map.get("default").map(term).unwrap_or_default()
        }
        other => term(other),
    }
}

/// `365` for a uniform table, `lib.by_tier({...})` otherwise.
fn by_tier(table: &Value) -> String {
    match table {
        Value::Mapping(map) if map.len() == 1 && map.get("default").is_some() => {
            map.get("default").map(term).unwrap_or_default()
        }
        Value::Mapping(_) => format!("lib.by_tier({})", term(table)),
        other => term(other),
    }
}

/// Test ids: the metric, or the metric with its aggregate when a control
/// tests the same metric twice.
pub fn test_ids(control: &Control) -> Vec<String> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    control
        .tests
        .iter()
        .map(|t| {
            let nth = seen.entry(t.metric.as_str()).or_insert(0);
            let this = *nth;
            *nth += 1;
            let dup = control
                .tests
                .iter()
                .filter(|o| o.metric == t.metric)
                .count()
                > 1;
            if let Some(id) = encoding::test_id_override(&control.id, &t.metric, this) {
                id.to_owned()
            } else if dup {
                format!(
                    "{}_{}",
                    t.metric,
                    t.aggregate.as_deref().unwrap_or("overall")
                )
            } else {
                t.metric.clone()
            }
        })
        .collect()
}

fn tests(out: &mut String, catalogue: &Catalogue, control: &Control) -> Result<()> {
    let ids = test_ids(control);
    for (test, id) in control.tests.iter().zip(&ids) {
        test_decl(out, catalogue, control, test, id)?;
    }
    for (key, cid, metric, path) in encoding::TIMESTAMP_FRESHNESS {
        if *cid == control.id {
            let table = freshness_table(catalogue, key)?;
            let _ = writeln!(
                out,
                "\trequire test {} {{\n\t\tmetric: {}\n\t\tvalue: lib.age_days({})\n\t\top: \"<=\"\n\t\tthreshold: {}\n\t\twhen: lib.present({})\n\t\tdescription: {}\n\t}}\n",
                quote(metric),
                quote(metric),
                quote(path),
                tier_threshold(&table),
                quote(path),
                quote(&format!(
                    "evidence freshness `{key}`: spec.{path} is recent enough"
                ))
            );
        }
    }
    Ok(())
}

fn test_decl(
    out: &mut String,
    catalogue: &Catalogue,
    control: &Control,
    test: &Test,
    id: &str,
) -> Result<()> {
    let _ = writeln!(out, "\trequire test {} {{", quote(id));
    let _ = writeln!(out, "\t\tmetric: {}", quote(&test.metric));
    let derived = encoding::derived_value(&test.metric);
    let contains = matches!(test.op.as_str(), "contains" | "contains_all");
    if contains {
        let source = encoding::contains_source(&test.metric)
            .with_context(|| format!("{}: no list for `{}`", control.id, test.metric))?;
        let wanted = match &test.threshold {
            Value::Sequence(_) => term(&test.threshold),
            other => format!("[{}]", term(other)),
        };
        let _ = writeln!(
            out,
            "\t\tvalue: lib.missing_from(lib.field_list({}), {wanted})",
            quote(source)
        );
        out.push_str("\t\top: \"==\"\n\t\tthreshold: []\n");
    } else {
        if let Some(value) = derived {
            let _ = writeln!(out, "\t\tvalue: {value}");
        }
        let _ = writeln!(out, "\t\top: {}", quote(&test.op));
        let threshold = match encoding::threshold_override(&control.id, &test.metric) {
            Some(expr) => expr.to_owned(),
            None => {
                if test.threshold.is_string() {
                    bail!(
                        "{} {}: prose threshold {:?} needs an encoding",
                        control.id,
                        test.metric,
                        test.threshold
                    );
                }
                term(&test.threshold)
            }
        };
        let _ = writeln!(out, "\t\tthreshold: {threshold}");
    }
    if let Some(aggregate) = &test.aggregate {
        let _ = writeln!(out, "\t\taggregate: {}", quote(aggregate));
    }
    if let Some(min_n) = test.min_n {
        let _ = writeln!(out, "\t\tmin_n: {min_n}");
    }
    if derived.is_none() && !contains {
        let freshness = encoding::TEST_FRESHNESS
            .iter()
            .find(|(c, m, _)| *c == control.id && (*m == "*" || *m == id));
        if let Some((_, _, key)) = freshness {
            let table = freshness_table(catalogue, key)?;
            let _ = writeln!(out, "\t\tmax_age_days: {}", by_tier(&table));
        }
    }
    let when = match encoding::when_override(&control.id, &test.metric) {
        Some(expr) => Some(expr.to_owned()),
        None => {
            if test.applies_when.is_some() {
                bail!(
                    "{} {}: prose applies_when needs an encoding",
                    control.id,
                    test.metric
                );
            }
            scope_expr(&test.scope())
        }
    };
    if let Some(when) = when {
        let _ = writeln!(out, "\t\twhen: {when}");
    }
    let mut description = Vec::new();
    if let Some(note) = &test.note {
        description.push(note.trim().to_owned());
    }
    if let Some(cond) = &test.applies_when {
        description.push(format!("Applies when: {cond}."));
    }
    if encoding::threshold_override(&control.id, &test.metric).is_some() {
        description.push(format!("Catalogue threshold: {}", term(&test.threshold)));
    }
    if !test.slice_by.is_empty() {
        description.push(format!("Slices by: {}.", test.slice_by.join(", ")));
    }
    if !description.is_empty() {
        let _ = writeln!(out, "\t\tdescription: {}", quote(&sentences(&description)));
    }
    out.push_str("\t}\n\n");
    Ok(())
}

/// The strictest numeric alert of a catalogue monitor: `critical` if given,
/// else `warn`, else the alert itself.
fn alert_level(alert: &Value) -> Option<(&str, &Value)> {
    let level = alert
        .get("critical")
        .or_else(|| alert.get("warn"))
        .unwrap_or(alert);
    let op = level.get("op")?.as_str()?;
    let threshold = level.get("threshold")?;
    if !matches!(op, "==" | "!=" | "<" | "<=" | ">" | ">=") || !threshold.is_number() {
        return None;
    }
    Some((op, threshold))
}

fn cadence(value: &Value) -> String {
    match value {
        Value::String(s) if s == "1m" => quote("hourly"),
        Value::Mapping(_) => format!("lib.by_tier({})", term(value)),
        other => term(other),
    }
}

fn monitors(out: &mut String, control: &Control) {
    for monitor in &control.monitors {
        let _ = writeln!(out, "\trequire monitor {} {{", quote(&monitor.signal));
        let _ = writeln!(out, "\t\tmetric: {}", quote(&monitor.metric));
        if let Some((op, threshold)) = alert_level(&monitor.alert) {
            let _ = writeln!(out, "\t\talert_op: {}", quote(op));
            let _ = writeln!(out, "\t\talert_threshold: {}", term(threshold));
        }
        let _ = writeln!(out, "\t\tcadence: {}", cadence(&monitor.cadence));
        if !monitor.model_kinds.is_empty() {
            let _ = writeln!(
                out,
                "\t\twhen: lib.in_scope({{\"model_kinds\": {}}})",
                string_array(&monitor.model_kinds)
            );
        }
        let mut description = format!("catalogue alert: {}", term(&monitor.alert));
        if monitor.cadence.as_str() == Some("1m") {
            description.push_str("; catalogue cadence: every minute");
        }
        let _ = writeln!(out, "\t\tdescription: {}", quote(&description));
        out.push_str("\t}\n\n");
    }
}

fn documents(out: &mut String, catalogue: &Catalogue, control: &Control) -> Result<()> {
    for kind in &control.documents {
        let table = freshness_table(catalogue, encoding::document_freshness(kind))?;
        let _ = writeln!(
            out,
            "\trequire document {} {{\n\t\tdigest_required: true\n\t\tmax_age_days: {}\n\t}}\n",
            quote(kind),
            by_tier(&table)
        );
    }
    Ok(())
}

pub(super) fn approval_freshness(catalogue: &Catalogue) -> Value {
    let mut map = serde_yaml_ng::Mapping::new();
    for (tier, days) in &catalogue.defaults.approval_freshness_days {
        map.insert(Value::from(tier.as_str()), Value::from(*days));
    }
    // Keep tier order.
    let mut ordered = serde_yaml_ng::Mapping::new();
    for tier in TIERS {
        if let Some(v) = map.get(tier) {
            ordered.insert(Value::from(tier), v.clone());
        }
    }
    Value::Mapping(ordered)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn approval_decl(
    out: &mut String,
    id: &str,
    when: Option<&str>,
    roles: &[String],
    quorum: u64,
    max_age: &str,
    description: Option<&str>,
) {
    let _ = writeln!(out, "\trequire approval {} {{", quote(id));
    if let Some(when) = when {
        let _ = writeln!(out, "\t\twhen: {when}");
    }
    let _ = writeln!(out, "\t\troles: {}", string_array(roles));
    let _ = writeln!(out, "\t\tquorum: {quorum}");
    out.push_str("\t\tdistinct_from: [\"model_author\"]\n\t\tbound_to_artifact: true\n");
    let _ = writeln!(out, "\t\tmax_age_days: {max_age}");
    if let Some(d) = description {
        let _ = writeln!(out, "\t\tdescription: {}", quote(d));
    }
    out.push_str("\t}\n\n");
}

fn approvals(out: &mut String, catalogue: &Catalogue, control: &Control) -> Result<()> {
    let Some(spec) = &control.approvals else {
        return Ok(());
    };
    let freshness = approval_freshness(catalogue);
    let max_age = format!("lib.by_tier({})", term(&freshness));
    if spec.get("policy").and_then(Value::as_str) == Some("defaults.approvals_by_tier") {
        let by_tier = &catalogue.defaults.approvals_by_tier;
        let sod: Vec<String> = strings(spec.get("sod"));
        for tier in TIERS {
            let entry = by_tier
                .get(tier)
                .with_context(|| format!("approvals_by_tier has no {tier}"))?;
            let roles = strings(entry.get("required_roles"));
            let quorum = entry
                .get("quorum")
                .and_then(Value::as_u64)
                .unwrap_or(roles.len() as u64);
            let mut description = format!(
                "{tier}-tier release sign-off; segregation of duties {} checked by test sod_violations",
                sod.join(", ")
            );
            if let Some(extra) = entry.get("committee_quorum").and_then(Value::as_str) {
                let _ = write!(description, "; committee quorum: {extra}");
            }
            let days = freshness.get(tier).map(term).unwrap_or_default();
            approval_decl(
                out,
                &format!("release_signoff_{tier}"),
                Some(&format!("lib.in_scope({{\"tiers\": [{}]}})", quote(tier))),
                &roles,
                quorum,
                &days,
                Some(&description),
            );
        }
        if let Some(conditional) = by_tier
            .get("conditional_roles")
            .and_then(Value::as_sequence)
        {
            for rule in conditional {
                let roles = strings(rule.get("add_roles"));
                let scope = Scope {
                    tiers: strings(rule.get("tiers")),
                    model_kinds: strings(rule.get("when_model_kinds_any")),
                    flags_any: strings(rule.get("when_flags_any")),
                    also_flags_any: Vec::new(),
                };
                let when = scope_expr(&scope);
                let id = format!("{}_signoff", roles.join("_"));
                approval_decl(
                    out,
                    &id,
                    when.as_deref(),
                    &roles,
                    roles.len() as u64,
                    &max_age,
                    Some("conditional role from approvals_by_tier.conditional_roles"),
                );
            }
        }
    } else if let Some(add) = spec.get("add_roles") {
        let roles = strings(Some(add));
        let note = spec.get("note").and_then(Value::as_str);
        let id = format!("{}_review", roles.join("_"));
        approval_decl(out, &id, None, &roles, roles.len() as u64, &max_age, note);
    } else {
        bail!("{}: unknown approvals form", control.id);
    }
    Ok(())
}

fn lib(catalogue: &Catalogue) -> String {
    let mut out = LIB_TEMPLATE.to_owned();
    out.push_str(
        "\n# Monitors required by the catalogue controls, with the scope in which\n# each is required (the control's applicability and the monitor's model\n# kinds). Read by `required_monitors_missing` (C-GOV-13).\nrequired_monitors := [\n",
    );
    for control in &catalogue.controls {
        for monitor in &control.monitors {
            let app = &control.applicability;
            let scope = Scope {
                tiers: app.tier_condition(),
                model_kinds: app.kind_condition(),
                flags_any: app.flags_any.clone(),
                also_flags_any: app.also_when_flags_any.clone(),
            };
            let scope_obj = scope_expr(&scope)
                .map(|e| {
                    e.trim_start_matches("lib.in_scope(")
                        .trim_end_matches(')')
                        .to_owned()
                })
                .unwrap_or_else(|| "{}".to_owned());
            let kinds = if monitor.model_kinds.is_empty() {
                "[]".to_owned()
            } else {
                string_array(&monitor.model_kinds)
            };
            let _ = writeln!(
                out,
                "\t{{\"control\": {}, \"signal\": {}, \"metric\": {}, \"scope\": {scope_obj}, \"model_kinds\": {kinds}}},",
                quote(&control.id),
                quote(&monitor.signal),
                quote(&monitor.metric)
            );
        }
    }
    out.push_str("]\n");
    out
}
