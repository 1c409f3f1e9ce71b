package release.approval_summary

by_role[role] := users if {
	some a in input.approvals
	role := a.role
	users := sort({x.user | some x in input.approvals; x.role == role})
}

decisions := {d: count([a | some a in input.approvals; a.decision == d]) | some d in {"approve", "reject", "abstain"}}

headline := sprintf("%s %s: %d approvals from %d roles", [input.model.name, input.model.version, decisions.approve, count(by_role)])

first_approver := sort([a.at | some a in input.approvals])[0]
