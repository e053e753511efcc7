package gen

import (
	"math"
	"sort"

	"github.com/ofdi/ofdi/model"
)

// witness is a feasible plan built greedily; Generate sets the targets so
// that it meets them, which proves the instance feasible.
type witness struct {
	projects    []witnessProject
	marketPower float64
	smes        int // SMEs taking part in at least one project
}

type witnessProject struct {
	opp     int
	lead    int // firm index, −1 for modes without a lead
	members []int
	stakes  []float64
}

// oppView is what the greedy needs to know about one opportunity.
type oppView struct {
	rule     model.ModeRule
	a        float64 // net cost a_p
	maxLoss  float64 // max_k ℓ_pk over scenarios with positive probability
	eligible []int   // eligible firms, by index
	direct   []bool  // κ_f ≥ k_p, parallel to eligible
	pioneers int     // |Π_p|
}

// segmentIndex lists, per segment name, the firms serving it (ascending).
func segmentIndex(inst *model.Instance) map[string][]int {
	idx := map[string][]int{}
	for i := range inst.Firms {
		for _, s := range inst.Firms[i].Segments {
			idx[s] = append(idx[s], i)
		}
	}
	return idx
}

// view computes the eligible pairs of opportunity o (MODEL.md "Derived
// sets"); o need not be in inst yet.
func view(inst *model.Instance, bySeg map[string][]int, o *model.Opportunity) oppView {
	v := oppView{rule: inst.Rules.Mode(o.Mode), a: inst.NetCost(o)}
	for _, sc := range inst.Scenarios {
		if sc.Probability > 0 {
			v.maxLoss = math.Max(v.maxLoss, o.Loss[sc.ID])
		}
	}
	segFirms := bySeg[o.Segment]
	cands := make([]int, 0, len(segFirms))
	direct := make([]bool, 0, len(segFirms))
	for _, f := range segFirms {
		firm := &inst.Firms[f]
		if !v.rule.Allows(firm.Role) {
			continue
		}
		d := firm.KnowledgeOf(o.Market) >= o.KnowledgeRequired
		if d && firm.Pioneer {
			v.pioneers++
		}
		cands = append(cands, f)
		direct = append(direct, d)
	}
	v.eligible = make([]int, 0, len(cands))
	v.direct = make([]bool, 0, len(cands))
	for i, f := range cands {
		if direct[i] || (!inst.Firms[f].Pioneer && v.pioneers > 0) {
			v.eligible = append(v.eligible, f)
			v.direct = append(v.direct, direct[i])
		}
	}
	return v
}

// open reports whether p could be funded by some coalition as far as roles,
// knowledge and money go: an eligible lead able to hold σ_lead (modes with
// a lead role), an eligible firm of each required role able to hold s_min,
// at least min_partners eligible firms able to hold s_min, and the eligible
// firms' largest stakes summing to at least 1. A firm's largest stake is
// bounded by ub_fp, its capital (no credit) and its risk limit against the
// worst-scenario loss. Learning pairs are counted as if their pioneer joined.
func (v *oppView) open(inst *model.Instance, minPartners int) bool {
	sMin := inst.Rules.MinStakeOr()
	able := func(f int) float64 {
		firm := &inst.Firms[f]
		h := 1.0
		if v.rule.Lead != "" && firm.Role != v.rule.Lead {
			h = inst.Rules.MinorityMaxStakeOr()
		}
		if v.a > 0 {
			h = math.Min(h, firm.Capital/v.a)
			if v.maxLoss > 0 {
				h = math.Min(h, firm.RiskLimit/(v.maxLoss*v.a))
			}
		}
		return h
	}
	total, partners := 0.0, 0
	lead := v.rule.Lead == ""
	need := map[model.Role]bool{}
	for _, r := range v.rule.Requires {
		need[r] = true
	}
	for _, f := range v.eligible {
		h := able(f)
		total += h
		if h < sMin {
			continue
		}
		partners++
		role := inst.Firms[f].Role
		delete(need, role)
		if role == v.rule.Lead && h >= inst.Rules.LeadMinStakeOr() {
			lead = true
		}
	}
	return lead && len(need) == 0 && partners >= max(1, minPartners) && total >= 1
}

// views computes every opportunity's view.
func views(inst *model.Instance) []oppView {
	bySeg := segmentIndex(inst)
	vs := make([]oppView, len(inst.Opportunities))
	for p := range vs {
		vs[p] = view(inst, bySeg, &inst.Opportunities[p])
	}
	return vs
}

