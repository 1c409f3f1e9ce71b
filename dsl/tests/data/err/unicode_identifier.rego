package a

allow if input.usér == 1
