package a

default deny contains "x"
