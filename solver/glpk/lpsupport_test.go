package glpk

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/ofdi/ofdi/solver/mip"
)

// TestLPSupport checks that a warm-started LP relaxation (Params.LPSupport)
// ends at the cold start's optimum, and a MIP at the same optimum, whatever
// the support: a feasible plan's, none at all (the first simplex then
// finds its problem infeasible), every column, or a random one.
func TestLPSupport(t *testing.T) {
	random := func(n int) []bool {
		rng := rand.New(rand.NewPCG(uint64(n), 3))
		s := make([]bool, n)
		for j := range s {
			s[j] = rng.IntN(3) == 0
		}
		return s
	}
	mk := multiKnapsack(3, 8, 40)
	tests := []struct {
		name    string
		p       *mip.Problem
		support []bool
		mip     bool // also compare the MIP optimum
	}{
		{"knapsack, a greedy plan's support", mk, Support(greedy(mk)), true},
		{"knapsack, empty support", mk, make([]bool, len(mk.Cols)), true},
		{"mixed, empty support (free columns stay free)", mixed(), make([]bool, len(mixed().Cols)), true},
		{"mixed, full support", mixed(), []bool{true, true, true, true, true, true, true, true}, true},
		{"market split, empty support (first LP infeasible)", marketSplit(1, 3, 20), make([]bool, 20), false},
		{"big LP, random support", bigLP(2, 400, 400, 8), random(400), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cold, err := SolveLP(context.Background(), tt.p, Params{})
			if err != nil || cold.Status != Optimal {
				t.Fatalf("cold SolveLP: %+v, %v", cold, err)
			}
			warm, err := SolveLP(context.Background(), tt.p, Params{LPSupport: tt.support})
			if err != nil || warm.Status != Optimal || !near(warm.Objective, cold.Objective) {
				t.Fatalf("warm SolveLP: %+v, %v; cold optimum %g", warm, err, cold.Objective)
			}
			if err := relaxed(tt.p).CheckFeasible(warm.X, 1e-6); err != nil {
				t.Errorf("warm LP solution: %v", err)
			}
			if !tt.mip {
				return
			}
			want, err := SolveMIP(context.Background(), tt.p, Params{}, Callbacks{})
			if err != nil || want.Status != Optimal {
				t.Fatalf("cold SolveMIP: %+v, %v", want, err)
			}
			got, err := SolveMIP(context.Background(), tt.p, Params{LPSupport: tt.support}, Callbacks{})
			if err != nil || got.Status != Optimal || !near(got.Objective, want.Objective) || !near(got.LPObjective, cold.Objective) {
				t.Errorf("warm SolveMIP: status %v objective %g LP %g, %v; want %g, LP %g",
					got.Status, got.Objective, got.LPObjective, err, want.Objective, cold.Objective)
			}
		})
	}
}

// relaxed returns p with its integrality dropped.
func relaxed(p *mip.Problem) *mip.Problem {
	q := *p
	q.Cols = append([]mip.Col(nil), p.Cols...)
	for j := range q.Cols {
		q.Cols[j].Lo, q.Cols[j].Hi = p.Bounds(j)
		q.Cols[j].Kind = mip.Continuous
	}
	return &q
}

func TestSupport(t *testing.T) {
	if s := Support(nil); s != nil {
		t.Errorf("Support(nil) = %v, want nil", s)
	}
	got := Support([]float64{0, 1, -2.5, 0, 1e-12})
	want := []bool{false, true, true, false, true}
	for j := range want {
		if got[j] != want[j] {
			t.Fatalf("Support = %v, want %v", got, want)
		}
	}
}
