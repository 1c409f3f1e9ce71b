package example.body

iteration if {
	some x, y
	some k, v in input.map
	some item in input.list
	not input.disabled
	x = k
	y = v

	every n in input.numbers {
		n > 0
		n < 100
	}
	every i, n in input.numbers { n > i; n != 0 }
}

mocked if {
	allow with input as {"user": "admin"}
	allow with input.user as "admin" with data.roles as {}
	count(x) == 1 with count as mock_count
	allow
		with input as {}
		with data.x as 1
}

membership if {
	"a" in input.tags
	1, "b" in input.pairs
	not "c" in {"c", "d"}
	x := 3 in [1, 2, 3]
}

unify if {
	[a, b] = [1, 2]
	{"k": c} = {"k": 3}
	d = a + b + c
	e := (d == 6)
}
semicolons if { x := 1; y := 2; x < y }
