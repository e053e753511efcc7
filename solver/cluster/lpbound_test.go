package cluster

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/solver/glpk"
)

// The background LP gives the LP relaxation's optimum, cold or warm-started
// from the greedy plan, and stop ends a solve still running without
// waiting for it to finish.
func TestLPBound(t *testing.T) {
	fm := familyCluster(t, "mixed", 60, 20, 5, 702)
	ctx := context.Background()
	want, err := glpk.SolveLP(ctx, fm.Prob, glpk.Params{})
	if err != nil || want.Status != glpk.Optimal {
		t.Fatalf("LP: %v %v", want, err)
	}
	greedy, err := fm.Encode(Greedy(fm))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range [][]float64{nil, greedy} {
		b := StartLPBound(ctx, fm.Prob, x)
		<-b.done
		got, ok := b.Value()
		if !ok || math.Abs(got-want.Objective) > 1e-9*math.Max(1, math.Abs(want.Objective)) {
			t.Errorf("background LP (warm %v) %v (known %v), want %v", x != nil, got, ok, want.Objective)
		}
		b.Stop() // a finished solve: stop returns at once
	}

	big := familyCluster(t, "mixed", 300, 120, 15, 702)
	b := StartLPBound(ctx, big.Prob, nil)
	start := time.Now()
	b.Stop() // cancelled at once: the 300-firm LP takes a minute
	select {
	case <-b.done:
	default:
		t.Error("stop returned while the solve still runs")
	}
	if v, ok := b.Value(); ok || !math.IsInf(v, -1) {
		t.Errorf("a cancelled LP reports a bound: %v %v", v, ok)
	}
	t.Logf("stop of a running LP returned after %v", time.Since(start))
}
