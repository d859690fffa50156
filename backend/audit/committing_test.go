package audit

import (
	"testing"
	"time"
)

// TestRecordsSupersedeCommitting: a Committing record (written before a
// commit is sent) is dropped by Records once the sync's own record, of
// the same Kind and Time, follows it; alone, it stays, and Last names it.
func TestRecordsSupersedeCommitting(t *testing.T) {
	l, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 30, 18, 0, 0, 123456789, time.UTC)
	t1 := t0.Add(time.Minute)
	for _, r := range []Record{
		{Time: t0, Pair: "p", Result: Committing},
		{Time: t0, Pair: "p", Kind: MapSave, Result: OK}, // another kind: supersedes nothing
		{Time: t0, Pair: "p", Result: OK},
		{Time: t1, Pair: "p", Result: Committing},
	} {
		if err := l.Append(r, nil); err != nil {
			t.Fatal(err)
		}
	}
	all, err := l.Records("p")
	if err != nil {
		t.Fatal(err)
	}
	var got []Result
	for _, r := range all {
		got = append(got, r.Result)
	}
	if len(got) != 3 || got[0] != OK || got[1] != OK || got[2] != Committing {
		t.Fatalf("records %q; want ok (map save), ok, committing", got)
	}
	if last, ok, err := l.Last("p"); err != nil || !ok || last.Result != Committing || !last.Time.Equal(t1) {
		t.Errorf("last %+v (%v); want the committing record left alone", last, err)
	}
}
