# Leading comment one.
# Leading comment two.

# Comment before package.
package example.comments # after package

# Before import.
import data.lib # after import

# Before rule.
allow if { # after opening brace
	# Before first literal.
	input.user == "admin" # after literal

	# After blank line.
	input.method == "GET"
	# Before closing brace.
} # after closing brace

short if input.x # after one-line rule

# Before else rule.
value := 1 if {
	input.a
} # after first body

# Between bodies.
else := 2

obj := {
	# Before first entry.
	"a": 1, # after first entry
	"b": [
		1, # after element
		# Before closing bracket.
	], # after nested
	# Before closing brace.
} # after object

call := concat( # after paren
	",", # first arg
	["a"],
)

inline := [1, 2, # inside one line array?
	3]

compr := [x |
	some x in input.list # in comprehension
	# before closing
]

wrapped := 1 + # inside expression
	2

# Trailing comments at end of file.

# The very last comment.
