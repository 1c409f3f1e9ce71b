package a

input := {"user": "x"}
