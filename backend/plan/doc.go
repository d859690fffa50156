// Package plan turns the difference between a sync's source and target into
// the device commands that a sync would send to the target: set/delete for
// the Vyatta family, VRP commands (with their views and undo forms) for
// Huawei. A plan is data: it is shown as a dry run, confirmed, then applied
// by a driver as one transaction.
//
// Imports: backend/config, backend/diff, backend/syncmap and the standard
// library; no Charm package, no I/O beyond writing a plan to an io.Writer.
package plan
