package k8s.replica_limits

replicas := object.get(input.request.object.spec, "replicas", 1)

violation contains msg if {
	input.request.kind.kind == "Deployment"
	replicas < data.config.replicas.min
	msg := sprintf("replicas %d below minimum %d", [replicas, data.config.replicas.min])
}

violation contains msg if {
	input.request.kind.kind == "Deployment"
	replicas > data.config.replicas.max
	msg := sprintf("replicas %d above maximum %d", [replicas, data.config.replicas.max])
}

scale_ratio := replicas / data.config.replicas.max
