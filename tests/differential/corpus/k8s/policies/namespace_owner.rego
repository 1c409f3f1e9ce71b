package k8s.namespace_owner

owner := input.request.object.metadata.labels.owner

violation contains "namespace has no owner label" if {
	input.request.kind.kind == "Namespace"
	not owner
}

violation contains sprintf("owner %q does not match %s", [owner, data.config.owner_pattern]) if {
	input.request.kind.kind == "Namespace"
	not regex.match(data.config.owner_pattern, owner)
}
