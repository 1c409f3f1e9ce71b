package release.waiver_expiry

now := time.parse_rfc3339_ns(input.now)

expired contains w.control if {
	some w in input.waivers
	time.parse_rfc3339_ns(w.expires) <= now
}

active contains w.control if {
	some w in input.waivers
	time.parse_rfc3339_ns(w.expires) > now
}

days_left[w.control] := floor((time.parse_rfc3339_ns(w.expires) - now) / (((24 * 60) * 60) * 1000000000)) if {
	some w in input.waivers
	w.control in active
}

violation contains sprintf("waiver for %s has expired", [c]) if some c in expired
