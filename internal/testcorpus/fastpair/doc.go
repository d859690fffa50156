// Package fastpair holds what the tests of config's fast paths share
// (backend/config and backend/diff): a changed node shown whole, and the
// sync-maps a pair is compared under. Tests only; it imports config and
// syncmap, so config's and syncmap's own in-package tests cannot use it.
package fastpair
