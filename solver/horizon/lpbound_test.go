package horizon

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/solver/cluster"
	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
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

// Which models get their LP relaxation solved (lpWorth): all up to
// cluster.LPBoundMaxRows; up to lpLongRows only with lpLongLeft left or no
// limit; none above, and none once the context has ended. Which final
// branch and cuts generate cuts (cutsWorth): models up to cutRows rows
// with at least cutMinLeft left, or no limit.
func TestWorth(t *testing.T) {
	lp := (*largeSearch).lpWorth
	cuts := (*largeSearch).cutsWorth
	for _, c := range []struct {
		name  string
		worth func(*largeSearch, context.Context) bool
		rows  int
		left  time.Duration // 0: no deadline
		ended bool
		want  bool
	}{
		{"LP: small, short limit", lp, cluster.LPBoundMaxRows, 10 * time.Second, false, true},
		{"LP: small, no limit", lp, 1000, 0, false, true},
		{"LP: long model, short limit", lp, cluster.LPBoundMaxRows + 1, lpLongLeft - time.Second, false, false},
		{"LP: long model, long limit", lp, lpLongRows, lpLongLeft + time.Second, false, true},
		{"LP: long model, no limit", lp, lpLongRows, 0, false, true},
		{"LP: too large", lp, lpLongRows + 1, 0, false, false},
		{"LP: ended", lp, 1000, 0, true, false},
		{"cuts: no limit", cuts, cutRows, 0, false, true},
		{"cuts: time enough", cuts, 1000, cutMinLeft + time.Second, false, true},
		{"cuts: too little time", cuts, 1000, cutMinLeft - time.Second, false, false},
		{"cuts: too large", cuts, cutRows + 1, 0, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if c.left > 0 {
				ctx, cancel = context.WithTimeout(ctx, c.left)
				defer cancel()
			}
			if c.ended {
				cancel()
			}
			s := &largeSearch{fm: &Formulation{Prob: &mip.Problem{Rows: make([]mip.Row, c.rows)}}}
			if got := c.worth(s, ctx); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
