package model

import (
	"fmt"
	"math"
	"sort"
)

// Evaluate computes the metrics and the objective Z of MODEL.md for an
// assignment produced by method (MethodCluster pays each market's info cost
// once; the baselines pay it per firm and market entered). It is the one
// place where metrics are computed for every method, so plans compare like
// with like. It fails on unknown project or firm ids; it does not check
// feasibility (that is model/check's job).
func (d *Derived) Evaluate(a *Assignment, method string) (Metrics, float64, error) {
	in := d.Inst
	m := Metrics{FirmsByRole: map[Role]int{Large: 0, SME: 0, Supporting: 0}}
	exposure := make([][]float64, len(in.Firms)) // per firm, per scenario loss
	for f := range exposure {
		exposure[f] = make([]float64, len(d.Probs))
	}
	taking := make([]bool, len(in.Firms))
	firmMarkets := map[[2]int]bool{}
	perGroup := map[[2]string]int{}
	clusterMarkets := map[int]bool{}
	for _, pj := range a.Projects {
		p, ok := d.Opp[pj.ID]
		if !ok {
			return m, 0, fmt.Errorf("plan: unknown opportunity %q", pj.ID)
		}
		o := &in.Opportunities[p]
		mi := d.Market[o.Market]
		clusterMarkets[mi] = true
		perGroup[[2]string{o.Market, o.Segment}]++
		m.Projects++
		m.Value += o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost
		m.MarketPower += o.MarketPower
		m.CapitalDeployed += d.NetCost[p]
		pioneers := map[int]bool{}
		for _, g := range d.Pioneers[p] {
			pioneers[g] = true
		}
		member := map[int]bool{}
		for _, st := range pj.Participants {
			f, ok := d.Firm[st.Firm]
			if !ok {
				return m, 0, fmt.Errorf("plan: project %q: unknown firm %q", pj.ID, st.Firm)
			}
			member[f] = true
			taking[f] = true
			firmMarkets[[2]int{f, mi}] = true
		}
		for _, st := range pj.Participants {
			f := d.Firm[st.Firm]
			for k := range d.Probs {
				exposure[f][k] += st.Stake * d.Loss(p, k)
			}
			fm := &in.Firms[f]
			if fm.Role == SME && !fm.Pioneer {
				for g := range pioneers {
					if g != f && member[g] {
						m.Learning++
						break
					}
				}
			}
		}
	}
	// Sums run in file order so that equal plans give equal bytes.
	for mi := range in.Markets {
		if method == MethodCluster {
			if clusterMarkets[mi] {
				m.InfoCost += in.Markets[mi].InfoCost
			}
			continue
		}
		for f := range in.Firms {
			if firmMarkets[[2]int{f, mi}] {
				m.InfoCost += in.Markets[mi].InfoCost
			}
		}
	}
	groups := make([][2]string, 0, len(perGroup))
	for key := range perGroup {
		groups = append(groups, key)
	}
	sort.Slice(groups, func(i, j int) bool {
		if groups[i][0] != groups[j][0] {
			return d.Market[groups[i][0]] < d.Market[groups[j][0]]
		}
		return groups[i][1] < groups[j][1]
	})
	for _, key := range groups {
		mk := &in.Markets[d.Market[key[0]]]
		if excess := perGroup[key] - mk.Cap(key[1]); excess > 0 {
			m.Dissipation += mk.Dissipation * float64(excess)
		}
	}
	smes := 0
	for f, t := range taking {
		if !t {
			continue
		}
		m.FirmsByRole[in.Firms[f].Role]++
		if in.Firms[f].Role == SME {
			smes++
		}
	}
	if len(d.SMEs) > 0 {
		m.SMEParticipation = float64(smes) / float64(len(d.SMEs))
	}
	for _, c := range a.Credit {
		if _, ok := d.Firm[c.Firm]; !ok {
			return m, 0, fmt.Errorf("plan: credit: unknown firm %q", c.Firm)
		}
		m.CreditDrawn += c.Amount
	}
	alpha := in.Policy.Alpha()
	n := 0
	for f, t := range taking {
		if !t || in.Firms[f].RiskLimit <= 0 {
			continue
		}
		u := CVaR(exposure[f], d.Probs, alpha) / in.Firms[f].RiskLimit
		m.CVaRUtilisationMax = math.Max(m.CVaRUtilisationMax, u)
		m.CVaRUtilisationMean += u
		n++
	}
	if n > 0 {
		m.CVaRUtilisationMean /= float64(n)
	}
	g := in.Objective.MarketPowerTarget
	m.MarketPowerTarget = m.MarketPower >= g-1e-6*math.Max(1, g)
	m.SMETarget = smes >= d.SMETarget
	m.TargetsMet = m.MarketPowerTarget && m.SMETarget
	z := m.InfoCost + m.Dissipation - m.Value -
		in.Objective.MarketPowerValue*m.MarketPower - in.Objective.LearningValue*float64(m.Learning)
	return m, z, nil
}

// FirmCVaR returns CVaR_α of each firm's loss under assignment a (unknown
// ids are ignored; use Evaluate to reject them).
func (d *Derived) FirmCVaR(a *Assignment) []float64 {
	exposure := make([][]float64, len(d.Inst.Firms))
	for f := range exposure {
		exposure[f] = make([]float64, len(d.Probs))
	}
	for _, pj := range a.Projects {
		p, ok := d.Opp[pj.ID]
		if !ok {
			continue
		}
		for _, st := range pj.Participants {
			if f, ok := d.Firm[st.Firm]; ok {
				for k := range d.Probs {
					exposure[f][k] += st.Stake * d.Loss(p, k)
				}
			}
		}
	}
	out := make([]float64, len(exposure))
	for f := range exposure {
		out[f] = CVaR(exposure[f], d.Probs, d.Inst.Policy.Alpha())
	}
	return out
}

// SortAssignment puts projects in file order, participants by descending
// stake then firm id, markets and credit in file order: the canonical,
// deterministic order of plan output.
func (d *Derived) SortAssignment(a *Assignment) {
	sort.SliceStable(a.Projects, func(i, j int) bool { return d.Opp[a.Projects[i].ID] < d.Opp[a.Projects[j].ID] })
	for _, pj := range a.Projects {
		ps := pj.Participants
		sort.SliceStable(ps, func(i, j int) bool {
			if ps[i].Stake != ps[j].Stake {
				return ps[i].Stake > ps[j].Stake
			}
			return d.Firm[ps[i].Firm] < d.Firm[ps[j].Firm]
		})
	}
	sort.SliceStable(a.MarketsEntered, func(i, j int) bool { return d.Market[a.MarketsEntered[i]] < d.Market[a.MarketsEntered[j]] })
	sort.SliceStable(a.Credit, func(i, j int) bool { return d.Firm[a.Credit[i].Firm] < d.Firm[a.Credit[j].Firm] })
}
