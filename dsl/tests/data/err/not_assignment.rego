package a

allow if not x := input.a
