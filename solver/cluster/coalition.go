package cluster

// The greedy's coalition: who takes part in one project, and with what
// stakes.

import (
	"math"
	"sort"

	"github.com/ofdi/ofdi/model"
)

// coalition chooses members and stakes for p, or returns nil. force, when
// ≥ 0, is a firm that must be among the members. The lead comes first,
// then the forced firm, a pioneer when learners are needed, the required
// roles, a pioneer for the learning reward, and partners; the stakes are
// split by split.
func (g *greedy) coalition(p int, force int, useLine bool) ([]model.Stake, int) {
	c := newCoalitionBuilder(g, p, useLine)
	if !c.chooseLead(force) || !c.addForced(force) {
		return nil, -1
	}
	c.addOpeningPioneer()
	if !c.coverRoles() {
		return nil, -1
	}
	c.addRewardPioneer()
	c.addPartners()
	if !c.valid() {
		return nil, -1
	}
	return c.split()
}

// coalitionBuilder is one coalition being formed: its members so far
// (indices into the opportunity's pairs) and what each pair can hold.
type coalitionBuilder struct {
	g     *greedy
	d     *model.Derived
	o     *model.Opportunity
	rule  model.ModeRule
	pairs []PairCols
	// room[i] is the largest stake pair i's firm can still hold (see
	// greedy.headroom).
	room []float64
	// preferred[i] marks the pairs of the firms the caller prefers (the
	// Lagrangian relaxation's members).
	preferred []bool
	// maxMembers is the partner limit (every pair when none).
	maxMembers int
	// chosen are the members in the order they joined, member marks
	// them, low[i] is member i's lowest stake.
	chosen []int
	member []bool
	low    []float64
	// lead is the lead's pair, -1 when the mode has no lead role.
	lead int
}

func newCoalitionBuilder(g *greedy, p int, useLine bool) *coalitionBuilder {
	in := g.d.Inst
	o := &in.Opportunities[p]
	pairs := g.fm.Pairs[p]
	c := &coalitionBuilder{g: g, d: g.d, o: o, rule: in.Rules.Mode(o.Mode), pairs: pairs,
		room: make([]float64, len(pairs)), preferred: make([]bool, len(pairs)), maxMembers: len(pairs),
		member: make([]bool, len(pairs)), low: make([]float64, len(pairs)), lead: -1}
	for i := range pairs {
		c.room[i] = g.headroom(&pairs[i], p, useLine)
	}
	if o.MaxPartners != nil {
		c.maxMembers = min(c.maxMembers, *o.MaxPartners)
	}
	if g.prefer != nil {
		for _, f := range g.prefer[p] {
			if i := indexOfFirm(pairs, f); i >= 0 {
				c.preferred[i] = true
			}
		}
	}
	return c
}

// add makes pair i a member with lowest stake low.
func (c *coalitionBuilder) add(i int, low float64) {
	c.chosen = append(c.chosen, i)
	c.member[i] = true
	c.low[i] = low
}

// best returns the pair not yet a member, with room for need and
// accepted by ok, that is preferred, then has the most room; -1 if none.
func (c *coalitionBuilder) best(ok func(i int) bool, need float64) int {
	b := -1
	for i := range c.pairs {
		if !c.member[i] && c.room[i] >= need && ok(i) &&
			(b < 0 || c.preferred[i] && !c.preferred[b] || c.preferred[i] == c.preferred[b] && c.room[i] > c.room[b]) {
			b = i
		}
	}
	return b
}

// isPioneer accepts the pioneers of Π_p.
func (c *coalitionBuilder) isPioneer(i int) bool { return c.pairs[i].Pioneer }

// hasPioneer reports whether a member is a pioneer of Π_p.
func (c *coalitionBuilder) hasPioneer() bool {
	for _, i := range c.chosen {
		if c.pairs[i].Pioneer {
			return true
		}
	}
	return false
}

