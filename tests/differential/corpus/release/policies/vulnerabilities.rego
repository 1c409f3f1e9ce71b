package release.vulnerabilities

rank(sev) := data.policy.severity_rank[lower(sev)]

worst := max([rank(v.severity) | some dep in input.dependencies; some v in dep.vulnerabilities])

violation contains sprintf("%s@%s has %s %s", [dep.name, dep.version, v.severity, v.id]) if {
	some dep in input.dependencies
	some v in dep.vulnerabilities
	rank(v.severity) >= 3
	not v.id in {w.control | some w in input.waivers}
}

clean_dependencies if {
	every dep in input.dependencies {
		count(dep.vulnerabilities) == 0
	}
}
