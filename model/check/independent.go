package check

import (
	"math"
	"sort"

	"github.com/ofdi/ofdi/model"
)

// independent is the checker's own run of MODEL.md's "independent"
// baseline, written from MODEL.md's rules (and the readings of
// docs/model-choices.md) without the solver's code: firms act alone, in
// rounds, pioneers first, then capital descending, then id; each takes the
// free feasible opportunity with the largest private score
// npv + σ·C + λ_G·G − (I_m unless it has entered m), if that score is > 0,
// ties to the opportunity listed first. Budgets (with first-come credit),
// CVaR and project counts are compared with the baseline's documented
// tolerance x ≤ limit + 1e-9·max(1, |limit|).
//
// It gives the outside option o_f of every firm, against which the firm
// accounts are checked, and the plan an "independent" plan must equal.
type independent struct {
	taker   map[string]string  // opportunity id → firm id
	outside map[string]float64 // firm id → o_f
	// period is, over a horizon, the period each opportunity is taken in
	// (independent_horizon.go); nil in one period.
	period map[string]int
}

// baselineTol is the relative tolerance of the baselines' budget and CVaR
// tests (solver/baseline documents the same rule).
const baselineTol = 1e-9

// turnBefore says whether firm a takes its turn before b in a round:
// pioneers first, then capital descending, then id.
func turnBefore(a, b *model.Firm) bool {
	if a.Pioneer != b.Pioneer {
		return a.Pioneer
	}
	if a.Capital != b.Capital {
		return a.Capital > b.Capital
	}
	return a.ID < b.ID
}

// infoCosts returns each market's info cost by id (the first market of an
// id when ids repeat).
func infoCosts(in *model.Instance) map[string]float64 {
	info := map[string]float64{}
	for _, m := range in.Markets {
		if _, dup := info[m.ID]; !dup {
			info[m.ID] = m.InfoCost
		}
	}
	return info
}

// lone is one firm's state during the run.
type lone struct {
	f        *model.Firm
	spend    float64
	credit   float64
	count    int
	losses   []float64
	entered  map[string]bool
	value    float64 // Σ v_p of its projects
	finished bool
}

// runIndependent plays the independent baseline on in. It assumes the
// instance is valid (unknown markets are skipped; an invalid α gives no
// CVaR test).
func runIndependent(in *model.Instance) *independent {
	r := &oneIndependent{in: in, alpha: in.Policy.Alpha(), info: infoCosts(in), line: in.Policy.CreditLine,
		res: &independent{taker: map[string]string{}, outside: map[string]float64{}}}
	for _, s := range in.Scenarios {
		r.probs = append(r.probs, s.Probability)
	}
	firms := make([]*lone, len(in.Firms))
	for i := range in.Firms {
		firms[i] = &lone{f: &in.Firms[i], losses: make([]float64, len(in.Scenarios)), entered: map[string]bool{}}
	}
	order := append([]*lone{}, firms...)
	sort.SliceStable(order, func(a, b int) bool {
		return turnBefore(order[a].f, order[b].f)
	})
	for r.round(order) {
	}
	for _, l := range firms {
		o := l.value
		for _, m := range sortedKeys(l.entered) {
			o -= r.info[m]
		}
		if _, dup := r.res.outside[l.f.ID]; !dup {
			r.res.outside[l.f.ID] = o
		}
	}
	return r.res
}

// oneIndependent plays the one-period baseline; see runIndependent.
type oneIndependent struct {
	in    *model.Instance
	probs []float64
	alpha float64
	info  map[string]float64
	line  float64 // credit line left
	res   *independent
}

// underLimit reports whether x is at most limit, within the baselines'
// tolerance.
func underLimit(x, limit float64) bool {
	return x <= limit+baselineTol*math.Max(1, math.Abs(limit))
}

// round gives every firm, in order, its turn: the best free project it may
// take alone, if its score is positive. It reports whether any was taken.
func (r *oneIndependent) round(order []*lone) bool {
	in := r.in
	took := false
	for _, l := range order {
		if l.finished {
			continue
		}
		best, bestScore, bestA := -1, 0.0, 0.0
		for p := range in.Opportunities {
			o := &in.Opportunities[p]
			feasible, a := r.alone(l, o)
			if !feasible {
				continue
			}
			score := o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost + in.Objective.MarketPowerValue*o.MarketPower
			if !l.entered[o.Market] {
				score -= r.info[o.Market]
			}
			if best < 0 || score > bestScore {
				best, bestScore, bestA = p, score, a
			}
		}
		if best < 0 || !(bestScore > 0) {
			// Feasibility only shrinks and scores only change when the
			// firm itself enters a market: it will never take anything.
			l.finished = true
			continue
		}
		took = true
		r.take(l, &in.Opportunities[best], bestA)
	}
	return took
}

// alone reports whether l may take o by itself now, and o's net cost.
func (r *oneIndependent) alone(l *lone, o *model.Opportunity) (bool, float64) {
	in, f := r.in, l.f
	if _, taken := r.res.taker[o.ID]; taken {
		return false, 0
	}
	if _, known := r.info[o.Market]; !known {
		return false, 0
	}
	rule := in.Rules.Mode(o.Mode)
	if !rule.Allows(f.Role) || !f.Serves(o.Segment) || f.KnowledgeOf(o.Market) < o.KnowledgeRequired {
		return false, 0
	}
	if rule.Lead != "" && rule.Lead != f.Role {
		return false, 0
	}
	for _, req := range rule.Requires {
		if req != f.Role {
			return false, 0
		}
	}
	if o.MinPartnersOr() != 1 || (o.MaxPartners != nil && *o.MaxPartners < 1) {
		return false, 0
	}
	if f.MaxProjects != nil && l.count+1 > *f.MaxProjects {
		return false, 0
	}
	a := in.NetCost(o)
	creditMax := in.Policy.CreditPerFirm * f.Capital
	if !underLimit(l.spend+a, f.Capital+math.Min(creditMax, l.credit+r.line)) {
		return false, 0
	}
	if r.alpha >= 0 && r.alpha < 1 {
		trial := make([]float64, len(l.losses))
		for k, s := range in.Scenarios {
			trial[k] = l.losses[k] + o.Loss[s.ID]*a
		}
		if !underLimit(CVaR(trial, r.probs, r.alpha), f.RiskLimit) {
			return false, 0
		}
	}
	return true, a
}

// take gives o (net cost a) to l, drawing credit first come first served.
func (r *oneIndependent) take(l *lone, o *model.Opportunity, a float64) {
	in := r.in
	r.res.taker[o.ID] = l.f.ID
	l.count++
	l.spend += a
	l.value += o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost
	l.entered[o.Market] = true
	for k, s := range in.Scenarios {
		l.losses[k] += o.Loss[s.ID] * a
	}
	if need := l.spend - l.f.Capital - l.credit; need > 0 {
		draw := math.Min(need, math.Min(in.Policy.CreditPerFirm*l.f.Capital-l.credit, r.line))
		if draw > 0 {
			l.credit += draw
			r.line -= draw
		}
	}
}
