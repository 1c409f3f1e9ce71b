package a

control "C-1" {
	title: "x"
}
