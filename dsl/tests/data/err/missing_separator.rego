package a

allow if { input.a input.b }
