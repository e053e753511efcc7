package check_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
)

func hp(x float64) *float64 { return &x }

// handHorizon is worked by hand in TestHorizonAccountsHand: pioneer P
// (K 880) and SME S (K 100, knows de at 0.3) over two periods, d = 0.9,
// half the capital released in period 1. a1 (acquisition, cost 100, npv
// 10, loss 10%), a2 (non-equity, cost 20, npv 5, loss 50%), a3
// (greenfield, cost 800, npv 50), a4 (greenfield, cost 50, npv 8, period
// 2 only); de's info cost 4, dissipation 7 beyond 2 display projects.
func handHorizon() *model.Instance {
	return &model.Instance{
		Name:      "hz-accounts",
		Scenarios: []model.Scenario{{ID: "base", Probability: 1}},
		Markets:   []model.Market{{ID: "de", InfoCost: 4, Dissipation: 7, Capacity: map[string]int{"display": 2}}},
		Firms: []model.Firm{
			{ID: "P", Role: model.Large, Pioneer: true, Capital: 880, RiskLimit: 1000, Segments: []string{"display"}, Knowledge: map[string]float64{"de": 0.9}},
			{ID: "S", Role: model.SME, Capital: 100, RiskLimit: 100, Segments: []string{"display"}, Knowledge: map[string]float64{"de": 0.3}},
		},
		Opportunities: []model.Opportunity{
			{ID: "a1", Market: "de", Segment: "display", Mode: model.Acquisition, Cost: 100, NPV: 10, KnowledgeRequired: 0.5, Loss: map[string]float64{"base": 0.1}},
			{ID: "a2", Market: "de", Segment: "display", Mode: model.NonEquity, Cost: 20, NPV: 5, KnowledgeRequired: 0.5, Loss: map[string]float64{"base": 0.5}},
			{ID: "a3", Market: "de", Segment: "display", Mode: model.Greenfield, Cost: 800, NPV: 50, KnowledgeRequired: 0.5},
			{ID: "a4", Market: "de", Segment: "display", Mode: model.Greenfield, Cost: 50, NPV: 8, KnowledgeRequired: 0.5, Periods: []int{2}},
		},
		Horizon: &model.Horizon{Periods: 2, Discount: hp(0.9), CapitalRelease: hp(0.5)},
	}
}

// handHorizonPlan: S learns beside P in a1 (period 1, stakes 0.8/0.2),
// then knows de at 0.3 + 0.05 + 0.15 = 0.5 and takes a2 alone in period 2,
// when P takes a3. Its figures come from model (EvaluateHorizon and
// Accounts with the solver's outside options).
func handHorizonPlan(t *testing.T, in *model.Instance) *model.Plan {
	t.Helper()
	return handHorizonShared(t, in, model.SharingReport, true)
}

// handHorizonShared is handHorizonPlan under sharing rule sharing, with
// or without a3.
func handHorizonShared(t *testing.T, in *model.Instance, sharing string, withA3 bool) *model.Plan {
	t.Helper()
	a := &model.Assignment{
		Projects: []model.Project{
			{ID: "a1", Market: "de", Mode: model.Acquisition, Lead: "P", Period: 1, Participants: []model.Stake{{Firm: "P", Stake: 0.8}, {Firm: "S", Stake: 0.2}}},
			{ID: "a2", Market: "de", Mode: model.NonEquity, Period: 2, Participants: []model.Stake{{Firm: "S", Stake: 1}}},
			{ID: "a3", Market: "de", Mode: model.Greenfield, Lead: "P", Period: 2, Participants: []model.Stake{{Firm: "P", Stake: 1}}},
		},
		MarketsEntered: []string{"de"}, Credit: []model.Credit{},
	}
	if !withA3 {
		a.Projects = a.Projects[:2]
	}
	d := model.Derive(in)
	m, z, view, err := d.EvaluateHorizon(a, model.MethodCluster)
	if err != nil {
		t.Fatal(err)
	}
	outside, err := solver.OutsideOptions(d)
	if err != nil {
		t.Fatal(err)
	}
	ac, err := d.Accounts(a, model.MethodCluster, sharing, outside)
	if err != nil {
		t.Fatal(err)
	}
	ac.Fill(&m)
	return &model.Plan{Instance: in.Name, Method: model.MethodCluster, Status: model.StatusFeasible, Objective: &z,
		Sharing: sharing, Metrics: &m, Plan: a, Firms: ac.Firms,
		Periods: view.Periods, Knowledge: view.Knowledge, Stages: view.Stages}
}

