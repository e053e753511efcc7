package mip

import (
	"math"
	"testing"
)

func TestRestrict(t *testing.T) {
	// min -x0 - 2 x1 - 3 x2, x0 + x1 + x2 <= 2, x0 - x2 >= 0, x binary.
	p := &Problem{Cols: []Col{{Name: "a", Kind: Binary, Obj: -1}, {Name: "b", Kind: Binary, Obj: -2}, {Name: "c", Kind: Binary, Obj: -3}},
		Rows: []Row{{Name: "cap", Lo: math.Inf(-1), Hi: 2, Ind: []int{0, 1, 2}, Val: []float64{1, 1, 1}},
			{Name: "link", Lo: 0, Hi: math.Inf(1), Ind: []int{0, 2}, Val: []float64{1, -1}},
			{Name: "only_a", Lo: 0, Hi: 1, Ind: []int{0}, Val: []float64{1}}}}
	r := p.Restrict([]bool{true, false, false}, []float64{1, 0, 0})
	if r.Problem == nil || len(r.Problem.Cols) != 2 || r.Problem.ObjConst != -1 {
		t.Fatalf("restriction %+v", r)
	}
	if len(r.Problem.Rows) != 2 || r.Problem.Rows[0].Hi != 1 || r.Problem.Rows[1].Lo != -1 {
		t.Fatalf("rows %+v", r.Problem.Rows)
	}
	x := r.Expand([]float64{0, 1})
	if x[0] != 1 || x[1] != 0 || x[2] != 1 || p.Objective(x) != -4 {
		t.Fatalf("expand %v", x)
	}
	if err := p.CheckFeasible(x, 1e-9); err != nil {
		t.Fatal(err)
	}
	if y := r.Project(x); y[0] != 0 || y[1] != 1 {
		t.Fatalf("project %v", y)
	}
	// Fixing a to 0 violates nothing; fixing a to 2 violates only_a.
	if r := p.Restrict([]bool{true, false, false}, []float64{2, 0, 0}); r.Infeasible != "only_a" {
		t.Fatalf("infeasible %q", r.Infeasible)
	}
}
