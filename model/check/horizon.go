package check

import (
	"fmt"
	"math"
	"sort"

	"github.com/ofdi/ofdi/model"
)

// Period: a project of a multi-period plan starts outside 1..T or outside
// its opportunity's periods.
const Period = "period"

// Horizon: the periods, knowledge or stages a multi-period plan reports
// differ from the recomputed ones.
const Horizon = "horizon"

// horizonState is what the checker recomputes for a multi-period plan.
type horizonState struct {
	T int
	// kappa[firm][market][t-1] is κ at the start of period t, t = 1..T+1:
	// the largest value K1 allows given the plan's participations.
	kappa map[string]map[string][]float64
	// first[firm] is the first period the firm takes part in.
	first map[string]int
}

// knowledge returns the firm's knowledge of the project's market when the
// project starts: the instance's for one-period plans, the recomputed
// trajectory's for multi-period ones.
func (c *checker) knowledge(f *model.Firm, pr *project) float64 {
	if c.hz == nil {
		return f.KnowledgeOf(pr.opp.Market)
	}
	t := pr.p.Period
	if t < 1 || t > c.hz.T {
		return f.KnowledgeOf(pr.opp.Market) // reported as a period violation
	}
	return c.hz.kappa[f.ID][pr.opp.Market][t-1]
}

// knowTol is the tolerance of "knows enough": 0 in one period (the
// instance's numbers are compared exactly), 1e-9 over a horizon, where
// knowledge is a sum of rates (0.7 + 0.1 + 0.1 falls 1e-16 short of 0.9).
func (c *checker) knowTol() float64 {
	if c.hz == nil {
		return 0
	}
	return 1e-9
}

// horizonBegin checks the projects' periods and recomputes the knowledge
// trajectories: a participation in market m adds g_D to κ_fm, a learning
// participation (an SME, not a pioneer, beside a pioneer of Π_p other than
// itself; cluster plans only) g_P more, and each gain adds φ times itself
// to every other market; κ is capped at 1.
func (c *checker) horizonBegin(projs []project) {
	in := c.inst
	T := in.Horizon.Periods
	hz := &horizonState{T: T, kappa: map[string]map[string][]float64{}, first: map[string]int{}}
	c.hz = hz
	for _, pr := range projs {
		t := pr.p.Period
		switch {
		case t < 1 || t > T:
			c.add(Period, pr.where, "period %d is not in 1..%d", t, T)
		case !pr.opp.OpenIn(t):
			c.add(Period, pr.where, "starts in period %d, but the opportunity may start only in %v", t, pr.opp.Periods)
		}
	}
	gD, gP, phi := in.Horizon.Gains()
	if !c.cluster {
		gP = 0
	}
	for i := range in.Firms {
		f := &in.Firms[i]
		hz.kappa[f.ID] = map[string][]float64{}
		for _, m := range in.Markets {
			ks := make([]float64, T+1)
			ks[0] = f.KnowledgeOf(m.ID)
			hz.kappa[f.ID][m.ID] = ks
		}
	}
	for t := 1; t <= T; t++ {
		gain := map[string]map[string]float64{} // firm → market → own gain in t
		for _, pr := range projs {
			if pr.p.Period != t {
				continue
			}
			pi := c.pioneers(pr.opp, pr.rule)
			for _, pt := range pr.parts {
				g := gD
				if gP > 0 && learns(pr, pt, pi) {
					g += gP
				}
				if gain[pt.firm.ID] == nil {
					gain[pt.firm.ID] = map[string]float64{}
				}
				gain[pt.firm.ID][pr.opp.Market] += g
				if hz.first[pt.firm.ID] == 0 {
					hz.first[pt.firm.ID] = t
				}
			}
		}
		for id, byM := range hz.kappa {
			total := 0.0
			for _, g := range gain[id] {
				total += g
			}
			for m, ks := range byM {
				own := gain[id][m]
				ks[t] = math.Min(1, ks[t-1]+own+phi*(total-own))
			}
		}
	}
}

