package a

f(x) contains y if y := x
