package cluster

import (
	"math"
	"slices"

	"github.com/ofdi/ofdi/model"
)

// planStartShare is the project-count price a planStart puts on each firm
// the plan holds at its limit, as a share of the plan's value per
// participation (|Z| / participations): a slot is worth less at the margin
// than a participation on average.
const planStartShare = 0.5

// planStart returns multipliers for a run of the dual that starts from the
// rows plan a fills: each firm at its project limit in a gets the price
// planStartShare·|z|/participations on its project count (z is a's
// objective), every other multiplier as at the start (zero, the CVaR
// envelope points at their start). ok is false when a holds no firm at its
// limit.
//
// Why: at zero prices every member costs nothing, so each coalition takes
// the same few firms by tie-break, far beyond their limits, while idle
// firms could stand in for them at no cost. A price on any one of them
// moves the relaxation to the next and lowers the dual's value, so the
// subgradient steps from zero can fall at every iterate although better
// multipliers exist. Pricing every slot the plan exhausts at once leaves
// that point; the steps then remove the prices that do not bind.
func (lg *lagrangian) planStart(a *model.Assignment, z float64) (multipliers, bool) {
	d := lg.fm.D
	count := make([]int, len(lg.firms))
	parts := 0
	for _, pj := range a.Projects {
		for _, st := range pj.Participants {
			if f, ok := d.Firm[st.Firm]; ok {
				count[f]++
				parts++
			}
		}
	}
	if parts == 0 {
		return multipliers{}, false
	}
	price := planStartShare * math.Abs(z) / float64(parts)
	m := lg.initMult.clone()
	at := 0
	for f, lf := range lg.firms {
		if lf.projects > 0 && count[f] >= lf.projects {
			m.theta[f] = price
			at++
		}
	}
	return m, at > 0 && price > 0
}

// clone returns a copy of m that shares no slice with it.
func (m *multipliers) clone() multipliers {
	c := multipliers{
		mu: slices.Clone(m.mu), rho: slices.Clone(m.rho), theta: slices.Clone(m.theta), nu: slices.Clone(m.nu),
		gamma: m.gamma, phi: m.phi, zeta: m.zeta, q: make([][]float64, len(m.q)),
	}
	for f := range m.q {
		c.q[f] = slices.Clone(m.q[f])
	}
	return c
}
