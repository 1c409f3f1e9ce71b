package a

limit := 10abc
