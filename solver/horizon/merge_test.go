package horizon

import (
	"math"
	"testing"

	"github.com/ofdi/ofdi/solver/glpk"
)

// merge puts the phases' best plan and bound into GLPK's result: the
// better plan wins, the bound is the higher one but never above the plan,
// and a plan the phases close within the gap is optimal with their bound
// (a search that ended before GLPK ran once reported it optimal with no
// bound at all).
func TestLargeSearchMerge(t *testing.T) {
	inf := math.Inf(-1)
	none := func() *glpk.Result {
		return &glpk.Result{Status: glpk.NoSolution, Objective: math.NaN(), Bound: inf}
	}
	for _, c := range []struct {
		name              string
		best              []float64 // the phases' plan; nil: none
		bestObj, bound    float64
		res               *glpk.Result
		status            glpk.Status
		objective, wantLB float64
		ours              bool // the result's X is the phases' plan
	}{
		{"closed before GLPK", []float64{1}, -100, -100.00005, none(), glpk.Optimal, -100, -100.00005, true},
		{"open, GLPK not run", []float64{1}, -100, -110, none(), glpk.Feasible, -100, -110, true},
		{"GLPK optimal and better", []float64{1}, -100, -110,
			&glpk.Result{Status: glpk.Optimal, HasSolution: true, X: []float64{2}, Objective: -105, Bound: -105}, glpk.Optimal, -105, -105, false},
		{"GLPK's bound, our plan", []float64{1}, -102, -110,
			&glpk.Result{Status: glpk.Feasible, HasSolution: true, X: []float64{2}, Objective: -101, Bound: -108}, glpk.Feasible, -102, -108, true},
		{"our bound above GLPK's", []float64{1}, -102, -104,
			&glpk.Result{Status: glpk.Feasible, HasSolution: true, X: []float64{2}, Objective: -101, Bound: -108}, glpk.Feasible, -102, -104, true},
		{"infeasible", nil, math.Inf(1), inf, &glpk.Result{Status: glpk.Infeasible, Objective: math.NaN(), Bound: inf}, glpk.Infeasible, math.NaN(), inf, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &largeSearch{best: c.best, bestObj: c.bestObj, bound: c.bound, gap: 1e-6}
			s.merge(c.res)
			r := c.res
			if r.Status != c.status {
				t.Errorf("status %v, want %v", r.Status, c.status)
			}
			if !math.IsNaN(c.objective) && (!r.HasSolution || r.Objective != c.objective) {
				t.Errorf("plan %v %g, want %g", r.HasSolution, r.Objective, c.objective)
			}
			if r.Bound != c.wantLB {
				t.Errorf("bound %g, want %g", r.Bound, c.wantLB)
			}
			if c.ours != (len(r.X) == 1 && r.X[0] == 1) {
				t.Errorf("X %v: the phases' plan %v", r.X, c.ours)
			}
			if r.HasSolution && r.Bound > r.Objective {
				t.Errorf("bound %g above the plan %g", r.Bound, r.Objective)
			}
		})
	}
}
