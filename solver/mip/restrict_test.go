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

// The cutoff row holds at a point of the restriction exactly when the full
// point's objective is at most the limit.
func TestAddCutoff(t *testing.T) {
	p := &Problem{Name: "cut", ObjConst: 1.5}
	for j, c := range []float64{2, 0, -1, 3} {
		p.AddCol(Col{Name: "c" + string(rune('a'+j)), Lo: 0, Hi: 4, Kind: Continuous, Obj: c})
	}
	p.AddRow(Row{Name: "r", Lo: math.Inf(-1), Hi: 5, Ind: []int{0, 1, 2, 3}, Val: []float64{1, 1, 1, 1}})
	base := []float64{1, 0, 2, 0}
	fixed := []bool{true, false, false, false}
	for _, tc := range []struct {
		limit float64
		x     []float64
	}{
		{2, []float64{1, 1, 2, 0}},
		{2, []float64{1, 3, 0, 1}},
		{7, []float64{1, 0, 0, 1.5}},
		{0, []float64{1, 0, 4, 0}},
		{1.4, []float64{1, 1, 2, 0}},
		{1.6, []float64{1, 1, 2, 0}},
		{-0.6, []float64{1, 2, 4, 0}},
	} {
		r := p.Restrict(fixed, base)
		if !r.AddCutoff(tc.limit) {
			t.Fatalf("limit %g: no cutoff row", tc.limit)
		}
		row := len(r.Problem.Rows) - 1
		holds := r.Problem.Activity(row, r.Project(tc.x)) <= r.Problem.Rows[row].Hi+1e-12
		if want := p.Objective(tc.x) <= tc.limit+1e-12; holds != want {
			t.Errorf("limit %g, x %v: cutoff holds %v, objective %g", tc.limit, tc.x, holds, p.Objective(tc.x))
		}
	}
	// Only a zero-objective column free: nothing can move the objective.
	r := p.Restrict([]bool{true, false, true, true}, base)
	if r.AddCutoff(0) {
		t.Error("a cutoff row over columns without objective")
	}
}
