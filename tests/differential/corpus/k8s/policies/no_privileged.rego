package k8s.no_privileged

all_containers := array.concat(
	object.get(input.request.object.spec, "containers", []),
	object.get(input.request.object.spec, "initContainers", []),
)

privileged(c) if c.securityContext.privileged == true

privileged(c) if c.securityContext.allowPrivilegeEscalation == true

violation contains {"container": c.name, "reason": "privileged"} if {
	not input.request.namespace in data.config.exempt_namespaces
	some c in all_containers
	privileged(c)
}

deny := count(violation) > 0