// openMarketPower is G_open: the market power of the opportunities that have
// eligible firms for every role they need.
func openMarketPower(inst *model.Instance, vs []oppView) float64 {
	total := 0.0
	for p := range inst.Opportunities {
		if vs[p].open(inst, inst.Opportunities[p].MinPartnersOr()) {
			total += inst.Opportunities[p].MarketPower
		}
	}
	return total
}

// buildWitness funds opportunities in order of market power (descending,
// ties by position) with coalitions that satisfy every constraint of
// MODEL.md. It is conservative: no credit is drawn, a firm's CVaR is bounded
// by Σ_p max_k ℓ_pk·a_p·s_fp (≥ any CVaR), and a non-pioneer joins without
// the knowledge only together with a pioneer of Π_p.
func buildWitness(inst *model.Instance, vs []oppView) witness {
	b := newWitnessBuilder(inst)
	for _, p := range byMarketPower(inst) {
		b.fund(p, &vs[p])
	}
	return b.w
}

// witnessBuilder is the greedy's state: what each firm has left as
// projects are funded, and the witness so far.
type witnessBuilder struct {
	inst                   *model.Instance
	sMin, sLead, sMinority float64   // s_min, max(s_min, σ_lead), the minority cap
	budget                 []float64 // capital left, per firm
	risk                   []float64 // risk limit left against the worst-case loss bound, per firm
	slots                  []int     // projects a firm may still join (MaxInt: no limit)
	joined                 []bool    // firm takes part in a project already
	w                      witness
}

func newWitnessBuilder(inst *model.Instance) *witnessBuilder {
	sMin := inst.Rules.MinStakeOr()
	n := len(inst.Firms)
	b := &witnessBuilder{
		inst:      inst,
		sMin:      sMin,
		sLead:     math.Max(sMin, inst.Rules.LeadMinStakeOr()),
		sMinority: inst.Rules.MinorityMaxStakeOr(),
		budget:    make([]float64, n),
		risk:      make([]float64, n),
		slots:     make([]int, n),
		joined:    make([]bool, n),
	}
	for i := range inst.Firms {
		f := &inst.Firms[i]
		b.budget[i], b.risk[i] = f.Capital, f.RiskLimit
		b.slots[i] = math.MaxInt
		if f.MaxProjects != nil {
			b.slots[i] = *f.MaxProjects
		}
	}
	return b
}

// byMarketPower returns the opportunities' indices by market power,
// descending, ties in file order.
func byMarketPower(inst *model.Instance) []int {
	order := make([]int, len(inst.Opportunities))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return inst.Opportunities[order[a]].MarketPower > inst.Opportunities[order[b]].MarketPower
	})
	return order
}

// fund adds opportunity p (view v) to the witness when a coalition can be
// formed for it and its stakes split within the firms' headroom.
func (b *witnessBuilder) fund(p int, v *oppView) {
	o := &b.inst.Opportunities[p]
	maxP := math.MaxInt
	if o.MaxPartners != nil {
		maxP = *o.MaxPartners
	}
	c := &coalition{b: b, v: v, in: map[int]bool{}}
	lead, ok := c.gather(o.MinPartnersOr(), maxP)
	if !ok {
		return
	}
	stakes, ok := c.split()
	if !ok {
		return
	}
	for i, f := range c.members {
		b.budget[f] -= stakes[i] * v.a
		b.risk[f] -= stakes[i] * v.a * v.maxLoss
		b.slots[f]--
		if b.inst.Firms[f].Role == model.SME && !b.joined[f] {
			b.w.smes++
		}
		b.joined[f] = true
	}
	b.w.projects = append(b.w.projects, witnessProject{opp: p, lead: lead, members: c.members, stakes: stakes})
	b.w.marketPower += o.MarketPower
}

// coalition is the coalition being formed for one opportunity.
type coalition struct {
	b          *witnessBuilder
	v          *oppView
	in         map[int]bool // members
	members    []int        // in the order picked (the lead first)
	lo         []float64    // each member's stake lower bound
	hasPioneer bool
}

