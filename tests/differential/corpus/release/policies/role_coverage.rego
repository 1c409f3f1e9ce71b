package release.role_coverage

needed := {r | some r in object.get(data.policy.required_roles, input.model.risk_tier, [])}

covered := {a.role | some a in input.approvals; a.decision == "approve"}

missing_roles := needed - covered

violation contains sprintf("no approval from role %s", [r]) if some r in missing_roles

complete := count(missing_roles) == 0
