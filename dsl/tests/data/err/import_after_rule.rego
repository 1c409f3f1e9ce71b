package a

allow := true

import data.lib
