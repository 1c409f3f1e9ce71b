# Organisation-level settings the standard library reads, as data: the
# built-in defaults. The controls read them as `lib.config`, which merges an
# overlay's `riskgate.config` over these (objects key by key), so an org
# overlay may change any of them.
#
# Generated once from the controls catalogue by `cargo xtask stdlib-gen`,
# then maintained as code; `cargo xtask stdlib-check` reports drift.
package stdlib.config

# Risk tiers, lowest first.
tiers := ["low", "medium", "high", "critical"]

# Model kinds that imply others (an agent must also satisfy llm controls).
implied_model_kinds := {
	"agent": ["llm"],
}

# Roles and what they mean.
roles := {
	"model_author": "developer/data scientist who built or materially changed the model (first line)",
	"model_owner": "accountable business owner of the model's use (first line)",
	"peer_reviewer": "qualified reviewer who did not author the change",
	"model_validator": "independent validation / model risk management function (second line)",
	"risk_officer": "second-line risk or compliance officer (e.g. fair lending, AI risk)",
	"privacy_officer": "DPO or delegate",
	"security_reviewer": "application/AI security reviewer",
	"model_risk_committee": "formally constituted committee; decision recorded with quorum",
	"executive_accountable": "senior executive accountable for the model (e.g. UK SMF holder)",
}

# Release approvals required per tier (C-GOV-03), plus conditional roles.
approvals_by_tier := {
	"low": {
		"required_roles": ["peer_reviewer"],
		"quorum": 1,
	},
	"medium": {
		"required_roles": ["model_owner", "peer_reviewer"],
		"quorum": 2,
	},
	"high": {
		"required_roles": ["model_owner", "model_validator", "risk_officer"],
		"quorum": 3,
	},
	"critical": {
		"required_roles": ["model_owner", "model_validator", "risk_officer", "model_risk_committee"],
		"quorum": 4,
		"committee_quorum": "majority of voting members, minimum 3, recorded in the decision",
	},
	"conditional_roles": [
		{
			"when_flags_any": ["pii_processing"],
			"tiers": ["medium", "high", "critical"],
			"add_roles": ["privacy_officer"],
		},
		{
			"when_model_kinds_any": ["llm", "agent"],
			"tiers": ["medium", "high", "critical"],
			"add_roles": ["security_reviewer"],
		},
	],
}

# Segregation-of-duties rules.
segregation_of_duties := [
	{
		"id": "SOD-1",
		"rule": "no approver may appear in ownership.authors (the model_author role) or be the release submitter",
	},
	{
		"id": "SOD-2",
		"rule": "one principal may fill at most one required role in a release",
	},
	{
		"id": "SOD-3",
		"rule": "model_validator's org_unit must not be the development team's org_unit nor report into it",
	},
	{
		"id": "SOD-4",
		"rule": "a waiver's approver must not be its requester, the model owner, or the control owner",
	},
]

# Maximum approval age in days, per tier.
approval_freshness_days := {
	"low": 90,
	"medium": 60,
	"high": 30,
	"critical": 30,
}

# Maximum evidence age in days at the evaluation clock (`default` applies to tiers not listed).
evidence_freshness_days := {
	"document_review": {
		"default": 365,
	},
	"fairness_evaluation": {
		"default": 365,
		"high": 180,
		"critical": 180,
	},
	"hiring_bias_audit": {
		"default": 365,
	},
	"impact_assessment": {
		"default": 365,
	},
	"independent_validation": {
		"low": 1095,
		"medium": 730,
		"high": 365,
		"critical": 365,
	},
	"monitor_heartbeat": "last successful run within 2x the monitor cadence",
	"performance_evaluation": {
		"default": 180,
		"high": 90,
		"critical": 90,
	},
	"red_team": {
		"default": 90,
		"critical": 30,
	},
	"rollback_drill": {
		"default": 365,
		"high": 180,
		"critical": 90,
	},
	"tier_assessment": {
		"default": 365,
	},
	"vendor_assessment": {
		"default": 365,
	},
}

# Waiver policy (docs/controls.md, Waivers).
waiver_policy := {
	"outcome_semantics": "A control covered by a valid waiver evaluates to `waived`, never `pass`; the trace keeps the underlying failing test values, the waiver id, its expiry and the compensating controls. An expired, unsigned, out-of-scope or unauthorised waiver is ignored and the control fails with reason `waiver_invalid:<cause>`.\n",
	"required_fields": [
		"id",
		"controls",
		"scope",
		"justification",
		"risk_acceptance",
		"residual_risk",
		"compensating_controls",
		"conditions",
		"requested_by",
		"approved_by",
		"issued_at",
		"expires_at",
		"remediation_ref",
	],
	"scope_fields": ["model", "version_range_or_digest", "environments", "cohorts"],
	"max_duration_days_by_residual_risk": {
		"low": 365,
		"medium": 180,
		"high": 90,
		"critical": 30,
	},
	"max_renewals": 2,
	"max_cumulative_days": 365,
	"approver_roles_by_residual_risk": {
		"low": ["risk_officer"],
		"medium": ["risk_officer"],
		"high": ["risk_officer", "executive_accountable"],
		"critical": ["model_risk_committee"],
	},
	"compensating_control_rules": [
		"must be machine-checkable: a reference to another control, a monitor with a stricter threshold, a traffic cap, or a human-review rate",
		"the engine re-evaluates compensating controls; if any fails the waiver is void for that evaluation",
	],
	"non_waivable": ["C-GOV-14", "C-GOV-03", "C-SEC-05"],
	"trust": [
		"waivers are accepted only from the configured waiver store/namespace and must be signed; lesson from Kyverno PolicyException advisory GO-2024-3230 (exceptions creatable in any namespace by default)",
		"waivers must carry an expiry; 'never expires' is rejected (contrast Pulumi policy exceptions, where expiry is optional)",
	],
}

# Tiering: `matrix[materiality - 1][complexity - 1]`, then floors that can
# only raise the tier (C-GOV-01).
tiering := {
	"matrix": [
		["low", "low", "medium", "medium"],
		["low", "medium", "medium", "high"],
		["medium", "high", "high", "critical"],
		["high", "high", "critical", "critical"],
	],
	"floors": [
		{
			"when_flags_any": ["eu_high_risk", "credit_decision", "hiring", "insurance_pricing"],
			"min_tier": "high",
		},
		{
			"when_flags_any": ["biometric"],
			"min_tier": "critical",
		},
		{
			"when_flags_any": ["medical"],
			"min_tier": "high",
		},
		{
			"when_flags_any": ["gpai_systemic_risk"],
			"min_tier": "critical",
		},
		{
			"when_model_kinds_any": ["agent"],
			"when_flags_any": ["write_actions"],
			"min_tier": "high",
		},
		{
			"when_model_kinds_any": ["llm", "agent"],
			"when_flags_any": ["public_facing"],
			"min_tier": "medium",
		},
		{
			"when_flags_any": ["minors"],
			"min_tier": "medium",
		},
	],
}

# Seconds per monitor cadence; a monitor is stale when its last run is
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
