package solver_test

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/cluster"
	"github.com/ofdi/ofdi/solver/stakes"
)

// pioneerJSON is a cluster where the pioneer is worse off under the
// unconstrained optimum (worked by hand in TestFairPioneer); bench's
// TestFairnessColumn uses the same file.
var pioneerJSON = string(mustReadFile("../instances/testdata/fair-pioneer.json"))

// TestFairPioneer is the hand-worked case of --sharing stakes.
//
// P is a pioneer that may take one project; S is an SME that knows
// nothing of the market, so it may join C (its only segment) only beside
// P, as a learner, with at most the minority stake 0.3; each such
// participation is worth λ_L = 30 to the planner (not money to anyone).
// Both projects cost 100 (no subsidy), so v_A = 30 and v_C = 10; the
// market's info cost is 2.
//
// Outside options: alone, P takes the better of A (score 30 − 2) and C
// (10 − 2), i.e. A, and may take no more: o_P = 30 − 2 = 28. S knows too
// little to invest alone: o_S = 0.
//
// Without (16): P takes A alone (Z = 2 − 30 = −28) or leads C with S
// learning (Z = 2 − 10 − 30 = −38) or C alone (−8); the optimum is C with
// S, Z = −38. P's stake in C is at most 0.95 (S holds at least 0.05), so
// r_P ≤ 9.5 < 28: the pioneer lends its knowledge and loses 18.5 or more.
//
// With (16): r_P ≥ 28 needs A, all of it (C returns at most 10, and P
// takes one project), so the optimum is A with P alone, Z = −28, r_P = 30,
// r_S = 0 ≥ 0. Price of fairness: −28 − (−38) = 10.
func TestFairPioneer(t *testing.T) {
	inst, err := model.Parse([]byte(pioneerJSON))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := solver.Solve(context.Background(), inst, solver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Status != solver.Optimal || !close(plain.Objective, -38) {
		t.Fatalf("without 16: %s Z = %g, want optimal -38", plain.Status, plain.Objective)
	}
	if f := plain.Firms[0]; f.ID != "P" || f.StakeReturn > 9.5+1e-9 || !close(f.OutsideOption, 28) {
		t.Fatalf("without 16: P returns %g (outside %g), want at most 9.5 (outside 28)", f.StakeReturn, f.OutsideOption)
	}
	fair, err := solver.Solve(context.Background(), inst, solver.Options{Sharing: model.SharingStakes})
	if err != nil {
		t.Fatal(err)
	}
	if fair.Status != solver.Optimal || !close(fair.Objective, -28) {
		t.Fatalf("with 16: %s Z = %g, want optimal -28", fair.Status, fair.Objective)
	}
	if !fair.HasPriceOfFairness || !close(fair.PriceOfFairness, 10) {
		t.Errorf("price of fairness %g (known %v), want 10", fair.PriceOfFairness, fair.HasPriceOfFairness)
	}
	p := fair.Plan()
	if p.Sharing != model.SharingStakes || p.PriceOfFairness == nil {
		t.Errorf("plan sharing %q, price %v: want stakes and a price", p.Sharing, p.PriceOfFairness)
	}
	if rep := check.Check(inst, p, check.Options{RequireAccounts: true}); !rep.OK() {
		t.Fatalf("checker: %v", rep.Err())
	}
	if len(p.Plan.Projects) != 1 || p.Plan.Projects[0].ID != "A" || fair.Firms[0].StakeReturn < 30-1e-9 {
		t.Errorf("with 16: plan %+v, P returns %g; want A held by P alone, 30", p.Plan.Projects, fair.Firms[0].StakeReturn)
	}
	if fair.Metrics.FirmsBelowOutsideOption != 0 || !fair.Metrics.IndividuallyRational {
		t.Errorf("with 16: %d firms below their outside option", fair.Metrics.FirmsBelowOutsideOption)
	}
}

// TestFairInfeasible: outside options no plan can match come back
// infeasible, with the firms named and the amounts, statically (a bound
// on the firm's stake return) or by solving.
func TestFairInfeasible(t *testing.T) {
	inst, err := model.Parse([]byte(pioneerJSON))
	if err != nil {
		t.Fatal(err)
	}
	target := *inst
	target.Objective.MarketPowerTarget = 1 // only C has market power
	for _, tc := range []struct {
		name    string
		inst    *model.Instance
		outside []float64
		want    []string
	}{
		// P's stakes return at most 30 (A whole): static.
		{"static bound", inst, []float64{50, 0}, []string{"firm P: outside option 50", "at most 30", "short by 20"}},
		// Each can be matched alone (P by A, S by 0.3 of C), not both: P
		// takes one project.
		{"together", inst, []float64{28, 1}, []string{"no plan matches them all together"}},
		// The target needs C, so P cannot hold A: at most 10 (C alone), a
		// solved bound (the static one is 30).
		{"solved", &target, []float64{28, 0}, []string{"firm P: outside option 28, but no plan gives it a stake return above 10 (short by 18)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := model.Derive(tc.inst)
			out, err := cluster.Solve(context.Background(), d, cluster.Params{Outside: tc.outside})
			if err != nil {
				t.Fatal(err)
			}
			if !out.Infeasible || out.Assignment != nil {
				t.Fatalf("infeasible %v, plan %v: want infeasible", out.Infeasible, out.Assignment)
			}
			msg := strings.Join(out.Explanation, "; ")
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("explanation %q lacks %q", msg, w)
				}
			}
		})
	}
}

