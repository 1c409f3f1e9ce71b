package a

allow := true

package b
