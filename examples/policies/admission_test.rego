package examples.admission_test

import data.examples.admission

# Tests for admission.rego: run them with `riskgate test examples/policies`.

release := {
	"kind": "ModelRelease",
	"spec": {
		"identity": {"artifact": {"digest": "sha256:1111"}},
		"approvals": [{"by": {"name": "Ana"}, "decision": "approve"}],
	},
}

test_allows_an_approved_release_with_a_digest if {
	admission.allow with input as release
}

test_denies_a_rejected_release if {
	rejected := json.patch(release, [{"op": "replace", "path": "/spec/approvals/0/decision", "value": "reject"}])
	not admission.allow with input as rejected
	admission.deny == {"release rejected by Ana"} with input as rejected
}

test_denies_a_release_without_digest if {
	undigested := json.remove(release, ["spec/identity/artifact/digest"])
	"artifact digest is missing" in admission.deny with input as undigested
}

test_other_kinds_are_not_allowed if {
	not admission.allow with input as {"kind": "Deployment", "spec": {}}
}
