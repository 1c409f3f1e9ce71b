package a

p if {
	x :=
}

q := [1, 2

r := 3 +

s := 4
