package cluster

import (
	"context"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
)

func largeTestInstances(t *testing.T) map[string]*model.Instance {
	t.Helper()
	out := map[string]*model.Instance{}
	for _, name := range []string{"tiny", "jiangsu-electronics", "infeasible-target"} {
		inst, err := model.LoadFile("../../instances/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		out[name] = inst
	}
	for _, c := range []gen.Config{
		{Firms: 30, Opportunities: 20, Markets: 5, Seed: 1},
		{Firms: 30, Opportunities: 20, Markets: 5, Seed: 2},
		{Firms: 40, Opportunities: 25, Markets: 5, Seed: 4},
		{Firms: 150, Opportunities: 60, Markets: 10, Seed: 3},
	} {
		inst := gen.Generate(c)
		out[inst.Name] = inst
	}
	return out
}

// BuildStructure runs the same construction as Build without storing the
// MIP: the same index fields, and Size is the MIP's exact size.
func TestBuildStructureMatchesBuild(t *testing.T) {
	for name, inst := range largeTestInstances(t) {
		d := model.Derive(inst)
		full, err := Build(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		lean, err := BuildStructure(context.Background(), d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if lean.Prob != nil {
			t.Errorf("%s: BuildStructure wrote a MIP", name)
		}
		want := Size{Cols: len(full.Prob.Cols), Binaries: full.Prob.NumBinaries(), Rows: len(full.Prob.Rows)}
		if lean.Size != want || full.Size != want {
			t.Errorf("%s: sizes: structure %+v, full %+v, MIP %+v", name, lean.Size, full.Size, want)
		}
		for field, pair := range map[string][2]any{
			"Y": {lean.Y, full.Y}, "U": {lean.U, full.U}, "Pairs": {lean.Pairs, full.Pairs}, "C": {lean.C, full.C},
			"Eta": {lean.Eta, full.Eta}, "T": {lean.T, full.T}, "Z": {lean.Z, full.Z}, "E": {lean.E, full.E},
			"Reason": {lean.Reason, full.Reason}, "Gain": {lean.Gain, full.Gain}, "CreditCap": {lean.CreditCap, full.CreditCap},
		} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Errorf("%s: %s differs between BuildStructure and Build", name, field)
			}
		}
		for p, y := range full.Y {
			if y != none && full.Gain[p] != -full.Prob.Cols[y].Obj {
				t.Errorf("%s: Gain[%d] = %g, objective of y %g", name, p, full.Gain[p], full.Prob.Cols[y].Obj)
			}
		}
		for f, c := range full.C {
			if c != none && full.CreditCap[f] != full.Prob.Cols[c].Hi {
				t.Errorf("%s: CreditCap[%d] = %g, c's bound %g", name, f, full.CreditCap[f], full.Prob.Cols[c].Hi)
			}
		}
	}
}

// The large-size path reports a plan at least as good as the greedy plan
// of the full formulation, a bound between the uncoupled bound and the
// plan, and progress when the greedy starts and when the plan is known.
func TestSolveLargeImprovesGreedy(t *testing.T) {
	plans := 0
	defer func() {
		if plans < 5 {
			t.Errorf("only %d plans: the test checks too little", plans)
		}
	}()
	for name, inst := range largeTestInstances(t) {
		d := model.Derive(inst)
		full, err := Build(d)
		if err != nil {
			t.Fatal(err)
		}
		want := Greedy(full)
		lean, err := BuildStructure(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		var reports []Report
		report := func(phase Phase, has bool, inc, bound float64) {
			reports = append(reports, Report{Phase: phase, HasIncumbent: has, Incumbent: inc, Bound: bound})
		}
		out, err := lean.solveLarge(context.Background(), time.Now(), Params{}, &Outcome{}, report)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if (out.Assignment == nil) != (want == nil) {
			t.Fatalf("%s: large path plan %t, Greedy's %t", name, out.Assignment != nil, want != nil)
		}
		if len(reports) == 0 || reports[0].Phase != PhaseGreedy || reports[0].HasIncumbent {
			t.Errorf("%s: first report %+v, want the greedy starting", name, reports)
		}
		if !out.HasBound || math.IsInf(out.Bound, 0) {
			t.Errorf("%s: bound %g (has %t)", name, out.Bound, out.HasBound)
		}
		if want == nil {
			continue
		}
		plans++
		x, err := full.Encode(want)
		if err != nil {
			t.Fatal(err)
		}
		greedyZ := full.Objective(x)
		last := reports[len(reports)-1]
		_, z, err := d.Evaluate(out.Assignment, model.MethodCluster)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-6 * math.Max(1, math.Abs(z))
		if z > greedyZ+tol {
			t.Errorf("%s: large path Z %g, worse than the greedy's %g", name, z, greedyZ)
		}
		if !last.HasIncumbent || math.Abs(last.Incumbent-z) > tol {
			t.Errorf("%s: last report %+v, want the plan's Z = %g", name, last, z)
		}
		if out.Bound < full.UncoupledBound()-tol && out.Bound < z-tol {
			t.Errorf("%s: bound %g below the uncoupled bound %g", name, out.Bound, full.UncoupledBound())
		}
		if out.Bound > z+tol {
			t.Errorf("%s: bound %g above the plan's Z %g", name, out.Bound, z)
		}
		plan := &model.Plan{Instance: inst.Name, Method: model.MethodCluster, Status: model.StatusFeasible, Plan: out.Assignment}
		m, zz, err := d.Evaluate(out.Assignment, model.MethodCluster)
		if err != nil {
			t.Fatal(err)
		}
		plan.Objective, plan.Metrics = &zz, &m
		if err := check.Check(inst, plan, check.Options{}).Err(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A cancelled context or a spent time limit stops the greedy at once; the
// plan so far (empty) misses the generated targets, so there is no plan,
// and no error.
func TestSolveLargeStops(t *testing.T) {
	inst := gen.Generate(gen.Config{Firms: 150, Opportunities: 60, Markets: 10, Seed: 3})
	d := model.Derive(inst)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name string
		ctx  context.Context
		prm  Params
	}{
		{"cancelled", cancelled, Params{}},
		{"time limit", context.Background(), Params{TimeLimit: time.Nanosecond}},
	} {
		lean, err := BuildStructure(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		out, err := lean.solveLarge(c.ctx, time.Now(), c.prm, &Outcome{}, func(Phase, bool, float64, float64) {})
		if err != nil || out.Assignment != nil || !out.HasBound {
			t.Errorf("%s: %+v, %v; want no plan, a bound, no error", c.name, out, err)
		}
	}
}

// Above MaxGLPKRows Solve takes the large-size path without writing the
// MIP (1.4M rows at 2000 firms × 500 opportunities).
func TestSolveAboveMaxGLPKRows(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 2000-firm cluster")
	}
	inst := gen.Generate(gen.Config{Firms: 2000, Opportunities: 500, Markets: 30, Seed: 11})
	d := model.Derive(inst)
	var phases []Phase
	out, err := Solve(context.Background(), d, Params{TimeLimit: 6 * time.Second, Progress: func(r Report) { phases = append(phases, r.Phase) }})
	if err != nil {
		t.Fatal(err)
	}
	if out.Constraints <= MaxGLPKRows || out.Assignment == nil || !out.HasBound || out.Optimal {
		t.Fatalf("outcome %d rows, plan %t, bound %t, optimal %t", out.Constraints, out.Assignment != nil, out.HasBound, out.Optimal)
	}
	for _, ph := range phases {
		if ph != PhaseBuilding && ph != PhaseGreedy && ph != PhaseLagrangian && ph != PhaseNeighbourhood {
			t.Errorf("phase %q on the large-size path", ph)
		}
	}
}

// With a time limit the large path runs the Lagrangian dual and the
// window search at once, sharing the best plan: the reports never go
// back (bounds never fall, plans never worsen, the bound stays below the
// plan), the plan returned is the last one reported, and it passes the
// independent checker with that objective.
func TestSolveLargeShares(t *testing.T) {
	for seed := uint64(3); seed <= 5; seed++ {
		inst := gen.Generate(gen.Config{Firms: 60, Opportunities: 24, Markets: 5, Seed: seed})
		d := model.Derive(inst)
		lean, err := BuildStructure(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var reports []Report
		out, err := lean.solveLarge(context.Background(), time.Now(), Params{TimeLimit: 3 * time.Second}, &Outcome{},
			func(phase Phase, has bool, inc, bound float64) {
				mu.Lock()
				defer mu.Unlock()
				reports = append(reports, Report{Phase: phase, HasIncumbent: has, Incumbent: inc, Bound: bound})
			})
		if err != nil || out.Assignment == nil || len(reports) < 2 {
			t.Fatalf("seed %d: %+v, %v, %d reports; want a plan", seed, out, err, len(reports))
		}
		for i, r := range reports[1:] {
			prev := reports[i]
			tol := 1e-9 * math.Max(1, math.Abs(r.Incumbent))
			if prev.HasIncumbent && (r.Incumbent > prev.Incumbent+tol || r.Bound < prev.Bound-tol) {
				t.Errorf("seed %d: report %d went back: %+v after %+v", seed, i+1, r, prev)
			}
			if r.HasIncumbent && r.Bound > r.Incumbent+tol {
				t.Errorf("seed %d: report %d: bound above the plan: %+v", seed, i+1, r)
			}
		}
		last := reports[len(reports)-1]
		z, err := verifyPlan(d, out.Assignment)
		if err != nil || math.Abs(z-last.Incumbent) > 1e-6*math.Max(1, math.Abs(z)) || out.Bound > z+1e-6*math.Max(1, math.Abs(z)) {
			t.Errorf("seed %d: plan %g (%v), last report %+v, bound %g", seed, z, err, last, out.Bound)
		}
	}
}
