package compare

import (
	"testing"

	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/diff"
	"github.com/hasync/hasync/backend/plan"
)

// The demo's Huawei pair in small (trial 11 defect 3): the same passwords
// as ciphertext salted per member, a rule moved, a rule's action changed,
// a rule only on the standby, and two rules only on the active member.
const (
	tallyA = `sysname FW-A
#
aaa
 manager-user admin
  password cipher %@%@1LgLXGyDYbfiI2h3lMYgS{3R%@%@
#
security-policy
 rule name web_in_1
  action permit
 rule name web_in_3
  action permit
 rule name web_in_6
  action permit
 rule name web_in_98
  action permit
 rule name web_in_99
  action permit
#
return
`
	tallyB = `sysname FW-B
#
aaa
 manager-user admin
  password cipher %@%@L~0qzjUcg3qIB-6_f~E6gbQ8%@%@
#
security-policy
 rule name web_in_6
  action permit
 rule name web_in_1
  action permit
 rule name web_in_3
  action deny
 rule name temp_debug_b
  action permit
#
return
`
)

func huaweiPair(t *testing.T, o diff.Options) *Comparison {
	t.Helper()
	a, err := Parse("FW-A", []byte(tallyA), config.Huawei)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("FW-B", []byte(tallyB), config.Huawei)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Trees(a, b, MapSpec{}, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTally: one in-scope number whatever the comparison's display
// options (the console compared unmasked and counted the salted
// ciphertexts: 8 in its list, 6 in status), and "to sync" is what the
// plan changes; the HRP conflicts are counted apart.
func TestTally(t *testing.T) {
	plain, masked := huaweiPair(t, diff.Options{}), huaweiPair(t, diff.Options{MaskSecrets: true})
	tp, err := plain.Tally(ModeFor(config.Huawei))
	if err != nil {
		t.Fatal(err)
	}
	tm, err := masked.Tally(ModeFor(config.Huawei))
	if err != nil {
		t.Fatal(err)
	}
	if tp != tm {
		t.Errorf("the tally depends on masking: %+v unmasked, %+v masked", tp, tm)
	}
	// web_in_6 moved, web_in_3 action, temp_debug_b (standby only): not
	// synced; web_in_98, web_in_99: to sync.
	if tm.InScope != 5 || tm.ToSync != 2 || tm.NotSynced != 3 {
		t.Errorf("tally %+v, want 5 in scope: 2 to sync, 3 not synced", tm)
	}
	p, err := masked.Plan(plan.HRP)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Conflicts) != tm.NotSynced {
		t.Errorf("%d conflicts in the plan, %d not synced", len(p.Conflicts), tm.NotSynced)
	}
	// Push resolves every one of them.
	push, err := masked.Tally(plan.Push)
	if err != nil {
		t.Fatal(err)
	}
	if push.ToSync != push.InScope || push.NotSynced != 0 {
		t.Errorf("push tally %+v, want all in scope to sync", push)
	}
	if tp.InScope+tp.Outside+tp.Excluded+tp.Protected != tp.Total() || tp.ToSync+tp.NotSynced != tp.InScope {
		t.Errorf("tally %+v does not add up", tp)
	}
}

// TestTallyFixtureHasSecrets: the fixture's ciphertexts do differ in
// scope unmasked (else TestTally proves nothing about masking).
func TestTallyFixtureHasSecrets(t *testing.T) {
	if p, m := huaweiPair(t, diff.Options{}).Counts(), huaweiPair(t, diff.Options{MaskSecrets: true}).Counts(); p.InScope <= m.InScope {
		t.Errorf("unmasked %+v, masked %+v: the ciphertexts should count unmasked", p, m)
	}
}

// TestTallyEqual: a pair equal in scope tallies zeros (no plan needed).
func TestTallyEqual(t *testing.T) {
	a, err := Parse("FW-A", []byte(tallyA), config.Huawei)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Trees(a, a, MapSpec{}, diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := c.Tally(plan.HRP)
	if err != nil || n != (Tally{}) {
		t.Errorf("tally %+v, %v; want zeros", n, err)
	}
}
