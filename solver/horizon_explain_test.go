package solver_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/horizon"
)

// horizonExplainCases are small generated 3-period clusters.
func horizonExplainCases() []*model.Instance {
	n := 2
	if testing.Short() {
		n = 1
	}
	var out []*model.Instance
	for seed := uint64(1); seed <= uint64(n); seed++ {
		out = append(out, gen.Generate(gen.Config{Firms: 10 + int(seed), Opportunities: 14, Markets: 4, Seed: 500 + seed, Periods: 3}))
	}
	return out
}

// TestExplainHorizon: Explain on optimal 3-period plans, every line
// against an independent computation. The decomposition's terms are
// recomputed from the instance and the plan (discounted by period) and
// from the checker's metrics, and sum to the checker's Z; every firm's
// limits match the checked firm accounts and the budget rows recomputed
// here; every forced-in cost is ≥ 0 against the optimal plan, its period
// is one the opportunity may start in, and its Z equals CBC's optimum of
// the multi-period LP with the row force_<opp>; a static reason agrees
// with CBC finding that LP infeasible.
func TestExplainHorizon(t *testing.T) {
	cbc := lookCBC(t)
	dir := t.TempDir()
	forced, infeasible, static := 0, 0, 0
	for _, inst := range horizonExplainCases() {
		t.Run(inst.Name, func(t *testing.T) {
			res, err := solver.Solve(context.Background(), inst, solver.Options{TimeLimit: time.Minute})
			if err != nil || res.Status != solver.Optimal {
				t.Fatalf("solve: %v %v", res.Status, err)
			}
			plan := res.Plan()
			rep := check.Check(inst, plan, check.Options{RequireAccounts: true})
			if !rep.OK() {
				t.Fatal(rep.Err())
			}
			ex, err := solver.Explain(context.Background(), inst, plan, solver.ExplainOptions{PerSolve: 30 * time.Second, TimeLimit: 5 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if ex.Periods != 3 {
				t.Errorf("periods %d, want 3", ex.Periods)
			}
			checkHorizonDecomposition(t, inst, plan, rep, ex.Decomposition)
			checkHorizonLimits(t, inst, plan, ex.Firms)
			taken := map[string]bool{}
			for _, pj := range plan.Plan.Projects {
				taken[pj.ID] = true
			}
			if want := len(inst.Opportunities) - len(taken); len(ex.LeftOut) != want {
				t.Fatalf("%d opportunities left out, want %d", len(ex.LeftOut), want)
			}
			for _, lo := range ex.LeftOut {
				p := oppIndex(inst, lo.ID)
				want, ok := cbcForced(t, cbc, inst, p, filepath.Join(dir, inst.Name+"-"+lo.ID+".lp"))
				if len(lo.Static) > 0 {
					static++
					if lo.Forced != nil || ok {
						t.Errorf("%s: never fundable (%v), but re-solved (%v) or CBC finds Z %g", lo.ID, lo.Static, lo.Forced, want)
					}
					continue
				}
				fs := lo.Forced
				switch {
				case !ok:
					infeasible++
					if fs.Status != "infeasible" || fs.Message == "" {
						t.Errorf("%s: CBC says no plan takes it, explain says %s %q", lo.ID, fs.Status, fs.Message)
					}
				case fs.Status == "optimal":
					forced++
					if !fs.Exact || !vbClose(*fs.Objective, want) || !vbClose(*fs.CostHigh, want-*plan.Objective) {
						t.Errorf("%s: forced Z %g cost %g, CBC's forced optimum %g", lo.ID, *fs.Objective, *fs.CostHigh, want)
					}
					if *fs.CostHigh < -1e-6*math.Max(1, math.Abs(*plan.Objective)) {
						t.Errorf("%s: negative cost %g against an optimal plan", lo.ID, *fs.CostHigh)
					}
					if o := inst.Opportunities[p]; fs.Period < 1 || fs.Period > 3 || !o.OpenIn(fs.Period) {
						t.Errorf("%s: forced in period %d, open in %v", lo.ID, fs.Period, o.Periods)
					}
				default:
					t.Errorf("%s: re-solve %s, CBC's optimum %g", lo.ID, fs.Status, want)
				}
			}
		})
	}
	t.Logf("%d forced optima, %d forced infeasible, %d never fundable", forced, infeasible, static)
	if forced < 3 {
		t.Errorf("only %d forced optima cross-checked", forced)
	}
}

// cbcForced writes inst's multi-period LP with opportunity p forced in
// and solves it with CBC: the optimum, or false when infeasible (also
// when no period has a column for p: the model cannot take it).
func cbcForced(t *testing.T, cbc string, inst *model.Instance, p int, lp string) (float64, bool) {
	t.Helper()
	fm, err := horizon.Build(inst)
	if err != nil {
		t.Fatal(err)
	}
	if why := fm.Force([]int{p}); len(why) > 0 {
		return 0, false
	}
	writeLP(t, fm.Prob, lp)
	return cbcSolve(t, cbc, lp)
}

func checkHorizonDecomposition(t *testing.T, inst *model.Instance, plan *model.Plan, rep *check.Report, d solver.Decomposition) {
	t.Helper()
	var npv, sub, power float64
	for _, pj := range plan.Plan.Projects {
		o := &inst.Opportunities[oppIndex(inst, pj.ID)]
		w := math.Pow(*inst.Horizon.Discount, float64(pj.Period-1))
		npv += w * o.NPV
		sub += w * inst.Policy.Subsidy[o.Mode] * o.Cost
		power += w * o.MarketPower
	}
	m := rep.Metrics
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"npv", d.NPV, -npv},
		{"subsidy", d.Subsidy, -sub},
		{"npv+subsidy vs checker's value", d.NPV + d.Subsidy, -m.Value},
		{"market power", d.MarketPower, -inst.Objective.MarketPowerValue * power},
		{"info cost", d.InfoCost, m.InfoCost},
		{"dissipation", d.Dissipation, m.Dissipation},
		{"Z vs checker", d.Z, rep.Objective},
		{"Z vs plan", d.Z, *plan.Objective},
		{"terms sum to Z", d.NPV + d.Subsidy + d.MarketPower + d.Learning + d.InfoCost + d.Dissipation, rep.Objective},
		{"money value", d.MoneyValue, m.Value - m.InfoCost - m.Dissipation},
	} {
		if !vbClose(c.got, c.want) {
			t.Errorf("decomposition %s: %g, independent %g", c.name, c.got, c.want)
		}
	}
	if inst.Objective.LearningValue > 0 && m.Learning > 0 && d.Learning >= 0 {
		t.Errorf("learning term %g with %d learning participations priced %g", d.Learning, m.Learning, inst.Objective.LearningValue)
	}
}

