package example.collections

empty_array := []
empty_object := {}
empty_set := set()
one_line_array := [1, 2, 3]
one_line_set := {"a", "b"}
one_line_object := {"a": 1, "b": [true, false, null]}

multi_array := [
	1,
	2, 3,
	4
]

multi_object := {
	"name": "example",
	"nested": {"inner": [1, 2]},
	"deep": {
		"x": 1,
	},
}

multi_set := {
	"x",
	"y",
}

index := [1, 2, 3][0]
obj_index := {"a": 1}["a"]
paren_ref := (input.x).y
call_ref := f(1).field
f(x) := {"field": x}
args_multiline := sprintf("%v %v", [
	input.a,
	input.b,
])
