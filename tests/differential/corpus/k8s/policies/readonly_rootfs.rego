package k8s.readonly_rootfs

default compliant := false

compliant if {
	every c in input.request.object.spec.containers {
		c.securityContext.readOnlyRootFilesystem == true
	}
}

writable := {c.name | some c in input.request.object.spec.containers; not c.securityContext.readOnlyRootFilesystem}
