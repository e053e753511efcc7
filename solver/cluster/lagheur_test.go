package cluster

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// The Lagrangian phase reports as it goes: bounds never decrease, the
// last one is the bound it returns, and the incumbent reported is the
// known plan or the heuristic's better one, never below a bound.
func TestLagrangianReports(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		fm, x := greedyStart(t, model.Derive(gen.Generate(gen.Config{Firms: 24, Opportunities: 14, Markets: 4, Seed: 800 + seed})))
		upper := fm.Objective(x)
		var bounds, incs []float64
		res := fm.lagrangian(context.Background(), upper, true, time.Time{}, func(has bool, inc, b float64) {
			if !has {
				t.Errorf("seed %d: report without an incumbent though one was given", seed)
			}
			bounds, incs = append(bounds, b), append(incs, inc)
		})
		if len(bounds) == 0 {
			t.Fatalf("seed %d: no report", seed)
		}
		tol := 1e-6 * math.Max(1, math.Abs(upper))
		for i := range bounds {
			if i > 0 && (bounds[i] < bounds[i-1] || incs[i] > incs[i-1]) {
				t.Errorf("seed %d: report %d went back: bound %.6f after %.6f, incumbent %.6f after %.6f", seed, i, bounds[i], bounds[i-1], incs[i], incs[i-1])
			}
			if incs[i] > upper+tol || bounds[i] > incs[i]+tol {
				t.Errorf("seed %d: report %d: bound %.6f, incumbent %.6f, known plan %.6f", seed, i, bounds[i], incs[i], upper)
			}
		}
		if last := bounds[len(bounds)-1]; last != res.Bound {
			t.Errorf("seed %d: last reported bound %.9g, returned %.9g", seed, last, res.Bound)
		}
		if res.Plan != nil && res.Objective < upper && incs[len(incs)-1] != res.Objective {
			t.Errorf("seed %d: last reported incumbent %.9g, heuristic plan %.9g", seed, incs[len(incs)-1], res.Objective)
		}
	}
}
