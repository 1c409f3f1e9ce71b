package release.segregation_of_duties

builders := {input.model.owner} | {a | some a in input.authors}

violation contains msg if {
	some a in input.approvals
	a.decision == "approve"
	a.user in builders
	msg := sprintf("%s approved as %s but built the model", [a.user, a.role])
}

violation contains msg if {
	some a, b in input.approvals
	some c in input.approvals
	a.user == c.user
	a.role != c.role
	a.decision == "approve"
	c.decision == "approve"
	a.role < c.role
	msg := sprintf("%s holds two approval roles: %s and %s", [a.user, a.role, c.role])
	b == a
}
