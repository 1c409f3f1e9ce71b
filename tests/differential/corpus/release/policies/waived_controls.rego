package release.waived_controls

now := time.parse_rfc3339_ns(input.now)

waived(control) if {
	some w in input.waivers
	w.control == control
	time.parse_rfc3339_ns(w.expires) > now
	w.approved_by != input.model.owner
}

findings contains {"control": sprintf("metrics.%s", [e.metric]), "slice": s.name} if {
	some e in input.evaluations
	some s in e.slices
	s.value < object.get(data.policy.thresholds[e.metric], "slice_min", 0)
}

blocking := {f | some f in findings; not waived(f.control)}

waived_findings := findings - blocking
