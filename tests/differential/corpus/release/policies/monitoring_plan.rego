package release.monitoring_plan

plan := input.monitoring

violation contains "no monitoring plan" if not input.monitoring

violation contains sprintf("drift threshold for %s must be in (0, 1]", [k]) if {
	some k, v in plan.drift_thresholds
	not valid_fraction(v)
}

valid_fraction(v) if {
	is_number(v)
	v > 0
	v <= 1
}

violation contains sprintf("alert channel %s is not a known channel", [c]) if {
	some c in plan.alert_channels
	not regex.match(`^(slack:#[a-z0-9-]+|pagerduty:[A-Z0-9]+|email:[^@]+@example\.com)$`, c)
}
