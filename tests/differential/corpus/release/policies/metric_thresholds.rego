package release.metric_thresholds

overall(e) := s.value if {
	some s in e.slices
	s.name == "overall"
}

violation contains msg if {
	some e in input.evaluations
	limits := data.policy.thresholds[e.metric]
	value := overall(e)
	value < limits.min
	msg := sprintf("%s overall %v below %v", [e.metric, value, limits.min])
}

violation contains msg if {
	some e in input.evaluations
	limits := data.policy.thresholds[e.metric]
	some s in e.slices
	s.name != "overall"
	s.value < limits.slice_min
	msg := sprintf("%s on slice %s is %v (min %v)", [e.metric, s.name, s.value, limits.slice_min])
}

violation contains msg if {
	some e in input.evaluations
	max_allowed := data.policy.thresholds[e.metric].max
	some s in e.slices
	s.value > max_allowed
	msg := sprintf("%s on slice %s is %v (max %v)", [e.metric, s.name, s.value, max_allowed])
}
