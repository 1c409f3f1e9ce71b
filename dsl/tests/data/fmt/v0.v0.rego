package example.v0

deny[msg] {
	input.bad
	msg := "bad"
}

allow {
	input.good
}

labels[key] = value {
	value := input.labels[key]
}

f(x) = y {
	y := x + 1
}

p = 1 { true } else = 2 { true }
