package cluster_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver/cluster"
	"github.com/ofdi/ofdi/solver/glpk"
)

// lagCases are small generated clusters, some with rule variants that
// stress the coalition relaxation (lead stake below the minimum stake,
// tight partner limits, targets, SMEs leading).
func lagCases() []struct {
	name string
	inst *model.Instance
} {
	var out []struct {
		name string
		inst *model.Instance
	}
	add := func(name string, in *model.Instance) {
		out = append(out, struct {
			name string
			inst *model.Instance
		}{name, in})
	}
	for seed := uint64(1); seed <= 8; seed++ {
		cfg := gen.Config{Firms: 12 + int(seed)*2, Opportunities: 8 + int(seed), Markets: 3 + int(seed)%3, Seed: 500 + seed}
		add(fmt.Sprintf("gen-s%d", cfg.Seed), gen.Generate(cfg))
	}
	for seed := uint64(1); seed <= 4; seed++ {
		in := gen.Generate(gen.Config{Firms: 16, Opportunities: 10, Markets: 3, Seed: 600 + seed})
		lead, minStake, two := 0.04, 0.1, 2
		in.Rules.LeadMinStake, in.Rules.MinStake = &lead, &minStake
		for i := range in.Opportunities {
			if i%2 == 0 {
				in.Opportunities[i].MaxPartners = &two
			}
		}
		add(fmt.Sprintf("rules-s%d", 600+seed), in)
	}
	// Modes overridden so that SMEs lead (MODEL.md lets an instance
	// override a mode's whole entry): an SME lead beside a pioneer earns
	// the learning reward like any member.
	for seed := uint64(1); seed <= 4; seed++ {
		in := gen.Generate(gen.Config{Firms: 16, Opportunities: 10, Markets: 3, Seed: 650 + seed})
		in.Rules.Modes = map[model.Mode]model.ModeRule{
			model.Distribution: {Roles: []model.Role{model.Large, model.SME, model.Supporting}, Lead: model.SME, Requires: []model.Role{model.SME}},
			model.Greenfield:   {Roles: []model.Role{model.Large, model.SME}, Lead: model.SME},
			model.Production:   {Roles: []model.Role{model.SME, model.Supporting}, Lead: model.SME},
		}
		in.Objective.LearningValue = 3 + float64(seed)
		add(fmt.Sprintf("sme-leads-s%d", 650+seed), in)
	}
	return out
}

