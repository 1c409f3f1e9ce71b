package k8s.ingress_https

is_ingress if input.request.kind.kind == "Ingress"

hosts := {rule.host | some rule in input.request.object.spec.rules}

tls_hosts := {host | some tls in input.request.object.spec.tls; some host in tls.hosts}

violation contains sprintf("host %s has no TLS", [host]) if {
	is_ingress
	some host in hosts - tls_hosts
}

violation contains "ingress must set ssl-redirect" if {
	is_ingress
	input.request.object.metadata.annotations["nginx.ingress.kubernetes.io/ssl-redirect"] != "true"
}
