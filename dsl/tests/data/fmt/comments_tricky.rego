package example.tricky

f(
	# before first arg
	x, # after first arg
	y,
) := x + y

g(a, # inside one-line head
  b) := a

p := 1 if input.a # end of if line
else := 2 # end of else line

q if {
	true
}
# between braces and else
else := false

r if {
	every x in input.xs { # every brace
		# every body
		x > 0
	} # after every
	y := input.y
		# before indented with
		with input as {}
	arr := [x | x := 1; # in one-line comprehension
	  true]
}

s if {
	input.a  # spaces before comment
	input.b	#	tabbed comment   
}

t := { # after brace
	"k": "v",
}
u := [ # empty array with comment
]
