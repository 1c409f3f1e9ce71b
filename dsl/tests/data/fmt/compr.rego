package example.compr

arrays := [x | some x in input.list; x > 1]
sets := {x | some x in input.list}
objects := {k: v | some k, v in input.map}

multi_array := [x |
	some x in input.list
	x > 1
]

multi_set := {upper(x) |
	some x in input.list
	startswith(x, "a")
}

multi_object := {name: count(items) |
	some name, items in input.groups
	# only non-empty groups
	count(items) > 0
}

nested := [[y | some y in x] | some x in input.matrix]
paren_head := {(a | b) | a := {1}; b := {2}}
obj_value := {k: (v + 1) | some k, v in {"a": 1}}
