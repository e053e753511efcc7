package cluster

import "fmt"

// StaticInfeasibility returns reasons, found without solving, why no plan
// can meet the targets: a market-power target above what all fundable
// opportunities together reach, or an SME target above the number of SMEs
// that can take part anywhere. Empty when none is found.
func (fm *Formulation) StaticInfeasibility() []string {
	d := fm.D
	in := d.Inst
	var why []string
	reach, n := 0.0, 0
	for p, y := range fm.Y {
		if y != none {
			reach += in.Opportunities[p].MarketPower
			n++
		}
	}
	if g := in.Objective.MarketPowerTarget; g > 0 && reach < g*(1-1e-9) {
		why = append(why, fmt.Sprintf("market_power_target %g cannot be met: at most %g is reachable (all %d opportunities some coalition could fund, taken together)", g, reach, n))
	}
	able := 0
	for _, f := range d.SMEs {
		for p := range fm.Pairs {
			if fm.pair(p, f) != nil {
				able++
				break
			}
		}
	}
	if d.SMETarget > able {
		why = append(why, fmt.Sprintf("sme_participation_target %g needs %d of %d SMEs to take part, but only %d can take part in any fundable opportunity",
			in.Objective.SMEParticipationTarget, d.SMETarget, len(d.SMEs), able))
	}
	return why
}
