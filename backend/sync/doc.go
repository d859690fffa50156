// Package sync runs one sync of a live pair as a verified transaction
// (issue 10): take the pair's lock (backend/pair), re-read both devices,
// refuse a plan computed from configurations that changed since (stale),
// keep the target's previous configuration (mode 0600 in the state
// directory: it holds secrets), apply the plan on the target in one
// configuration session with every remote line streamed as it arrives,
// tie each remote error to the path and change of the command it names,
// re-read both and check that what remains in scope is exactly the
// residue the plan expected (masked secrets, listed conflicts), confirm
// after a refusal that the target's running configuration is unchanged,
// and write the audit record (backend/audit).
//
// Progress: every line (typed, printed by the remote, a remote error
// line, the transaction's own) goes to Options.Emit and, as
// pair.SyncStarted / pair.SyncLine / pair.SyncDone events, to every
// subscriber of the pair, so each console watching the pair sees a sync
// another session runs; the pair's SyncHolder names who runs it.
//
// Cancel: a cancel of Apply's context stops the sync only before its
// point of no return (Event.Commit: the commit, the first line typed in
// system-view, the device's own sync started, the save of a save alone);
// from there the change,
// its verification and a commit-confirm run to their end whatever the
// caller cancels. This rule is here alone: front ends cancel when the
// user asks and only choose what to say. SaveUnsaved (--save with
// nothing to send) is a transaction too: locked, streamed, audited.
//
// Transport (Prepared.Transport, printed with the plan): SSH by default;
// the Vyatta REST API (one /rest/conf session: set/delete, commit, save,
// DELETE) when the inventory says `transport: rest`, or as the fallback
// when the target's SSH cannot be reached (the pair then reads it over
// REST). Without commit-confirm (always over REST), a failed
// verification reverts the target with the inverse plan.
//
// Paths (Prepared.Native, Plan.Mode): a push over SSH through the
// driver's Session.Apply (Vyatta: configure, the plan's set/delete
// commands, commit with its comment or commit-confirm N, exit; exit
// discard after a refusal; Session.Confirm after verification; Huawei:
// system-view on the HRP standby, plan.PushHRP, refused without `hrp
// standby config enable`); the device's own sync on the source (Huawei
// `hrp sync config`, always unless pushed; VRA `update config-sync` for
// a pair whose inventory says `sync_mode: config-sync`, or asked), then
// the target is read until it settles. A partial commit is reverted with
// the inverse plan; PrepareRollback plans the inverse of the last sync
// from the kept configuration. The sync runs over the pair's own
// sessions (pair.Pair.Session). Before a sync the plan warns about the
// target's other sessions, its own config-sync forwarding the change and
// device-unique values in the map.
//
// Imports: backend/pair, backend/device, backend/plan, backend/compare,
// backend/config, backend/audit, backend/inventory and the standard
// library; no UI, no Charm package, no lab.
package sync
