package horizon

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/solver/cluster"
)

// The weights Δ_1..Δ_T of the relaxations sum to d^0 = 1; with d = 1 all
// but Δ_T are 0, and the bound is R_T's alone (the others are not solved).
func TestRelaxationWeights(t *testing.T) {
	for _, tc := range []struct {
		T        int
		discount float64
		want     []float64
	}{
		{3, 0.9, []float64{0.1, 0.09, 0.81}},
		{2, 0.5, []float64{0.5, 0.5}},
		{3, 1, []float64{0, 0, 1}},
	} {
		in := gen.Generate(gen.Config{Firms: 12, Opportunities: 6, Markets: 2, Seed: 3, Periods: tc.T})
		in.Horizon.Discount = &tc.discount
		fm, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for s := 1; s <= tc.T; s++ {
			sum += fm.delta(s)
			if got := fm.delta(s); math.Abs(got-tc.want[s-1]) > 1e-12 {
				t.Errorf("T %d, d %g: Δ_%d = %g, want %g", tc.T, tc.discount, s, got, tc.want[s-1])
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("T %d, d %g: the Δ sum to %g, want 1", tc.T, tc.discount, sum)
		}
		if tc.discount != 1 {
			continue
		}
		ctx := context.Background()
		b, _, err := fm.RelaxedBound(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		bT, _, err := fm.relaxedBoundBy(ctx, tc.T, 0)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(b-bT) > 1e-6*math.Max(1, math.Abs(bT)) || bT == 0 {
			t.Errorf("d = 1: relaxation bound %g, R_T's bound %g (want equal and non-zero)", b, bT)
		}
	}
}

// A relaxation's solve may end once its bound has not risen (by more than
// relaxRise) for as long as it took to reach it, and at least
// relaxStallMin; reports without a bound change nothing.
func TestBoundStall(t *testing.T) {
	s := func(sec float64) time.Duration { return time.Duration(sec * float64(time.Second)) }
	type report struct {
		at    float64
		bound float64
		want  bool
	}
	inf := math.Inf(-1)
	for _, tc := range []struct {
		name    string
		reports []report
	}{
		{"no bound yet", []report{{0.1, inf, false}, {30, inf, false}}},
		{"early bound, then relaxStallMin", []report{{0.2, -100, false}, {1.9, -100, false}, {2.2, -100, true}}},
		{"as long as it took", []report{{0.1, -100, false}, {4, -99, false}, {7.9, -99, false}, {8.1, -99, true}}},
		{"a tiny rise does not count", []report{{1, -100, false}, {2.5, -99.995, false}, {3.1, -99.992, true}}},
		{"a rise restarts the wait", []report{{1, -100, false}, {2.9, -90, false}, {4, -90, false}, {5.9, -90, true}}},
	} {
		var b boundStall
		for i, r := range tc.reports {
			if got := b.stalled(cluster.Report{Elapsed: s(r.at), Bound: r.bound}); got != r.want {
				t.Errorf("%s: report %d (%.1f s, bound %g): stalled %v, want %v", tc.name, i, r.at, r.bound, got, r.want)
			}
		}
	}
}
