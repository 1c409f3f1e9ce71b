package release.decision

import rego.v1

tier := input.model.risk_tier

approvers := {a.user | some a in input.approvals; a.decision == "approve"}

reasons contains "not enough approvals" if count(approvers) < data.policy.required_approvals[tier]

reasons contains "approver is an author" if {
	some u in approvers
	u in {x | some x in input.authors}
}

reasons contains sprintf("metric %s below threshold", [e.metric]) if {
	some e in input.evaluations
	some s in e.slices
	s.name == "overall"
	s.value < data.policy.thresholds[e.metric].min
}

default allow := false

allow if count(reasons) == 0

decision := {"allow": allow, "tier": tier, "reasons": sort([r | some r in reasons])}
