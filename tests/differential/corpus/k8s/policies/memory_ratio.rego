package k8s.memory_ratio

bytes(quantity) := units.parse_bytes(quantity)

ratio(c) := bytes(c.resources.limits.memory) / bytes(c.resources.requests.memory)

violation contains msg if {
	some c in input.request.object.spec.containers
	r := ratio(c)
	r > data.config.max_limit_request_ratio
	msg := sprintf("%s memory limit is %v times its request", [c.name, r])
}

total_limit_bytes := sum([bytes(c.resources.limits.memory) | some c in input.request.object.spec.containers])
