package cluster

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
)

// learnerCluster builds the formulation of a generated cluster.
func learnerCluster(t *testing.T, shape string, firms, opps, markets int, seed uint64) *Formulation {
	t.Helper()
	sh, err := gen.Preset(shape)
	if err != nil {
		t.Fatal(err)
	}
	inst := gen.Generate(gen.Config{Firms: firms, Opportunities: opps, Markets: markets, Seed: seed, Shape: sh})
	fm, err := Build(model.Derive(inst))
	if err != nil {
		t.Fatal(err)
	}
	return fm
}

// The learners' rows (Σ learners' x + Σ other rewarded w ≤ (M_p − 1)·Σ
// pioneers' x) keep the MIP's optimum: GLPK with and without them, to
// optimality, on small clusters with learners.
func TestLearnerRowsKeepOptimum(t *testing.T) {
	ctx := context.Background()
	solved := 0
	for _, shape := range []string{"mixed", "scarce-pioneers", "tight-risk"} {
		for seed := uint64(701); seed <= 703; seed++ {
			fm := learnerCluster(t, shape, 30, 12, 4, seed)
			plain, n := withoutRows(fm.Prob, "learners_")
			if n == 0 {
				continue
			}
			params := glpk.Params{TimeLimit: time.Minute, GomoryCuts: true, MIRCuts: true, CoverCuts: true}
			with, err := glpk.SolveMIP(ctx, fm.Prob, params, glpk.Callbacks{})
			if err != nil || with.Status != glpk.Optimal {
				t.Fatalf("%s seed %d: GLPK with the rows: %v %v", shape, seed, with.Status, err)
			}
			without, err := glpk.SolveMIP(ctx, plain, params, glpk.Callbacks{})
			if err != nil || without.Status != glpk.Optimal {
				t.Fatalf("%s seed %d: GLPK without the rows: %v %v", shape, seed, without.Status, err)
			}
			solved++
			if tol := 1e-6 * math.Max(1, math.Abs(without.Objective)); math.Abs(with.Objective-without.Objective) > tol {
				t.Errorf("%s seed %d: optimum %.6f with the learners' rows, %.6f without", shape, seed, with.Objective, without.Objective)
			}
		}
	}
	if solved < 5 {
		t.Errorf("only %d clusters had learners' rows: the test no longer checks them", solved)
	}
}

// The learners' rows raise the LP relaxation where many learners could sit
// beside a fraction of one pioneer, and never lower it.
func TestLearnerRowsRaiseLP(t *testing.T) {
	ctx := context.Background()
	raised := 0
	for seed := uint64(701); seed <= 703; seed++ {
		fm := learnerCluster(t, "mixed", 60, 20, 5, seed)
		plain, n := withoutRows(fm.Prob, "learners_")
		lpWith, err := glpk.SolveLP(ctx, fm.Prob, glpk.Params{})
		if err != nil {
			t.Fatal(err)
		}
		lpWithout, err := glpk.SolveLP(ctx, plain, glpk.Params{})
		if err != nil {
			t.Fatal(err)
		}
		if lpWith.Objective < lpWithout.Objective-1e-7 {
			t.Errorf("seed %d: LP %.6f with the rows, below %.6f without", seed, lpWith.Objective, lpWithout.Objective)
		}
		if lpWith.Objective > lpWithout.Objective+1e-6 {
			raised++
		}
		t.Logf("seed %d: %d learners' rows, LP %.3f → %.3f", seed, n, lpWithout.Objective, lpWith.Objective)
	}
	if raised == 0 {
		t.Error("the learners' rows raised no LP relaxation: the test no longer shows them at work")
	}
}
