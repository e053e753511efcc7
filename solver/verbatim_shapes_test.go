package solver_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
)

// vsShapes are the generator's presets and single extreme shape
// parameters (docs/experiments.md, "Shapes outside the presets"), each
// as a preset and --set-shape parameters on top of it.
var vsShapes = []struct{ preset, params string }{
	{"default", ""}, {"many-scenarios", ""}, {"scarce-pioneers", ""}, {"tight-projects", ""},
	{"tight-risk", ""}, {"wide-capital", ""}, {"binding-targets", ""}, {"nonequity-heavy", ""},
	{"mixed", ""},
	{"default", "risk=0.01:0.03"},
	{"default", "projects=1:1"},
	{"default", "cvar_alpha=0.99,scenarios=6,worst_prob=0.001"},
	{"default", "cvar_alpha=0.5,scenarios=2"},
	{"default", "mode_mix=1:0:0:0:0:0"},
	{"default", "segments=6,mode_mix=0:0:0:0:1:1"},
	{"default", "mp_target=1:1,mp_cap=1,sme_target=1:1"},
	{"default", "sme_knowledge=0.05,pioneer_share=0.02"},
	{"default", "mode_mix=0:0:1:1:0:0,max_partners=2:2"},
	{"wide-capital", "capital_spread=100,acquisition_cost=10"},
	{"default", "pioneer_share=0.5,sme_pioneer_share=1"},
	{"tight-projects", "max_partners=8:20"},
}

// TestVerbatimShapesOptimum: on one generated cluster of every shape
// above, one period, the optimum solver.Solve reports equals glpsol's on
// MODEL.md's MIP written verbatim, without and with constraint 16 (the
// outside options from the report's accounts), or both say infeasible;
// every plan passes the checker. Such a campaign found the fill line that
// rose above the optimum (docs/experiments.md, "The coalition bound").
func TestVerbatimShapesOptimum(t *testing.T) {
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		t.Fatal("glpsol not found: install glpk-utils (the README's setup does)")
	}
	dir := t.TempDir()
	compared := 0
	for i, s := range vsShapes {
		if testing.Short() && i%3 != 0 {
			continue
		}
		sh, err := gen.Preset(s.preset)
		if err != nil {
			t.Fatal(err)
		}
		if s.params != "" {
			if err := sh.SetParams(s.params); err != nil {
				t.Fatal(err)
			}
		}
		in := gen.Generate(gen.Config{Firms: 12 + i%5, Opportunities: 7 + i%4, Markets: 2 + i%3, Seed: 6100 + uint64(i), Shape: sh})
		name := fmt.Sprintf("%d-%s", i, s.preset)
		t.Run(name, func(t *testing.T) {
			plain, err := solver.Solve(context.Background(), in, solver.Options{TimeLimit: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			vsCompare(t, glpsol, filepath.Join(dir, name+".lp"), vbWrite(in), plain, in, false)
			compared++
			if plain.Status != solver.Optimal {
				return
			}
			outside := vsOutside(t, in, plain)
			fair, err := solver.Solve(context.Background(), in, solver.Options{TimeLimit: time.Minute, Sharing: model.SharingStakes})
			if err != nil {
				t.Fatal(err)
			}
			vsCompare(t, glpsol, filepath.Join(dir, name+".16.lp"), vbStakes(in, outside), fair, in, true)
		})
	}
	if compared < len(vsShapes)/4 {
		t.Errorf("only %d clusters compared", compared)
	}
}

// vsOutside returns the outside options of constraint 16 from the accounts
// of the optimal plan res without it, which must pass the checker.
func vsOutside(t *testing.T, in *model.Instance, res *solver.Result) map[string]float64 {
	t.Helper()
	rep := check.Check(in, res.Plan(), check.Options{RequireAccounts: true})
	if !rep.OK() || rep.Outside == nil {
		t.Fatalf("plan without constraint 16: %v", rep.Err())
	}
	return rep.Outside
}

// vsCompare solves the verbatim LP text with glpsol and compares its
// optimum with res.
func vsCompare(t *testing.T, glpsol, path, text string, res *solver.Result, in *model.Instance, stakes bool) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	want, feasible := vhGlpsol(t, glpsol, path)
	which := "without constraint 16"
	if stakes {
		which = "with constraint 16"
	}
	switch {
	case !feasible && res.Status == solver.Infeasible:
		return
	case !feasible || res.Status != solver.Optimal:
		t.Fatalf("%s: ofdi %s (Z %.9g), verbatim feasible %v (Z %.9g)", which, res.Status, res.Objective, feasible, want)
	case !vbClose(res.Objective, want):
		t.Errorf("%s: ofdi Z = %.9g, verbatim MIP %.9g", which, res.Objective, want)
	}
	if r := check.Check(in, res.Plan(), check.Options{RequireAccounts: stakes}); !r.OK() {
		t.Errorf("%s: plan fails the checker: %v", which, r.Err())
	}
}
