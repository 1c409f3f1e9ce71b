package smoke

allow if {
	input.user ==
}
