package solver

import (
	"fmt"
	"math"
	"strconv"

	"github.com/ofdi/ofdi/model"
)

// Lever step sizes (docs/explain.md): the credit line and the market power
// target move by leverShare of their value (of what firms could borrow, of
// the base plan's market power, when the value is 0), a subsidy rate by
// subsidyStep, the SME target by one SME, α by alphaStep.
const (
	leverShare  = 0.1
	subsidyStep = 0.05
	alphaStep   = 0.01
	// rateMax is the largest subsidy rate and α tried (both must be < 1).
	rateMax = 0.99
)

// leversOf lists the levers of d's instance, in a fixed order: credit line,
// the subsidy of each mode some opportunity has (model.Modes order), the
// market power target, the SME target, α. base is the base solve (its
// market power sets the target's step when the target is 0); it may be nil.
func leversOf(d *model.Derived, base *Result) []lever {
	in := d.Inst
	cur := in.Currency
	if cur == "" {
		cur = "money unit"
	}
	var out []lever
	// Credit line.
	credit := lever{name: LeverCreditLine, unit: "per " + cur + " of credit line", perUnit: 1,
		value: in.Policy.CreditLine, max: math.Inf(1),
		set: func(in *model.Instance, v float64) { in.Policy.CreditLine = v },
		binding: func(d *model.Derived, r *Result) bool {
			return reached(r.Metrics.CreditDrawn, d.Inst.Policy.CreditLine)
		}}
	borrowable := 0.0
	for f := range in.Firms {
		borrowable += in.Policy.CreditPerFirm * in.Firms[f].Capital
	}
	switch {
	case borrowable == 0:
		credit.note = "credit_per_firm is 0: no firm can borrow, so the line buys nothing"
	case in.Policy.CreditLine > 0:
		credit.step = round3(leverShare * in.Policy.CreditLine)
	default:
		credit.step = round3(leverShare * borrowable)
	}
	out = append(out, credit)
	// Subsidies, one per mode present.
	present := map[model.Mode]bool{}
	for _, o := range in.Opportunities {
		present[o.Mode] = true
	}
	for _, m := range model.Modes {
		if !present[m] {
			continue
		}
		mode := m
		out = append(out, lever{name: LeverSubsidy + string(mode), unit: "per percentage point of subsidy", perUnit: 0.01,
			value: in.Policy.SubsidyOf(mode), step: subsidyStep, max: rateMax,
			set: func(in *model.Instance, v float64) { in.Policy.Subsidy[mode] = v },
			binding: func(d *model.Derived, r *Result) bool {
				for _, pj := range r.Assignment.Projects {
					if pj.Mode == mode {
						return true
					}
				}
				return false
			}})
	}
	// Market power target.
	g := in.Objective.MarketPowerTarget
	mp := lever{name: LeverMarketPower, unit: "per point of market power", perUnit: 1, value: g, max: math.Inf(1),
		set: func(in *model.Instance, v float64) { in.Objective.MarketPowerTarget = v },
		binding: func(d *model.Derived, r *Result) bool {
			return reached(d.Inst.Objective.MarketPowerTarget, r.Metrics.MarketPower)
		}}
	switch {
	case g > 0:
		mp.step = round3(leverShare * g)
	case base != nil && base.Metrics != nil && base.Metrics.MarketPower > 0:
		mp.step = round3(leverShare * base.Metrics.MarketPower)
	default:
		mp.step = 1
	}
	out = append(out, mp)
	// SME participation target.
	n := len(d.SMEs)
	sme := lever{name: LeverSMETarget, unit: "per SME", value: in.Objective.SMEParticipationTarget, max: 1,
		set: func(in *model.Instance, v float64) { in.Objective.SMEParticipationTarget = v },
		binding: func(d *model.Derived, r *Result) bool {
			return d.SMETarget > 0 && int(math.Round(r.Metrics.SMEParticipation*float64(len(d.SMEs)))) <= d.SMETarget
		}}
	switch {
	case n == 0:
		sme.note = "the cluster has no SMEs"
	case d.SMETarget >= n:
		sme.note = "already every SME must take part"
	default:
		sme.step, sme.perUnit = 1/float64(n), 1/float64(n)
	}
	out = append(out, sme)
	// α.
	alpha := lever{name: LeverAlpha, unit: "per 0.01 of alpha", perUnit: 0.01, value: in.Policy.Alpha(), step: alphaStep, max: rateMax,
		set: func(in *model.Instance, v float64) { in.Policy.CVaRAlpha = &v },
		binding: func(d *model.Derived, r *Result) bool {
			for _, l := range FirmLimitsOf(d, r.Assignment) {
				for _, b := range l.Binding {
					if b == LimitRisk {
						return true
					}
				}
			}
			return false
		}}
	if alpha.value+alphaStep > rateMax+1e-12 {
		alpha.note = fmt.Sprintf("alpha is already %g; it must stay below 1", alpha.value)
	}
	out = append(out, alpha)
	return out
}

// round3 rounds x to 3 significant digits (steps read better so).
func round3(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 3, 64), 64)
	return v
}
