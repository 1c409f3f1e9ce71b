package a

allow if input.user ==

q := 1
