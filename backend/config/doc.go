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
// The Vyatta parsers and printers ask backend/config/schema (VyOS's own
// node definitions and hasync's table of Vyatta 5600 / VRA nodes) where
// the text alone is ambiguous: whether an unquoted last word of a `set`
// line is a value, whether `name word` is an empty tag node, how a node
// prints (tag, valueless leaf, block). Paths the schema does not know keep
// the text's conventions. Text saved from a device is cleaned first
// (capture.go): prompts and pager lines are stripped and reported in
// Tree.Notes, binary text is refused.
//
// ParsePairFast (fast.go) reads the two texts of one comparison without
// parsing what is byte-equal in both: runs of lines that stand for the
// same subtree at the same path become stub nodes, counted from their
// lines and parsed (Tree.Expand) only where a comparison needs their
// content. Such trees are for backend/diff alone; today it takes Vyatta
// set-form text.
//
// Imports: the standard library and backend/config/schema only (which
// imports no hasync package). Every other part of hasync may import
// config; config imports no other hasync package and no Charm package.
package config
