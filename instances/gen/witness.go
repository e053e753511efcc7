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
	sMin := inst.Rules.MinStakeOr()
	sLead := math.Max(sMin, inst.Rules.LeadMinStakeOr())
	sMinority := inst.Rules.MinorityMaxStakeOr()
	n := len(inst.Firms)
	budget := make([]float64, n)
	risk := make([]float64, n)
	slots := make([]int, n)
	joined := make([]bool, n)
	for i := range inst.Firms {
		f := &inst.Firms[i]
		budget[i], risk[i] = f.Capital, f.RiskLimit
		slots[i] = math.MaxInt
		if f.MaxProjects != nil {
			slots[i] = *f.MaxProjects
		}
	}

	order := make([]int, len(inst.Opportunities))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return inst.Opportunities[order[a]].MarketPower > inst.Opportunities[order[b]].MarketPower
	})

	var w witness
	for _, p := range order {
		o := &inst.Opportunities[p]
		v := &vs[p]
		maxP := math.MaxInt
		if o.MaxPartners != nil {
			maxP = *o.MaxPartners
		}
		// headroom: the largest stake f can take in p.
		headroom := func(f int) float64 {
			if slots[f] <= 0 || v.a <= 0 {
				return 0
			}
			h := budget[f] / v.a
			if v.maxLoss > 0 {
				h = math.Min(h, risk[f]/(v.maxLoss*v.a))
			}
			return math.Min(h, 1)
		}
		// cap is the stake rule's upper bound ub_fp.
		cap := func(f int) float64 {
			if v.rule.Lead != "" && inst.Firms[f].Role != v.rule.Lead {
				return sMinority
			}
			return 1
		}
		in := map[int]bool{}
		var members []int
		var lo []float64
		hasPioneer := false
		// pick adds the eligible firm with the largest headroom among those
		// accepted by ok, needing stake lower bound low; it reports success.
		pick := func(low float64, ok func(f int, direct bool) bool) bool {
			best, bestH := -1, 0.0
			for i, f := range v.eligible {
				if in[f] || !ok(f, v.direct[i]) {
					continue
				}
				if !v.direct[i] && !hasPioneer {
					continue // a learning pair needs a pioneer of Π_p in the coalition
				}
				h := math.Min(headroom(f), cap(f))
				if h >= low && h > bestH {
					best, bestH = f, h
				}
			}
			if best < 0 {
				return false
			}
			in[best] = true
			members = append(members, best)
			lo = append(lo, low)
			if inst.Firms[best].Pioneer {
				hasPioneer = true // eligible pioneers are direct, so in Π_p
			}
			return true
		}
		ofRole := func(r model.Role) func(int, bool) bool {
			return func(f int, _ bool) bool { return inst.Firms[f].Role == r }
		}
		isPioneer := func(f int, _ bool) bool { return inst.Firms[f].Pioneer }
		anyone := func(int, bool) bool { return true }

		lead := -1
		if v.rule.Lead != "" {
			// A pioneer lead first (it lets SMEs learn), else the roomiest.
			if !pick(sLead, func(f int, _ bool) bool { return inst.Firms[f].Role == v.rule.Lead && inst.Firms[f].Pioneer }) &&
				!pick(sLead, ofRole(v.rule.Lead)) {
				continue
			}
			lead = members[0]
		}
		if !hasPioneer && v.pioneers > 0 && len(members)+len(v.rule.Requires) < maxP {
			pick(sMin, isPioneer)
		}
		failed := false
		for _, r := range v.rule.Requires {
			if !pick(sMin, ofRole(r)) {
				failed = true
				break
			}
		}
		if failed {
			continue
		}
		if len(members) == 0 && !pick(sMin, anyone) {
			continue
		}
		// Up to two SMEs that take part nowhere yet.
		for k := 0; k < 2 && len(members) < maxP; k++ {
			if !pick(sMin, func(f int, _ bool) bool { return inst.Firms[f].Role == model.SME && !joined[f] }) {
				break
			}
		}
		for len(members) < o.MinPartnersOr() && len(members) < maxP {
			if !pick(sMin, anyone) {
				break
			}
		}
		if len(members) < o.MinPartnersOr() || len(members) > maxP {
			continue
		}
		// Stakes: lower bounds first, the rest in member order (lead first).
		stakes := append([]float64(nil), lo...)
		rest := 1.0
		for _, s := range stakes {
			rest -= s
		}
		if rest < -1e-12 {
			continue
		}
		for i, f := range members {
			add := math.Min(rest, math.Min(headroom(f), cap(f))-stakes[i])
			if add > 0 {
				stakes[i] += add
				rest -= add
			}
		}
		if rest > 1e-9 {
			continue
		}
		for i, f := range members {
			budget[f] -= stakes[i] * v.a
			risk[f] -= stakes[i] * v.a * v.maxLoss
			slots[f]--
			if inst.Firms[f].Role == model.SME && !joined[f] {
				w.smes++
			}
			joined[f] = true
		}
		w.projects = append(w.projects, witnessProject{opp: p, lead: lead, members: members, stakes: stakes})
		w.marketPower += o.MarketPower
	}
	return w
}
