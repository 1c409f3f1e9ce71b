package k8s.allowed_users

user_id(c) := c.securityContext.runAsUser

user_id(c) := input.request.object.spec.securityContext.runAsUser if not c.securityContext.runAsUser

violation contains msg if {
	some c in input.request.object.spec.containers
	uid := user_id(c)
	uid < data.config.min_user_id
	msg := sprintf("%s runs as uid %d (minimum %d)", [c.name, uid, data.config.min_user_id])
}

unknown_user contains c.name if {
	some c in input.request.object.spec.containers
	not user_id(c)
}
