package k8s.host_namespaces

shared := [field | some field in ["hostPID", "hostIPC", "hostNetwork"]; input.request.object.spec[field] == true]

violation contains msg if {
	count(shared) > 0
	msg := sprintf("pod shares host namespaces: %s", [concat(", ", shared)])
}