// TestHorizonAccountsHand: the accounts of handHorizonPlan, by hand.
//
// Outside options (the independent baseline over the horizon): in period 1
// P takes a1 (score 10 − 4; a3 needs 900 > 440 released); in period 2 a3
// would need 900 > 880, so P takes a4: o_P = 10 − 4 + 0.9·8 = 13.2. S
// never knows enough alone: o_S = 0.
//
// Cluster plan: W = 10 + 0.9·(5 + 50) − 4 − 0.9·7 (the third display
// project, period 2) = 49.2, S = 49.2 − 13.2 = 36. P commits 80 + 0.9·800
// = 800 and returns 0.8·10 + 0.9·50 = 53; by period 2 it has put in 880 =
// K_P (undiscounted): capital binds. S commits 20 + 0.9·20 = 38, returns
// 2 + 0.9·5 = 6.5, loses 2 + 10 = 12 (CVaR, undiscounted), learns once.
// π_f = o_f + 36·committed_f/838.
func TestHorizonAccountsHand(t *testing.T) {
	in := handHorizon()
	if err := model.ValidateErr(in); err != nil {
		t.Fatal(err)
	}
	plan := handHorizonPlan(t, in)
	piP, piS := 13.2+36*800.0/838, 36*38.0/838
	want := []model.FirmAccount{
		{ID: "P", Role: model.Large, Pioneer: true, Projects: 2, Committed: 800, CapitalUse: 800.0 / 880, CVaR: 8, CVaRUse: 0.008,
			StakeReturn: 53, OutsideOption: 13.2, Payoff: piP, Transfer: piP - 53, Binding: []string{model.BindingCapital}},
		{ID: "S", Role: model.SME, Projects: 2, Committed: 38, CapitalUse: 0.38, CVaR: 12, CVaRUse: 0.12, Learning: 1,
			StakeReturn: 6.5, OutsideOption: 0, Payoff: piS, Transfer: piS - 6.5, Binding: []string{}},
	}
	sameAccounts(t, plan.Firms, want)
	m := plan.Metrics
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"money_value", m.MoneyValue, 49.2}, {"surplus", m.Surplus, 36}, {"transfers_paid", m.TransfersPaid, 10.3}} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s %.12g, want %.12g", c.name, c.got, c.want)
		}
	}
	if m.FirmsBelowOutsideOption != 0 || !m.IndividuallyRational {
		t.Errorf("firms below %d, individually rational %v; want 0, true", m.FirmsBelowOutsideOption, m.IndividuallyRational)
	}
	rep := check.Check(in, plan, check.Options{RequireAccounts: true})
	if !rep.OK() {
		t.Fatalf("checker: %v", rep.Err())
	}
	if math.Abs(rep.Outside["P"]-13.2) > 1e-9 || rep.Outside["S"] != 0 {
		t.Errorf("checker's outside options %v, want P 13.2, S 0", rep.Outside)
	}

	// The independent baseline's own accounts: P pays its info cost and
	// keeps its money, π_P = 17.2 − 4 = o_P; W = 13.2, S = 0.
	res, err := solver.Solve(context.Background(), in, solver.Options{Method: model.MethodIndependent})
	if err != nil {
		t.Fatal(err)
	}
	indep := res.Plan()
	sameAccounts(t, indep.Firms, []model.FirmAccount{
		{ID: "P", Role: model.Large, Pioneer: true, Projects: 2, Committed: 145, CapitalUse: 145.0 / 880, CVaR: 10, CVaRUse: 0.01,
			StakeReturn: 17.2, OutsideOption: 13.2, InfoPaid: 4, Payoff: 13.2, Binding: []string{}},
		{ID: "S", Role: model.SME, Binding: []string{}},
	})
	if math.Abs(indep.Metrics.MoneyValue-13.2) > 1e-9 || math.Abs(indep.Metrics.Surplus) > 1e-9 {
		t.Errorf("independent: W %g, S %g; want 13.2, 0", indep.Metrics.MoneyValue, indep.Metrics.Surplus)
	}
	if err := check.Check(in, indep, check.Options{RequireAccounts: true}).Err(); err != nil {
		t.Fatal(err)
	}
}

// sameAccounts compares accounts field by field (money within 1e-9).
func sameAccounts(t *testing.T, got, want []model.FirmAccount) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d accounts, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		money := []struct {
			name string
			g, w float64
		}{{"committed", g.Committed, w.Committed}, {"credit", g.Credit, w.Credit}, {"capital_use", g.CapitalUse, w.CapitalUse},
			{"cvar", g.CVaR, w.CVaR}, {"cvar_use", g.CVaRUse, w.CVaRUse}, {"stake_return", g.StakeReturn, w.StakeReturn},
			{"outside_option", g.OutsideOption, w.OutsideOption}, {"info_paid", g.InfoPaid, w.InfoPaid},
			{"transfer", g.Transfer, w.Transfer}, {"payoff", g.Payoff, w.Payoff}}
		for _, x := range money {
			if math.Abs(x.g-x.w) > 1e-9 {
				t.Errorf("%s: %s %.12g, want %.12g", w.ID, x.name, x.g, x.w)
			}
		}
		if g.ID != w.ID || g.Role != w.Role || g.Pioneer != w.Pioneer || g.Projects != w.Projects || g.Learning != w.Learning || !slices.Equal(g.Binding, w.Binding) {
			t.Errorf("account %+v, want %+v", g, w)
		}
	}
}

