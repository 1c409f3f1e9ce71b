//! `config.rego`: organisation-level settings as data (`data.stdlib.config`,
//! read through `lib.config` with the overlay's `riskgate.config` merged over it).

use std::fmt::Write as _;

use serde_yaml_ng::Value;

use super::super::catalogue::{Catalogue, TIERS};
use super::super::rego::term_multiline;
use super::{approval_freshness, header};

pub(super) fn config(catalogue: &Catalogue) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "stdlib.config",
        "Organisation-level settings the standard library reads, as data: the\n# built-in defaults. The controls read them as `lib.config`, which merges an\n# overlay's `riskgate.config` over these (objects key by key), so an org\n# overlay may change any of them.",
    );
    let defaults = &catalogue.defaults;
    let entry = |out: &mut String, comment: &str, name: &str, value: &Value| {
        let _ = writeln!(out, "# {comment}\n{name} := {}\n", term_multiline(value, 0));
    };
    let tiers = Value::Sequence(TIERS.iter().map(|t| Value::from(*t)).collect());
    entry(&mut out, "Risk tiers, lowest first.", "tiers", &tiers);
    let mut implied = serde_yaml_ng::Mapping::new();
    if let Some(kinds) = catalogue
        .vocabularies
        .get("model_kinds")
        .and_then(Value::as_sequence)
    {
        for kind in kinds {
            if let (Some(id), Some(imp)) = (kind.get("id"), kind.get("implies")) {
                implied.insert(id.clone(), imp.clone());
            }
        }
    }
    entry(
        &mut out,
        "Model kinds that imply others (an agent must also satisfy llm controls).",
        "implied_model_kinds",
        &Value::Mapping(implied),
    );
    if let Some(roles) = catalogue.vocabularies.get("roles") {
        entry(&mut out, "Roles and what they mean.", "roles", roles);
    }
    entry(
        &mut out,
        "Release approvals required per tier (C-GOV-03), plus conditional roles.",
        "approvals_by_tier",
        &defaults.approvals_by_tier,
    );
    let sod = Value::Sequence(
        defaults
            .segregation_of_duties
            .iter()
            .map(|r| {
                let mut m = serde_yaml_ng::Mapping::new();
                m.insert(Value::from("id"), Value::from(r.id.as_str()));
                m.insert(Value::from("rule"), Value::from(r.rule.as_str()));
                Value::Mapping(m)
            })
            .collect(),
    );
    entry(
        &mut out,
        "Segregation-of-duties rules.",
        "segregation_of_duties",
        &sod,
    );
    entry(
        &mut out,
        "Maximum approval age in days, per tier.",
        "approval_freshness_days",
        &approval_freshness(catalogue),
    );
    let mut fresh = serde_yaml_ng::Mapping::new();
    for (k, v) in &defaults.evidence_freshness_days {
        fresh.insert(Value::from(k.as_str()), v.clone());
    }
    entry(
        &mut out,
        "Maximum evidence age in days at the evaluation clock (`default` applies to tiers not listed).",
        "evidence_freshness_days",
        &Value::Mapping(fresh),
    );
    entry(
        &mut out,
        "Waiver policy (docs/controls.md, Waivers).",
        "waiver_policy",
        &catalogue.waiver_policy,
    );
    let mut tiering = serde_yaml_ng::Mapping::new();
    if let Some(matrix) = catalogue.tiering.get("matrix").and_then(Value::as_mapping) {
        let mut rows: Vec<(String, Value)> = matrix
            .iter()
            .filter_map(|(k, v)| {
                let key = k
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| k.as_u64().map(|n| n.to_string()))?;
                Some((key, v.clone()))
            })
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        tiering.insert(
            Value::from("matrix"),
            Value::Sequence(rows.into_iter().map(|(_, v)| v).collect()),
        );
    }
    if let Some(floors) = catalogue.tiering.get("floors") {
        tiering.insert(Value::from("floors"), floors.clone());
    }
    out.push_str("# Tiering: `matrix[materiality - 1][complexity - 1]`, then floors that can\n# only raise the tier (C-GOV-01).\n");
    let _ = writeln!(
        out,
        "tiering := {}\n",
        term_multiline(&Value::Mapping(tiering), 0)
    );
    out.push_str(CONFIG_EXTRA);
    out
}

const CONFIG_EXTRA: &str = r#"# Seconds per monitor cadence; a monitor is stale when its last run is
# older than twice its cadence.
cadence_seconds := {
	"1m": 60,
	"hourly": 3600,
	"daily": 86400,
	"weekly": 604800,
	"monthly": 2678400,
	"quarterly": 7948800,
}

# EU AI Act Art. 73 serious-incident reporting clocks, in days: a release's
# `incident.reporting_clocks` must define each at most this long (C-GOV-10).
eu_serious_incident_clocks := {
	"eu_serious_incident": 15,
	"eu_death": 10,
	"eu_widespread_infringement": 2,
}

# Limits the catalogue leaves to the organisation ("declared", "org-declared
# acceptable level"). Illustrative defaults; set them in an overlay.
declared_limits := {
	# C-PRIV-02: largest differential-privacy epsilon accepted when DP is claimed.
	"dp_epsilon": 8,
	# C-SAFE-04: highest acceptable dangerous-capability uplift level
	# (0 = no measurable uplift over a non-AI baseline).
	"dangerous_capability_uplift_level": 0,
}
"#;
