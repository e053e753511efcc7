package solver_test

import (
	"context"
	"math"
	"os"
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

// edgeHorizons are small clusters with horizons at the edges of MODEL.md's
// ranges: no discount, no learning, learning that fills κ at once, full
// spillover, a tenth of the capital per period, six periods, late
// windows, θ at 0 and 1, one period with learning; two seeds each, the
// second without targets.
func edgeHorizons() []*model.Instance {
	f := func(v float64) *float64 { return &v }
	learning := func(doing, pioneer, spill float64) *model.Learning {
		return &model.Learning{ByDoing: f(doing), WithPioneer: f(pioneer), Spillover: f(spill)}
	}
	cases := []struct {
		name    string
		horizon model.Horizon
		// windows[p % len] is opportunity p's periods (nil: every period).
		windows [][]int
	}{
		{"no-discount", model.Horizon{Periods: 3, Discount: f(1)}, [][]int{nil, {2, 3}}},
		{"no-learning", model.Horizon{Periods: 3, Discount: f(0.9), Learning: learning(0, 0, 0)}, nil},
		{"learning-fills", model.Horizon{Periods: 3, Discount: f(0.8), Learning: learning(1, 1, 1)}, [][]int{{1}, nil}},
		{"full-spillover", model.Horizon{Periods: 3, Learning: learning(0.3, 0.2, 1)}, [][]int{{3}, nil, {1, 2}}},
		{"tenth-released", model.Horizon{Periods: 4, Discount: f(0.95), CapitalRelease: f(0.1)}, nil},
		{"six-periods", model.Horizon{Periods: 6, Discount: f(0.5), Learning: learning(0.2, 0.3, 0.5)}, [][]int{{1, 6}, {4}, nil}},
		{"late-windows", model.Horizon{Periods: 2, ExperiencedAt: f(0)}, [][]int{{2}}},
		{"experienced-at-one", model.Horizon{Periods: 3, ExperiencedAt: f(1), Learning: learning(0.5, 0.5, 0.5)}, nil},
		{"one-period-learning", model.Horizon{Periods: 1, Learning: learning(0.5, 0.5, 0.5)}, nil},
	}
	var out []*model.Instance
	for i, tc := range cases {
		for seed := uint64(1); seed <= 2; seed++ {
			in := gen.Generate(gen.Config{Firms: 8 + int(seed)*2, Opportunities: 6 + int(seed), Markets: 3, Seed: 300 + 10*uint64(i) + seed})
			h := tc.horizon
			in.Horizon = &h
			for p := range in.Opportunities {
				if tc.windows != nil {
					in.Opportunities[p].Periods = tc.windows[p%len(tc.windows)]
				}
			}
			if seed == 2 {
				in.Objective.MarketPowerTarget, in.Objective.SMEParticipationTarget = 0, 0
			}
			in.Name += "-" + tc.name
			out = append(out, in)
		}
	}
	return out
}

// TestEdgeHorizons: on horizons at the edges of MODEL.md's ranges, ofdi's
// optimum equals glpsol's on the exported LP and on MODEL.md's MIP
// written verbatim, its plan passes the independent checker, and the
// large path's relaxation bound (Σ_s Δ_s·R_s) stays below the optimum.
func TestEdgeHorizons(t *testing.T) {
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		t.Fatal("glpsol not found: install glpk-utils (the README's setup does)")
	}
	dir := t.TempDir()
	for _, in := range edgeHorizons() {
		t.Run(in.Name, func(t *testing.T) {
			if err := model.ValidateErr(in); err != nil {
				t.Fatalf("invalid case: %v", err)
			}
			res, err := solver.Solve(context.Background(), in, solver.Options{TimeLimit: 2 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != solver.Optimal && res.Status != solver.Infeasible {
				t.Fatalf("status %s", res.Status)
			}
			if rep := check.Check(in, res.Plan(), check.Options{}); !rep.OK() {
				t.Fatalf("plan fails the checker: %v", rep.Err())
			}
			fm, err := horizon.Build(in)
			if err != nil {
				t.Fatal(err)
			}
			exported := filepath.Join(dir, in.Name+".lp")
			f, err := os.Create(exported)
			if err != nil {
				t.Fatal(err)
			}
			if err := fm.Prob.WriteLP(f); err != nil {
				t.Fatal(err)
			}
			f.Close()
			verbatim := filepath.Join(dir, in.Name+".verbatim.lp")
			if err := os.WriteFile(verbatim, []byte(vhBuild(in, nil).String()), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, lp := range []string{exported, verbatim} {
				obj, feasible := vhGlpsol(t, glpsol, lp)
				if feasible != (res.Status == solver.Optimal) {
					t.Fatalf("ofdi %s, glpsol on %s feasible %v", res.Status, filepath.Base(lp), feasible)
				}
				if feasible && !vbClose(res.Objective, obj) {
					t.Errorf("ofdi Z = %.9g, glpsol on %s %.9g", res.Objective, filepath.Base(lp), obj)
				}
			}
			if res.Status != solver.Optimal {
				return
			}
			b, _, err := fm.RelaxedBound(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if b > res.Objective+1e-6*math.Max(1, math.Abs(res.Objective)) {
				t.Errorf("relaxed bound %.9g above the optimum %.9g", b, res.Objective)
			}
		})
	}
}
