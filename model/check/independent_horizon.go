package check

import (
	"math"
	"sort"

	"github.com/ofdi/ofdi/model"
)

// This file is the checker's own run of the independent baseline over a
// horizon (MODEL.md, "Baselines over the horizon"), written from MODEL.md
// and docs/horizon.md without the solver's code: in each period the rounds
// of the one-period baseline on the opportunities open then, every free
// opportunity examined in every turn; knowledge grows by doing after each
// period (g_D in the market, φ·g_D in every other, capped at 1); budgets
// are cumulative, by period t at most min(1, r·t)·K_f plus the credit
// drawn, credit drawn first come first served when the released capital
// falls short; CVaR over all the firm's projects; max_projects over the
// horizon. A firm's outside option is its money discounted to period 1:
// Σ_t d^(t−1)·(Σ_{p it takes in t} v_p − Σ_{m it first enters in t} I_m).

// loneHorizon is one firm's state over the horizon.
type loneHorizon struct {
	f             *model.Firm
	spend, credit float64
	count         int
	losses        []float64
	first         map[string]int     // market → period first entered
	kappa         map[string]float64 // market → knowledge now
	gain          map[string]float64 // market → participations this period
	value         float64            // Σ d^(t−1)·v_p of its projects
}

// horizonIndependent plays the baseline; see the file comment.
type horizonIndependent struct {
	in     *model.Instance
	probs  []float64
	info   map[string]float64
	line   float64
	period int
	res    *independent
}

// runIndependentHorizon plays the independent baseline over the horizon
// of a valid instance.
func runIndependentHorizon(in *model.Instance) *independent {
	h := &horizonIndependent{in: in, info: infoCosts(in), line: in.Policy.CreditLine,
		res: &independent{taker: map[string]string{}, outside: map[string]float64{}, period: map[string]int{}}}
	for _, s := range in.Scenarios {
		h.probs = append(h.probs, s.Probability)
	}
	firms := make([]*loneHorizon, len(in.Firms))
	for i := range in.Firms {
		f := &in.Firms[i]
		l := &loneHorizon{f: f, losses: make([]float64, len(in.Scenarios)), first: map[string]int{},
			kappa: map[string]float64{}, gain: map[string]float64{}}
		for _, m := range in.Markets {
			l.kappa[m.ID] = f.KnowledgeOf(m.ID)
		}
		firms[i] = l
	}
	order := append([]*loneHorizon{}, firms...)
	sort.SliceStable(order, func(a, b int) bool {
		return turnBefore(order[a].f, order[b].f)
	})
	for t := 1; t <= in.Horizon.T(); t++ {
		h.period = t
		for h.round(order) {
		}
		h.learn(firms)
	}
	for _, l := range firms {
		o := l.value
		for _, m := range sortedKeys(l.first) {
			o -= in.Horizon.DiscountAt(l.first[m]) * h.info[m]
		}
		if _, dup := h.res.outside[l.f.ID]; !dup {
			h.res.outside[l.f.ID] = o
		}
	}
	return h.res
}

// round gives every firm one turn and reports whether any took a project.
func (h *horizonIndependent) round(order []*loneHorizon) bool {
	in := h.in
	took := false
	for _, l := range order {
		best, bestScore := -1, 0.0
		for p := range in.Opportunities {
			o := &in.Opportunities[p]
			if h.shortfall(l, o) < 0 {
				continue
			}
			score := o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost + in.Objective.MarketPowerValue*o.MarketPower
			if l.first[o.Market] == 0 {
				score -= h.info[o.Market]
			}
			if best < 0 || score > bestScore {
				best, bestScore = p, score
			}
		}
		if best < 0 || !(bestScore > 0) {
			continue
		}
		h.take(l, &in.Opportunities[best])
		took = true
	}
	return took
}

// shortfall returns the credit l must draw to take o alone now (0 when
// none), or −1 when it may not take it.
func (h *horizonIndependent) shortfall(l *loneHorizon, o *model.Opportunity) float64 {
	in, f := h.in, l.f
	if _, taken := h.res.taker[o.ID]; taken || !o.OpenIn(h.period) {
		return -1
	}
	if _, known := h.info[o.Market]; !known {
		return -1
	}
	rule := in.Rules.Mode(o.Mode)
	if !rule.Allows(f.Role) || !f.Serves(o.Segment) || (rule.Lead != "" && rule.Lead != f.Role) {
		return -1
	}
	for _, r := range rule.Requires {
		if r != f.Role {
			return -1
		}
	}
	if o.MinPartnersOr() != 1 || (o.MaxPartners != nil && *o.MaxPartners < 1) {
		return -1
	}
	if l.kappa[o.Market] < o.KnowledgeRequired-1e-9 || (f.MaxProjects != nil && l.count+1 > *f.MaxProjects) {
		return -1
	}
	a := in.NetCost(o)
	need := 0.0
	avail := in.Horizon.Release(h.period)*f.Capital + l.credit
	if !underLimit(l.spend+a, avail) {
		need = l.spend + a - avail
		if !underLimit(l.credit+need, in.Policy.CreditPerFirm*f.Capital) || !underLimit(need, h.line) {
			return -1
		}
	}
	if alpha := in.Policy.Alpha(); alpha >= 0 && alpha < 1 {
		trial := make([]float64, len(l.losses))
		for k, s := range in.Scenarios {
			trial[k] = l.losses[k] + o.Loss[s.ID]*a
		}
		if !underLimit(CVaR(trial, h.probs, alpha), f.RiskLimit) {
			return -1
		}
	}
	return need
}

// take gives o to l in the current period.
func (h *horizonIndependent) take(l *loneHorizon, o *model.Opportunity) {
	in := h.in
	need := h.shortfall(l, o)
	a := in.NetCost(o)
	l.credit += need
	h.line -= need
	l.spend += a
	l.count++
	for k, s := range in.Scenarios {
		l.losses[k] += o.Loss[s.ID] * a
	}
	if l.first[o.Market] == 0 {
		l.first[o.Market] = h.period
	}
	l.gain[o.Market]++
	l.value += in.Horizon.DiscountAt(h.period) * (o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost)
	h.res.taker[o.ID] = l.f.ID
	h.res.period[o.ID] = h.period
}

// learn lets every firm's knowledge grow by doing after a period.
func (h *horizonIndependent) learn(firms []*loneHorizon) {
	gD, _, phi := h.in.Horizon.Gains()
	for _, l := range firms {
		total := 0.0
		for _, g := range l.gain {
			total += g
		}
		for m, k := range l.kappa {
			own := l.gain[m]
			l.kappa[m] = math.Min(1, k+gD*(own+phi*(total-own)))
		}
		l.gain = map[string]float64{}
	}
}