// TestFairNoOpportunity: a firm with a positive outside option and no
// opportunity it can join is named statically.
func TestFairNoOpportunity(t *testing.T) {
	inst, err := model.Parse([]byte(strings.Replace(pioneerJSON, `"segments": ["x"]`, `"segments": ["z"]`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	fm, err := cluster.Build(model.Derive(inst))
	if err != nil {
		t.Fatal(err)
	}
	why := fm.Fair([]float64{28, 38})
	if len(why) != 1 || why[0] != "firm S: outside option 38, but it can join no opportunity" {
		t.Errorf("reasons %q", why)
	}
	if b := fm.StakeReturnBound(0); math.Abs(b-30) > 1e-9 {
		t.Errorf("P's stake return bound %g, want 30", b)
	}
}

// TestBalanceKeepsFairness: on Jiangsu's --sharing stakes optimum, the
// risk-balanced refinement with the outside options keeps every firm at or
// above its outside option and still balances risk (Σ (CVaR/R)² falls);
// without them it would leave some firm below (so (16) in Balance is
// needed).
func TestBalanceKeepsFairness(t *testing.T) {
	inst, err := model.LoadFile("../instances/jiangsu-electronics.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := solver.Solve(context.Background(), inst, solver.Options{Sharing: model.SharingStakes, NoBalance: true, TimeLimit: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if res.Assignment == nil {
		t.Fatalf("no plan: %s", res.Status)
	}
	d := model.Derive(inst)
	outside, err := solver.OutsideOptions(d)
	if err != nil {
		t.Fatal(err)
	}
	below := func(a *model.Assignment) int {
		ac, err := d.Accounts(a, model.MethodCluster, model.SharingStakes, outside)
		if err != nil {
			t.Fatal(err)
		}
		return ac.FirmsBelowOutsideOption
	}
	if n := below(res.Assignment); n != 0 {
		t.Fatalf("the MIP's plan has %d firms below their outside option", n)
	}
	fair, st, err := stakes.Balance(d, res.Assignment, stakes.Options{Outside: outside})
	if err != nil {
		t.Fatal(err)
	}
	if n := below(fair); n != 0 || !(st.After < st.Before*0.9) {
		t.Errorf("with (16): %d firms below, Σ (CVaR/R)² %.4g -> %.4g (want 0 below and at least 10%% less)", n, st.Before, st.After)
	}
	plain, _, err := stakes.Balance(d, res.Assignment, stakes.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if below(plain) == 0 {
		t.Logf("without (16) the refinement happens to keep every firm at its outside option too")
	}
}

// mustReadFile reads a test file, or panics (at package init: no test
// can run without it).
func mustReadFile(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return b
}
