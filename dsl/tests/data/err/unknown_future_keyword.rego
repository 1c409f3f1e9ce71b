package a

import future.keywords.maybe
