package k8s.seccomp

allowed_profiles := {"RuntimeDefault", "Localhost"}

pod_profile := input.request.object.spec.securityContext.seccompProfile.type

profile(c) := c.securityContext.seccompProfile.type

profile(c) := pod_profile if not c.securityContext.seccompProfile

violation contains sprintf("%s: seccomp profile %v not allowed", [c.name, p]) if {
	some c in input.request.object.spec.containers
	p := profile(c)
	not p in allowed_profiles
}

violation contains sprintf("%s: no seccomp profile", [c.name]) if {
	some c in input.request.object.spec.containers
	not profile(c)
}
