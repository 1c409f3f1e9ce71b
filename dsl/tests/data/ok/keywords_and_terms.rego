package foo.if.bar

import data.foo.as as alias
import future.keywords.in
import input.spec

p if {
	not.foo == 1
	if.x == 2
	contains("fireplace", "repl")
	x := -1.5e3
	y := [1, 2][0]
	z := split("a.b", ".")[1]
	(0, 2 in [2]) in [true]
	1, 2 in [2] in [false, true]
	s := set()
	e := {}
	t := `raw \d`
	u := $`multi {x}
line`
	v := "\u00e9\n"
}

default.foo := 1

a.b[c] := 3 if c := "k"

q := x if {
	x := 1 + 2 * 3 - 4 / 5 % 6
	y := x | {1} & {2}
	x >= 1
	x != 2
}

f(x, y) := x + y

g(_) := true
