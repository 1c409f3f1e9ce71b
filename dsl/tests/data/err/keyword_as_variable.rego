package a

allow if {
	some if in input.xs
}
