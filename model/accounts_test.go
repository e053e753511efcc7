package model_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// accountInstance: a large pioneer L (K 100, R 50) and an SME S (K 40,
// R 20, at most one project) in market m (I_m = 4); one acquisition p:
// cost 50, subsidy 20%, npv 10, so v_p = 20 and a_p = 40, losing half its
// net cost in the shock scenario (probability 0.25; α = 0.9 makes CVaR the
// shock loss).
func accountInstance() *model.Instance {
	one := 1
	return &model.Instance{
		Name:      "accounts",
		Scenarios: []model.Scenario{{ID: "base", Probability: 0.75}, {ID: "shock", Probability: 0.25}},
		Markets:   []model.Market{{ID: "m", InfoCost: 4}},
		Firms: []model.Firm{
			{ID: "L", Name: "Lead Co.", Role: model.Large, Pioneer: true, Capital: 100, RiskLimit: 50, Segments: []string{"ic"}, Knowledge: map[string]float64{"default": 1}},
			{ID: "S", Role: model.SME, Capital: 40, RiskLimit: 20, Segments: []string{"ic"}, MaxProjects: &one},
		},
		Opportunities: []model.Opportunity{{ID: "p", Market: "m", Segment: "ic", Mode: model.Acquisition,
			Cost: 50, NPV: 10, MarketPower: 3, Loss: map[string]float64{"shock": 0.5}}},
		Policy:    model.Policy{Subsidy: map[model.Mode]float64{model.Acquisition: 0.2}},
		Objective: model.Objective{MarketPowerValue: 5, LearningValue: 7},
	}
}

func TestAccounts(t *testing.T) {
	in := accountInstance()
	if err := model.ValidateErr(in); err != nil {
		t.Fatal(err)
	}
	d := model.Derive(in)
	shared := &model.Assignment{Projects: []model.Project{{ID: "p", Market: "m", Mode: model.Acquisition, Lead: "L",
		Participants: []model.Stake{{Firm: "L", Stake: 0.75}, {Firm: "S", Stake: 0.25}}}}, MarketsEntered: []string{"m"}}
	alone := &model.Assignment{Projects: []model.Project{{ID: "p", Market: "m", Mode: model.Acquisition, Lead: "L",
		Participants: []model.Stake{{Firm: "L", Stake: 1}}}}, MarketsEntered: []string{"m"}}
	tests := []struct {
		name    string
		a       *model.Assignment
		method  string
		outside []float64
		want    []model.FirmAccount
		// W, S, transfers paid, firms below, individually rational
		w, s, paid float64
		below      int
		ir         bool
	}{{
		// W = 20 − 4 = 16, S = 16 − 12 = 4, K = 30 + 10: π_L = 12 + 4·30/40
		// = 15 = r_L, π_S = 4·10/40 = 1, τ_S = 1 − 5 = −4 = −I_m.
		name: "cluster, report sharing", a: shared, method: model.MethodCluster, outside: []float64{12, 0},
		want: []model.FirmAccount{
			{ID: "L", Name: "Lead Co.", Role: model.Large, Pioneer: true, Projects: 1, Committed: 30, CapitalUse: 0.3,
				CVaR: 15, CVaRUse: 0.3, StakeReturn: 15, OutsideOption: 12, Transfer: 0, Payoff: 15, Binding: []string{}},
			{ID: "S", Role: model.SME, Projects: 1, Committed: 10, CapitalUse: 0.25, CVaR: 5, CVaRUse: 0.25,
				Learning: 1, StakeReturn: 5, OutsideOption: 0, Transfer: -4, Payoff: 1, Binding: []string{model.BindingProjects}},
		},
		w: 16, s: 4, paid: 4, below: 0, ir: true,
	}, {
		// o_L = 18 > W = 16: S = −2, not individually rational; L earns 15
		// from its stake, below 18.
		name: "cluster, surplus negative", a: shared, method: model.MethodCluster, outside: []float64{18, 0},
		want: []model.FirmAccount{
			{ID: "L", Name: "Lead Co.", Role: model.Large, Pioneer: true, Projects: 1, Committed: 30, CapitalUse: 0.3,
				CVaR: 15, CVaRUse: 0.3, StakeReturn: 15, OutsideOption: 18, Transfer: 1.5, Payoff: 16.5, Binding: []string{}},
			{ID: "S", Role: model.SME, Projects: 1, Committed: 10, CapitalUse: 0.25, CVaR: 5, CVaRUse: 0.25,
				Learning: 1, StakeReturn: 5, OutsideOption: 0, Transfer: -5.5, Payoff: -0.5, Binding: []string{model.BindingProjects}},
		},
		w: 16, s: -2, paid: 5.5, below: 1, ir: false,
	}, {
		// A baseline: L alone pays I_m itself, π_L = 20 − 4 = 16 = o_L.
		name: "independent baseline", a: alone, method: model.MethodIndependent, outside: []float64{16, 0},
		want: []model.FirmAccount{
			{ID: "L", Name: "Lead Co.", Role: model.Large, Pioneer: true, Projects: 1, Committed: 40, CapitalUse: 0.4,
				CVaR: 20, CVaRUse: 0.4, StakeReturn: 20, OutsideOption: 16, InfoPaid: 4, Payoff: 16, Binding: []string{}},
			{ID: "S", Role: model.SME, Binding: []string{}},
		},
		w: 16, s: 0, paid: 0, below: 0, ir: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ac, err := d.Accounts(tc.a, tc.method, model.SharingReport, tc.outside)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range tc.want {
				if !sameAccount(ac.Firms[i], w) {
					t.Errorf("account %d:\n got %+v\nwant %+v", i, ac.Firms[i], w)
				}
			}
			if !nearAcc(ac.MoneyValue, tc.w) || !nearAcc(ac.Surplus, tc.s) || !nearAcc(ac.TransfersPaid, tc.paid) ||
				ac.FirmsBelowOutsideOption != tc.below || ac.IndividuallyRational != tc.ir {
				t.Errorf("W %v S %v paid %v below %d IR %v; want %v %v %v %d %v", ac.MoneyValue, ac.Surplus,
					ac.TransfersPaid, ac.FirmsBelowOutsideOption, ac.IndividuallyRational, tc.w, tc.s, tc.paid, tc.below, tc.ir)
			}
		})
	}
}

