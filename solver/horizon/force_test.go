package horizon_test

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/horizon"
)

// forceCases are small generated 3-period clusters (ofdi generate
// --periods 3).
func forceCases() []*model.Instance {
	var out []*model.Instance
	for seed := uint64(1); seed <= 4; seed++ {
		out = append(out, gen.Generate(gen.Config{Firms: 9 + int(seed), Opportunities: 8, Markets: 3, Seed: 300 + seed, Periods: 3}))
	}
	return out
}

// periodsOf returns the periods in which plan a starts opportunity id.
func periodsOf(a *model.Assignment, id string) []int {
	var out []int
	for _, pj := range a.Projects {
		if pj.ID == id {
			out = append(out, pj.Period)
		}
	}
	return out
}

// TestForce: on small generated 3-period clusters, for every opportunity
// the optimal plan leaves out, the optimum with it forced in is no better
// than the unforced optimum and takes it in exactly one period, plan
// checked; an opportunity no coalition can fund in any period is
// infeasible with its reason, without a solve; and CBC's optimum of the
// exported LP (with the row force_<opp>) is the same, on three forced
// solves per cluster (every one without -short).
func TestForce(t *testing.T) {
	_, cbcErr := exec.LookPath("cbc")
	dir := t.TempDir()
	forced, crossed := 0, 0
	for _, in := range forceCases() {
		t.Run(in.Name, func(t *testing.T) {
			base := solve(t, in)
			if base.Status != model.StatusOptimal {
				t.Fatalf("unforced status %s", base.Status)
			}
			tried := 0
			for p := range in.Opportunities {
				id := in.Opportunities[p].ID
				if len(periodsOf(base.Assignment, id)) > 0 {
					continue
				}
				res, err := horizon.Solve(context.Background(), in, horizon.Options{Force: []int{p}, TimeLimit: time.Minute})
				if err != nil {
					t.Fatal(err)
				}
				static := res.Formulation.Unfundable(p)
				switch {
				case len(static) > 0:
					if res.Status != model.StatusInfeasible || len(res.Explanation) != 1 || !strings.Contains(res.Explanation[0], id+" cannot be forced in") {
						t.Errorf("%s never fundable (%v): status %s, %v", id, static, res.Status, res.Explanation)
					}
					continue
				case res.Status == model.StatusOptimal:
					forced++
					checkPlan(t, in, res)
					if got := periodsOf(res.Assignment, id); len(got) != 1 {
						t.Errorf("%s forced in: started in periods %v", id, got)
					}
					if res.Objective < base.Objective-1e-6*math.Max(1, math.Abs(base.Objective)) {
						t.Errorf("%s forced in: Z %.9g below the unforced optimum %.9g", id, res.Objective, base.Objective)
					}
				case res.Status != model.StatusInfeasible:
					t.Fatalf("%s forced in: status %s", id, res.Status)
				}
				if cbcErr == nil && (!testing.Short() || tried < 3) {
					tried++
					crossed++
					crossForced(t, dir, in.Name+"-"+id, res)
				}
			}
		})
	}
	t.Logf("%d optimal forced solves, %d cross-checked with CBC", forced, crossed)
	if forced < 4 {
		t.Errorf("only %d optimal forced solves: the cases test little", forced)
	}
	if cbcErr == nil && crossed < 3 {
		t.Errorf("only %d forced solves cross-checked with CBC", crossed)
	}
}

