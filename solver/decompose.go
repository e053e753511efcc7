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
// paid once per market entered). It fails on unknown ids.
func Decompose(d *model.Derived, a *model.Assignment) (Decomposition, error) {
	in := d.Inst
	m, _, err := d.Evaluate(a, model.MethodCluster)
	if err != nil {
		return Decomposition{}, err
	}
	var dec Decomposition
	for _, pj := range a.Projects {
		p, ok := d.Opp[pj.ID]
		if !ok {
			return dec, fmt.Errorf("plan: unknown opportunity %q", pj.ID)
		}
		o := &in.Opportunities[p]
		dec.NPV -= o.NPV
		dec.Subsidy -= in.Policy.SubsidyOf(o.Mode) * o.Cost
	}
	dec.MarketPower = -in.Objective.MarketPowerValue * m.MarketPower
	dec.Learning = -in.Objective.LearningValue * float64(m.Learning)
	dec.InfoCost, dec.Dissipation = m.InfoCost, m.Dissipation
	dec.Z = dec.NPV + dec.Subsidy + dec.MarketPower + dec.Learning + dec.InfoCost + dec.Dissipation
	dec.MoneyValue = -(dec.NPV + dec.Subsidy + dec.InfoCost + dec.Dissipation)
	return dec, nil
}
