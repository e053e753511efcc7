package stakes

import (
	"math"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// The analytic gradient of the penalised objective matches central
// differences at a point where bound, CVaR, budget and credit-line
// constraints and constraint 16 (stake return ≥ outside option) are
// violated, with multipliers set.
func TestPenaltyGradient(t *testing.T) {
	in, a := cluster(t, 12, 15, 4)
	in.Policy.CreditLine *= 0.5 // the credit-line penalty is active somewhere
	for f := range in.Firms {
		in.Firms[f].RiskLimit *= 0.7 // and CVaR penalties
	}
	d := model.Derive(in)
	pb0, err := build(d, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Outside options just above the plan's stake returns.
	outside := make([]float64, len(in.Firms))
	for i, sk := range pb0.stakes {
		outside[sk.firm] += sk.v * pb0.s0[i]
	}
	for f := range outside {
		outside[f] = 1.02*outside[f] + 0.5
	}
	pb, err := build(d, a, outside)
	if err != nil {
		t.Fatal(err)
	}
	ev := newEvaluator(pb)
	ev.mu, ev.eps, ev.w = 50, 0.01, 0.7
	x := ev.start()
	seed := uint64(7)
	for i := range x {
		seed = seed*6364136223846793005 + 1442695040888963407
		x[i] += 0.2 * (float64(seed>>11)/(1<<53) - 0.5)
	}
	// Set multipliers from this point, then move away: the shifted
	// penalties and the plain ones are both exercised.
	ev.update(x)
	for i := range x {
		x[i] *= 1.1
	}
	ev.eval(x)
	active := map[string]bool{}
	for j := range ev.cLower {
		active["lower"] = active["lower"] || ev.cLower[j] > 0
		active["upper"] = active["upper"] || ev.cUpper[j] > 0
	}
	for v := range ev.cCVaR {
		active["cvar"] = active["cvar"] || ev.cCVaR[v] > 0
		active["budget"] = active["budget"] || ev.cBudget[v] > 0
	}
	active["credit"] = ev.cCredit > 0
	for v := range ev.cFair {
		active["fair"] = active["fair"] || ev.cFair[v] > 0
	}
	for _, c := range []string{"lower", "cvar", "budget", "credit", "fair"} {
		if !active[c] {
			t.Errorf("test point does not violate a %s constraint", c)
		}
	}
	g := make([]float64, len(x))
	ev.grad(g, x)
	const h = 1e-6
	for i := range x {
		xp := append([]float64{}, x...)
		xm := append([]float64{}, x...)
		xp[i] += h
		xm[i] -= h
		num := (ev.fn(xp) - ev.fn(xm)) / (2 * h)
		if math.IsNaN(g[i]) {
			t.Fatalf("∂/∂x[%d] is NaN", i)
		}
		if math.Abs(num-g[i]) > 1e-4*math.Max(1, math.Abs(num)) {
			t.Errorf("∂/∂x[%d]: analytic %v, numeric %v", i, g[i], num)
		}
	}
}
