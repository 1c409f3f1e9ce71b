package release.fairness_gap

slice_values[e.metric] := values if {
	some e in input.evaluations
	values := [s.value | some s in e.slices; s.name != "overall"]
	count(values) > 1
}

gap[metric] := max(values) - min(values) if some metric, values in slice_values

violation contains msg if {
	some metric, g in gap
	g > data.policy.max_fairness_gap
	msg := sprintf("%s differs by %.3f across slices", [metric, g])
}