// horizonBudgets checks (8) as cumulative budgets: by period t a firm has
// put in at most min(1, r·t)·K_f plus its credit.
func (c *checker) horizonBudgets(projs []project, credit map[string]float64) {
	in, tol := c.inst, c.tol
	for i := range in.Firms {
		f := &in.Firms[i]
		if c.firms[f.ID] != f {
			continue
		}
		invest := make([]float64, c.hz.T+1)
		for _, pr := range projs {
			for _, pt := range pr.parts {
				if pt.firm == f && pr.p.Period >= 1 && pr.p.Period <= c.hz.T {
					invest[pr.p.Period] += pr.a * pt.stake
				}
			}
		}
		sum := 0.0
		for t := 1; t <= c.hz.T; t++ {
			sum += invest[t]
			avail := in.Horizon.Release(t)*f.Capital + credit[f.ID]
			if !(sum <= avail+tol*math.Max(1, math.Abs(avail))) {
				c.add(Budget, "firm "+f.ID, "has put in %s by period %d, above the capital released by then %s (release %s of %s) + credit %s",
					num(sum), t, num(avail-credit[f.ID]), num(in.Horizon.Release(t)), num(f.Capital), num(credit[f.ID]))
				break
			}
		}
	}
}

// horizonMetrics recomputes the discounted money metrics, Z and the stages
// of a multi-period plan, replacing the one-period figures of metrics.
func (c *checker) horizonMetrics(projs []project) {
	in := c.inst
	m := &c.rep.Metrics
	h := in.Horizon
	lam := in.Objective
	m.InfoCost, m.Dissipation, m.Value = 0, 0, 0
	var power, learning float64
	entered := map[string]bool{}     // cluster: markets entered
	firmEntered := map[string]bool{} // baselines: firm|market entered
	count := map[[2]string]int{}
	for t := 1; t <= c.hz.T; t++ {
		w := math.Pow(h.DiscountOr(), float64(t-1))
		before := map[[2]string]int{}
		for _, pr := range projs {
			if pr.p.Period == t {
				k := [2]string{pr.opp.Market, pr.opp.Segment}
				before[k] = count[k]
			}
		}
		for _, pr := range projs {
			if pr.p.Period != t {
				continue
			}
			o := pr.opp
			mk := c.markets[o.Market]
			if c.cluster && !entered[o.Market] && mk != nil {
				m.InfoCost += w * mk.InfoCost
			}
			entered[o.Market] = true
			pi := c.pioneers(o, pr.rule)
			for _, pt := range pr.parts {
				key := pt.firm.ID + "|" + o.Market
				if !c.cluster && !firmEntered[key] && mk != nil {
					m.InfoCost += w * mk.InfoCost
				}
				firmEntered[key] = true
				if learns(pr, pt, pi) {
					learning += w
				}
			}
			count[[2]string{o.Market, o.Segment}]++
			m.Value += w * (o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost)
			power += w * o.MarketPower
		}
		keys := make([][2]string, 0, len(before))
		for k := range before {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"\x00"+keys[i][1] < keys[j][0]+"\x00"+keys[j][1] })
		for _, k := range keys {
			mk := c.markets[k[0]]
			if mk == nil {
				continue
			}
			capacity := mk.Cap(k[1])
			inc := max(0, count[k]-capacity) - max(0, before[k]-capacity)
			m.Dissipation += w * mk.Dissipation * float64(inc)
		}
	}
	if !c.cluster {
		learning = 0
	}
	c.rep.Objective = m.InfoCost + m.Dissipation - m.Value - lam.MarketPowerValue*power - lam.LearningValue*learning
	n := c.stages()[c.hz.T-1].Experienced
	m.SMEExperienced = &n
}

