// Package config owns the configuration tree shared by both device families,
// and the parsers and printers of their dialects: the Vyatta family (VRA,
// Vyatta 5600, VyOS) in curly-brace and `set` command form, and Huawei VRP
// (`display current-configuration`).
//
// A tree is made of nodes identified by name within their parent. What a
// name is depends on the dialect: a word for Vyatta, a command key (from a
// per-command table) for VRP. Values, comments, source lines and printing
// hints never take part in identity.
//
// Imports: the standard library only. Every other part of hasync may import
// config; config imports no other hasync package and no Charm package.
package config
