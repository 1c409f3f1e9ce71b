package a

allow if input.user ==
