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
	e := newEvaluation(d)
	for _, pj := range a.Projects {
		if err := e.addProject(pj); err != nil {
			return e.m, 0, err
		}
	}
	e.addInfoCost(method)
	e.addDissipation()
	e.countFirms()
	if err := e.addCredit(a.Credit); err != nil {
		return e.m, 0, err
	}
	e.cvarUtilisation()
	e.targets()
	return e.m, e.objective(), nil
}

// evaluation is the state of one Evaluate call: the metrics summed so far
// and what the sums after the project pass need from it. Every sum runs in
// file order, so that equal plans give equal bytes.
type evaluation struct {
	d *Derived
	m Metrics
	// exposure is each firm's loss per scenario.
	exposure [][]float64
	// taking marks the firms holding a stake in some project.
	taking []bool
	// firmMarkets holds the (firm, market) pairs entered, for the
	// baselines' info cost.
	firmMarkets map[[2]int]bool
	// clusterMarkets holds the markets entered, for the cluster's.
	clusterMarkets map[int]bool
	// perGroup counts the projects per (market id, segment).
	perGroup map[[2]string]int
	// smes counts the SMEs taking part.
	smes int
}

func newEvaluation(d *Derived) *evaluation {
	e := &evaluation{
		d:              d,
		m:              Metrics{FirmsByRole: map[Role]int{Large: 0, SME: 0, Supporting: 0}},
		exposure:       make([][]float64, len(d.Inst.Firms)),
		taking:         make([]bool, len(d.Inst.Firms)),
		firmMarkets:    map[[2]int]bool{},
		clusterMarkets: map[int]bool{},
		perGroup:       map[[2]string]int{},
	}
	for f := range e.exposure {
		e.exposure[f] = make([]float64, len(d.Probs))
	}
	return e
}

// addProject adds one project's value, market power, capital and
// participants; it fails on an unknown opportunity or firm id.
func (e *evaluation) addProject(pj Project) error {
	d := e.d
	p, ok := d.Opp[pj.ID]
	if !ok {
		return fmt.Errorf("plan: unknown opportunity %q", pj.ID)
	}
	o := &d.Inst.Opportunities[p]
	mi := d.Market[o.Market]
	e.clusterMarkets[mi] = true
	e.perGroup[[2]string{o.Market, o.Segment}]++
	e.m.Projects++
	e.m.Value += o.NPV + d.Inst.Policy.SubsidyOf(o.Mode)*o.Cost
	e.m.MarketPower += o.MarketPower
	e.m.CapitalDeployed += d.NetCost[p]
	member := map[int]bool{}
	for _, st := range pj.Participants {
		f, ok := d.Firm[st.Firm]
		if !ok {
			return fmt.Errorf("plan: project %q: unknown firm %q", pj.ID, st.Firm)
		}
		member[f] = true
		e.taking[f] = true
		e.firmMarkets[[2]int{f, mi}] = true
	}
	e.addStakes(p, pj.Participants, member)
	return nil
}

// addStakes adds the participants' shares of opportunity p's losses and
// counts the non-pioneer SMEs that learn beside a pioneer partner; member
// holds the project's firms (all known).
func (e *evaluation) addStakes(p int, parts []Stake, member map[int]bool) {
	d := e.d
	for _, st := range parts {
		f := d.Firm[st.Firm]
		for k := range d.Probs {
			e.exposure[f][k] += st.Stake * d.Loss(p, k)
		}
		fm := &d.Inst.Firms[f]
		if fm.Role != SME || fm.Pioneer {
			continue
		}
		for _, g := range d.Pioneers[p] {
			if g != f && member[g] {
				e.m.Learning++
				break
			}
		}
	}
}

// addInfoCost charges each market's info cost once when the cluster
// enters it, once per firm entering it for the baselines.
func (e *evaluation) addInfoCost(method string) {
	in := e.d.Inst
	for mi := range in.Markets {
		if method == MethodCluster {
			if e.clusterMarkets[mi] {
				e.m.InfoCost += in.Markets[mi].InfoCost
			}
			continue
		}
		for f := range in.Firms {
			if e.firmMarkets[[2]int{f, mi}] {
				e.m.InfoCost += in.Markets[mi].InfoCost
			}
		}
	}
}

// addDissipation charges each (market, segment) its dissipation per
// project beyond the segment's capacity, groups in file order of the
// market, then by segment.
func (e *evaluation) addDissipation() {
	d := e.d
	groups := make([][2]string, 0, len(e.perGroup))
	for key := range e.perGroup {
		groups = append(groups, key)
	}
	sort.Slice(groups, func(i, j int) bool {
		if groups[i][0] != groups[j][0] {
			return d.Market[groups[i][0]] < d.Market[groups[j][0]]
		}
		return groups[i][1] < groups[j][1]
	})
	for _, key := range groups {
		mk := &d.Inst.Markets[d.Market[key[0]]]
		if excess := e.perGroup[key] - mk.Cap(key[1]); excess > 0 {
			e.m.Dissipation += mk.Dissipation * float64(excess)
		}
	}
}

// countFirms counts the firms taking part by role and the SMEs' share.
func (e *evaluation) countFirms() {
	in := e.d.Inst
	for f, t := range e.taking {
		if !t {
			continue
		}
		e.m.FirmsByRole[in.Firms[f].Role]++
		if in.Firms[f].Role == SME {
			e.smes++
		}
	}
	// Every SME of the instance, as the checker counts them (d.SMEs may
	// leave out some, see Derived).
	smes := 0
	for f := range in.Firms {
		if in.Firms[f].Role == SME {
			smes++
		}
	}
	if smes > 0 {
		e.m.SMEParticipation = float64(e.smes) / float64(smes)
	}
}

// addCredit sums the credit drawn; it fails on an unknown firm id.
func (e *evaluation) addCredit(credit []Credit) error {
	for _, c := range credit {
		if _, ok := e.d.Firm[c.Firm]; !ok {
			return fmt.Errorf("plan: credit: unknown firm %q", c.Firm)
		}
		e.m.CreditDrawn += c.Amount
	}
	return nil
}

// cvarUtilisation sets the largest and the mean CVaR_α / risk limit over
// the firms taking part that have a positive risk limit.
func (e *evaluation) cvarUtilisation() {
	in := e.d.Inst
	alpha := in.Policy.Alpha()
	n := 0
	for f, t := range e.taking {
		if !t || in.Firms[f].RiskLimit <= 0 {
			continue
		}
		u := CVaR(e.exposure[f], e.d.Probs, alpha) / in.Firms[f].RiskLimit
		e.m.CVaRUtilisationMax = math.Max(e.m.CVaRUtilisationMax, u)
		e.m.CVaRUtilisationMean += u
		n++
	}
	if n > 0 {
		e.m.CVaRUtilisationMean /= float64(n)
	}
}

// targets says whether the market power target (relative 1e-6) and the
// SME target are met.
func (e *evaluation) targets() {
	g := e.d.Inst.Objective.MarketPowerTarget
	e.m.MarketPowerTarget = e.m.MarketPower >= g-1e-6*math.Max(1, g)
	e.m.SMETarget = e.smes >= e.d.SMETarget
	e.m.TargetsMet = e.m.MarketPowerTarget && e.m.SMETarget
}

// objective returns Z = info cost + dissipation − value − λ_G·market power
// − λ_L·learning.
func (e *evaluation) objective() float64 {
	obj, m := &e.d.Inst.Objective, &e.m
	return m.InfoCost + m.Dissipation - m.Value -
		obj.MarketPowerValue*m.MarketPower - obj.LearningValue*float64(m.Learning)
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
