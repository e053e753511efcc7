package cluster_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/baseline"
	"github.com/ofdi/ofdi/solver/cluster"
	"github.com/ofdi/ofdi/solver/glpk"
)

// outsideOptions runs the independent baseline of d for o_f.
func outsideOptions(t *testing.T, d *model.Derived) []float64 {
	t.Helper()
	p, err := baseline.Run(d, model.MethodIndependent)
	if err != nil {
		t.Fatal(err)
	}
	o, err := d.OutsideOptions(p.Plan)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestFairGreedyAndBound: with rows 16 (the true outside options, and
// the same raised by a fifth), on the Lagrangian test clusters, the
// greedy's plan (when it returns one) meets every row, it returns one
// whenever the outside options are the true ones (the independent plan
// meets them, so a plan exists), and the Lagrangian bound with its ν
// multipliers stays below GLPK's optimum.
func TestFairGreedyAndBound(t *testing.T) {
	found, feasible := 0, 0
	for _, c := range lagCases() {
		for _, raise := range []float64{0, 0.2} {
			d := model.Derive(c.inst)
			outside := outsideOptions(t, d)
			for f, o := range outside {
				outside[f] = o + raise*math.Abs(o)
			}
			fm, err := cluster.Build(d)
			if err != nil {
				t.Fatal(err)
			}
			if why := fm.Fair(outside); len(why) > 0 {
				if raise == 0 {
					t.Errorf("%s: true outside options statically infeasible: %q", c.name, why)
				}
				continue
			}
			res, err := glpk.SolveMIP(context.Background(), fm.Prob,
				glpk.Params{TimeLimit: time.Minute, MIRCuts: true, CoverCuts: true}, glpk.Callbacks{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status == glpk.Infeasible {
				if raise == 0 {
					t.Errorf("%s: true outside options infeasible", c.name)
				}
				continue
			}
			if res.Status != glpk.Optimal {
				t.Fatalf("%s: GLPK status %v", c.name, res.Status)
			}
			feasible++
			opt := res.Objective
			if a := cluster.Greedy(fm); a != nil {
				x, err := fm.Encode(a)
				if err != nil {
					t.Fatal(err)
				}
				if v := fm.Violations(x, 1e-7); len(v) > 0 {
					t.Errorf("%s +%g: greedy plan violates %q", c.name, raise, v)
				}
				found++
			} else if raise == 0 {
				t.Errorf("%s: the greedy finds no plan that meets the true outside options", c.name)
			}
			b := fm.LagrangianBound(context.Background(), opt, true, time.Now().Add(5*time.Second))
			if b > opt+1e-6*math.Max(1, math.Abs(opt)) {
				t.Errorf("%s +%g: Lagrangian bound %.9g above the optimum %.9g", c.name, raise, b, opt)
			}
		}
	}
	t.Logf("greedy plans on %d of %d feasible models", found, feasible)
}
