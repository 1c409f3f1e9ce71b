package a

allow if {
	x := [1, 2
	x[0] == 1
}
