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
			a := fm.BestAmong(context.Background(), []*model.Assignment{greedy, optimum}, time.Minute)
			if a == nil {
				t.Fatal("no plan in the window of the greedy's and the optimum's coalitions")
			}
			_, z, err := d.Evaluate(a, model.MethodCluster)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(z-opt) > 1e-6*math.Max(1, math.Abs(opt)) {
				t.Errorf("window Z %.6f, want the optimum %.6f", z, opt)
			}
			if greedy != nil {
				g := fm.BestAmong(context.Background(), []*model.Assignment{greedy}, time.Minute)
				if g == nil {
					t.Fatal("no plan in the window of the greedy's own coalitions")
				}
				_, zg, _ := d.Evaluate(greedy, model.MethodCluster)
				_, zw, _ := d.Evaluate(g, model.MethodCluster)
				if zw > zg+1e-6*math.Max(1, math.Abs(zg)) {
					t.Errorf("the greedy's window %.6f, worse than the greedy %.6f", zw, zg)
				}
				in := map[[2]string]bool{}
				for _, pj := range greedy.Projects {
					for _, st := range pj.Participants {
						in[[2]string{pj.ID, st.Firm}] = true
					}
				}
				for _, pj := range g.Projects {
					for _, st := range pj.Participants {
						if !in[[2]string{pj.ID, st.Firm}] {
							t.Errorf("greedy's window: %s: %s is not a member in the greedy's plan", pj.ID, st.Firm)
						}
					}
				}
			}
			member := map[[2]string]bool{}
			for _, p := range []*model.Assignment{greedy, optimum} {
				if p == nil {
					continue
				}
				for _, pj := range p.Projects {
					for _, st := range pj.Participants {
						member[[2]string{pj.ID, st.Firm}] = true
					}
				}
			}
			for _, pj := range a.Projects {
				for _, st := range pj.Participants {
					if !member[[2]string{pj.ID, st.Firm}] {
						t.Errorf("%s: %s is a member in neither plan", pj.ID, st.Firm)
					}
				}
			}
		})
	}
}
