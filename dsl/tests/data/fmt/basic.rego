# Header comment for the file.

# Comment on the package.
package example.basic

import rego.v1
import data.lib.util
import input.request as req

# Second import group.
import data.users as people

default allow := false
default level = 0

x := 1
y := 2


z := 3
answer = 42
pi := 3.14159
big := 1e6
neg := -5

allow if input.user == "admin"
allow if req.method == "GET"

deny if {
	input.user == "mallory"
}

nested.ref.head := "value"
nested.ref.other := true
