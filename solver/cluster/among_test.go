package cluster_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/cluster"
)

// TestBestAmong: the window of a plan's coalitions holds that plan (with
// the optimum's, the optimum), every member of its plan comes from one of
// the plans given, and no plan gives no window.
func TestBestAmong(t *testing.T) {
	for _, tc := range lagCases()[:4] {
		t.Run(tc.name, func(t *testing.T) {
			d, fm, opt, x := solvedCase(t, tc.inst)
			optimum := fm.Decode(x)
			greedy := cluster.Greedy(fm)
			if fm.BestAmong(context.Background(), nil, time.Minute) != nil {
				t.Error("a window of no plan gave a plan")
			}
			for _, c := range []struct {
				name  string
				plans []*model.Assignment
				want  func(z float64) bool
			}{
				{"the greedy's", []*model.Assignment{greedy}, func(z float64) bool { return greedy != nil && z <= zOf(t, d, greedy)+1e-6*math.Max(1, math.Abs(z)) }},
				{"the greedy's and the optimum's", []*model.Assignment{greedy, optimum}, func(z float64) bool { return math.Abs(z-opt) <= 1e-6*math.Max(1, math.Abs(opt)) }},
			} {
				if c.plans[0] == nil {
					continue
				}
				a := fm.BestAmong(context.Background(), c.plans, time.Minute)
				if a == nil {
					t.Fatalf("no plan in the window of %s coalitions", c.name)
				}
				if z := zOf(t, d, a); !c.want(z) {
					t.Errorf("window of %s coalitions: Z %.6f (the optimum %.6f)", c.name, z, opt)
				}
				member := members(c.plans...)
				for _, pj := range a.Projects {
					for _, st := range pj.Participants {
						if !member[[2]string{pj.ID, st.Firm}] {
							t.Errorf("window of %s coalitions: %s: %s is a member in none of them", c.name, pj.ID, st.Firm)
						}
					}
				}
			}
		})
	}
}

// zOf is Z of plan a.
func zOf(t *testing.T, d *model.Derived, a *model.Assignment) float64 {
	t.Helper()
	_, z, err := d.Evaluate(a, model.MethodCluster)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// members returns the (opportunity, firm) pairs of the plans' coalitions.
func members(plans ...*model.Assignment) map[[2]string]bool {
	in := map[[2]string]bool{}
	for _, a := range plans {
		if a == nil {
			continue
		}
		for _, pj := range a.Projects {
			for _, st := range pj.Participants {
				in[[2]string{pj.ID, st.Firm}] = true
			}
		}
	}
	return in
}
