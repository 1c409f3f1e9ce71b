package release.slice_sample_size

small_slices[e.metric] contains s.name if {
	some e in input.evaluations
	some s in e.slices
	s.n < data.policy.min_slice_n
}

total_n := sum([s.n | some e in input.evaluations; e.metric == "auc"; some s in e.slices; s.name != "overall"])

coverage := round((total_n / overall_n) * 100) if {
	some e in input.evaluations
	e.metric == "auc"
	some s in e.slices
	s.name == "overall"
	overall_n := s.n
}
