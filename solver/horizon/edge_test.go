package horizon_test

import (
	"bufio"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
)

// TestEdgeHorizonsGlpsol: horizons at the edges of MODEL.md's ranges (no
// discount, no learning, learning that fills κ at once, full spillover, a
// tenth of the capital per period, long horizons, late windows, θ at 0 and
// 1) solve to glpsol's optimum on the exported LP file, their plans pass
// the independent checker, and the relaxation bound of the large path stays
// below the optimum.
func TestEdgeHorizonsGlpsol(t *testing.T) {
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		t.Fatal("glpsol not found: install glpk-utils (the README's setup does)")
	}
	learning := func(doing, pioneer, spill float64) *model.Learning {
		return &model.Learning{ByDoing: fp(doing), WithPioneer: fp(pioneer), Spillover: fp(spill)}
	}
	cases := []struct {
		name    string
		horizon model.Horizon
		// windows[p % len] is opportunity p's periods (nil: every period).
		windows [][]int
	}{
		{"no-discount", model.Horizon{Periods: 3, Discount: fp(1)}, [][]int{nil, {2, 3}}},
		{"no-learning", model.Horizon{Periods: 3, Discount: fp(0.9), Learning: learning(0, 0, 0)}, nil},
		{"learning-fills", model.Horizon{Periods: 3, Discount: fp(0.8), Learning: learning(1, 1, 1)}, [][]int{{1}, nil}},
		{"full-spillover", model.Horizon{Periods: 3, Learning: learning(0.3, 0.2, 1)}, [][]int{{3}, nil, {1, 2}}},
		{"tenth-released", model.Horizon{Periods: 4, Discount: fp(0.95), CapitalRelease: fp(0.1)}, nil},
		{"six-periods", model.Horizon{Periods: 6, Discount: fp(0.5), Learning: learning(0.2, 0.3, 0.5)}, [][]int{{1, 6}, {4}, nil}},
		{"late-windows", model.Horizon{Periods: 2, ExperiencedAt: fp(0)}, [][]int{{2}}},
		{"experienced-at-one", model.Horizon{Periods: 3, ExperiencedAt: fp(1), Learning: learning(0.5, 0.5, 0.5)}, nil},
		{"one-period-learning", model.Horizon{Periods: 1, Learning: learning(0.5, 0.5, 0.5)}, nil},
	}
	dir := t.TempDir()
	for i, tc := range cases {
		for seed := uint64(1); seed <= 2; seed++ {
			in := small(300+10*uint64(i)+seed, 8+int(seed)*2, 6+int(seed))
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
			t.Run(in.Name, func(t *testing.T) {
				if err := model.ValidateErr(in); err != nil {
					t.Fatalf("invalid case: %v", err)
				}
				res := solve(t, in)
				if res.Status != model.StatusOptimal && res.Status != model.StatusInfeasible {
					t.Fatalf("status %s", res.Status)
				}
				path := filepath.Join(dir, in.Name+".lp")
				f, err := os.Create(path)
				if err != nil {
					t.Fatal(err)
				}
				if err := res.Formulation.Prob.WriteLP(f); err != nil {
					t.Fatal(err)
				}
				f.Close()
				obj, ok := glpsolOptimum(t, glpsol, path)
				if ok != (res.Status == model.StatusOptimal) {
					t.Fatalf("ofdi %s, glpsol feasible %v", res.Status, ok)
				}
				if ok && !near(res.Objective, obj) {
					t.Errorf("ofdi Z = %.9g, glpsol %.9g", res.Objective, obj)
				}
				if !ok {
					return
				}
				// The large path's bound (Σ_s Δ_s·R_s) stays below the optimum.
				b, _, err := res.Formulation.RelaxedBound(context.Background(), 0)
				if err != nil {
					t.Fatal(err)
				}
				if b > obj+1e-6*math.Max(1, math.Abs(obj)) {
					t.Errorf("relaxed bound %.9g above the optimum %.9g", b, obj)
				}
				t.Logf("Z %.4f (glpsol %.4f), relaxed bound %.4f, %d projects", res.Objective, obj, b, projects(res))
			})
		}
	}
}

// glpsolOptimum solves an LP file with glpsol and returns its proven
// optimum, or false when it proves the model infeasible.
func glpsolOptimum(t *testing.T, glpsol, path string) (float64, bool) {
	t.Helper()
	out := path + ".sol"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if msg, err := exec.CommandContext(ctx, glpsol, "--lp", path, "--tmlim", "100", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("glpsol: %v\n%s", err, msg)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	status, objective := "", ""
	sc := bufio.NewScanner(f)
	for sc.Scan() && (status == "" || objective == "") {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "Status:"); ok && status == "" {
			status = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "Objective:"); ok && objective == "" {
			objective = v
		}
	}
	switch status {
	case "INTEGER OPTIMAL":
		fields := strings.Fields(objective) // "obj = -123.4 (MINimum)"
		if len(fields) < 3 {
			t.Fatalf("glpsol objective line %q", objective)
		}
		v, err := strconv.ParseFloat(fields[2], 64)
		if err != nil {
			t.Fatalf("glpsol objective line %q: %v", objective, err)
		}
		return v, true
	case "INTEGER EMPTY":
		return 0, false
	}
	t.Fatalf("glpsol status %q (not proven)", status)
	return 0, false
}
