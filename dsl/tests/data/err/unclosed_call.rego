package a

n := count(input.xs
