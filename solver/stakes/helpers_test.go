package stakes

import (
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
)

func fp(x float64) *float64 { return &x }
func ip(x int) *int         { return &x }

// firm returns a firm of the given role serving segment "ic" with full
// knowledge of every market.
func firm(id string, role model.Role, capital, risk float64) model.Firm {
	return model.Firm{ID: id, Role: role, Capital: capital, RiskLimit: risk,
		Segments: []string{"ic"}, Knowledge: map[string]float64{"default": 1}}
}

// opp returns an opportunity in market "de", segment "ic".
func opp(id string, mode model.Mode, cost float64, loss map[string]float64) model.Opportunity {
	return model.Opportunity{ID: id, Market: "de", Segment: "ic", Mode: mode, Cost: cost, NPV: 10,
		MarketPower: 1, Loss: loss}
}

// instance returns a valid instance with scenarios base (0.75) and shock
// (0.25) and α = 0.9, so that a firm's CVaR is its loss in the worse of the
// two scenarios.
func instance(t testing.TB, firms []model.Firm, opps []model.Opportunity, edit ...func(*model.Instance)) *model.Instance {
	t.Helper()
	in := &model.Instance{
		Name:          "test",
		Scenarios:     []model.Scenario{{ID: "base", Probability: 0.75}, {ID: "shock", Probability: 0.25}},
		Markets:       []model.Market{{ID: "de", InfoCost: 1, Dissipation: 1, Capacity: map[string]int{"ic": 100}}},
		Firms:         firms,
		Opportunities: opps,
	}
	for _, e := range edit {
		e(in)
	}
	if err := model.ValidateErr(in); err != nil {
		t.Fatalf("invalid test instance: %v", err)
	}
	return in
}

// project returns a plan project for opportunity o with the given lead and
// participants given as firm, stake, firm, stake, ...
func project(o *model.Opportunity, lead string, fs ...any) model.Project {
	pj := model.Project{ID: o.ID, Market: o.Market, Mode: o.Mode, Lead: lead, Participants: []model.Stake{}}
	for i := 0; i < len(fs); i += 2 {
		pj.Participants = append(pj.Participants, model.Stake{Firm: fs[i].(string), Stake: fs[i+1].(float64)})
	}
	return pj
}

// assignment returns a plan block with the markets of its projects entered
// and the least credit each firm needs.
func assignment(in *model.Instance, projects ...model.Project) *model.Assignment {
	a := &model.Assignment{Projects: projects, MarketsEntered: []string{}, Credit: []model.Credit{}}
	seen := map[string]bool{}
	for _, pj := range projects {
		if !seen[pj.Market] {
			seen[pj.Market] = true
			a.MarketsEntered = append(a.MarketsEntered, pj.Market)
		}
	}
	spend := spending(in, a)
	for _, f := range in.Firms {
		if c := spend[f.ID] - f.Capital; c > 0 {
			a.Credit = append(a.Credit, model.Credit{Firm: f.ID, Amount: c})
		}
	}
	return a
}

func spending(in *model.Instance, a *model.Assignment) map[string]float64 {
	spend := map[string]float64{}
	for _, pj := range a.Projects {
		var o *model.Opportunity
		for i := range in.Opportunities {
			if in.Opportunities[i].ID == pj.ID {
				o = &in.Opportunities[i]
			}
		}
		for _, st := range pj.Participants {
			spend[st.Firm] += in.NetCost(o) * st.Stake
		}
	}
	return spend
}

// tailCVaR is an independent CVaR: the mean of the worst 1−α probability
// mass of the losses.
func tailCVaR(losses, probs []float64, alpha float64) float64 {
	idx := make([]int, len(losses))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return losses[idx[a]] > losses[idx[b]] })
	mass, sum, tail := 0.0, 0.0, 1-alpha
	for _, k := range idx {
		take := math.Min(probs[k], tail-mass)
		if take <= 0 {
			break
		}
		sum += take * losses[k]
		mass += take
	}
	return sum / tail
}

// losses returns each firm's loss per scenario under a.
func losses(in *model.Instance, a *model.Assignment) map[string][]float64 {
	out := map[string][]float64{}
	for _, f := range in.Firms {
		out[f.ID] = make([]float64, len(in.Scenarios))
	}
	for _, pj := range a.Projects {
		var o *model.Opportunity
		for i := range in.Opportunities {
			if in.Opportunities[i].ID == pj.ID {
				o = &in.Opportunities[i]
			}
		}
		for _, st := range pj.Participants {
			for k, s := range in.Scenarios {
				out[st.Firm][k] += o.Loss[s.ID] * in.NetCost(o) * st.Stake
			}
		}
	}
	return out
}

