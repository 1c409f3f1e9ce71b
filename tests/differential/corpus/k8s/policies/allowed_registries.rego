package k8s.allowed_registries

containers contains c if some c in input.request.object.spec.containers

containers contains c if some c in input.request.object.spec.initContainers

containers contains c if some c in input.request.object.spec.template.spec.containers

allowed(image) if {
	some prefix in data.config.allowed_registries
	startswith(image, prefix)
}

violation contains msg if {
	some c in containers
	not allowed(c.image)
	msg := sprintf("container %q uses image %q from a registry that is not allowed", [c.name, c.image])
}
