package a

deny contains "a" if input.a
else := "b"
