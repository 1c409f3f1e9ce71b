package release.intended_use

text := lower(input.model.intended_use)

violation contains sprintf("intended use mentions prohibited use %q", [p]) if {
	some p in data.policy.prohibited_uses
	contains(text, p)
}

words := count(split(trim_space(text), " "))

violation contains "intended use is too short" if words < 5

keywords := {w | some w in regex.split(`[^a-z]+`, text); count(w) > 6}
