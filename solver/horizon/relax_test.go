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
		rT, err := fm.relaxedBoundBy(ctx, tc.T, 0)
		if err != nil {
			t.Fatal(err)
		}
		bT := rT.bound
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

// pairsOf maps a relaxation's coalitions to the horizon's pairs by id:
// R_1 leaves out the opportunities that open later, so its indices differ
// from the horizon's. R_T's solve reports its pooled coalitions so mapped.
func TestRelaxationPooledPairs(t *testing.T) {
	in := gen.Generate(gen.Config{Firms: 30, Opportunities: 14, Markets: 4, Seed: 5, Periods: 3})
	fm, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	ri := fm.Relaxed(1)
	if len(ri.Opportunities) == len(in.Opportunities) {
		t.Fatal("R_1 keeps every opportunity: the test needs one that opens later")
	}
	coalitions := make([][]int, len(ri.Opportunities))
	for p := range coalitions {
		coalitions[p] = []int{p % len(ri.Firms), (p + 7) % len(ri.Firms)}
	}
	pairs := fm.pairsOf(ri, coalitions)
	want := map[[2]int]bool{}
	for p, firms := range coalitions {
		for _, f := range firms {
			want[[2]int{fm.D.Opp[ri.Opportunities[p].ID], fm.D.Firm[ri.Firms[f].ID]}] = true
		}
	}
	if len(pairs) != len(want) {
		t.Errorf("%d pairs, want %d", len(pairs), len(want))
	}
	for pair := range want {
		if !pairs[pair] {
			t.Errorf("pair (opportunity %s, firm %s) missing", in.Opportunities[pair[0]].ID, in.Firms[pair[1]].ID)
		}
	}
	if fm.pairsOf(ri, nil) != nil {
		t.Error("pairs without coalitions")
	}

	r, err := fm.relaxedBoundBy(context.Background(), fm.T, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.pooled) == 0 {
		t.Fatal("R_T's solve reported no pooled coalition")
	}
	for pair := range r.pooled {
		if pair[0] >= len(in.Opportunities) || pair[1] >= len(in.Firms) {
			t.Errorf("pair %v out of range", pair)
		}
	}
}
