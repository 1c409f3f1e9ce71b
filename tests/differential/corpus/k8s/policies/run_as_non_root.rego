package k8s.run_as_non_root

spec := input.request.object.spec

default pod_non_root := false

pod_non_root if spec.securityContext.runAsNonRoot == true

container_non_root(c) if c.securityContext.runAsNonRoot == true

container_non_root(c) if {
	pod_non_root
	not c.securityContext.runAsNonRoot == false
}

violation contains c.name if {
	some c in spec.containers
	not container_non_root(c)
}
