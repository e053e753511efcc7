package horizon

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/solver/glpk"
)

// The large path's background LP raises the bound to the LP optimum of the
// MIP. The learners' rows and the lead cliques make that LP tighter than
// the same LP without them, and it stays below the MIP's optimum.
func TestLargeSearchLPBound(t *testing.T) {
	shape, err := gen.Preset("mixed")
	if err != nil {
		t.Fatal(err)
	}
	in := gen.Generate(gen.Config{Firms: 30, Opportunities: 12, Markets: 4, Seed: 1, Periods: 3, Shape: shape})
	fm, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := newLargeSearch(fm, time.Now(), nil)
	if !s.startLP(ctx) {
		t.Fatal("no LP started")
	}
	<-s.lp.Done()
	s.takeLP()
	s.lp.Stop()
	lp, err := glpk.SolveLP(ctx, fm.Prob, glpk.Params{})
	if err != nil || lp.Status != glpk.Optimal {
		t.Fatalf("LP: %v, %v", lp, err)
	}
	if math.Abs(s.bound-lp.Objective) > 1e-6*math.Max(1, math.Abs(lp.Objective)) {
		t.Errorf("bound %.9g, want the LP optimum %.9g", s.bound, lp.Objective)
	}

	weak := *fm.Prob
	weak.Rows = nil
	dropped := map[string]int{}
	for _, r := range fm.Prob.Rows {
		if i := strings.IndexByte(r.Name, '_'); i > 0 && (r.Name[:i] == "learners" || r.Name[:i] == "leads") {
			dropped[r.Name[:i]]++
			continue
		}
		weak.Rows = append(weak.Rows, r)
	}
	if dropped["learners"] == 0 || dropped["leads"] == 0 {
		t.Fatalf("rows written: %v; the case must have both kinds", dropped)
	}
	wl, err := glpk.SolveLP(ctx, &weak, glpk.Params{})
	if err != nil || wl.Status != glpk.Optimal {
		t.Fatalf("LP without the rows: %v, %v", wl, err)
	}
	if lp.Objective <= wl.Objective+1e-6 {
		t.Errorf("LP %.9g with the rows, %.9g without: no tighter", lp.Objective, wl.Objective)
	}

	res, err := glpk.SolveMIP(ctx, fm.Prob, glpk.Params{TimeLimit: time.Minute, Presolve: true}, glpk.Callbacks{})
	if err != nil || res.Status != glpk.Optimal {
		t.Fatalf("MIP: %v, %v", res, err)
	}
	if s.bound > res.Objective+1e-6*math.Max(1, math.Abs(res.Objective)) {
		t.Errorf("LP bound %.9g above the optimum %.9g", s.bound, res.Objective)
	}
	t.Logf("LP %.6g (without the rows %.6g), optimum %.6g; rows %v", lp.Objective, wl.Objective, res.Objective, dropped)
}

