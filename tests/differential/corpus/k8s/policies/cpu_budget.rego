package k8s.cpu_budget

millis(q) := to_number(trim_suffix(q, "m")) if endswith(q, "m")

millis(q) := to_number(q) * 1000 if not endswith(q, "m")

replicas := object.get(input.request.object.spec, "replicas", 1)

per_pod := sum([millis(c.resources.limits.cpu) | some c in input.request.object.spec.template.spec.containers])

total := per_pod * replicas

violation contains msg if {
	total > data.config.max_cpu_millis * 10
	msg := sprintf("deployment requests %dm CPU in total", [total])
}
