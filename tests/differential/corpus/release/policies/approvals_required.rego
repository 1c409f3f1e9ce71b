package release.approvals_required

approvers := {a.user | some a in input.approvals; a.decision == "approve"}

required := data.policy.required_approvals[input.model.risk_tier]

default enough := false

enough if count(approvers) >= required

violation contains msg if {
	not enough
	msg := sprintf("%d approvals, %d required for tier %s", [count(approvers), required, input.model.risk_tier])
}
