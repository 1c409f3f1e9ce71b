package release.rejected_approvals

rejections := [a | some a in input.approvals; a.decision == "reject"]

default blocked := false

blocked if count(rejections) > 0

reasons := concat("\n", [sprintf("%s (%s): %s", [r.user, r.role, object.get(r, "comment", "no comment")]) | some r in rejections])
