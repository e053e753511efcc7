package horizon_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/horizon"
)

// TestRollingPlanFits: on small generated 3-period clusters and the
// bundled jiangsu-3-periods, the rolling horizon's plan completes into a
// solution of the multi-period MIP (every row within 1e-6), the MIP's
// value of it is the plan's Z recomputed by the model, it passes the
// independent checker, and it is no better than the optimum.
func TestRollingPlanFits(t *testing.T) {
	var cases []*model.Instance
	for seed := uint64(1); seed <= 12; seed++ {
		cases = append(cases, threePeriods(small(100+seed, 8+int(seed%5), 6+int(seed%4)), seed))
	}
	data, err := instances.Files.ReadFile("jiangsu-3-periods.json")
	if err != nil {
		t.Fatal(err)
	}
	j3, err := model.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, j3)
	planned := 0
	for _, in := range cases {
		t.Run(in.Name, func(t *testing.T) {
			fm, err := horizon.Build(in)
			if err != nil {
				t.Fatal(err)
			}
			a, err := fm.RollingPlan(context.Background(), 0, 1e-6)
			if err != nil {
				t.Logf("no rolling plan: %v", err)
				return
			}
			planned++
			x, err := fm.Columns(context.Background(), a, 0)
			if err != nil {
				t.Fatal(err)
			}
			zMIP := fm.Prob.Objective(x)
			res := &horizon.Result{Status: model.StatusFeasible, Objective: zMIP, Bound: math.Inf(-1), Assignment: fm.Decode(x)}
			checkPlan(t, in, res)
			_, z, _, err := model.Derive(in).EvaluateHorizon(a, model.MethodCluster)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(z-zMIP) > 1e-5*math.Max(1, math.Abs(z)) {
				t.Errorf("plan Z = %.9g, MIP value of its columns %.9g", z, zMIP)
			}
			if in.Name == j3.Name || testing.Short() {
				if zMIP < -1366.3-0.05 && in.Name == j3.Name {
					t.Errorf("rolling Z %.4f below the proven optimum -1366.3", zMIP)
				}
				t.Logf("%s: rolling Z %.4f", in.Name, zMIP)
				return
			}
			opt := solve(t, in)
			if opt.Status != model.StatusOptimal || zMIP < opt.Objective-1e-6*math.Max(1, math.Abs(opt.Objective)) {
				t.Errorf("rolling Z %.6f, optimum %s %.6f", zMIP, opt.Status, opt.Objective)
			}
			t.Logf("%s: rolling Z %.4f, optimum %.4f", in.Name, zMIP, opt.Objective)
		})
	}
	if planned < len(cases)/2 {
		t.Errorf("rolling plans on %d of %d clusters", planned, len(cases))
	}
}

// TestRelaxedBound: the one-period relaxation's bound is at most the
// multi-period optimum (CBC-checked in TestCrossCheckCBC) on small
// generated 3-period clusters and on jiangsu-3-periods (-1366.3).
func TestRelaxedBound(t *testing.T) {
	data, err := instances.Files.ReadFile("jiangsu-3-periods.json")
	if err != nil {
		t.Fatal(err)
	}
	j3, err := model.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	fm, err := horizon.Build(j3)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := fm.RelaxedBound(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !(b <= -1366.3+0.05) || math.IsInf(b, 0) {
		t.Errorf("jiangsu-3-periods: relaxed bound %.4f above the optimum -1366.3", b)
	}
	t.Logf("jiangsu-3-periods: relaxed bound %.4f, optimum -1366.3", b)
	if testing.Short() {
		return
	}
	for seed := uint64(1); seed <= 8; seed++ {
		in := threePeriods(small(100+seed, 8+int(seed%5), 6+int(seed%4)), seed)
		opt := solve(t, in)
		if opt.Status != model.StatusOptimal {
			continue
		}
		b, _, err := opt.Formulation.RelaxedBound(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if b > opt.Objective+1e-6*math.Max(1, math.Abs(opt.Objective)) {
			t.Errorf("%s: relaxed bound %.6f above the optimum %.6f", in.Name, b, opt.Objective)
		}
		t.Logf("%s: relaxed bound %.4f, optimum %.4f", in.Name, b, opt.Objective)
	}
}

// fairModel builds the multi-period MIP of in with the rows 16 of the
// outside options of its horizon independent baseline.
func fairModel(t *testing.T, in *model.Instance) *horizon.Formulation {
	t.Helper()
	outside, err := solver.OutsideOptions(model.Derive(in))
	if err != nil {
		t.Fatal(err)
	}
	fm, err := horizon.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if why := fm.Fair(outside); len(why) > 0 {
		t.Fatalf("%s: Fair: %v (the independent plan meets every outside option)", in.Name, why)
	}
	return fm
}

// TestRollingPlanFair: with rows 16 in the MIP (the outside options of
// the horizon independent baseline), the rolling horizon's plan either
// completes into a solution of the MIP, row 16 included, which the checker
// accepts under sharing stakes, or is refused with ErrPlanDoesNotFit (the
// large path then drops it).
func TestRollingPlanFair(t *testing.T) {
	fits, dropped := 0, 0
	for seed := uint64(1); seed <= 8; seed++ {
		in := threePeriods(small(100+seed, 8+int(seed%5), 6+int(seed%4)), seed)
		fm := fairModel(t, in)
		a, err := fm.RollingPlan(context.Background(), 0, 1e-6)
		if err != nil {
			t.Logf("%s: no rolling plan: %v", in.Name, err)
			continue
		}
		x, err := fm.Columns(context.Background(), a, 0)
		if errors.Is(err, horizon.ErrPlanDoesNotFit) {
			dropped++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		fits++
		res := &horizon.Result{Status: model.StatusFeasible, Objective: fm.Prob.Objective(x), Bound: math.Inf(-1), Assignment: fm.Decode(x)}
		checkShared(t, in, res, model.SharingStakes)
	}
	if fits != 8 {
		t.Errorf("%d of 8 rolling plans fit the rows 16 (%d dropped); the baseline's projects, kept in their periods, should make every one fit", fits, dropped)
	}
}

// TestRollingPlanFairLarge: on the large three-period cluster, with its
// targets, the rolling horizon under rows 16 gives a plan that completes
// into a solution of the MIP and passes the checker under sharing stakes
// (blind to row 16, it broke a row there, and the solve ended with no plan).
func TestRollingPlanFairLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large model")
	}
	in := large()
	fm := fairModel(t, in)
	a, err := fm.RollingPlan(context.Background(), 6*time.Second, 0)
	if err != nil {
		t.Fatal(err)
	}
	x, err := fm.Columns(context.Background(), a, 0)
	if err != nil {
		t.Fatal(err)
	}
	res := &horizon.Result{Status: model.StatusFeasible, Objective: fm.Prob.Objective(x), Bound: math.Inf(-1), Assignment: fm.Decode(x)}
	checkShared(t, in, res, model.SharingStakes)
}
