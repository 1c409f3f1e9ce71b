package k8s.capabilities

violation contains msg if {
	some c in input.request.object.spec.containers
	not "ALL" in object.get(c, ["securityContext", "capabilities", "drop"], [])
	msg := sprintf("%s must drop ALL capabilities", [c.name])
}

violation contains msg if {
	some c in input.request.object.spec.containers
	added := {cap | some cap in c.securityContext.capabilities.add}
	extra := added - {cap | some cap in data.config.allowed_capabilities}
	count(extra) > 0
	msg := sprintf("%s adds capabilities %v", [c.name, sort(extra)])
}
