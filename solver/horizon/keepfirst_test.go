package horizon

import (
	"math"
	"testing"

	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

// TestKeepFirst: the first plan of a forced solve replaces GLPK's result
// only when GLPK has none or a worse one; the status is feasible unless
// GLPK's bound closes the gap, and a bound GLPK could not have (infeasible,
// above the plan) does not survive.
func TestKeepFirst(t *testing.T) {
	fm := &Formulation{Prob: &mip.Problem{Cols: []mip.Col{{Name: "a", Hi: 1, Obj: -10}}}}
	x := []float64{1} // Z = -10
	for _, c := range []struct {
		name      string
		in        glpk.Result
		status    glpk.Status
		obj, bnd  float64
		keepsGLPK bool
	}{
		{"no plan, bound below", glpk.Result{Status: glpk.NoSolution, Bound: -12}, glpk.Feasible, -10, -12, false},
		{"no plan, bound closes", glpk.Result{Status: glpk.NoSolution, Bound: -10}, glpk.Optimal, -10, -10, false},
		{"no plan, no bound", glpk.Result{Status: glpk.NoSolution, Bound: math.Inf(-1)}, glpk.Feasible, -10, math.Inf(-1), false},
		{"infeasible", glpk.Result{Status: glpk.Infeasible, Bound: math.Inf(1)}, glpk.Feasible, -10, math.Inf(-1), false},
		{"worse plan", glpk.Result{Status: glpk.Feasible, HasSolution: true, Objective: -8, X: []float64{0.8}, Bound: -11}, glpk.Feasible, -10, -11, false},
		{"better plan", glpk.Result{Status: glpk.Optimal, HasSolution: true, Objective: -11, X: []float64{1.1}, Bound: -11}, glpk.Optimal, -11, -11, true},
	} {
		gr := c.in
		fm.keepFirst(&gr, x, 1e-6)
		if gr.Status != c.status || gr.Objective != c.obj || gr.Bound != c.bnd || !gr.HasSolution || (gr.X[0] == x[0]) == c.keepsGLPK {
			t.Errorf("%s: %v Z %g bound %g x %v", c.name, gr.Status, gr.Objective, gr.Bound, gr.X)
		}
	}
}
