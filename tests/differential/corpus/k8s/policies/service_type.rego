package k8s.service_type

exposed_types := {"LoadBalancer", "NodePort"}

approved if input.request.object.metadata.annotations["network.example.com/exposure-approved"] == "true"

violation contains msg if {
	input.request.kind.kind == "Service"
	input.request.object.spec.type in exposed_types
	not approved
	msg := sprintf("service %s of type %s needs an exposure approval", [input.request.object.metadata.name, input.request.object.spec.type])
}

node_ports := [p.nodePort | some p in input.request.object.spec.ports; p.nodePort]