// exactOptimum solves the plain MIP with GLPK, without any of the
// Lagrangian machinery.
func exactOptimum(t *testing.T, fm *cluster.Formulation) (float64, []float64) {
	t.Helper()
	res, err := glpk.SolveMIP(context.Background(), fm.Prob,
		glpk.Params{TimeLimit: time.Minute, GomoryCuts: true, MIRCuts: true, CoverCuts: true}, glpk.Callbacks{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != glpk.Optimal {
		t.Fatalf("GLPK status %v, want optimal", res.Status)
	}
	return res.Objective, res.X
}

// solvedCase validates inst, builds its MIP and solves it exactly (see
// exactOptimum).
func solvedCase(t *testing.T, inst *model.Instance) (*model.Derived, *cluster.Formulation, float64, []float64) {
	t.Helper()
	if err := model.ValidateErr(inst); err != nil {
		t.Fatal(err)
	}
	d := model.Derive(inst)
	fm, err := cluster.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	opt, x := exactOptimum(t, fm)
	return d, fm, opt, x
}

// The Lagrangian bound lies between the uncoupled bound (its value at
// zero multipliers is already at least that) and the optimum; its
// heuristic plans pass the independent checker; its fixings never exclude
// an optimal plan.
func TestLagrangian(t *testing.T) {
	for _, tc := range lagCases() {
		t.Run(tc.name, func(t *testing.T) {
			d, fm, opt, x := solvedCase(t, tc.inst)
			tol := 1e-6 * math.Max(1, math.Abs(opt))
			r := fm.Lagrangian(context.Background(), opt, true, time.Time{})
			if r.Bound > opt+tol {
				t.Errorf("Lagrangian bound %.9g above the optimum %.9g", r.Bound, opt)
			}
			if ub := fm.UncoupledBound(); r.Bound < ub-tol {
				t.Errorf("Lagrangian bound %.9g below the uncoupled bound %.9g", r.Bound, ub)
			}
			if r.Plan != nil {
				if r.Objective < opt-tol {
					t.Errorf("heuristic plan %.9g below the optimum %.9g", r.Objective, opt)
				}
				if v := fm.Violations(r.X, 1e-6); len(v) > 0 {
					t.Errorf("heuristic plan violates %s", v[0])
				}
				metrics, z, err := d.Evaluate(r.Plan, "cluster")
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(z-r.Objective) > tol {
					t.Errorf("heuristic plan: Evaluate gives Z %.9g, the vector %.9g", z, r.Objective)
				}
				plan := &model.Plan{Instance: tc.inst.Name, Method: "cluster", Status: "feasible", Objective: &z, Metrics: &metrics, Plan: r.Plan}
				if rep := check.Check(tc.inst, plan, check.Options{}); !rep.OK() {
					t.Errorf("heuristic plan fails the checker: %v", rep.Err())
				}
			}
			checkFix(t, fm, tc.inst, r.Fix, x, "first run")
		})
	}
}

// checkFix fails the test when fix (see LagrangianResult.Fix) excludes
// the optimal point x.
func checkFix(t *testing.T, fm *cluster.Formulation, inst *model.Instance, fix []int8, x []float64, when string) {
	t.Helper()
	for p, f := range fix {
		y := fm.Y[p]
		if f == 0 || y < 0 {
			continue
		}
		if (f < 0 && x[y] > 0.5) || (f > 0 && x[y] < 0.5) {
			t.Errorf("%s: opportunity %s fixed %+d, but the optimum has y = %g", when, inst.Opportunities[p].ID, f, x[y])
		}
	}
}

// Resuming the Lagrangian dual with a better target (as Solve does after
// the neighbourhood search) only raises the bound, reports only values
// above the first run's, stays below the optimum, and its fixings against
// the optimum itself keep the optimal plan. The first run aims at the
// greedy plan, as in Solve; the resumed one at the optimum.
func TestLagrangianResume(t *testing.T) {
	raised := 0
	for _, tc := range lagCases() {
		t.Run(tc.name, func(t *testing.T) {
			_, fm, opt, x := solvedCase(t, tc.inst)
			tol := 1e-6 * math.Max(1, math.Abs(opt))
			a := cluster.Greedy(fm)
			if a == nil {
				t.Skip("no greedy plan to aim the first run at")
			}
			g, err := fm.Encode(a)
			if err != nil {
				t.Fatal(err)
			}
			r := fm.Lagrangian(context.Background(), fm.Objective(g), true, time.Time{})
			first, last := r.Bound, math.Inf(-1)
			b := r.Resume(context.Background(), opt, time.Time{}, func(v float64) {
				if v <= math.Max(first, last) {
					t.Errorf("resume reported %.9g after %.9g (first run %.9g)", v, last, first)
				}
				last = v
			})
			if b != r.Bound || b < first || b > opt+tol {
				t.Errorf("resumed bound %.9g (field %.9g), first run %.9g, optimum %.9g", b, r.Bound, first, opt)
			}
			if !math.IsInf(last, -1) && last != b {
				t.Errorf("last reported %.9g, resumed bound %.9g", last, b)
			}
			if b > first+tol {
				raised++
			}
			checkFix(t, fm, tc.inst, r.Fix, x, "resumed")
		})
	}
	// On these clusters the resumed run must raise some bound, or the
	// checks above test nothing new.
	if raised == 0 {
		t.Error("no resumed run raised the bound")
	}
}
