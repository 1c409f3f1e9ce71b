package k8s.annotation_config

raw := input.request.object.metadata.annotations["example.com/rollout"]

config := json.unmarshal(raw) if json.is_valid(raw)

violation contains "rollout annotation is not valid JSON" if {
	raw
	not json.is_valid(raw)
}

violation contains msg if {
	config.maxUnavailable > 1
	msg := sprintf("maxUnavailable %v exceeds 1", [config.maxUnavailable])
}

violation contains "canary steps must increase" if {
	steps := config.canarySteps
	some i
	steps[i] >= steps[i + 1]
}
