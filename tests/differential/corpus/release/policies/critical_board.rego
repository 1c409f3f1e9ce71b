package release.critical_board

critical if input.model.risk_tier == "critical"

violation contains "critical releases need a board approval" if {
	critical
	not any_board
}

violation contains "critical releases cannot use waivers" if {
	critical
	count(object.get(input, "waivers", [])) > 0
}

any_board if {
	some a in input.approvals
	a.role == "board"
	a.decision == "approve"
}
