allow := true
