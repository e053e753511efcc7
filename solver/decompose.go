package solver

import (
	"fmt"

	"github.com/ofdi/ofdi/model"
)

// Decomposition splits a cluster plan's objective into MODEL.md's terms,
// each as its contribution to Z (gains negative, costs positive):
//
//	Z = InfoCost + Dissipation + NPV + Subsidy + MarketPower + Learning
//
// NPV is −Σ npv_p·y_p, Subsidy −Σ σ_mode(p)·C_p·y_p (money from
// government), MarketPower −λ_G·Σ G_p·y_p and Learning −λ_L·Σ w_fp (the
// planner's prices: they pay nobody). MoneyValue is W = −(NPV + Subsidy +
// InfoCost + Dissipation), the money the plan creates.
type Decomposition struct {
	NPV         float64 `json:"npv"`
	Subsidy     float64 `json:"subsidy"`
	MarketPower float64 `json:"market_power"`
	Learning    float64 `json:"learning"`
	InfoCost    float64 `json:"info_cost"`
	Dissipation float64 `json:"dissipation"`
	// Z is the sum of the six terms above, in that order.
	Z float64 `json:"z"`
	// MoneyValue is W = Σ v_p·y_p − info cost − D.
	MoneyValue float64 `json:"money_value"`
}

// Decompose computes the Decomposition of cluster assignment a (info cost
// paid once per market entered). Over a horizon each period's terms are
// discounted to period 1 (d^(t−1)) and summed, as in the multi-period Z
// (MODEL.md): npv, subsidy, market power and learning of a project started
// in t are weighted d^(t−1), info cost and dissipation are
// EvaluateHorizon's (discounted). It fails on unknown ids and, over a
// horizon, on periods outside 1..T.
func Decompose(d *model.Derived, a *model.Assignment) (Decomposition, error) {
	if d.Inst.MultiPeriod() {
		return decomposeHorizon(d, a)
	}
	in := d.Inst
	m, _, err := d.Evaluate(a, model.MethodCluster)
	if err != nil {
		return Decomposition{}, err
	}
	dec, err := projectTerms(d, a, func(model.Project) float64 { return 1 })
	if err != nil {
		return dec, err
	}
	dec.MarketPower = -in.Objective.MarketPowerValue * m.MarketPower
	dec.Learning = -in.Objective.LearningValue * float64(m.Learning)
	dec.InfoCost, dec.Dissipation = m.InfoCost, m.Dissipation
	dec.total()
	return dec, nil
}

// projectTerms returns the npv and subsidy terms of the plan's projects,
// each weighted by weight (its period's discount over a horizon, else 1).
func projectTerms(d *model.Derived, a *model.Assignment, weight func(model.Project) float64) (Decomposition, error) {
	in := d.Inst
	var dec Decomposition
	for _, pj := range a.Projects {
		p, ok := d.Opp[pj.ID]
		if !ok {
			return dec, fmt.Errorf("plan: unknown opportunity %q", pj.ID)
		}
		o := &in.Opportunities[p]
		w := weight(pj)
		dec.NPV -= w * o.NPV
		dec.Subsidy -= w * in.Policy.SubsidyOf(o.Mode) * o.Cost
	}
	return dec, nil
}

// total fills Z and the money value from the six terms.
func (dec *Decomposition) total() {
	dec.Z = dec.NPV + dec.Subsidy + dec.MarketPower + dec.Learning + dec.InfoCost + dec.Dissipation
	dec.MoneyValue = -(dec.NPV + dec.Subsidy + dec.InfoCost + dec.Dissipation)
}

// decomposeHorizon is Decompose over a horizon: EvaluateHorizon gives the
// discounted info cost and dissipation and, per period, the learning
// participations; the projects' terms are weighted by their period's
// discount here.
func decomposeHorizon(d *model.Derived, a *model.Assignment) (Decomposition, error) {
	in := d.Inst
	m, _, view, err := d.EvaluateHorizon(a, model.MethodCluster)
	if err != nil {
		return Decomposition{}, err
	}
	dec, err := projectTerms(d, a, func(pj model.Project) float64 { return in.Horizon.DiscountAt(pj.Period) })
	if err != nil {
		return dec, err
	}
	for _, pj := range a.Projects {
		o := &in.Opportunities[d.Opp[pj.ID]]
		dec.MarketPower -= in.Horizon.DiscountAt(pj.Period) * in.Objective.MarketPowerValue * o.MarketPower
	}
	for _, pp := range view.Periods {
		dec.Learning -= in.Horizon.DiscountAt(pp.Period) * in.Objective.LearningValue * float64(len(pp.Learning))
	}
	dec.InfoCost, dec.Dissipation = m.InfoCost, m.Dissipation
	dec.total()
	return dec, nil
}
