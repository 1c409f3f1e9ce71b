package k8s.image_digest

digest_pattern := `@sha256:[a-f0-9]{64}$`

pinned(image) if regex.match(digest_pattern, image)

violation contains {"container": c.name, "image": c.image} if {
	some c in input.request.object.spec.containers
	not pinned(c.image)
}

digests := {c.name: split(c.image, "@")[1] | some c in input.request.object.spec.containers; pinned(c.image)}
