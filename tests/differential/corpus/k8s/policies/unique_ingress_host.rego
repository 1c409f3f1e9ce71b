package k8s.unique_ingress_host

# Gatekeeper-style: compare against already admitted objects in data.inventory.
existing contains {"namespace": ns, "name": name, "host": rule.host} if {
	some ns, ingresses in data.inventory.ingresses
	some name, ingress in ingresses
	some rule in ingress.spec.rules
}

violation contains msg if {
	input.request.kind.kind == "Ingress"
	some rule in input.request.object.spec.rules
	some other in existing
	other.host == rule.host
	[other.namespace, other.name] != [input.request.namespace, input.request.object.metadata.name]
	msg := sprintf("host %s already used by %s/%s", [rule.host, other.namespace, other.name])
}