// crossForced solves the exported LP of a forced solve with CBC: the same
// optimum, or infeasible too. The LP must carry the force row.
func crossForced(t *testing.T, dir, name string, res *horizon.Result) {
	t.Helper()
	path := filepath.Join(dir, name+".lp")
	var b strings.Builder
	if err := res.Formulation.Prob.WriteLP(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "force_") {
		t.Fatalf("%s: the LP lacks the force row", name)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	obj, ok := cbc(t, path)
	if ok != (res.Status == model.StatusOptimal) {
		t.Fatalf("%s: ofdi %s, cbc feasible %v", name, res.Status, ok)
	}
	if ok && !near(res.Objective, obj) {
		t.Errorf("%s: forced Z %.9g, cbc %.9g", name, res.Objective, obj)
	}
}

// TestForceRolling: the rolling horizon (the first plan of large models)
// takes a forced opportunity, or fails: on small 3-period clusters, for
// each opportunity left out by the rolling plan and fundable in some
// period, the forced rolling plan takes it in one period, completes into
// a solution of the MIP with the force row, and passes the checker.
func TestForceRolling(t *testing.T) {
	took := 0
	for _, in := range forceCases() {
		fm, err := horizon.Build(in)
		if err != nil {
			t.Fatal(err)
		}
		free, err := fm.RollingPlan(context.Background(), 0, 1e-6)
		if err != nil {
			t.Logf("%s: no rolling plan: %v", in.Name, err)
			continue
		}
		for p := range in.Opportunities {
			id := in.Opportunities[p].ID
			if len(periodsOf(free, id)) > 0 || len(fm.Unfundable(p)) > 0 {
				continue
			}
			ff, err := horizon.Build(in)
			if err != nil {
				t.Fatal(err)
			}
			if why := ff.Force([]int{p}); len(why) > 0 {
				t.Fatalf("%s: %v", id, why)
			}
			a, err := ff.RollingPlan(context.Background(), 0, 1e-6)
			if err != nil {
				t.Logf("%s %s: no forced rolling plan: %v", in.Name, id, err)
				continue
			}
			if got := periodsOf(a, id); len(got) != 1 {
				t.Fatalf("%s %s: forced rolling plan starts it in periods %v", in.Name, id, got)
			}
			x, err := ff.Columns(context.Background(), a, 0)
			if err != nil {
				t.Fatalf("%s %s: %v", in.Name, id, err)
			}
			took++
			checkPlan(t, in, &horizon.Result{Status: model.StatusFeasible, Objective: ff.Prob.Objective(x), Bound: math.Inf(-1), Assignment: ff.Decode(x)})
		}
	}
	t.Logf("%d forced rolling plans", took)
	if took < 4 {
		t.Errorf("only %d forced rolling plans", took)
	}
}

// TestForceLarge: on the 150 × 60 × 10 three-period cluster (the large
// path: rolling horizon, relaxation bound, neighbourhoods), an opportunity
// forced in is in the plan, in one period, plan checked; or the solve
// ends without a plan.
func TestForceLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large model")
	}
	in := large()
	free, err := horizon.Solve(context.Background(), in, horizon.Options{TimeLimit: 3 * time.Second})
	if err != nil || free.Assignment == nil {
		t.Fatalf("unforced: %v %v", free, err)
	}
	p := -1
	for q := range in.Opportunities {
		if len(periodsOf(free.Assignment, in.Opportunities[q].ID)) == 0 && len(free.Formulation.Unfundable(q)) == 0 {
			p = q
			break
		}
	}
	if p < 0 {
		t.Fatal("the 3 s plan takes every fundable opportunity")
	}
	id := in.Opportunities[p].ID
	res, err := horizon.Solve(context.Background(), in, horizon.Options{TimeLimit: 4 * time.Second, Force: []int{p}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("forced %s: %s Z %.4f bound %.4f (unforced %s Z %.4f)", id, res.Status, res.Objective, res.Bound, free.Status, free.Objective)
	if res.Assignment == nil {
		if res.Status != model.StatusNoSolution {
			t.Fatalf("forced %s: status %s without a plan", id, res.Status)
		}
		return
	}
	if got := periodsOf(res.Assignment, id); len(got) != 1 {
		t.Fatalf("forced %s: plan starts it in periods %v", id, got)
	}
	checkPlan(t, in, res)
}

// TestForceNeverFundable: an opportunity no firm can hold the minimum
// stake of in any period is refused before any solve, with the reason, and
// adds no row.
func TestForceNeverFundable(t *testing.T) {
	in := forceCases()[0]
	in.Opportunities[0].Cost = 1e7
	res, err := horizon.Solve(context.Background(), in, horizon.Options{Force: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	id := in.Opportunities[0].ID
	if res.Status != model.StatusInfeasible || len(res.Explanation) != 1 ||
		!strings.Contains(res.Explanation[0], id+" cannot be forced in: no coalition can fund it in any period it may start") ||
		!strings.Contains(res.Explanation[0], "(period") {
		t.Fatalf("status %s, %q", res.Status, res.Explanation)
	}
	for _, r := range res.Formulation.Prob.Rows {
		if strings.HasPrefix(r.Name, "force_") {
			t.Errorf("row %s added for a never fundable opportunity", r.Name)
		}
	}
	if _, err := horizon.Solve(context.Background(), in, horizon.Options{Force: []int{len(in.Opportunities)}}); err == nil {
		t.Error("an index out of range: no error")
	}
}

// TestForceAll: forcing in every opportunity some period can fund (more
// than budgets allow on most clusters) gives CBC's answer on the LP with
// the rows: infeasible with a reason, or the same optimum, plan checked.
func TestForceAll(t *testing.T) {
	if _, err := exec.LookPath("cbc"); err != nil {
		t.Skip("cbc not installed")
	}
	dir := t.TempDir()
	infeasible := 0
	for _, in := range forceCases() {
		fm, err := horizon.Build(in)
		if err != nil {
			t.Fatal(err)
		}
		var all []int
		for p := range in.Opportunities {
			if len(fm.Unfundable(p)) == 0 {
				all = append(all, p)
			}
		}
		res, err := horizon.Solve(context.Background(), in, horizon.Options{Force: all, TimeLimit: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		switch res.Status {
		case model.StatusInfeasible:
			infeasible++
		case model.StatusOptimal:
			checkPlan(t, in, res)
			if len(res.Assignment.Projects) != len(all) {
				t.Errorf("%s: %d projects, %d forced", in.Name, len(res.Assignment.Projects), len(all))
			}
		default:
			t.Fatalf("%s: status %s", in.Name, res.Status)
		}
		crossForced(t, dir, in.Name+"-all", res)
	}
	if infeasible == 0 {
		t.Error("no cluster is infeasible with everything forced in: the infeasible path is not tested")
	}
}

// TestForceStart: a forced solve given the unforced optimal plan as its
// start (Options.Start, as explain gives it) and a limit: the plan takes
// the forced opportunity once and passes the checker, and its Z is at
// least the forced optimum (TestForce's solve without a start); with a
// minute, both are optimal and equal.
func TestForceStart(t *testing.T) {
	started := 0
	for _, in := range forceCases() {
		base := solve(t, in)
		for p := range in.Opportunities {
			id := in.Opportunities[p].ID
			if len(periodsOf(base.Assignment, id)) > 0 {
				continue
			}
			cold, err := horizon.Solve(context.Background(), in, horizon.Options{Force: []int{p}})
			if err != nil {
				t.Fatal(err)
			}
			warm, err := horizon.Solve(context.Background(), in, horizon.Options{Force: []int{p}, Start: base.Assignment, TimeLimit: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if warm.Status != cold.Status || (cold.Assignment != nil && !near(warm.Objective, cold.Objective)) {
				t.Errorf("%s %s: with a start %s Z %g, without %s Z %g", in.Name, id, warm.Status, warm.Objective, cold.Status, cold.Objective)
			}
			if warm.Assignment == nil {
				continue
			}
			started++
			if got := periodsOf(warm.Assignment, id); len(got) != 1 {
				t.Errorf("%s %s: started in periods %v", in.Name, id, got)
			}
			checkPlan(t, in, warm)
		}
	}
	if started < 4 {
		t.Errorf("only %d forced solves with a start", started)
	}
}

// TestRepair: the unforced optimal plan repaired around each forced
// opportunity (the first plan of a forced solve with a start) is a
// solution of the MIP with the force row that takes it once, passes the
// checker, and is no better than the forced optimum.
func TestRepair(t *testing.T) {
	repaired := 0
	for _, in := range forceCases() {
		base := solve(t, in)
		for p := range in.Opportunities {
			id := in.Opportunities[p].ID
			if len(periodsOf(base.Assignment, id)) > 0 {
				continue
			}
			fm, err := horizon.Build(in)
			if err != nil {
				t.Fatal(err)
			}
			if why := fm.Force([]int{p}); len(why) > 0 {
				continue
			}
			x := fm.Repair(context.Background(), base.Assignment, 0)
			if x == nil {
				t.Logf("%s %s: no repair", in.Name, id)
				continue
			}
			repaired++
			if err := fm.Prob.CheckFeasible(x, 1e-6); err != nil {
				t.Fatalf("%s %s: %v", in.Name, id, err)
			}
			a := fm.Decode(x)
			if got := periodsOf(a, id); len(got) != 1 {
				t.Errorf("%s %s: repaired plan starts it in periods %v", in.Name, id, got)
			}
			z := fm.Prob.Objective(x)
			checkPlan(t, in, &horizon.Result{Status: model.StatusFeasible, Objective: z, Bound: math.Inf(-1), Assignment: a})
			opt, err := horizon.Solve(context.Background(), in, horizon.Options{Force: []int{p}})
			if err != nil {
				t.Fatal(err)
			}
			if opt.Status != model.StatusOptimal || z < opt.Objective-1e-6*math.Max(1, math.Abs(opt.Objective)) {
				t.Errorf("%s %s: repaired Z %g, forced optimum %s %g", in.Name, id, z, opt.Status, opt.Objective)
			}
		}
	}
	t.Logf("%d repaired plans", repaired)
	if repaired < 4 {
		t.Errorf("only %d repaired plans", repaired)
	}
}

// TestForceShortLimit: a forced solve whose limit ends during its first
// plan (or before) ends without an error, with a plan that takes the
// opportunity once and passes the checker, or with none.
func TestForceShortLimit(t *testing.T) {
	in := forceCases()[2]
	base := solve(t, in)
	p := -1
	for q := range in.Opportunities {
		if len(periodsOf(base.Assignment, in.Opportunities[q].ID)) == 0 && p < 0 {
			p = q
		}
	}
	if p < 0 {
		t.Fatal("the optimum takes every opportunity")
	}
	id := in.Opportunities[p].ID
	for _, limit := range []time.Duration{time.Nanosecond, time.Millisecond, 20 * time.Millisecond} {
		for _, start := range []*model.Assignment{nil, base.Assignment} {
			res, err := horizon.Solve(context.Background(), in, horizon.Options{Force: []int{p}, Start: start, TimeLimit: limit})
			if err != nil {
				t.Fatalf("limit %v, start %v: %v", limit, start != nil, err)
			}
			if res.Assignment == nil {
				if res.Status != model.StatusNoSolution {
					t.Errorf("limit %v: status %s without a plan", limit, res.Status)
				}
				continue
			}
			if got := periodsOf(res.Assignment, id); len(got) != 1 {
				t.Errorf("limit %v: %s started in periods %v", limit, id, got)
			}
			checkPlan(t, in, res)
		}
	}
}

// TestShortLimitNoError: a solve whose limit ends before branch and cut
// starts reports no_solution, not an error (explain's levers give the
// last solves what the total limit leaves).
func TestShortLimitNoError(t *testing.T) {
	res, err := horizon.Solve(context.Background(), forceCases()[2], horizon.Options{TimeLimit: time.Nanosecond})
	if err != nil || res.Status != model.StatusNoSolution {
		t.Fatalf("status %v, error %v", res, err)
	}
}
