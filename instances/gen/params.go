package gen

import (
	"math"

	"github.com/ofdi/ofdi/model"
)

// allSegments are the segments a cluster may have, in drawing order, and
// segmentWeights their weights (not normalised). The default cluster has
// the first defaultSegments.
var (
	allSegments     = []string{"ic", "display", "iot", "software", "components", "equipment"}
	segmentWeights  = []float64{0.20, 0.15, 0.25, 0.20, 0.20, 0.15}
	defaultSegments = 5
)

// shockNames name the shocks of a shaped scenario set, mildest first; m
// shocks take the last m.
var shockNames = []string{"demand_slump", "fx_shock", "supply_cut", "geopolitics", "sanctions"}

// lossRule draws a shock's loss from the base loss ℓ of the opportunity:
// min(cap, ℓ·U(lo, hi)·(1 + distW·distance)).
type lossRule struct{ lo, hi, distW, cap float64 }

// params is a Shape resolved into the numbers the draws use.
type params struct {
	segments  []string
	segWeight []float64
	modes     []modeParams
	// capital medians by role.
	capLarge, capSME, capSupporting float64

	pioneerShare, smePioneerShare, smeKnowledge float64
	projects                                    IntRange // zero: by role
	risk                                        Range
	partners                                    IntRange

	scenarios            int // 0: the default draw
	shockProb, worstProb float64
	alpha                float64

	mpTarget  Range
	mpCap     float64
	smeTarget Range
}

// resolve applies the defaults to s (which must be valid).
func (s Shape) resolve() params {
	p := params{
		capLarge: 2000, capSME: 150, capSupporting: 300,
		pioneerShare:    or(s.PioneerShare, 0.12),
		smePioneerShare: or(s.SMEPioneerShare, 0.3),
		smeKnowledge:    or(s.SMEKnowledge, 1),
		projects:        s.Projects,
		risk:            orRange(s.Risk, Range{0.10, 0.25}),
		partners:        s.MaxPartners,
		scenarios:       s.Scenarios,
		alpha:           or(s.CVaRAlpha, 0.9),
		mpTarget:        orRange(s.MarketPowerTarget, Range{0.15, 0.25}),
		mpCap:           or(s.MarketPowerCap, 0.9),
		smeTarget:       orRange(s.SMETarget, Range{0.10, 0.20}),
	}
	if p.partners == (IntRange{}) {
		p.partners = IntRange{3, 6}
	}
	p.shockProb, p.worstProb = s.resolveShock()
	n := defaultSegments
	if s.Segments != 0 {
		n = s.Segments
	}
	p.segments, p.segWeight = allSegments[:n], segmentWeights[:n]
	if s.CapitalSpread != 0 {
		p.capSME = p.capLarge / s.CapitalSpread
		p.capSupporting = 2 * p.capSME
	}
	p.modes = append([]modeParams(nil), modeTable...)
	if s.ModeMix != ([6]float64{}) {
		sum := 0.0
		for _, w := range s.ModeMix {
			sum += w
		}
		for i := range p.modes {
			p.modes[i].share = s.ModeMix[i] / sum
		}
	}
	if s.AcquisitionCost != 0 {
		p.modes[0].costMedian *= s.AcquisitionCost // modeTable[0] is acquisition
	}
	return p
}

// role returns the per-role firm distributions.
func (p *params) role(r model.Role) roleParams {
	rp := paramsOf(r)
	switch r {
	case model.Large:
		rp.capMedian = p.capLarge
	case model.SME:
		rp.capMedian = p.capSME
	default:
		rp.capMedian = p.capSupporting
	}
	if p.projects != (IntRange{}) {
		rp.projLo, rp.projHi = p.projects.Lo, p.projects.Hi
	}
	return rp
}

// drawScenarios draws the scenarios and the loss rule of each shock
// (rules[0], for base, is unused). The default: base/fx_shock 0.8/0.2 or
// (half the time) base/fx_shock/geopolitics 0.7/0.2/0.1; fx_shock losses
// base·U(3, 6) ≤ 0.9, geopolitics base·U(3, 6)·(1 + distance) ≤ 0.95. A
// shaped set (Shape.Scenarios = n) draws nothing: base and n−1 shocks,
// shock k of m = n−1 with t = k/m losing base·U(2+3t, 4+4t)·(1 + t·distance)
// ≤ 0.95; the worst has probability WorstProb, the others share
// ShockProb − WorstProb in halving steps (rounded to 0.001, at least 0.001).
func (p *params) drawScenarios(d drawer) ([]model.Scenario, []lossRule) {
	fx, geo := lossRule{3, 6, 0, 0.9}, lossRule{3, 6, 1, 0.95}
	if p.scenarios == 0 {
		if d.r.IntN(2) == 0 {
			return []model.Scenario{{ID: "base", Probability: 0.8}, {ID: "fx_shock", Probability: 0.2}},
				[]lossRule{{}, fx}
		}
		return []model.Scenario{{ID: "base", Probability: 0.7}, {ID: "fx_shock", Probability: 0.2},
			{ID: "geopolitics", Probability: 0.1}}, []lossRule{{}, fx, geo}
	}
	m := p.scenarios - 1
	probs := make([]float64, m)
	probs[m-1] = round(p.worstProb, 3)
	if m > 1 {
		total := 0.0
		for k := range m - 1 {
			total += math.Pow(0.5, float64(k))
		}
		for k := range m - 1 {
			probs[k] = max(0.001, round((p.shockProb-p.worstProb)*math.Pow(0.5, float64(k))/total, 3))
		}
	}
	sum := 0.0
	for _, q := range probs {
		sum += q
	}
	scs := []model.Scenario{{ID: "base", Probability: round(1-sum, 3)}}
	rules := []lossRule{{}}
	names := shockNames[len(shockNames)-m:]
	for k := range m {
		t := float64(k+1) / float64(m)
		scs = append(scs, model.Scenario{ID: names[k], Probability: probs[k]})
		rules = append(rules, lossRule{2 + 3*t, 4 + 4*t, t, 0.95})
	}
	return scs, rules
}
