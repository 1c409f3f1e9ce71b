package k8s.decision

# A combined admission decision in the shape of an AdmissionReview response.
spec := object.get(input.request.object, "spec", {})

checks := {
	"privileged": [c.name | some c in object.get(spec, "containers", []); c.securityContext.privileged],
	"host_network": [true | spec.hostNetwork == true],
	"no_labels": [true | not input.request.object.metadata.labels],
}

failed := sort([name | some name, hits in checks; count(hits) > 0])

response := {
	"uid": input.request.uid,
	"allowed": count(failed) == 0,
	"status": {"message": concat("; ", failed)},
}
