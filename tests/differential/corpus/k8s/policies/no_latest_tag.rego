package k8s.no_latest_tag

tag(image) := t if {
	not contains(image, "@")
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
}

tag(image) := "latest" if {
	not contains(image, "@")
	parts := split(image, "/")
	not contains(parts[count(parts) - 1], ":")
}

violation contains msg if {
	some c in input.request.object.spec.containers
	tag(c.image) == "latest"
	msg := sprintf("%s: image %s is not pinned (tag latest)", [c.name, c.image])
}
