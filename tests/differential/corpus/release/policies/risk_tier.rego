package release.risk_tier

tier := input.model.risk_tier

violation contains sprintf("unknown risk tier %v", [tier]) if not tier in data.policy.tiers

violation contains "risk tier is missing" if not input.model.risk_tier

tier_index := i if {
	some i, t in data.policy.tiers
	t == tier
}

at_least_high if tier_index >= 2
