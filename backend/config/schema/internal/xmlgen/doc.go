// Package xmlgen turns VyOS's interface definitions (vyos-1x
// interface-definitions/*.xml.in and the include/ fragments they pull in)
// into the line-oriented table that package schema embeds. It is used by
// the generator (schema/gen, run by go generate) and by the drift test; the
// schema package itself never imports it.
//
// Imports: the standard library only.
package xmlgen
