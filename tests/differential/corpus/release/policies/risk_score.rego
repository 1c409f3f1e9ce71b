package release.risk_score

weights := data.policy.risk_weights

factors := {
	"tier": weights.tier[input.model.risk_tier],
	"pii": weights.pii * count([d | some d in input.datasets; d.pii]),
	"external_data": weights.external_data * count([d | some d in input.datasets; not startswith(d.uri, "s3://internal-")]),
	"automated_decision": weights.automated_decision * to_number(object.get(input.model, "automated_decision", false)),
}

score := sum([v | some v in factors])

band := "low" if score < 3

else := "medium" if score < 7

else := "high"

rounded := {"floor": floor(score), "ceil": ceil(score), "round": round(score)}
