package    example.messy
import   data.a as   b
allow   if {input.x==1;input.y!=2
   x:=[1,2,
   3]}
f( a,b )   :=   a+b
obj := {"a":1,"b":2}
s:={1,2,3}
long_line if { some i; input.items[i].name == "x"; not input.items[i].hidden }
