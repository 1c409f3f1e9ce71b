package a

allow if input.user == @admin
