// Package soak loads both emulated pairs at once and counts what the load
// disturbs. It lives in test files only: the import rules (arch_test.go)
// let only main and tests import lab, so the soak is a test binary, built
// and run by bench/soak.sh.
//
//	bench/soak.sh [-d 2m] [-n 10] [-lines 3000]
//
// TestSoak (run when -d is given) starts the Vyatta pair (lab/vyatta) and
// the Huawei pair (lab/huawei, with the device's HRP defaults: hello
// 1000 ms, faulty after five silent intervals) in-process with a temporary
// state directory, and runs N parallel SSH sessions per lab (default 10
// per lab, so 20 in all, spread over both members of each pair) for the
// duration. Each Vyatta session loops `show configuration commands`, each
// Huawei session `display current-configuration`, one exec channel per
// command on one SSH connection per session, the host keys checked
// against the pair's known_hosts.
//
// It prints the commands completed, bytes and errors per lab, the HRP
// state changes (HRPLink.Changes, the core state-change record), the
// samples in which the HRP link was down, the longest HRP silence, the
// VRRP transitions (Device.VRRPTransitions) and the load average at start
// and end; it exits 1 when there was any HRP state change, VRRP
// transition or session error (goal: none), or when a lab did not start.
//
// TestSoakSample runs the same code in `go test` for 10 seconds with 5
// sessions per lab (skipped under -short; under -race on the labs'
// 300-line seed instead of 3000 lines).
//
// It owns bench/soak and bench/soak.sh; its tests import lab, lab/vyatta,
// lab/huawei, lab/labtest, x/crypto/ssh and the standard library; nothing imports it.
package soak
