package horizon

import (
	"context"
	"math"
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
)

// join adds a window's moves found from the rolling plan to another
// window's solution from the same plan (a 40-firm, 3-period cluster):
// every joined point satisfies every row and reports its objective, its
// integer columns each keep the start's value or take one of the two
// solutions', and at least one pair of windows joins to a point better
// than either alone.
func TestJoin(t *testing.T) {
	fm, err := Build(gen.Generate(gen.Config{Firms: 40, Opportunities: 20, Markets: 5, Seed: 1, Periods: 3}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h := newHoods(fm)
	_, x := rollingColumns(t, fm)
	z := fm.Prob.Objective(x)
	var ys [][]float64
	for _, w := range h.windows {
		if y, _ := h.solve(ctx, w, x, z, hoodLimit); y != nil {
			ys = append(ys, y)
		}
	}
	if len(ys) < 2 {
		t.Fatalf("%d windows improve the rolling plan: the test checks nothing", len(ys))
	}
	better := 0
	for a := range ys {
		for b := range ys {
			if a == b {
				continue
			}
			j, jz := join(ctx, fm.Prob, x, ys[b], ys[a], hoodLimit)
			if j == nil {
				continue
			}
			if err := fm.Prob.CheckFeasible(j, columnTol); err != nil {
				t.Fatalf("join of %d onto %d: %v", b, a, err)
			}
			if got := fm.Prob.Objective(j); math.Abs(got-jz) > 1e-6*math.Max(1, math.Abs(got)) {
				t.Fatalf("join of %d onto %d reports %.6f, its point %.6f", b, a, jz, got)
			}
			for k, c := range fm.Prob.Cols {
				if !c.Kind.IsInteger() {
					continue
				}
				if math.Abs(j[k]-x[k]) > 0.5 && math.Abs(j[k]-ys[a][k]) > 0.5 && math.Abs(j[k]-ys[b][k]) > 0.5 {
					t.Fatalf("join of %d onto %d: %s = %g is in neither solution nor the start", b, a, c.Name, j[k])
				}
			}
			if za, zb := fm.Prob.Objective(ys[a]), fm.Prob.Objective(ys[b]); jz < math.Min(za, zb)-1e-6*math.Max(1, math.Abs(jz)) {
				better++
			}
		}
	}
	t.Logf("%d windows improve Z %.2f; %d joins beat both their solutions", len(ys), z, better)
	if better == 0 {
		t.Error("no join beats both its solutions")
	}
}
