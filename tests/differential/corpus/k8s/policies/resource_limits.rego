package k8s.resource_limits

pod_spec := input.request.object.spec if input.request.kind.kind == "Pod"

pod_spec := input.request.object.spec.template.spec if input.request.kind.kind in {"Deployment", "StatefulSet", "DaemonSet"}

violation contains msg if {
	some c in pod_spec.containers
	some resource in ["cpu", "memory"]
	not c.resources.limits[resource]
	msg := sprintf("container %s has no %s limit", [c.name, resource])
}

violation contains msg if {
	some c in pod_spec.containers
	not c.resources.requests
	msg := sprintf("container %s has no requests", [c.name])
}