// chooseLead adds the lead when the mode has a lead role: the forced firm
// if it can lead, else a preferred firm, then the one with the most
// project slots left, then the most room. It returns false when no firm
// can lead.
func (c *coalitionBuilder) chooseLead(force int) bool {
	if c.rule.Lead == "" {
		return true
	}
	pairs, room, leadStake := c.pairs, c.room, c.d.LeadStake
	lead := -1
	for i := range pairs {
		if pairs[i].Firm == force && pairs[i].L != none && room[i] >= leadStake {
			lead = i
		}
	}
	if lead < 0 {
		slots := c.g.slots
		for i := range pairs {
			if pairs[i].L == none || room[i] < leadStake {
				continue
			}
			if lead >= 0 && c.preferred[i] != c.preferred[lead] {
				if c.preferred[i] {
					lead = i
				}
				continue
			}
			if lead < 0 || slots(pairs[i].Firm) > slots(pairs[lead].Firm) ||
				(slots(pairs[i].Firm) == slots(pairs[lead].Firm) && room[i] > room[lead]) {
				lead = i
			}
		}
	}
	if lead < 0 {
		return false
	}
	c.lead = lead
	c.add(lead, math.Max(leadStake, c.d.MinStake))
	return true
}

// addForced adds the forced firm (force ≥ 0) if it is not a member yet,
// with a pioneer beside it when it learns. It returns false when it
// cannot join.
func (c *coalitionBuilder) addForced(force int) bool {
	i := indexOfFirm(c.pairs, force)
	if force < 0 || (i >= 0 && c.member[i]) {
		return true
	}
	minStake := c.d.MinStake
	if i < 0 || c.room[i] < minStake {
		return false
	}
	if c.pairs[i].Learning && !c.hasPioneer() {
		pi := c.best(c.isPioneer, minStake)
		if pi < 0 {
			return false
		}
		c.add(pi, minStake)
	}
	c.add(i, minStake)
	return true
}

// addOpeningPioneer brings in a pioneer, which opens the coalition to
// learning firms, when a required role, the funding or the learning
// reward needs them.
func (c *coalitionBuilder) addOpeningPioneer() {
	if c.hasPioneer() || len(c.chosen) >= c.maxMembers {
		return
	}
	pairs, room, minStake := c.pairs, c.room, c.d.MinStake
	learners, plainRoom := false, 0.0
	for i := range pairs {
		if c.member[i] || room[i] < minStake {
			continue
		}
		if pairs[i].Learning {
			learners = true
		} else {
			plainRoom += room[i]
		}
	}
	for _, i := range c.chosen {
		plainRoom += room[i]
	}
	need := plainRoom < 1
	firms := c.d.Inst.Firms
	for _, r := range c.rule.Requires {
		plain := false
		for i := range pairs {
			plain = plain || (firms[pairs[i].Firm].Role == r && !pairs[i].Learning && room[i] >= minStake)
		}
		need = need || !plain
	}
	for i := range pairs {
		need = need || (pairs[i].W != none && room[i] >= minStake)
	}
	if learners && need {
		if i := c.best(c.isPioneer, minStake); i >= 0 {
			c.add(i, minStake)
		}
	}
}

// coverRoles adds a member of each required role not yet covered. It
// returns false when a role cannot be covered.
func (c *coalitionBuilder) coverRoles() bool {
	firms := c.d.Inst.Firms
	for _, r := range c.rule.Requires {
		covered := false
		for _, i := range c.chosen {
			covered = covered || firms[c.pairs[i].Firm].Role == r
		}
		if covered {
			continue
		}
		i := c.best(func(j int) bool {
			return firms[c.pairs[j].Firm].Role == r && (!c.pairs[j].Learning || c.hasPioneer())
		}, c.d.MinStake)
		if i < 0 {
			return false
		}
		c.add(i, c.d.MinStake)
	}
	return true
}

// addRewardPioneer adds a pioneer when a learning reward could be earned
// and none is in yet.
func (c *coalitionBuilder) addRewardPioneer() {
	hasReward := false
	for i := range c.pairs {
		hasReward = hasReward || (c.pairs[i].W != none && c.room[i] >= c.d.MinStake)
	}
	if hasReward && !c.hasPioneer() && len(c.chosen) < c.maxMembers {
		if i := c.best(c.isPioneer, c.d.MinStake); i >= 0 {
			c.add(i, c.d.MinStake)
		}
	}
}

