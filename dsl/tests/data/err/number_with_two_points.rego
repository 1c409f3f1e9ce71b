package a

limit := 1.5.2
