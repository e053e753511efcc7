package cluster

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

// Helpers for the tests of the row families MODEL.md does not write
// (pioneer_, learners_, leads_): each must keep the MIP's optimum and may
// only raise its LP relaxation.

// withoutRows returns a copy of p whose rows named with prefix are free,
// and how many there are.
func withoutRows(p *mip.Problem, prefix string) (*mip.Problem, int) {
	q := *p
	q.Rows = append([]mip.Row(nil), p.Rows...)
	n := 0
	for i := range q.Rows {
		if strings.HasPrefix(q.Rows[i].Name, prefix) {
			q.Rows[i].Lo, q.Rows[i].Hi = math.Inf(-1), math.Inf(1)
			n++
		}
	}
	return &q, n
}

// familyCluster builds the formulation of a generated cluster.
func familyCluster(t *testing.T, shape string, firms, opps, markets int, seed uint64) *Formulation {
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

// checkSameOptimum solves fm's MIP with and without the rows named with
// prefix, to optimality, and fails the test when the optima differ. It
// returns the optimum, and false when fm has no such row.
func checkSameOptimum(t *testing.T, fm *Formulation, prefix, label string) (float64, bool) {
	t.Helper()
	plain, n := withoutRows(fm.Prob, prefix)
	if n == 0 {
		return 0, false
	}
	ctx := context.Background()
	params := glpk.Params{TimeLimit: time.Minute, GomoryCuts: true, MIRCuts: true, CoverCuts: true}
	with, err := glpk.SolveMIP(ctx, fm.Prob, params, glpk.Callbacks{})
	if err != nil || with.Status != glpk.Optimal {
		t.Fatalf("%s: GLPK with the %s rows: %v %v", label, prefix, with.Status, err)
	}
	without, err := glpk.SolveMIP(ctx, plain, params, glpk.Callbacks{})
	if err != nil || without.Status != glpk.Optimal {
		t.Fatalf("%s: GLPK without the %s rows: %v %v", label, prefix, without.Status, err)
	}
	if tol := 1e-6 * math.Max(1, math.Abs(without.Objective)); math.Abs(with.Objective-without.Objective) > tol {
		t.Errorf("%s: optimum %.6f with the %s rows, %.6f without", label, with.Objective, prefix, without.Objective)
	}
	return with.Objective, true
}

// checkLPRaised solves fm's LP relaxation with and without the rows named
// with prefix, fails the test when the rows lower it, and reports whether
// they raise it.
func checkLPRaised(t *testing.T, fm *Formulation, prefix, label string) bool {
	t.Helper()
	plain, n := withoutRows(fm.Prob, prefix)
	ctx := context.Background()
	with, err := glpk.SolveLP(ctx, fm.Prob, glpk.Params{})
	if err != nil {
		t.Fatal(err)
	}
	without, err := glpk.SolveLP(ctx, plain, glpk.Params{})
	if err != nil {
		t.Fatal(err)
	}
	if with.Objective < without.Objective-1e-7 {
		t.Errorf("%s: LP %.6f with the %s rows, below %.6f without", label, with.Objective, prefix, without.Objective)
	}
	t.Logf("%s: %d %s rows, LP %.3f → %.3f", label, n, prefix, without.Objective, with.Objective)
	return with.Objective > without.Objective+1e-6
}
