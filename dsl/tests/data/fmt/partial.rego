package example.partial

violations contains msg if {
	some resource in input.resources
	resource.public
	msg := sprintf("public: %s", [resource.name])
}

violations contains "fixed"
violations contains 1
violations contains 2

by_name[name] := resource if {
	some resource in input.resources
	name := resource.name
}

users.admins[id] := user if {
	some id, user in data.users
	user.role == "admin"
}

deep.path["with space"].leaf := 1
deep.path[x].y contains z if {
	some x in [1]
	z := x
}

ref_head[input.key] := "dynamic"
