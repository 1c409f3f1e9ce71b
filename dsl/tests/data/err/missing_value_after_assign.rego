package a

limit :=
