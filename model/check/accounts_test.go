package check_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
)

// accountCases are the bundled Jiangsu cluster and generated clusters.
func accountCases(t *testing.T) []*model.Instance {
	t.Helper()
	jiangsu, err := model.LoadFile("../../instances/jiangsu-electronics.json")
	if err != nil {
		t.Fatal(err)
	}
	out := []*model.Instance{jiangsu}
	n := 8
	if testing.Short() {
		n = 3
	}
	for seed := uint64(1); seed <= uint64(n); seed++ {
		out = append(out, gen.Generate(gen.Config{Firms: 12 + int(seed)*3, Opportunities: 8 + int(seed), Markets: 3 + int(seed)%3, Seed: seed}))
	}
	return out
}

// solvePlan solves inst with method under a short limit (the accounts of a
// feasible plan are as checkable as an optimal one's).
func solvePlan(t *testing.T, inst *model.Instance, method string) *model.Plan {
	t.Helper()
	res, err := solver.Solve(context.Background(), inst, solver.Options{Method: method, TimeLimit: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Assignment == nil {
		t.Fatalf("%s: no plan (%s)", method, res.Status)
	}
	return res.Plan()
}

// TestAccountsRecomputed: every plan of every method, on Jiangsu and on
// generated clusters, carries firm accounts that the checker's own
// computation (its own independent baseline for o_f included) confirms;
// the outside options of every plan equal the independent plan's payoffs.
func TestAccountsRecomputed(t *testing.T) {
	for _, inst := range accountCases(t) {
		t.Run(inst.Name, func(t *testing.T) {
			var indep *model.Plan
			for _, m := range []string{model.MethodIndependent, model.MethodPolicyPush, model.MethodCluster} {
				p := solvePlan(t, inst, m)
				rep := check.Check(inst, p, check.Options{RequireAccounts: true})
				if !rep.OK() {
					t.Fatalf("%s: %v", m, rep.Err())
				}
				if len(p.Firms) != len(inst.Firms) {
					t.Fatalf("%s: %d accounts for %d firms", m, len(p.Firms), len(inst.Firms))
				}
				if m == model.MethodIndependent {
					indep = p
				}
				var sumT, sumO float64
				for i, f := range p.Firms {
					if want := rep.Outside[f.ID]; f.OutsideOption != want {
						if d := f.OutsideOption - want; d > 1e-9 || d < -1e-9 {
							t.Errorf("%s: %s: o_f %v, checker %v", m, f.ID, f.OutsideOption, want)
						}
					}
					if w := indep.Firms[i].Payoff; f.OutsideOption != w {
						t.Errorf("%s: %s: o_f %v, payoff in the independent plan %v", m, f.ID, f.OutsideOption, w)
					}
					sumT += f.Transfer
					sumO += f.OutsideOption
				}
				mt := p.Metrics
				if m == model.MethodCluster {
					if d := sumT + mt.InfoCost + mt.Dissipation; d > 1e-6 || d < -1e-6 {
						t.Errorf("Σ τ = %v, want −(info cost + D) = %v", sumT, -(mt.InfoCost + mt.Dissipation))
					}
					if p.Sharing != model.SharingReport {
						t.Errorf("sharing %q, want %q", p.Sharing, model.SharingReport)
					}
				} else if sumT != 0 || p.Sharing != "" {
					t.Errorf("%s: Σ τ = %v, sharing %q: baselines have neither", m, sumT, p.Sharing)
				}
				if d := mt.Surplus - (mt.MoneyValue - sumO); d > 1e-6 || d < -1e-6 {
					t.Errorf("%s: surplus %v, W − Σo = %v", m, mt.Surplus, mt.MoneyValue-sumO)
				}
			}
		})
	}
}

// TestAccountsCorrupted: each corruption of a solved plan's accounts or
// sharing metrics is caught, named by the right constraint and firm.
func TestAccountsCorrupted(t *testing.T) {
	inst := accountCases(t)[0]
	cluster := solvePlan(t, inst, model.MethodCluster)
	indep := solvePlan(t, inst, model.MethodIndependent)
	// A firm that takes part and one that binds, to corrupt.
	active, bound := -1, -1
	for i, f := range cluster.Firms {
		if f.Projects > 0 && active < 0 {
			active = i
		}
		if len(f.Binding) > 0 && bound < 0 {
			bound = i
		}
	}
	if active < 0 || bound < 0 {
		t.Fatal("the Jiangsu plan has no active or no binding firm")
	}
	tests := []struct {
		name  string
		plan  *model.Plan
		edit  func(p *model.Plan)
		want  string // constraint
		where string // substring of Where
	}{
		{"committed", cluster, func(p *model.Plan) { p.Firms[active].Committed *= 1.01 }, check.Accounts, "firm"},
		{"credit", cluster, func(p *model.Plan) { p.Firms[active].Credit += 1 }, check.Accounts, "firm"},
		{"capital use", cluster, func(p *model.Plan) { p.Firms[active].CapitalUse += 0.01 }, check.Accounts, "firm"},
		{"cvar", cluster, func(p *model.Plan) { p.Firms[active].CVaR += 1 }, check.Accounts, "firm"},
		{"cvar use", cluster, func(p *model.Plan) { p.Firms[active].CVaRUse /= 2 }, check.Accounts, "firm"},
		{"projects", cluster, func(p *model.Plan) { p.Firms[active].Projects++ }, check.Accounts, "firm"},
		{"learning", cluster, func(p *model.Plan) { p.Firms[active].Learning++ }, check.Accounts, "firm"},
		{"stake return", cluster, func(p *model.Plan) { p.Firms[active].StakeReturn += 0.5 }, check.Accounts, "firm"},
		{"outside option", cluster, func(p *model.Plan) { p.Firms[active].OutsideOption += 3 }, check.Accounts, "firm"},
		{"info paid", indep, func(p *model.Plan) { p.Firms[0].InfoPaid += 1 }, check.Accounts, "firm"},
		{"transfer", cluster, func(p *model.Plan) { p.Firms[active].Transfer -= 2 }, check.Accounts, "firm"},
		{"payoff", cluster, func(p *model.Plan) { p.Firms[active].Payoff += 2 }, check.Accounts, "firm"},
		{"role", cluster, func(p *model.Plan) { p.Firms[active].Role = "sme" + "x" }, check.Accounts, "firm"},
		{"pioneer", cluster, func(p *model.Plan) { p.Firms[active].Pioneer = !p.Firms[active].Pioneer }, check.Accounts, "firm"},
		{"name", cluster, func(p *model.Plan) { p.Firms[active].Name += " Ltd" }, check.Accounts, "firm"},
		{"binding dropped", cluster, func(p *model.Plan) { p.Firms[bound].Binding = p.Firms[bound].Binding[1:] }, check.Accounts, "firm"},
		{"binding invented", cluster, func(p *model.Plan) {
			p.Firms[active].Binding = append(p.Firms[active].Binding, model.BindingCredit)
		}, check.Accounts, "firm"},
		{"binding unknown", cluster, func(p *model.Plan) { p.Firms[active].Binding = []string{"budget"} }, check.Accounts, "firm"},
		{"binding nil", cluster, func(p *model.Plan) { p.Firms[active].Binding = nil }, check.Accounts, "firm"},
		{"order", cluster, func(p *model.Plan) { p.Firms[0], p.Firms[1] = p.Firms[1], p.Firms[0] }, check.Accounts, "firms[0]"},
		{"firm missing", cluster, func(p *model.Plan) { p.Firms = p.Firms[:len(p.Firms)-1] }, check.Accounts, ""},
		{"accounts missing", cluster, func(p *model.Plan) { p.Firms = nil }, check.Accounts, ""},
		{"sharing missing", cluster, func(p *model.Plan) { p.Sharing = "" }, check.Accounts, ""},
		{"sharing on a baseline", indep, func(p *model.Plan) { p.Sharing = model.SharingReport }, check.Accounts, ""},
		{"money value", cluster, func(p *model.Plan) { p.Metrics.MoneyValue += 1 }, check.Metric, "money_value"},
		{"surplus", cluster, func(p *model.Plan) { p.Metrics.Surplus -= 1 }, check.Metric, "surplus"},
		{"transfers paid", cluster, func(p *model.Plan) { p.Metrics.TransfersPaid *= 0.9 }, check.Metric, "transfers_paid"},
		{"firms below", cluster, func(p *model.Plan) { p.Metrics.FirmsBelowOutsideOption++ }, check.Metric, "firms_below_outside_option"},
		{"individually rational", cluster, func(p *model.Plan) {
			p.Metrics.IndividuallyRational = !p.Metrics.IndividuallyRational
		}, check.Metric, "individually_rational"},
		{"independent plan not the baseline", indep, func(p *model.Plan) {
			pj := &p.Plan.Projects[0]
			for _, f := range inst.Firms {
				if f.ID != pj.Participants[0].Firm {
					pj.Participants[0].Firm = f.ID
					pj.Lead = ""
					break
				}
			}
		}, check.Baseline, "project"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := clonePlan(t, tc.plan)
			tc.edit(p)
			rep := check.Check(inst, p, check.Options{RequireAccounts: true})
			found := slices.ContainsFunc(rep.Violations, func(v check.Violation) bool {
				return v.Constraint == tc.want && strings.Contains(v.Where, tc.where)
			})
			if !found {
				t.Errorf("no %s violation at %q; got %v", tc.want, tc.where, rep.Violations)
			}
		})
	}
}

// clonePlan deep-copies the parts of a plan the corruptions edit.
func clonePlan(t *testing.T, p *model.Plan) *model.Plan {
	t.Helper()
	q := *p
	m := *p.Metrics
	q.Metrics = &m
	q.Firms = make([]model.FirmAccount, len(p.Firms))
	for i, f := range p.Firms {
		f.Binding = slices.Clone(f.Binding)
		if f.Binding == nil {
			f.Binding = []string{}
		}
		q.Firms[i] = f
	}
	a := *p.Plan
	a.Projects = make([]model.Project, len(p.Plan.Projects))
	for i, pj := range p.Plan.Projects {
		pj.Participants = slices.Clone(pj.Participants)
		a.Projects[i] = pj
	}
	q.Plan = &a
	return &q
}

func ExampleReport_outside() {
	inst, _ := model.LoadFile("../../instances/tiny.json")
	res, _ := solver.Solve(context.Background(), inst, solver.Options{})
	rep := check.Check(inst, res.Plan(), check.Options{RequireAccounts: true})
	fmt.Println(rep.OK(), rep.Outside["large1"])
	// Output: true 54
}
