package a

default f(1) := 0
