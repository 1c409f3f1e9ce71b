package example.functions

double(x) := y if {
	y := x * 2
}

is_odd(x) if x % 2 == 1

pair(a, b) := [a, b]

tier(score) := "high" if {
	score > 90
} else := "medium" if {
	score > 50
} else := "low"

level := 1 if input.a
else := 2 if input.b
else := 3

grade(x) = "A" if x >= 90

else = "B"

concat_all(parts) := result if {
	result := concat(
		"/",
		parts,
	)
	count(
		parts
	) > 0
}

call_member if {
	x := data.lib.helper(1, 2)
	time.now_ns() > 0
	strings.any_prefix_match(input.path, ["/a", "/b"])
}

multi_head(
	a,
	b,
) := a + b

arith := ((1 + 2) * 3 - 4) / 5 % 6
unary(x) := -x
sets := ({1, 2} | {3}) & {2, 3}