// checkHorizonLimits compares the limits with the plan's checked firm
// accounts and recomputes the cumulative budget rows.
func checkHorizonLimits(t *testing.T, inst *model.Instance, plan *model.Plan, firms []solver.FirmLimits) {
	t.Helper()
	if len(firms) != len(inst.Firms) || len(plan.Firms) != len(inst.Firms) {
		t.Fatalf("%d firms, %d accounts, want %d", len(firms), len(plan.Firms), len(inst.Firms))
	}
	spent := map[string][]float64{}
	for _, pj := range plan.Plan.Projects {
		o := &inst.Opportunities[oppIndex(inst, pj.ID)]
		a := (1 - inst.Policy.Subsidy[o.Mode]) * o.Cost
		for _, s := range pj.Participants {
			if spent[s.Firm] == nil {
				spent[s.Firm] = make([]float64, 3)
			}
			spent[s.Firm][pj.Period-1] += a * s.Stake
		}
	}
	bound := 0
	for i, f := range firms {
		fm, acc := &inst.Firms[i], &plan.Firms[i]
		if f.Firm != fm.ID || fmt.Sprint(f.Binding) != fmt.Sprint(acc.Binding) || !vbClose(f.CVaR, acc.CVaR) ||
			f.Projects != acc.Projects || !vbClose(f.Credit, acc.Credit) || !vbClose(f.Committed, acc.Committed) {
			t.Errorf("firm %s: limits %+v, account %+v", fm.ID, f, acc)
		}
		if len(f.Budget) != 3 {
			t.Fatalf("firm %s: %d budget rows", fm.ID, len(f.Budget))
		}
		cum, binds := 0.0, false
		for k, b := range f.Budget {
			if spent[fm.ID] != nil {
				cum += spent[fm.ID][k]
			}
			limit := math.Min(1, *inst.Horizon.CapitalRelease*float64(k+1))*fm.Capital + acc.Credit
			if b.Period != k+1 || !vbClose(b.Spent, cum) || !vbClose(b.Limit, limit) || cum > limit*(1+1e-6)+1e-6 {
				t.Errorf("firm %s period %d: budget %+v, independent spent %g of %g", fm.ID, k+1, b, cum, limit)
			}
			binds = binds || b.Binds
		}
		if binds != slices.Contains(f.Binding, solver.LimitCapital) {
			t.Errorf("firm %s: a budget row binds %v, binding %v", fm.ID, binds, f.Binding)
		}
		if len(f.Binding) > 0 {
			bound++
		}
	}
	t.Logf("%d of %d firms have a binding limit", bound, len(firms))
}

