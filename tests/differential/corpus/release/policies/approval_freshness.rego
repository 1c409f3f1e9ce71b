package release.approval_freshness

day_ns := ((24 * 60) * 60) * 1000000000

age_days(a) := (time.parse_rfc3339_ns(input.now) - time.parse_rfc3339_ns(a.at)) / day_ns

stale contains a.user if {
	some a in input.approvals
	age_days(a) > data.policy.approval_max_age_days
}

newest := max([time.parse_rfc3339_ns(a.at) | some a in input.approvals])

approval_dates := sort([time.format([time.parse_rfc3339_ns(a.at), "UTC", "2006-01-02"]) | some a in input.approvals])
