package release.metric_coverage

required := {m | some m in object.get(data.policy.required_metrics, input.model.risk_tier, [])}

reported := {e.metric | some e in input.evaluations}

missing := required - reported

extra := reported - required

violation contains sprintf("metric %s is required for tier %s", [m, input.model.risk_tier]) if some m in missing

all_reported if {
	every m in required {
		m in reported
	}
}
