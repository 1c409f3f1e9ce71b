package a

allow if {}
