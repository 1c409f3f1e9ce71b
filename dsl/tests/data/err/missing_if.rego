package a

allow {
	input.user == "admin"
}
