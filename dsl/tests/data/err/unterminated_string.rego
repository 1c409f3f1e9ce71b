package a

name := "alice
