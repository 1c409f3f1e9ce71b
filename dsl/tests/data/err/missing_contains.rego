package a

deny[msg] {
	msg := "no"
}
