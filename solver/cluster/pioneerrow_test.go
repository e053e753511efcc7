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

// The pioneer rows (Σ_{g∈Π_p} x_gp ≥ y_p where p needs a pioneer) keep the
// MIP's optimum (GLPK with and without them, to optimality) and raise its
// LP relaxation where pioneers are scarce; every such project has no
// coalition without a pioneer of Π_p: the firms that need none cannot fund
// it, lead it, fill its roles or its partner count.
func TestPioneerRows(t *testing.T) {
	shape, err := gen.Preset("scarce-pioneers")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	raised := 0
	for seed := uint64(1); seed <= 4; seed++ {
		inst := gen.Generate(gen.Config{Firms: 30, Opportunities: 12, Markets: 4, Seed: 900 + seed, Shape: shape})
		d := model.Derive(inst)
		fm, err := Build(d)
		if err != nil {
			t.Fatal(err)
		}
		plain, n := withoutRows(fm.Prob, "pioneer_")
		if n == 0 {
			continue
		}
		for p, pairs := range fm.Pairs {
			if fm.Y[p] == none || !needsPioneer(d, p, pairs) {
				continue
			}
			if why := selfSufficient(d, p, pairs); why == "" {
				t.Errorf("seed %d: %s has a pioneer row but its firms without a pioneer can run it",
					seed, inst.Opportunities[p].ID)
			}
		}
		params := glpk.Params{TimeLimit: time.Minute, GomoryCuts: true, MIRCuts: true, CoverCuts: true}
		with, err := glpk.SolveMIP(ctx, fm.Prob, params, glpk.Callbacks{})
		if err != nil || with.Status != glpk.Optimal {
			t.Fatalf("seed %d: GLPK with the rows: %v %v", seed, with, err)
		}
		without, err := glpk.SolveMIP(ctx, plain, params, glpk.Callbacks{})
		if err != nil || without.Status != glpk.Optimal {
			t.Fatalf("seed %d: GLPK without the rows: %v %v", seed, without, err)
		}
		if tol := 1e-6 * math.Max(1, math.Abs(without.Objective)); math.Abs(with.Objective-without.Objective) > tol {
			t.Errorf("seed %d: optimum %.6f with the pioneer rows, %.6f without", seed, with.Objective, without.Objective)
		}
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
		t.Logf("seed %d: %d pioneer rows, LP %.3f → %.3f, optimum %.3f", seed, n, lpWithout.Objective, lpWith.Objective, with.Objective)
	}
	if raised == 0 {
		t.Error("the pioneer rows raised no LP relaxation: the test no longer shows them at work")
	}
}

// selfSufficient says, independently of needsPioneer, why the pairs of p
// that need no pioneer (not learners, not in Π_p) cannot run p alone, or
// returns "" when they can pass every static test.
func selfSufficient(d *model.Derived, p int, pairs []PairCols) string {
	in := d.Inst
	o := &in.Opportunities[p]
	rule := in.Rules.Mode(o.Mode)
	room, n, lead := 0.0, 0, false
	roles := map[model.Role]bool{}
	for _, pc := range pairs {
		if pc.Learning || pc.Pioneer {
			continue
		}
		room += pc.MaxStake
		n++
		lead = lead || (pc.L != none)
		roles[in.Firms[pc.Firm].Role] = true
	}
	switch {
	case n == 0:
		return "no firm"
	case room < 1-1e-9:
		return "room"
	case n < o.MinPartnersOr():
		return "partners"
	case rule.Lead != "" && !lead:
		return "lead"
	}
	for _, r := range rule.Requires {
		if !roles[r] {
			return "role " + string(r)
		}
	}
	return ""
}