// TestHorizonAccountsCorrupted: corruptions of the hand plan's accounts
// are caught, among them the undiscounted figures a plan might report.
func TestHorizonAccountsCorrupted(t *testing.T) {
	in := handHorizon()
	base := handHorizonPlan(t, in)
	tests := []struct {
		name  string
		edit  func(p *model.Plan)
		want  string
		where string
	}{
		{"stake return", func(p *model.Plan) { p.Firms[1].StakeReturn += 0.1 }, check.Accounts, "firm S"},
		{"stake return undiscounted", func(p *model.Plan) { p.Firms[0].StakeReturn = 58 }, check.Accounts, "firm P"},
		{"outside option", func(p *model.Plan) { p.Firms[0].OutsideOption = 14 }, check.Accounts, "firm P"},
		{"outside option of one period", func(p *model.Plan) { p.Firms[0].OutsideOption = 6 }, check.Accounts, "firm P"},
		{"committed", func(p *model.Plan) { p.Firms[1].Committed += 1 }, check.Accounts, "firm S"},
		{"committed undiscounted", func(p *model.Plan) { p.Firms[0].Committed = 880 }, check.Accounts, "firm P"},
		{"binding dropped", func(p *model.Plan) { p.Firms[0].Binding = []string{} }, check.Accounts, "firm P"},
		{"binding invented", func(p *model.Plan) { p.Firms[1].Binding = []string{model.BindingCapital} }, check.Accounts, "firm S"},
		{"cvar", func(p *model.Plan) { p.Firms[1].CVaR = 0.9 * 12 }, check.Accounts, "firm S"},
		{"money value undiscounted", func(p *model.Plan) { p.Metrics.MoneyValue = 54 }, check.Metric, "money_value"},
		{"accounts missing", func(p *model.Plan) { p.Firms = nil }, check.Accounts, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := clonePlan(t, base)
			tc.edit(p)
			rep := check.Check(in, p, check.Options{RequireAccounts: true})
			if !slices.ContainsFunc(rep.Violations, func(v check.Violation) bool {
				return v.Constraint == tc.want && strings.Contains(v.Where, tc.where)
			}) {
				t.Errorf("no %s violation at %q; got %v", tc.want, tc.where, rep.Violations)
			}
		})
	}
}

// TestHorizonAccountsRecomputed: on generated 3-period clusters, the plans
// of all three methods carry accounts the checker recomputes, o_f is the
// independent plan's payoff, and the cluster's transfers sum to −(info
// cost + D), discounted.
func TestHorizonAccountsRecomputed(t *testing.T) {
	n := 4
	if testing.Short() {
		n = 2
	}
	for seed := uint64(1); seed <= uint64(n); seed++ {
		inst := gen.Generate(gen.Config{Firms: 10 + int(seed), Opportunities: 7 + int(seed), Markets: 3, Seed: seed, Periods: 3})
		t.Run(inst.Name, func(t *testing.T) {
			var indep *model.Plan
			for _, m := range []string{model.MethodIndependent, model.MethodPolicyPush, model.MethodCluster} {
				res, err := solver.Solve(context.Background(), inst, solver.Options{Method: m, TimeLimit: 20 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				p := res.Plan()
				if err := check.Check(inst, p, check.Options{RequireAccounts: true}).Err(); err != nil {
					t.Fatalf("%s: %v", m, err)
				}
				if m == model.MethodIndependent {
					indep = p
				}
				sumT := 0.0
				for i, f := range p.Firms {
					if math.Abs(f.OutsideOption-indep.Firms[i].Payoff) > 1e-9 {
						t.Errorf("%s: %s: o_f %v, payoff in the independent plan %v", m, f.ID, f.OutsideOption, indep.Firms[i].Payoff)
					}
					sumT += f.Transfer
				}
				if m == model.MethodCluster && math.Abs(sumT+p.Metrics.InfoCost+p.Metrics.Dissipation) > 1e-6 {
					t.Errorf("Σ τ = %v, want −(info cost + D) = %v", sumT, -(p.Metrics.InfoCost + p.Metrics.Dissipation))
				}
			}
		})
	}
}

// TestHorizonStakesRow16: under sharing stakes the checker verifies row 16
// summed over the horizon. With a3, P returns 53 ≥ o_P = 13.2 and S 6.5 ≥
// 0; without a3, P returns 0.8·10 = 8 < 13.2 over the horizon.
func TestHorizonStakesRow16(t *testing.T) {
	in := handHorizon()
	if err := check.Check(in, handHorizonShared(t, in, model.SharingStakes, true), check.Options{RequireAccounts: true}).Err(); err != nil {
		t.Fatalf("plan meeting row 16 refused: %v", err)
	}
	rep := check.Check(in, handHorizonShared(t, in, model.SharingStakes, false), check.Options{RequireAccounts: true})
	var got []string
	for _, v := range rep.Violations {
		got = append(got, v.String())
	}
	if len(got) != 1 || rep.Violations[0].Constraint != check.OutsideOption || rep.Violations[0].Where != "firm P" {
		t.Fatalf("violations %q, want one outside_option violation of firm P", got)
	}
	// The same plan under report sharing: transfers make up for it.
	if err := check.Check(in, handHorizonShared(t, in, model.SharingReport, false), check.Options{RequireAccounts: true}).Err(); err != nil {
		t.Fatalf("report sharing: %v", err)
	}
}
