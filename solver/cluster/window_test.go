package cluster

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
)

// windowOptimum solves the window's MIP of a to optimality and returns the
// joined plan's objective, checked by the independent checker.
func windowOptimum(t *testing.T, st *Formulation, a *model.Assignment, win []bool) float64 {
	t.Helper()
	wfm, fixed := buildWindow(context.Background(), st, a, win, nil)
	if x := encodeWindow(wfm, a, win, fixed); x == nil {
		t.Errorf("the plan's window part breaks a row of the window's MIP")
	}
	if err := wfm.Prob.Validate(); err != nil {
		t.Fatal(err)
	}
	res, err := glpk.SolveMIP(context.Background(), wfm.Prob, glpk.Params{}, glpk.Callbacks{})
	if err != nil || !res.HasSolution || res.Status != glpk.Optimal {
		t.Fatalf("window MIP: %v, %+v", err, res)
	}
	z, err := verifyPlan(st.D, joinWindow(st.D, a, win, wfm, res.X))
	if err != nil {
		t.Fatalf("joined plan: %v", err)
	}
	return z
}

// The window MIP is exact: with every opportunity in the window (nothing
// fixed) its optimum is the whole model's; with half of them, around the
// optimal plan, the joined optimum is the whole optimum again (fixing the
// rest at the optimum keeps it, and nothing beats it); around the greedy
// plan it is no worse than the greedy plan. Every joined plan passes the
// independent checker.
func TestWindowExact(t *testing.T) {
	shapes := []string{"default", "tight-risk", "binding-targets", "scarce-pioneers", "mixed", "nonequity-heavy", "wide-capital", "tight-projects"}
	for i, shape := range shapes {
		inst := shaped(t, shape, 30, 16, 4, uint64(40+i))
		if i%2 == 0 {
			// Budgets that bind: a third of the capital, no credit line.
			for f := range inst.Firms {
				inst.Firms[f].Capital /= 3
			}
			inst.Policy.CreditLine = 0
		}
		d := model.Derive(inst)
		out, err := Solve(context.Background(), d, Params{})
		if err != nil {
			t.Fatal(err)
		}
		if !out.Optimal {
			t.Fatalf("%s: no optimum (infeasible %v)", shape, out.Infeasible)
		}
		_, zStar, err := d.Evaluate(out.Assignment, model.MethodCluster)
		if err != nil {
			t.Fatal(err)
		}
		st, err := BuildStructure(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		all, half := make([]bool, len(st.Y)), make([]bool, len(st.Y))
		for p := range all {
			all[p], half[p] = true, p%2 == 0
		}
		near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
		if z := windowOptimum(t, st, out.Assignment, all); !near(z, zStar) {
			t.Errorf("%s: whole window %.9g, optimum %.9g", shape, z, zStar)
		}
		if z := windowOptimum(t, st, out.Assignment, half); !near(z, zStar) {
			t.Errorf("%s: half window around the optimum %.9g, optimum %.9g", shape, z, zStar)
		}
		if g := Greedy(st); g != nil {
			zg, err := verifyPlan(d, g)
			if err != nil {
				t.Fatal(err)
			}
			if z := windowOptimum(t, st, g, half); z > zg+1e-6*math.Max(1, math.Abs(zg)) || z < zStar-1e-6*math.Max(1, math.Abs(zStar)) {
				t.Errorf("%s: half window around the greedy plan %.9g, greedy %.9g, optimum %.9g", shape, z, zg, zStar)
			}
			pool := &largePool{plan: g, z: zg, bound: math.Inf(-1)}
			st.improveLarge(context.Background(), pool, time.Time{})
			a, z := pool.best()
			if zc, err := verifyPlan(d, a); err != nil || !near(zc, z) || z > zg || z < zStar-1e-6*math.Max(1, math.Abs(zStar)) {
				t.Errorf("%s: improveLarge %.9g (checked %.9g, %v), greedy %.9g, optimum %.9g", shape, z, zc, err, zg, zStar)
			}
		}
	}
}
