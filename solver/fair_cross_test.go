package solver_test

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/cluster"
)

// TestFairMatchesCBC: on generated small clusters, with --sharing stakes,
// (a) the optimum ofdi reports equals CBC's on the exported model with
// rows 16, its plan passes the checker with every firm at or above its
// outside option, its price of fairness equals the difference of CBC's two
// optima, and the Lagrangian bound stays below the optimum; (b) with the
// outside options raised (by half their size, so that rows 16
// bind, and some clusters become infeasible) cluster.Solve agrees with CBC on the optimum or on
// infeasibility, and the Lagrangian bound stays below the optimum.
func TestFairMatchesCBC(t *testing.T) {
	cbc, err := exec.LookPath("cbc")
	if err != nil {
		t.Fatal("cbc not found: install coinor-cbc (the README's setup does)")
	}
	cases := crossCases()
	if testing.Short() {
		cases = cases[:6]
	}
	dir := t.TempDir()
	binding, infeasible, priced := 0, 0, 0
	for _, cfg := range cases {
		name := fmt.Sprintf("gen-%dx%dx%d-s%d", cfg.Firms, cfg.Opportunities, cfg.Markets, cfg.Seed)
		t.Run(name, func(t *testing.T) {
			inst := gen.Generate(cfg)
			d := model.Derive(inst)
			outside, err := solver.OutsideOptions(d)
			if err != nil {
				t.Fatal(err)
			}
			res, err := solver.Solve(context.Background(), inst, solver.Options{TimeLimit: 2 * time.Minute, Sharing: model.SharingStakes})
			if err != nil {
				t.Fatal(err)
			}
			want, ok := cbcFair(t, cbc, d, outside, filepath.Join(dir, name+".lp"))
			if !ok {
				t.Fatalf("cbc: the model with the true outside options is infeasible (the independent plan meets them)")
			}
			if res.Status != solver.Optimal || !close(res.Objective, want) {
				t.Fatalf("ofdi %s %.9g, cbc optimum %.9g", res.Status, res.Objective, want)
			}
			plan := res.Plan()
			if rep := check.Check(inst, plan, check.Options{RequireAccounts: true}); !rep.OK() {
				t.Fatalf("checker: %v", rep.Err())
			}
			for _, f := range res.Firms {
				if f.StakeReturn < f.OutsideOption-1e-6*math.Max(1, math.Abs(f.OutsideOption)) {
					t.Errorf("firm %s returns %g, below its outside option %g", f.ID, f.StakeReturn, f.OutsideOption)
				}
			}
			plain, _ := cbcFair(t, cbc, d, nil, filepath.Join(dir, name+".plain.lp"))
			if !res.HasPriceOfFairness || math.Abs(res.PriceOfFairness-(want-plain)) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("price of fairness %g (known %v), cbc %g", res.PriceOfFairness, res.HasPriceOfFairness, want-plain)
			}
			if want-plain > 1e-6 {
				priced++
			}
			lagBelow(t, d, outside, want)

			raised := make([]float64, len(outside))
			for f, o := range outside {
				raised[f] = o + math.Abs(o)*raise
			}
			want, ok = cbcFair(t, cbc, d, raised, filepath.Join(dir, name+".raised.lp"))
			out, err := cluster.Solve(context.Background(), d, cluster.Params{TimeLimit: time.Minute, Outside: raised})
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				infeasible++
				if !out.Infeasible || len(out.Explanation) == 0 {
					t.Errorf("raised: cbc says infeasible, ofdi infeasible %v (%q)", out.Infeasible, out.Explanation)
				}
				return
			}
			binding++
			if out.Assignment == nil || !out.Optimal {
				t.Fatalf("raised: ofdi found no optimum (infeasible %v: %q), cbc %.9g", out.Infeasible, out.Explanation, want)
			}
			_, z, err := d.Evaluate(out.Assignment, model.MethodCluster)
			if err != nil {
				t.Fatal(err)
			}
			if !close(z, want) {
				t.Errorf("raised: ofdi %.9g, cbc %.9g", z, want)
			}
			lagBelow(t, d, raised, want)
		})
	}
	t.Logf("%d clusters: %d with a price of fairness > 0; raised outside options: %d feasible, %d infeasible", len(cases), priced, binding, infeasible)
}

// raise is the share by which TestFairMatchesCBC raises outside options.
const raise = 0.5

// lagBelow fails when the Lagrangian bound of d's model with rows 16 for
// outside exceeds the optimum opt.
func lagBelow(t *testing.T, d *model.Derived, outside []float64, opt float64) {
	t.Helper()
	fm, err := cluster.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	fm.Fair(outside)
	b := fm.LagrangianBound(context.Background(), opt, true, time.Now().Add(5*time.Second))
	if b > opt+1e-6*math.Max(1, math.Abs(opt)) {
		t.Errorf("Lagrangian bound %.9g above the optimum %.9g", b, opt)
	}
}

// cbcFair writes d's model, with rows 16 for outside when not nil, to lp
// and solves it with CBC: the proven optimum, or false when CBC proves it
// infeasible.
func cbcFair(t *testing.T, cbc string, d *model.Derived, outside []float64, lp string) (float64, bool) {
	t.Helper()
	fm, err := cluster.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	if outside != nil {
		fm.Fair(outside)
	}
	writeLP(t, fm.Prob, lp)
	return cbcSolve(t, cbc, lp)
}
