package a

obj := {"a": 1, "b"}