// gather picks the members: the lead (a pioneer first, it lets SMEs
// learn), a pioneer when there is room, one firm of each required role,
// someone if still empty, up to two SMEs that take part nowhere yet, and
// more until minP. It returns the lead (−1 for modes without a lead) and
// whether the coalition has the roles and between minP and maxP members.
func (c *coalition) gather(minP, maxP int) (lead int, ok bool) {
	v, inst, sMin := c.v, c.b.inst, c.b.sMin
	lead = -1
	if v.rule.Lead != "" {
		pioneerLead := func(f int, _ bool) bool { return inst.Firms[f].Role == v.rule.Lead && inst.Firms[f].Pioneer }
		if !c.pick(c.b.sLead, pioneerLead) && !c.pick(c.b.sLead, c.ofRole(v.rule.Lead)) {
			return -1, false
		}
		lead = c.members[0]
	}
	if !c.hasPioneer && v.pioneers > 0 && len(c.members)+len(v.rule.Requires) < maxP {
		c.pick(sMin, func(f int, _ bool) bool { return inst.Firms[f].Pioneer })
	}
	for _, r := range v.rule.Requires {
		if !c.pick(sMin, c.ofRole(r)) {
			return lead, false
		}
	}
	if len(c.members) == 0 && !c.pick(sMin, anyone) {
		return lead, false
	}
	newSME := func(f int, _ bool) bool { return inst.Firms[f].Role == model.SME && !c.b.joined[f] }
	for k := 0; k < 2 && len(c.members) < maxP; k++ {
		if !c.pick(sMin, newSME) {
			break
		}
	}
	for len(c.members) < minP && len(c.members) < maxP {
		if !c.pick(sMin, anyone) {
			break
		}
	}
	return lead, len(c.members) >= minP && len(c.members) <= maxP
}

// anyone accepts every eligible firm.
func anyone(int, bool) bool { return true }

// ofRole accepts the firms of role r.
func (c *coalition) ofRole(r model.Role) func(int, bool) bool {
	return func(f int, _ bool) bool { return c.b.inst.Firms[f].Role == r }
}

// pick adds the eligible firm with the largest room (headroom within its
// cap) among those accepted by ok (given the firm and whether it knows
// enough directly), needing stake lower bound low; it reports success. A
// learning pair needs a pioneer of Π_p in the coalition already.
func (c *coalition) pick(low float64, ok func(f int, direct bool) bool) bool {
	v := c.v
	best, bestH := -1, 0.0
	for i, f := range v.eligible {
		if c.in[f] || !ok(f, v.direct[i]) {
			continue
		}
		if !v.direct[i] && !c.hasPioneer {
			continue
		}
		h := math.Min(c.headroom(f), c.stakeCap(f))
		if h >= low && h > bestH {
			best, bestH = f, h
		}
	}
	if best < 0 {
		return false
	}
	c.in[best] = true
	c.members = append(c.members, best)
	c.lo = append(c.lo, low)
	if c.b.inst.Firms[best].Pioneer {
		c.hasPioneer = true // eligible pioneers are direct, so in Π_p
	}
	return true
}

// headroom is the largest stake f can take in the project with the
// capital and risk limit it has left: 0 without a project slot.
func (c *coalition) headroom(f int) float64 {
	v, b := c.v, c.b
	if b.slots[f] <= 0 || v.a <= 0 {
		return 0
	}
	h := b.budget[f] / v.a
	if v.maxLoss > 0 {
		h = math.Min(h, b.risk[f]/(v.maxLoss*v.a))
	}
	return math.Min(h, 1)
}

// stakeCap is the stake rule's upper bound ub_fp: the minority cap for a firm
// of another role than the mode's lead role, else 1.
func (c *coalition) stakeCap(f int) float64 {
	if c.v.rule.Lead != "" && c.b.inst.Firms[f].Role != c.v.rule.Lead {
		return c.b.sMinority
	}
	return 1
}

// split returns the members' stakes: the lower bounds first, then the
// rest given in member order (lead first) up to each one's room; ok is
// false when the lower bounds exceed 1 or the room falls short of it.
func (c *coalition) split() (stakes []float64, ok bool) {
	stakes = append([]float64(nil), c.lo...)
	rest := 1.0
	for _, s := range stakes {
		rest -= s
	}
	if rest < -1e-12 {
		return nil, false
	}
	for i, f := range c.members {
		add := math.Min(rest, math.Min(c.headroom(f), c.stakeCap(f))-stakes[i])
		if add > 0 {
			stakes[i] += add
			rest -= add
		}
	}
	if rest > 1e-9 {
		return nil, false
	}
	return stakes, true
}