// TestLeversHorizon: Levers on a 3-period cluster: every point's Z is the
// optimum CBC finds on the multi-period LP of the instance edited by the
// test itself, every exact ΔZ per unit the difference of those optima
// over the step, and every plan found passes the checker.
func TestLeversHorizon(t *testing.T) {
	cbc := lookCBC(t)
	dir := t.TempDir()
	load := func() *model.Instance {
		return gen.Generate(gen.Config{Firms: 10, Opportunities: 9, Markets: 3, Seed: 601, Periods: 3})
	}
	rep, err := solver.Levers(context.Background(), load(), solver.LeverOptions{Steps: 1, PerSolve: time.Minute, TimeLimit: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Levers) < 4 {
		t.Fatalf("%d levers, want credit line, subsidies, two targets and alpha", len(rep.Levers))
	}
	points := 0
	for _, lv := range rep.Levers {
		for k, pt := range lv.Points {
			in := load()
			if k > 0 {
				editLever(in, lv.Name, pt.Value)
			}
			where := fmt.Sprintf("%s = %g", lv.Name, pt.Value)
			want, ok := cbcHorizon(t, cbc, in, nil, filepath.Join(dir, fmt.Sprintf("%s-%d.lp", lv.Name, k)))
			if !ok {
				if pt.Status != "infeasible" {
					t.Errorf("%s: CBC infeasible, levers %s", where, pt.Status)
				}
				continue
			}
			points++
			if pt.Status != "optimal" || !vbClose(*pt.Objective, want) {
				t.Errorf("%s: Z %v (%s), CBC %g", where, pt.Objective, pt.Status, want)
				continue
			}
			if k > 0 && lv.Points[k-1].Objective != nil {
				units := lv.Step / lv.PerUnit
				if dz := (want - *lv.Points[k-1].Objective) / units; !pt.Exact || !vbClose(*pt.DZ, dz) {
					t.Errorf("%s: dZ/unit %v, independent %g", where, *pt.DZ, dz)
				}
			}
			res, err := solver.Solve(context.Background(), in, solver.Options{NoBalance: true})
			if err != nil || res.Assignment == nil {
				t.Fatalf("%s: %v", where, err)
			}
			if r := check.Check(in, res.Plan(), check.Options{RequireAccounts: true}); !r.OK() {
				t.Fatalf("%s: %v", where, r.Err())
			}
		}
	}
	if points < 5 {
		t.Errorf("only %d lever points cross-checked", points)
	}
}

// TestForceHorizonSolve: solver.Solve with Force on a 3-period cluster:
// every opportunity the optimal plan leaves out, forced in, is in the plan
// once, the plan (firm accounts included) passes the checker and is no
// better than the optimum; an unknown id is ErrBadForce; an opportunity
// no coalition can fund in any period is infeasible with its reason.
func TestForceHorizonSolve(t *testing.T) {
	inst := horizonExplainCases()[0]
	ctx := context.Background()
	base, err := solver.Solve(ctx, inst, solver.Options{})
	if err != nil || base.Status != solver.Optimal {
		t.Fatalf("solve: %v %v", base.Status, err)
	}
	taken := map[string]bool{}
	for _, pj := range base.Assignment.Projects {
		taken[pj.ID] = true
	}
	tried := 0
	for _, o := range inst.Opportunities {
		if taken[o.ID] {
			continue
		}
		res, err := solver.Solve(ctx, inst, solver.Options{Force: []string{o.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status == solver.Infeasible {
			if len(res.Explanation) == 0 {
				t.Errorf("%s: infeasible without a reason", o.ID)
			}
			continue
		}
		tried++
		if res.Status != solver.Optimal || res.Objective < base.Objective-1e-6*math.Max(1, math.Abs(base.Objective)) {
			t.Errorf("%s forced in: %s Z %g, optimum %g", o.ID, res.Status, res.Objective, base.Objective)
		}
		n := 0
		for _, pj := range res.Assignment.Projects {
			if pj.ID == o.ID {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s forced in: in the plan %d times", o.ID, n)
		}
		if r := check.Check(inst, res.Plan(), check.Options{RequireAccounts: true}); !r.OK() {
			t.Errorf("%s forced in: %v", o.ID, r.Err())
		}
	}
	if tried == 0 {
		t.Error("no opportunity could be forced in: the test checks nothing")
	}
	if _, err := solver.Solve(ctx, inst, solver.Options{Force: []string{"nope"}}); !errors.Is(err, solver.ErrBadForce) {
		t.Errorf("unknown forced id: %v, want ErrBadForce", err)
	}
	broke := horizonExplainCases()[0]
	broke.Opportunities[0].Cost = 1e7
	res, err := solver.Solve(ctx, broke, solver.Options{Force: []string{broke.Opportunities[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != solver.Infeasible || len(res.Explanation) != 1 || !strings.Contains(res.Explanation[0], "cannot be forced in: no coalition can fund it in any period") {
		t.Errorf("never fundable, forced: %s %q", res.Status, res.Explanation)
	}
}
