package k8s.probes

probe_kinds := ["readinessProbe", "livenessProbe"]

containers := input.request.object.spec.template.spec.containers if input.request.kind.kind == "Deployment"

containers := input.request.object.spec.containers if input.request.kind.kind == "Pod"

violation[c.name] := missing if {
	some c in containers
	missing := [kind | some kind in probe_kinds; not c[kind]]
	count(missing) > 0
}
