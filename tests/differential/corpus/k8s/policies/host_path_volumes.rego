package k8s.host_path_volumes

allowed_path(path) if {
	some prefix in data.config.allowed_host_paths
	startswith(path, prefix)
}

violation contains {"volume": v.name, "path": v.hostPath.path} if {
	some v in input.request.object.spec.volumes
	v.hostPath
	not allowed_path(v.hostPath.path)
}

readonly_required contains v.name if {
	some v in input.request.object.spec.volumes
	v.hostPath
	some c in input.request.object.spec.containers
	some m in c.volumeMounts
	m.name == v.name
	not m.readOnly
}
