package a

pattern := "\d+"
