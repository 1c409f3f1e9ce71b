package a

import lib.helpers

allow := true
