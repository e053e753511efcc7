package cluster

import (
	"context"
	"math"
	"reflect"
	"runtime"
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
		res := fm.lagrangian(context.Background(), upper, true, time.Time{}, lagHooks{report: func(has bool, inc, b float64) {
			if !has {
				t.Errorf("seed %d: report without an incumbent though one was given", seed)
			}
			bounds, incs = append(bounds, b), append(incs, inc)
		}})
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

// Spreading an evaluation of the relaxation over several cores gives
// exactly the values, choices and subgradient data of one core (run with
// -race, this also checks that the opportunities share nothing).
func TestLagrangianParallel(t *testing.T) {
	inst := gen.Generate(gen.Config{Firms: 40, Opportunities: 2 * lagParallelMin, Markets: 5, Seed: 901})
	fm, err := Build(model.Derive(inst))
	if err != nil {
		t.Fatal(err)
	}
	eval := func(procs int) primal {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		lg := newLagrangian(fm)
		for f := range lg.firms {
			lg.mu[f], lg.rho[f], lg.theta[f] = 0.01*float64(f%7), 0.02*float64(f%5), 0.5*float64(f%3)
		}
		lg.phi, lg.zeta = 0.3, 0.2
		return lg.evaluate()
	}
	one, many := eval(1), eval(4)
	if len(one.vals) < lagParallelMin {
		t.Fatalf("%d opportunities, want at least %d for the parallel path", len(one.vals), lagParallelMin)
	}
	if !reflect.DeepEqual(one, many) {
		t.Errorf("one core: value %.9g, %d vals; four: value %.9g (evaluations differ)", one.value, len(one.vals), many.value)
	}
}

// With a deadline, a Lagrangian run whose step vanishes before it restarts
// from its best multipliers while each run pays: its bound is never below
// the single run's (no deadline), stays below the best plan known, and
// on clusters with tight risk limits, where the dual climbs slowly, the
// restarts raise it.
func TestLagrangianRestarts(t *testing.T) {
	shape, err := gen.Preset("tight-risk")
	if err != nil {
		t.Fatal(err)
	}
	raised := 0
	for seed := uint64(1); seed <= 4; seed++ {
		d := model.Derive(gen.Generate(gen.Config{Firms: 80, Opportunities: 30, Markets: 6, Seed: 300 + seed, Shape: shape}))
		fm, x := greedyStart(t, d)
		upper := fm.Objective(x)
		single := fm.lagrangian(context.Background(), upper, true, time.Time{}, lagHooks{})
		restarted := fm.lagrangian(context.Background(), upper, true, time.Now().Add(time.Hour), lagHooks{})
		tol := 1e-9 * math.Max(1, math.Abs(upper))
		if restarted.Bound < single.Bound-tol {
			t.Errorf("seed %d: bound with restarts %.6f below the single run's %.6f", seed, restarted.Bound, single.Bound)
		}
		for _, r := range []LagrangianResult{single, restarted} {
			if r.Bound > upper+tol || (r.Plan != nil && r.Bound > r.Objective+tol) {
				t.Errorf("seed %d: bound %.6f above a plan (%.6f, heuristic %.6f)", seed, r.Bound, upper, r.Objective)
			}
		}
		t.Logf("seed %d: single %.4f, restarts %.4f, plan %.4f", seed, single.Bound, restarted.Bound, upper)
		if restarted.Bound > single.Bound+tol {
			raised++
		}
	}
	if raised == 0 {
		t.Errorf("the restarts raised no bound")
	}
}