// stages counts the SMEs per stage after each period: pre (no participation
// yet), early (taken part, max_m κ_fm,t+1 < θ), experienced (≥ θ).
func (c *checker) stages() []model.StageCount {
	in := c.inst
	theta := in.Horizon.ExperiencedAtOr()
	out := make([]model.StageCount, c.hz.T)
	for t := 1; t <= c.hz.T; t++ {
		sc := model.StageCount{Period: t}
		for i := range in.Firms {
			f := &in.Firms[i]
			if f.Role != model.SME || c.firms[f.ID] != f {
				continue
			}
			first := c.hz.first[f.ID]
			best := 0.0
			for _, ks := range c.hz.kappa[f.ID] {
				best = math.Max(best, ks[t])
			}
			switch {
			case first == 0 || first > t:
				sc.Pre++
			case best >= theta-1e-9:
				sc.Experienced++
			default:
				sc.Early++
			}
		}
		out[t-1] = sc
	}
	return out
}

// compareHorizon checks the reported sme_experienced, periods, knowledge
// and stages against the recomputed ones.
func (c *checker) compareHorizon(projs []project) {
	p := c.plan
	want := c.rep.Metrics.SMEExperienced
	if got := p.Metrics; got != nil {
		switch {
		case got.SMEExperienced == nil:
			c.add(Metric, "sme_experienced", "missing (recomputed %d)", *want)
		case *got.SMEExperienced != *want:
			c.add(Metric, "sme_experienced", "reported %d, recomputed %d", *got.SMEExperienced, *want)
		}
	}
	stages := c.stages()
	if len(p.Stages) != len(stages) {
		c.add(Horizon, "stages", "%d entries, want one per period (%d)", len(p.Stages), len(stages))
	} else {
		for i, s := range stages {
			if p.Stages[i] != s {
				c.add(Horizon, fmt.Sprintf("stages[%d]", i), "reported %+v, recomputed %+v", p.Stages[i], s)
			}
		}
	}
	starts := map[int][]string{}
	for _, pr := range projs {
		starts[pr.p.Period] = append(starts[pr.p.Period], pr.p.ID)
	}
	if len(p.Periods) != c.hz.T {
		c.add(Horizon, "periods", "%d entries, want one per period (%d)", len(p.Periods), c.hz.T)
	}
	for i, pp := range p.Periods {
		if pp.Period != i+1 || !sameSet(pp.Projects, starts[i+1]) {
			c.add(Horizon, fmt.Sprintf("periods[%d]", i), "period %d lists projects %v, the plan starts %v in period %d", pp.Period, pp.Projects, starts[i+1], i+1)
		}
	}
	listed := map[[2]string]bool{}
	for _, kp := range p.Knowledge {
		listed[[2]string{kp.Firm, kp.Market}] = true
		ks, ok := c.hz.kappa[kp.Firm][kp.Market]
		if !ok || len(kp.Values) != len(ks) {
			c.add(Horizon, "knowledge of "+kp.Firm+" in "+kp.Market, "unknown firm or market, or not %d values", c.hz.T+1)
			continue
		}
		for t, v := range kp.Values {
			if math.Abs(v-ks[t]) > c.tol {
				c.add(Horizon, "knowledge of "+kp.Firm+" in "+kp.Market, "reported %v, recomputed %v", kp.Values, ks)
				break
			}
		}
	}
	for i := range c.inst.Firms {
		f := &c.inst.Firms[i]
		for _, m := range c.inst.Markets {
			ks := c.hz.kappa[f.ID][m.ID]
			if ks[c.hz.T] != ks[0] && !listed[[2]string{f.ID, m.ID}] {
				c.add(Horizon, "knowledge of "+f.ID+" in "+m.ID, "changed (%v) but not listed", ks)
			}
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[string]int{}
	for _, x := range a {
		in[x]++
	}
	for _, x := range b {
		in[x]--
		if in[x] < 0 {
			return false
		}
	}
	return true
}
