package release.data_lineage

violation contains sprintf("dataset %s has license %v", [d.name, d.license]) if {
	some d in input.datasets
	not d.license in data.policy.allowed_licenses
}

violation contains sprintf("dataset %s contains PII without a DPIA", [d.name]) if {
	some d in input.datasets
	d.pii == true
	not d.dpia_ref
}

external := [d.name | some d in input.datasets; not startswith(d.uri, "s3://internal-")]

by_license := {l: names | some d in input.datasets; l := d.license; names := sort([x.name | some x in input.datasets; x.license == l])}