// balanceObjective is Σ_f (CVaR_f/R_f)² over firms with R_f > 0, computed
// independently of the package.
func balanceObjective(in *model.Instance, a *model.Assignment) float64 {
	probs := make([]float64, len(in.Scenarios))
	for k, s := range in.Scenarios {
		probs[k] = s.Probability
	}
	ls := losses(in, a)
	var sum float64
	for _, f := range in.Firms {
		if f.RiskLimit > 0 {
			u := tailCVaR(ls[f.ID], probs, in.Policy.Alpha()) / f.RiskLimit
			sum += u * u
		}
	}
	return sum
}

// feasible checks, independently of the package, the constraints of
// MODEL.md that involve stakes, with tolerance tol (absolute on stakes,
// relative on money).
func feasible(in *model.Instance, a *model.Assignment, tol float64) []string {
	var bad []string
	sMin, sLead, sMinority := in.Rules.MinStakeOr(), in.Rules.LeadMinStakeOr(), in.Rules.MinorityMaxStakeOr()
	firms := map[string]*model.Firm{}
	for i := range in.Firms {
		firms[in.Firms[i].ID] = &in.Firms[i]
	}
	for _, pj := range a.Projects {
		rule := in.Rules.Mode(pj.Mode)
		var sum float64
		for _, st := range pj.Participants {
			sum += st.Stake
			ub := 1.0
			if rule.Lead != "" && firms[st.Firm].Role != rule.Lead {
				ub = sMinority
			}
			if st.Stake < sMin-tol || st.Stake > ub+tol {
				bad = append(bad, fmt.Sprintf("%s/%s: stake %v outside [%v, %v]", pj.ID, st.Firm, st.Stake, sMin, ub))
			}
			if st.Firm == pj.Lead && st.Stake < sLead-tol {
				bad = append(bad, fmt.Sprintf("%s/%s: lead stake %v below %v", pj.ID, st.Firm, st.Stake, sLead))
			}
		}
		if math.Abs(sum-1) > tol {
			bad = append(bad, fmt.Sprintf("%s: stakes sum to %v", pj.ID, sum))
		}
	}
	credit := map[string]float64{}
	var drawn float64
	for _, c := range a.Credit {
		credit[c.Firm] = c.Amount
		drawn += c.Amount
		if lim := in.Policy.CreditPerFirm * firms[c.Firm].Capital; c.Amount < 0 || c.Amount > lim+tol*math.Max(1, lim) {
			bad = append(bad, fmt.Sprintf("credit of %s: %v outside [0, %v]", c.Firm, c.Amount, lim))
		}
	}
	if B := in.Policy.CreditLine; drawn > B+tol*math.Max(1, B) {
		bad = append(bad, fmt.Sprintf("credit drawn %v above the credit line %v", drawn, B))
	}
	spend := spending(in, a)
	ls := losses(in, a)
	probs := make([]float64, len(in.Scenarios))
	for k, s := range in.Scenarios {
		probs[k] = s.Probability
	}
	for _, f := range in.Firms {
		if avail := f.Capital + credit[f.ID]; spend[f.ID] > avail+tol*math.Max(1, avail) {
			bad = append(bad, fmt.Sprintf("%s: spends %v above %v", f.ID, spend[f.ID], avail))
		}
		if cv := tailCVaR(ls[f.ID], probs, in.Policy.Alpha()); cv > f.RiskLimit+tol*math.Max(1, f.RiskLimit) {
			bad = append(bad, fmt.Sprintf("%s: CVaR %v above %v", f.ID, cv, f.RiskLimit))
		}
	}
	return bad
}

// checkPlan runs model/check on a as a cluster plan.
func checkPlan(t *testing.T, in *model.Instance, d *model.Derived, a *model.Assignment) {
	t.Helper()
	m, z, err := d.Evaluate(a, model.MethodCluster)
	if err != nil {
		t.Fatal(err)
	}
	plan := &model.Plan{Instance: in.Name, Method: model.MethodCluster, Status: model.StatusFeasible,
		Objective: &z, Metrics: &m, Plan: a}
	if rep := check.Check(in, plan, check.Options{}); !rep.OK() {
		t.Errorf("model/check: %v", rep.Err())
	}
}

// structure returns the plan without its stakes and credit: projects,
// markets, modes, leads and members in order.
func structure(a *model.Assignment) string {
	s := fmt.Sprint(a.MarketsEntered)
	for _, pj := range a.Projects {
		s += fmt.Sprintf("|%s %s %s %s:", pj.ID, pj.Market, pj.Mode, pj.Lead)
		for _, st := range pj.Participants {
			s += " " + st.Firm
		}
	}
	return s
}

func stakeOf(a *model.Assignment, project, firm string) float64 {
	for _, pj := range a.Projects {
		if pj.ID == project {
			for _, st := range pj.Participants {
				if st.Firm == firm {
					return st.Stake
				}
			}
		}
	}
	return math.NaN()
}
