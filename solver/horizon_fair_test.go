package solver_test

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/horizon"
)

// TestHorizonFairMatchesCBC: on generated small 3-period clusters, with
// --sharing stakes, (a) ofdi's optimum equals CBC's on the exported
// multi-period model with rows 16, or both find it infeasible; the plan
// passes the checker (row 16 included) and its price of fairness is the
// difference of CBC's two optima; (b) with the outside options raised by
// half their size (so that rows 16 bind, and some clusters become
// infeasible) horizon.Solve agrees with CBC on the optimum or on
// infeasibility.
func TestHorizonFairMatchesCBC(t *testing.T) {
	cbc, err := exec.LookPath("cbc")
	if err != nil {
		t.Fatal("cbc not found: install coinor-cbc (the README's setup does)")
	}
	n := 12
	if testing.Short() {
		n = 4
	}
	dir := t.TempDir()
	optimal, binding, infeasible, priced := 0, 0, 0, 0
	for seed := uint64(1); seed <= uint64(n); seed++ {
		inst := gen.Generate(gen.Config{Firms: 8 + int(seed%5), Opportunities: 6 + int(seed%4), Markets: 3, Seed: 40 + seed, Periods: 3})
		t.Run(inst.Name, func(t *testing.T) {
			d := model.Derive(inst)
			outside, err := solver.OutsideOptions(d)
			if err != nil {
				t.Fatal(err)
			}
			res, err := solver.Solve(context.Background(), inst, solver.Options{TimeLimit: time.Minute, Sharing: model.SharingStakes})
			if err != nil {
				t.Fatal(err)
			}
			want, ok := cbcHorizon(t, cbc, inst, outside, filepath.Join(dir, inst.Name+".lp"))
			if !ok {
				if res.Status != solver.Infeasible {
					t.Fatalf("cbc: infeasible, ofdi %s", res.Status)
				}
				return
			}
			optimal++
			if res.Status != solver.Optimal || !close(res.Objective, want) {
				t.Fatalf("ofdi %s %.9g, cbc optimum %.9g", res.Status, res.Objective, want)
			}
			plan := res.Plan()
			if plan.Sharing != model.SharingStakes {
				t.Errorf("sharing %q, want stakes", plan.Sharing)
			}
			if rep := check.Check(inst, plan, check.Options{RequireAccounts: true}); !rep.OK() {
				t.Fatalf("checker: %v", rep.Err())
			}
			for _, f := range res.Firms {
				if f.StakeReturn < f.OutsideOption-1e-6*math.Max(1, math.Abs(f.OutsideOption)) || f.Transfer != 0 {
					t.Errorf("firm %s returns %g, outside option %g, transfer %g", f.ID, f.StakeReturn, f.OutsideOption, f.Transfer)
				}
			}
			plain, _ := cbcHorizon(t, cbc, inst, nil, filepath.Join(dir, inst.Name+".plain.lp"))
			if !res.HasPriceOfFairness || math.Abs(res.PriceOfFairness-(want-plain)) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("price of fairness %g (known %v), cbc %g", res.PriceOfFairness, res.HasPriceOfFairness, want-plain)
			}
			if want-plain > 1e-6 {
				priced++
			}

			raised := make([]float64, len(outside))
			for f, o := range outside {
				raised[f] = o + math.Abs(o)*raise
			}
			want, ok = cbcHorizon(t, cbc, inst, raised, filepath.Join(dir, inst.Name+".raised.lp"))
			hr, err := horizon.Solve(context.Background(), inst, horizon.Options{TimeLimit: time.Minute, Outside: raised})
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				infeasible++
				if hr.Status != model.StatusInfeasible {
					t.Errorf("raised: cbc says infeasible, ofdi %s", hr.Status)
				}
				return
			}
			binding++
			if hr.Status != model.StatusOptimal || !close(hr.Objective, want) {
				t.Fatalf("raised: ofdi %s %.9g, cbc %.9g", hr.Status, hr.Objective, want)
			}
		})
	}
	if optimal < n/2 {
		t.Errorf("only %d of %d clusters feasible under stakes: the cross-check checks too little", optimal, n)
	}
	t.Logf("%d clusters: %d optimal under stakes, %d with a price of fairness > 0; raised outside options: %d feasible, %d infeasible",
		n, optimal, priced, binding, infeasible)
}

// cbcHorizon writes inst's multi-period model, with rows 16 for outside
// when not nil, to lp and solves it with CBC: the proven optimum, or false
// when CBC proves it infeasible.
func cbcHorizon(t *testing.T, cbc string, inst *model.Instance, outside []float64, lp string) (float64, bool) {
	t.Helper()
	fm, err := horizon.Build(inst)
	if err != nil {
		t.Fatal(err)
	}
	if outside != nil {
		fm.Fair(outside) // the rows are written even when it finds them unmatchable
	}
	writeLP(t, fm.Prob, lp)
	return cbcSolve(t, cbc, lp)
}
