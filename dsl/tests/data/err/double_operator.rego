package a

x := 1 + * 2
