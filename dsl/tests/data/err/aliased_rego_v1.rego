package a

import rego.v1 as v1
