package a

allow if p with 1 as 2

p := true