// roomSum is the members' room; lowSum their lowest stakes.
func (c *coalitionBuilder) roomSum() float64 {
	s := 0.0
	for _, i := range c.chosen {
		s += c.room[i]
	}
	return s
}

func (c *coalitionBuilder) lowSum() float64 {
	s := 0.0
	for _, i := range c.chosen {
		s += c.low[i]
	}
	return s
}

// addPartners adds partners up to the partner limit while the coalition
// needs funding or members, or a partner earns the learning reward or is
// preferred: preferred first, then reward pairs (each worth λ_L), then
// firms that cannot lead (theirs are scarce), then by room.
func (c *coalitionBuilder) addPartners() {
	pairs, room, minStake := c.pairs, c.room, c.d.MinStake
	rest := []int{}
	for i := range pairs {
		if !c.member[i] && room[i] >= minStake {
			rest = append(rest, i)
		}
	}
	sort.SliceStable(rest, func(a, b int) bool {
		ia, ib := rest[a], rest[b]
		if c.preferred[ia] != c.preferred[ib] {
			return c.preferred[ia]
		}
		if ra, rb := pairs[ia].W != none, pairs[ib].W != none; ra != rb {
			return ra
		}
		// Firms that can lead are scarce: keep their slots and budgets
		// for projects they must lead.
		if la, lb := pairs[ia].L != none, pairs[ib].L != none; la != lb {
			return lb
		}
		return room[ia] > room[ib]
	})
	for _, i := range rest {
		if len(c.chosen) >= c.maxMembers {
			break
		}
		wantReward := pairs[i].W != none && c.hasPioneer()
		if c.roomSum() >= 1 && len(c.chosen) >= c.o.MinPartnersOr() && !wantReward && !c.preferred[i] {
			continue
		}
		if pairs[i].Learning && !c.hasPioneer() {
			continue
		}
		if c.lowSum()+minStake > 1+1e-12 {
			continue
		}
		c.add(i, minStake)
	}
}

// valid checks the coalition against the partner limits, the funding and
// the learners' need of a pioneer (the lead, a forced firm, a pioneer and
// the required roles join before the partner limit is looked at).
func (c *coalitionBuilder) valid() bool {
	if len(c.chosen) < c.o.MinPartnersOr() || len(c.chosen) > c.maxMembers || c.roomSum() < 1-1e-12 || c.lowSum() > 1+1e-12 {
		return false
	}
	for _, i := range c.chosen {
		if c.pairs[i].Learning && !c.hasPioneer() {
			return false
		}
	}
	return true
}

// split gives every member its lowest stake; the members other than the
// lead share the rest in proportion to their room (spreading risk); the
// lead takes what they cannot, so it keeps room to lead elsewhere. It
// returns the stakes and the lead's firm (-1: none), or nil when the
// others cannot take the rest and there is no lead.
func (c *coalitionBuilder) split() ([]model.Stake, int) {
	rem := 1 - c.lowSum()
	slack := 0.0
	for _, i := range c.chosen {
		if i != c.lead {
			slack += c.room[i] - c.low[i]
		}
	}
	theta, leadExtra := 1.0, 0.0
	if slack > rem {
		theta = rem / slack
	} else {
		leadExtra = rem - slack
	}
	if leadExtra > 0 && c.lead < 0 {
		return nil, -1
	}
	firms := c.d.Inst.Firms
	stakes := make([]model.Stake, 0, len(c.chosen))
	sum := 0.0
	for _, i := range c.chosen {
		s := c.low[i] + theta*(c.room[i]-c.low[i])
		if i == c.lead {
			s = c.low[i] + leadExtra
		}
		sum += s
		stakes = append(stakes, model.Stake{Firm: firms[c.pairs[i].Firm].ID, Stake: s})
	}
	// Absorb rounding in the first member.
	stakes[0].Stake += 1 - sum
	lead := -1
	if c.lead >= 0 {
		lead = c.pairs[c.lead].Firm
	}
	return stakes, lead
}
