package a

default allow := false if input.x
