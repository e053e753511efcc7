package cluster

import (
	"context"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
)

// The Lagrangian's heuristic builds each coalition from the relaxation's
// members first: at the best multipliers, that greedy's plans meet every row,
// and on clusters where pioneers are scarce they are better than the plain
// greedy's in the same order more often than worse.
func TestGreedyPrefersRelaxation(t *testing.T) {
	better, worse := 0, 0
	for seed := uint64(1); seed <= 12; seed++ {
		inst := shaped(t, "scarce-pioneers", 60, 30, 6, seed)
		fm, err := Build(model.Derive(inst))
		if err != nil {
			t.Fatal(err)
		}
		lr := fm.Lagrangian(context.Background(), 0, false, time.Time{})
		best := lr.lg.best
		if best.vals == nil {
			t.Fatalf("%s: no iterate", inst.Name)
		}
		order := lr.lg.order(best)
		objective := func(prefer [][]int) (float64, bool) {
			a := greedyFrom(context.Background(), fm, order, prefer)
			if a == nil {
				return 0, false
			}
			x, err := fm.Encode(a)
			if err != nil {
				t.Fatalf("%s: %v", inst.Name, err)
			}
			if v := fm.Violations(x, 1e-7); len(v) > 0 {
				t.Fatalf("%s: plan violates %s", inst.Name, v[0])
			}
			return fm.Objective(x), true
		}
		plain, ok1 := objective(nil)
		pref, ok2 := objective(best.members)
		switch {
		case !ok1 || !ok2:
			continue
		case pref < plain-1e-6:
			better++
		case pref > plain+1e-6:
			worse++
		}
	}
	t.Logf("preferring the relaxation's members: better on %d clusters, worse on %d", better, worse)
	if better <= worse {
		t.Errorf("preferring the relaxation's members: better on %d clusters, worse on %d", better, worse)
	}
}
