package examples.admission

import rego.v1

# Plain Rego works too: this is an OPA-style admission rule.

default allow := false

allow if {
	input.kind == "ModelRelease"
	count(deny) == 0
}

deny contains msg if {
	some approval in input.spec.approvals
	approval.decision == "reject"
	msg := sprintf("release rejected by %s", [approval.by.name])
}

deny contains msg if {
	not input.spec.identity.artifact.digest
	msg := "artifact digest is missing"
}
