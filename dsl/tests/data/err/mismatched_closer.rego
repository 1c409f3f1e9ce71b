package a

xs := [1, 2}
