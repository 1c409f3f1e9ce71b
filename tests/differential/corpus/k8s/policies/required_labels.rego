package k8s.required_labels

# Every object must carry the labels listed in data.config.required_labels.
object := input.request.object

provided := {label | some label, _ in object.metadata.labels}

missing contains label if {
	some label in data.config.required_labels
	not label in provided
}

violation contains msg if {
	count(missing) > 0
	msg := sprintf("%s/%s is missing labels: %v", [input.request.kind.kind, object.metadata.name, sort(missing)])
}