func TestAccountsErrors(t *testing.T) {
	in := accountInstance()
	d := model.Derive(in)
	a := &model.Assignment{Projects: []model.Project{{ID: "nope"}}}
	tests := []struct {
		name    string
		a       *model.Assignment
		sharing string
		outside []float64
	}{
		{"unknown project", a, "", []float64{0, 0}},
		{"outside options short", &model.Assignment{}, "", []float64{0}},
		{"unknown sharing", &model.Assignment{}, "equal", []float64{0, 0}},
	}
	for _, tc := range tests {
		if _, err := d.Accounts(tc.a, model.MethodCluster, tc.sharing, tc.outside); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, err := d.OutsideOptions(a); err == nil {
		t.Error("OutsideOptions on an unknown project: no error")
	}
}

func nearAcc(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func sameAccount(a, b model.FirmAccount) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Role == b.Role && a.Pioneer == b.Pioneer && a.Projects == b.Projects &&
		nearAcc(a.Committed, b.Committed) && nearAcc(a.Credit, b.Credit) && nearAcc(a.CapitalUse, b.CapitalUse) &&
		nearAcc(a.CVaR, b.CVaR) && nearAcc(a.CVaRUse, b.CVaRUse) && a.Learning == b.Learning &&
		nearAcc(a.StakeReturn, b.StakeReturn) && nearAcc(a.OutsideOption, b.OutsideOption) && nearAcc(a.InfoPaid, b.InfoPaid) &&
		nearAcc(a.Transfer, b.Transfer) && nearAcc(a.Payoff, b.Payoff) && slices.Equal(a.Binding, b.Binding)
}

// The accounts of a two-firm plan: the SME pays the info cost the pioneer's
// market entry needs through its transfer.
func ExampleDerived_Accounts() {
	in := accountInstance()
	d := model.Derive(in)
	a := &model.Assignment{Projects: []model.Project{{ID: "p", Market: "m", Mode: model.Acquisition, Lead: "L",
		Participants: []model.Stake{{Firm: "L", Stake: 0.75}, {Firm: "S", Stake: 0.25}}}}, MarketsEntered: []string{"m"}}
	// Outside options come from the independent baseline
	// (solver.OutsideOptions); here they are given.
	ac, _ := d.Accounts(a, model.MethodCluster, model.SharingReport, []float64{12, 0})
	for _, f := range ac.Firms {
		fmt.Printf("%s committed %g return %g outside %g transfer %g payoff %g binding %v\n",
			f.ID, f.Committed, f.StakeReturn, f.OutsideOption, f.Transfer, f.Payoff, f.Binding)
	}
	fmt.Printf("W %g S %g\n", ac.MoneyValue, ac.Surplus)
	// Output:
	// L committed 30 return 15 outside 12 transfer 0 payoff 15 binding []
	// S committed 10 return 5 outside 0 transfer -4 payoff 1 binding [projects]
	// W 16 S 4
}
