package solver_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
)

// explainCases are the instances explain is checked on: the bundled ones
// and generated clusters.
func explainCases(t *testing.T) []vbCase {
	cases := []vbCase{
		{"tiny", vbFile("../instances/tiny.json")},
		{"jiangsu-electronics", vbFile("../instances/jiangsu-electronics.json")},
		{"gen-14x9x3-s2201", func() (*model.Instance, error) { return vbGen(14, 9, 3, 2201)(), nil }},
		{"gen-20x12x4-s2202", func() (*model.Instance, error) { return vbGen(20, 12, 4, 2202)(), nil }},
	}
	if testing.Short() {
		cases = cases[:1]
	}
	return cases
}

func lookCBC(t *testing.T) string {
	t.Helper()
	cbc, err := exec.LookPath("cbc")
	if err != nil {
		t.Fatal("cbc not found: install coinor-cbc (the README's setup does)")
	}
	return cbc
}

// TestExplainAgainstIndependent: every line of Explain against an
// independent computation. The Z decomposition sums to the checker's Z,
// and each term matches the checker's metrics or a sum over the instance;
// every firm's limits match a recomputation from the plan and the
// checker's CVaR; and every forced-in cost equals (or brackets) the
// optimum CBC finds on the verbatim MIP of MODEL.md with y_p = 1 added.
func TestExplainAgainstIndependent(t *testing.T) {
	cbc := lookCBC(t)
	dir := t.TempDir()
	for _, c := range explainCases(t) {
		t.Run(c.name, func(t *testing.T) {
			inst, err := c.load()
			if err != nil {
				t.Fatal(err)
			}
			res, err := solver.Solve(context.Background(), inst, solver.Options{})
			if err != nil || res.Status != solver.Optimal {
				t.Fatalf("solve: %v %v", res.Status, err)
			}
			plan := res.Plan()
			rep := check.Check(inst, plan, check.Options{})
			if !rep.OK() {
				t.Fatal(rep.Err())
			}
			ex, err := solver.Explain(context.Background(), inst, plan, solver.ExplainOptions{PerSolve: 20 * time.Second, TimeLimit: 5 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			checkDecomposition(t, inst, plan, rep, ex.Decomposition)
			checkFirmLimits(t, inst, plan, rep, ex.Firms)
			taken := map[string]bool{}
			for _, pj := range plan.Plan.Projects {
				taken[pj.ID] = true
			}
			if want := len(inst.Opportunities) - len(taken); len(ex.LeftOut) != want {
				t.Fatalf("%d opportunities left out, want %d", len(ex.LeftOut), want)
			}
			verbatimTried := 0
			for _, lo := range ex.LeftOut {
				if taken[lo.ID] {
					t.Errorf("%s is taken but listed as left out", lo.ID)
				}
				p := oppIndex(inst, lo.ID)
				lp, _ := vbBuild(inst)
				lp.row("force", []vbTerm{{1, fmt.Sprintf("y_%d", p)}}, "=", 1)
				path := filepath.Join(dir, c.name+"-"+lo.ID+".lp")
				if err := os.WriteFile(path, []byte(lp.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				if len(lo.Static) > 0 {
					// Never fundable: the verbatim MIP with y_p = 1 is infeasible.
					if lo.Forced != nil {
						t.Errorf("%s: static reason and a re-solve", lo.ID)
					}
					if want := vbSolveCBC(t, cbc, path); !want.infeasible {
						t.Errorf("%s: said never fundable (%v), but CBC finds a plan with it, Z %g", lo.ID, lo.Static, want.obj)
					}
					continue
				}
				if testing.Short() && verbatimTried >= 2 {
					continue
				}
				verbatimTried++
				want := vbSolveCBC(t, cbc, path)
				fs := lo.Forced
				switch {
				case want.infeasible:
					if fs.Status != "infeasible" {
						t.Errorf("%s: CBC says no plan takes it, explain says %s", lo.ID, fs.Status)
					}
				case fs.Status == "optimal":
					if !fs.Exact || !vbClose(*fs.Objective, want.obj) || !vbClose(*fs.CostHigh, want.obj-*plan.Objective) || *fs.CostLow != *fs.CostHigh {
						t.Errorf("%s: forced Z %g cost %g..%g, CBC's forced optimum %g (cost %g)", lo.ID, *fs.Objective, *fs.CostLow, *fs.CostHigh, want.obj, want.obj-*plan.Objective)
					}
					if *fs.CostHigh < -1e-6*math.Max(1, math.Abs(*plan.Objective)) {
						t.Errorf("%s: negative cost %g against an optimal plan", lo.ID, *fs.CostHigh)
					}
				case fs.Status == "feasible":
					cost := want.obj - *plan.Objective
					if fs.Exact || *fs.CostHigh < cost-1e-6*math.Max(1, math.Abs(cost)) || (fs.CostLow != nil && *fs.CostLow > cost+1e-6*math.Max(1, math.Abs(cost))) {
						t.Errorf("%s: bounded cost does not bracket CBC's %g", lo.ID, cost)
					}
				default:
					t.Errorf("%s: re-solve status %s, CBC finds optimum %g", lo.ID, fs.Status, want.obj)
				}
			}
		})
	}
}

func oppIndex(inst *model.Instance, id string) int {
	for p := range inst.Opportunities {
		if inst.Opportunities[p].ID == id {
			return p
		}
	}
	return -1
}

func checkDecomposition(t *testing.T, inst *model.Instance, plan *model.Plan, rep *check.Report, d solver.Decomposition) {
	t.Helper()
	npv, sub := 0.0, 0.0
	for _, pj := range plan.Plan.Projects {
		o := &inst.Opportunities[oppIndex(inst, pj.ID)]
		npv += o.NPV
		sub += inst.Policy.Subsidy[o.Mode] * o.Cost
	}
	m := rep.Metrics
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"npv", d.NPV, -npv},
		{"subsidy", d.Subsidy, -sub},
		{"npv+subsidy vs checker's value", d.NPV + d.Subsidy, -m.Value},
		{"market power", d.MarketPower, -inst.Objective.MarketPowerValue * m.MarketPower},
		{"learning", d.Learning, -inst.Objective.LearningValue * float64(m.Learning)},
		{"info cost", d.InfoCost, m.InfoCost},
		{"dissipation", d.Dissipation, m.Dissipation},
		{"Z", d.Z, rep.Objective},
		{"terms sum to Z", d.NPV + d.Subsidy + d.MarketPower + d.Learning + d.InfoCost + d.Dissipation, rep.Objective},
		{"money value", d.MoneyValue, m.Value - m.InfoCost - m.Dissipation},
	} {
		if !vbClose(c.got, c.want) {
			t.Errorf("decomposition %s: %g, independent %g", c.name, c.got, c.want)
		}
	}
}

func checkFirmLimits(t *testing.T, inst *model.Instance, plan *model.Plan, rep *check.Report, firms []solver.FirmLimits) {
	t.Helper()
	if len(firms) != len(inst.Firms) {
		t.Fatalf("%d firms, want %d", len(firms), len(inst.Firms))
	}
	committed, count, credit := map[string]float64{}, map[string]int{}, map[string]float64{}
	for _, pj := range plan.Plan.Projects {
		o := &inst.Opportunities[oppIndex(inst, pj.ID)]
		a := (1 - inst.Policy.Subsidy[o.Mode]) * o.Cost
		for _, s := range pj.Participants {
			committed[s.Firm] += a * s.Stake
			count[s.Firm]++
		}
	}
	for _, c := range plan.Plan.Credit {
		credit[c.Firm] += c.Amount
	}
	near := func(use, limit float64) bool { return use >= limit-1e-6*math.Max(1, limit) }
	for i, f := range firms {
		fm := &inst.Firms[i]
		if f.Firm != fm.ID || !vbClose(f.Committed, committed[fm.ID]) || f.Projects != count[fm.ID] || !vbClose(f.Credit, credit[fm.ID]) || !vbClose(f.CVaR, rep.CVaR[fm.ID]) {
			t.Errorf("firm %s: %+v; independent committed %g, projects %d, credit %g, CVaR %g", fm.ID, f, committed[fm.ID], count[fm.ID], credit[fm.ID], rep.CVaR[fm.ID])
		}
		var want []string
		if near(committed[fm.ID], fm.Capital+credit[fm.ID]) {
			want = append(want, "capital")
		}
		if cap := inst.Policy.CreditPerFirm * fm.Capital; cap > 0 && near(credit[fm.ID], cap) {
			want = append(want, "credit")
		}
		if fm.RiskLimit > 0 && near(rep.CVaR[fm.ID], fm.RiskLimit) {
			want = append(want, "risk")
		}
		if fm.MaxProjects != nil && *fm.MaxProjects > 0 && count[fm.ID] >= *fm.MaxProjects {
			want = append(want, "projects")
		}
		if acc := plan.Firms; acc != nil && fmt.Sprint(acc[i].Binding) != fmt.Sprint(f.Binding) {
			t.Errorf("firm %s binding %v, the plan's firm account says %v", fm.ID, f.Binding, acc[i].Binding)
		}
		if fmt.Sprint(want) != fmt.Sprint(f.Binding) && !(len(want) == 0 && len(f.Binding) == 0) {
			t.Errorf("firm %s binding %v, independent %v", fm.ID, f.Binding, want)
		}
	}
}

// TestForceBadInput: unknown ids and baseline methods are errors; an
// opportunity no coalition can fund makes the solve infeasible, with the
// reason.
func TestForceBadInput(t *testing.T) {
	inst, err := model.LoadFile("../instances/tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := solver.Solve(ctx, inst, solver.Options{Force: []string{"nope"}}); err == nil {
		t.Error("unknown forced id: no error")
	}
	if _, err := solver.Solve(ctx, inst, solver.Options{Force: []string{"ne_vn"}, Method: model.MethodIndependent}); err == nil {
		t.Error("forcing with a baseline: no error")
	}
	res, err := solver.Solve(ctx, inst, solver.Options{Force: []string{"gf_vn"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != solver.Infeasible || len(res.Explanation) == 0 {
		t.Errorf("forcing a never fundable opportunity: %s %v", res.Status, res.Explanation)
	}
}

// TestLeversAgainstIndependent: every lever point's Z is the optimum CBC
// finds on the verbatim MIP of the instance edited by hand (the test's own
// edit of the field, not Levers'), every dZ per unit is the difference of
// those optima over the step, dW per unit is recomputed from the
// checker's metrics of the plans, and the binding flags follow the
// checker's metrics.
func TestLeversAgainstIndependent(t *testing.T) {
	cbc := lookCBC(t)
	dir := t.TempDir()
	cases := []vbCase{
		{"tiny", vbFile("../instances/tiny.json")},
		{"gen-14x9x3-s2201", func() (*model.Instance, error) { return vbGen(14, 9, 3, 2201)(), nil }},
	}
	if testing.Short() {
		cases = cases[:1]
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inst, err := c.load()
			if err != nil {
				t.Fatal(err)
			}
			rep, err := solver.Levers(context.Background(), inst, solver.LeverOptions{Steps: 2, PerSolve: time.Minute, TimeLimit: 10 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Levers) < 4 {
				t.Fatalf("%d levers, want credit line, subsidies, two targets and alpha", len(rep.Levers))
			}
			for _, lv := range rep.Levers {
				for k, pt := range lv.Points {
					fresh, err := c.load()
					if err != nil {
						t.Fatal(err)
					}
					editLever(fresh, lv.Name, pt.Value)
					path := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.lp", c.name, lv.Name, k))
					if err := os.WriteFile(path, []byte(vbWrite(fresh)), 0o644); err != nil {
						t.Fatal(err)
					}
					want := vbSolveCBC(t, cbc, path)
					where := fmt.Sprintf("%s = %g", lv.Name, pt.Value)
					if want.infeasible {
						if pt.Status != "infeasible" {
							t.Errorf("%s: CBC infeasible, levers %s", where, pt.Status)
						}
						continue
					}
					if pt.Status != "optimal" || !vbClose(*pt.Objective, want.obj) {
						t.Errorf("%s: Z %v (%s), CBC %g", where, pt.Objective, pt.Status, want.obj)
						continue
					}
					if k == 0 {
						checkLeverPlan(t, fresh, lv.Name, where, pt, solver.LeverPoint{}, 1)
						continue
					}
					prev := lv.Points[k-1]
					units := lv.Step / lv.PerUnit
					if prev.Objective != nil && (!pt.Exact || !vbClose(*pt.DZ, (want.obj-*prev.Objective)/units)) {
						t.Errorf("%s: dZ/unit %v exact %v, independent %g", where, pt.DZ, pt.Exact, (want.obj-*prev.Objective)/units)
					}
					checkLeverPlan(t, fresh, lv.Name, where, pt, prev, units)
				}
			}
		})
	}
}

// checkLeverPlan re-solves the edited instance (Levers does not return its
// plans), checks the plan's Z is the point's, and recomputes W and the
// binding flag from the checker's metrics.
func checkLeverPlan(t *testing.T, inst *model.Instance, name, where string, pt, prev solver.LeverPoint, units float64) {
	t.Helper()
	res, err := solver.Solve(context.Background(), inst, solver.Options{NoBalance: true})
	if err != nil || res.Assignment == nil {
		t.Fatalf("%s: %v", where, err)
	}
	rep := check.Check(inst, res.Plan(), check.Options{})
	if !rep.OK() {
		t.Fatal(rep.Err())
	}
	m := rep.Metrics
	w := m.Value - m.InfoCost - m.Dissipation
	if !vbClose(*pt.MoneyValue, w) {
		// Ties: another optimal plan may have another W; report, since
		// GLPK is deterministic and should give the same plan.
		t.Errorf("%s: W %g, checker's W of the same solve %g", where, *pt.MoneyValue, w)
	}
	if prev.MoneyValue != nil && !vbClose(*pt.DW, (w-*prev.MoneyValue)/units) {
		t.Errorf("%s: dW/unit %g, independent %g", where, *pt.DW, (w-*prev.MoneyValue)/units)
	}
	var bind bool
	switch {
	case name == solver.LeverCreditLine:
		bind = m.CreditDrawn >= inst.Policy.CreditLine-1e-6*math.Max(1, inst.Policy.CreditLine)
	case name == solver.LeverMarketPower:
		bind = m.MarketPower <= inst.Objective.MarketPowerTarget+1e-6*math.Max(1, inst.Objective.MarketPowerTarget)
	case name == solver.LeverSMETarget:
		smes := 0
		for _, f := range inst.Firms {
			if f.Role == model.SME {
				smes++
			}
		}
		need := int(math.Ceil(inst.Objective.SMEParticipationTarget*float64(smes) - 1e-9))
		bind = need > 0 && int(math.Round(m.SMEParticipation*float64(smes))) <= need
	case name == solver.LeverAlpha:
		for _, f := range inst.Firms {
			if f.RiskLimit > 0 && rep.CVaR[f.ID] >= f.RiskLimit-1e-6*math.Max(1, f.RiskLimit) {
				bind = true
			}
		}
	default: // subsidy.<mode>
		mode := model.Mode(name[len(solver.LeverSubsidy):])
		for _, pj := range res.Assignment.Projects {
			bind = bind || pj.Mode == mode
		}
	}
	if bind != pt.Binding {
		t.Errorf("%s: binding %v, independent %v", where, pt.Binding, bind)
	}
}

// editLever sets a lever's field on inst, by the lever's documented name.
func editLever(inst *model.Instance, name string, v float64) {
	switch name {
	case "credit_line":
		inst.Policy.CreditLine = v
	case "market_power_target":
		inst.Objective.MarketPowerTarget = v
	case "sme_participation_target":
		inst.Objective.SMEParticipationTarget = v
	case "cvar_alpha":
		inst.Policy.CVaRAlpha = &v
	default:
		if inst.Policy.Subsidy == nil {
			inst.Policy.Subsidy = map[model.Mode]float64{}
		}
		inst.Policy.Subsidy[model.Mode(name[len("subsidy."):])] = v
	}
}

// TestExplainNoPlan: a plan without a plan block (an infeasible solve)
// cannot be explained; the error says so and carries the solve's reasons.
func TestExplainNoPlan(t *testing.T) {
	inst := load(t, "tiny")
	for _, tc := range []struct {
		plan *model.Plan
		want string
	}{
		{&model.Plan{Instance: "tiny", Method: model.MethodCluster, Status: model.StatusInfeasible, Message: "market_power_target 99 cannot be met"}, "cannot be met"},
		{&model.Plan{Instance: "tiny", Method: model.MethodCluster, Status: model.StatusNoSolution}, "status no_solution"},
	} {
		_, err := solver.Explain(context.Background(), inst, tc.plan, solver.ExplainOptions{})
		if !errors.Is(err, solver.ErrNoPlan) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("status %s: error %v, want ErrNoPlan with %q", tc.plan.Status, err, tc.want)
		}
	}
}
