// Package testcorpus finds the shared corpus of real configuration files
// (../shared/corpus beside the repository) for tests, and skips a test with
// a clear message when it is absent. Tests only; imports the standard
// library.
package testcorpus
