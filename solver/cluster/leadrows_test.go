package cluster

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// The leads_ rows keep the MIP's optimum: GLPK with and without them, to
// optimality, on small clusters; every pair of leads in a row is recomputed
// from the instance (checkLeadRows).
func TestLeadConflictRowsKeepOptimum(t *testing.T) {
	solved := 0
	for _, shape := range []string{"tight-risk", "wide-capital", "mixed"} {
		for seed := uint64(701); seed <= 704; seed++ {
			fm := familyCluster(t, shape, 30, 12, 4, seed)
			checkLeadRows(t, fm)
			if _, ok := checkSameOptimum(t, fm, "leads_", fmt.Sprintf("%s seed %d", shape, seed)); ok {
				solved++
			}
		}
	}
	if solved < 4 {
		t.Errorf("only %d clusters had lead rows: the test no longer checks them", solved)
	}
}

// The leads_ rows raise the LP relaxation where risk limits are tight (a
// firm can no longer lead half of each of many projects), and never lower
// it.
func TestLeadConflictRowsRaiseLP(t *testing.T) {
	raised := 0
	for seed := uint64(701); seed <= 703; seed++ {
		fm := familyCluster(t, "tight-risk", 60, 20, 5, seed)
		checkLeadRows(t, fm)
		if checkLPRaised(t, fm, "leads_", fmt.Sprintf("seed %d", seed)) {
			raised++
		}
	}
	if raised == 0 {
		t.Error("the lead rows raised no LP relaxation: the test no longer shows them at work")
	}
}

// checkLeadRows recomputes, for every leads_ row of fm, that each pair of
// its leads is out of reach of one firm: σ·(a_p + a_q) above capital and
// the most credit, or the CVaR of σ·(L_p + L_q) above R_f.
func checkLeadRows(t *testing.T, fm *Formulation) {
	t.Helper()
	d := fm.D
	in := d.Inst
	owner := map[int][2]int{} // l column → firm, opportunity
	for p, pairs := range fm.Pairs {
		for _, pc := range pairs {
			if pc.L != none {
				owner[pc.L] = [2]int{pc.Firm, p}
			}
		}
	}
	sigma := math.Max(in.Rules.LeadMinStakeOr(), in.Rules.MinStakeOr())
	for _, r := range fm.Prob.Rows {
		if !strings.HasPrefix(r.Name, "leads_") {
			continue
		}
		if r.Hi != 1 || len(r.Ind) < 2 {
			t.Fatalf("%s: %d terms, upper bound %v", r.Name, len(r.Ind), r.Hi)
		}
		for i, a := range r.Ind {
			for _, b := range r.Ind[i+1:] {
				fa, fb := owner[a], owner[b]
				if fa[0] != fb[0] {
					t.Fatalf("%s: leads of two firms", r.Name)
				}
				firm := &in.Firms[fa[0]]
				credit := math.Min(in.Policy.CreditPerFirm*firm.Capital, in.Policy.CreditLine)
				p, q := &in.Opportunities[fa[1]], &in.Opportunities[fb[1]]
				net := func(o *model.Opportunity) float64 { return (1 - in.Policy.Subsidy[o.Mode]) * o.Cost }
				if sigma*(net(p)+net(q)) > firm.Capital+credit {
					continue
				}
				loss := make([]float64, len(in.Scenarios))
				probs := make([]float64, len(in.Scenarios))
				for k, s := range in.Scenarios {
					loss[k] = sigma * (p.Loss[s.ID]*net(p) + q.Loss[s.ID]*net(q))
					probs[k] = s.Probability
				}
				if model.CVaR(loss, probs, in.Policy.Alpha()) <= firm.RiskLimit {
					t.Errorf("%s: %s can lead both %s and %s", r.Name, firm.ID, p.ID, q.ID)
				}
			}
		}
	}
}
