package model

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Numeric limits beyond which GLPK's double-precision simplex cannot be
// trusted on this model. Money is refused above MaxMoney; costs whose ratio
// exceeds MaxCostRatio are refused (rescale the currency unit instead).
const (
	MaxMoney     = 1e12
	MaxCostRatio = 1e9
)

// Validate checks inst against every rule of MODEL.md's field list and
// returns all problems found, each with its JSON path: errors (the instance
// cannot be solved as written) and warnings (parts of it can never be used,
// e.g. opportunities no coalition can fund, and why). Use Errors and
// Warnings to split them, or ValidateErr for a single error.
func Validate(inst *Instance) []Issue {
	var l issueList
	v := validator{inst: inst, l: &l}
	v.run()
	if len(Errors(l)) == 0 {
		d := Derive(inst)
		// Over several periods knowledge grows: what the initial knowledge
		// rules out is only ruled out at the start.
		when := ""
		if inst.Periods() > 1 {
			when = " (in period 1; knowledge may grow later)"
		}
		for p := range inst.Opportunities {
			for _, why := range d.Unfundable[p] {
				suffix := when
				if strings.HasPrefix(why, "no firm of an allowed role") { // knowledge plays no part
					suffix = ""
				}
				l.warnf(fmt.Sprintf("opportunities[%d]", p), "no coalition can ever fund %q: %s%s", inst.Opportunities[p].ID, why, suffix)
			}
		}
		targetWarnings(d, &l)
		for f := range inst.Firms {
			if d.FirmPairs[f] == 0 {
				l.warnf(fmt.Sprintf("firms[%d]", f), "firm %q cannot take part in any opportunity (no eligible role, segment and knowledge match)%s", inst.Firms[f].ID, when)
			}
		}
	}
	return l
}

// ValidateErr returns a *ValidationError holding the error-severity issues
// of Validate(inst), or nil when there are none.
func ValidateErr(inst *Instance) error {
	if errs := Errors(Validate(inst)); len(errs) > 0 {
		return &ValidationError{Issues: errs}
	}
	return nil
}

type validator struct {
	inst      *Instance
	l         *issueList
	markets   map[string]bool
	scenarios map[string]bool
	segments  map[string]bool
}

func validRole(r Role) bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

func validMode(m Mode) bool {
	for _, x := range Modes {
		if m == x {
			return true
		}
	}
	return false
}

func (v *validator) ids(list string, n int, id func(int) string) map[string]bool {
	seen := map[string]int{}
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("%s[%d].id", list, i)
		s := id(i)
		if s == "" {
			v.l.errorf(p, "must be a non-empty string")
			continue
		}
		if j, dup := seen[s]; dup {
			v.l.errorf(p, "duplicate id %q (also %s[%d])", s, list, j)
			continue
		}
		seen[s] = i
	}
	out := make(map[string]bool, len(seen))
	for s := range seen {
		out[s] = true
	}
	return out
}

func (v *validator) finite(path string, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		v.l.errorf(path, "must be a finite number, got %v", x)
		return false
	}
	return true
}

// money reports a non-finite or too large amount; it returns whether x is
// finite, so that a range check after it does not report NaN a second time.
func (v *validator) money(path string, x float64) bool {
	if !v.finite(path, x) {
		return false
	}
	if math.Abs(x) > MaxMoney {
		v.l.errorf(path, "%g is too large for reliable numerics (limit %g): express money in a larger unit, e.g. millions", x, MaxMoney)
	}
	return true
}

func (v *validator) atLeast(path string, x, lo float64) {
	if v.finite(path, x) && x < lo {
		v.l.errorf(path, "must be >= %g, got %g", lo, x)
	}
}

func (v *validator) positive(path string, x float64) {
	if v.finite(path, x) && x <= 0 {
		v.l.errorf(path, "must be > 0, got %g", x)
	}
}

func (v *validator) unit(path string, x float64) {
	if v.finite(path, x) && (x < 0 || x > 1) {
		v.l.errorf(path, "must be in [0,1], got %g", x)
	}
}

func (v *validator) halfOpenUnit(path string, x float64) {
	if v.finite(path, x) && (x < 0 || x >= 1) {
		v.l.errorf(path, "must be in [0,1), got %g", x)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedModes[V any](m map[Mode]V) []Mode {
	keys := make([]Mode, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func (v *validator) run() {
	in := v.inst
	if len(in.Scenarios) == 0 {
		v.l.errorf("scenarios", "must list at least one scenario")
	}
	if len(in.Markets) == 0 {
		v.l.errorf("markets", "must list at least one market")
	}
	if len(in.Firms) == 0 {
		v.l.errorf("firms", "must list at least one firm")
	}
	if len(in.Opportunities) == 0 {
		v.l.errorf("opportunities", "must list at least one opportunity")
	}
	v.scenarios = v.ids("scenarios", len(in.Scenarios), func(i int) string { return in.Scenarios[i].ID })
	v.markets = v.ids("markets", len(in.Markets), func(i int) string { return in.Markets[i].ID })
	v.ids("firms", len(in.Firms), func(i int) string { return in.Firms[i].ID })
	v.ids("opportunities", len(in.Opportunities), func(i int) string { return in.Opportunities[i].ID })

	sum := 0.0
	for i, s := range in.Scenarios {
		p := fmt.Sprintf("scenarios[%d].probability", i)
		if v.finite(p, s.Probability) && (s.Probability <= 0 || s.Probability > 1) {
			v.l.errorf(p, "must be in (0,1], got %g", s.Probability)
		}
		sum += s.Probability
	}
	if len(in.Scenarios) > 0 && math.Abs(sum-1) > 1e-6 {
		v.l.errorf("scenarios", "probabilities must sum to 1 (±1e-6), got %.9g", sum)
	}

	v.segments = map[string]bool{}
	for i := range in.Firms {
		v.firm(i)
	}
	for i := range in.Markets {
		m := &in.Markets[i]
		p := fmt.Sprintf("markets[%d]", i)
		if v.money(p+".info_cost", m.InfoCost) {
			v.atLeast(p+".info_cost", m.InfoCost, 0)
		}
		if v.money(p+".dissipation", m.Dissipation) {
			v.atLeast(p+".dissipation", m.Dissipation, 0)
		}
		v.finite(p+".distance", m.Distance)
		for _, s := range sortedKeys(m.Capacity) {
			if c := m.Capacity[s]; c < 0 {
				v.l.errorf(p+".capacity."+s, "must be >= 0, got %d", c)
			}
		}
	}
	minCost, maxCost := math.Inf(1), 0.0
	for i := range in.Opportunities {
		o := &in.Opportunities[i]
		v.opportunity(i)
		if o.Cost > 0 && !math.IsInf(o.Cost, 0) {
			minCost, maxCost = math.Min(minCost, o.Cost), math.Max(maxCost, o.Cost)
		}
	}
	if maxCost > 0 && maxCost/minCost > MaxCostRatio {
		v.l.errorf("opportunities", "costs span %g to %g, a ratio above %g that GLPK cannot handle reliably: drop the extreme opportunities or rescale", minCost, maxCost, MaxCostRatio)
	}
	v.firmSegments()
	v.policy()
	v.rules()
	o := in.Objective
	if v.money("objective.market_power_value", o.MarketPowerValue) {
		v.atLeast("objective.market_power_value", o.MarketPowerValue, 0)
	}
	if v.money("objective.learning_value", o.LearningValue) {
		v.atLeast("objective.learning_value", o.LearningValue, 0)
	}
	v.atLeast("objective.market_power_target", o.MarketPowerTarget, 0)
	v.unit("objective.sme_participation_target", o.SMEParticipationTarget)
	v.horizon()
}

func (v *validator) firm(i int) {
	f := &v.inst.Firms[i]
	p := fmt.Sprintf("firms[%d]", i)
	if !validRole(f.Role) {
		v.l.errorf(p+".role", "unknown role %q (want large, sme or supporting)", f.Role)
	}
	if v.money(p+".capital", f.Capital) {
		v.positive(p+".capital", f.Capital)
	}
	if v.money(p+".risk_limit", f.RiskLimit) {
		v.atLeast(p+".risk_limit", f.RiskLimit, 0)
	}
	if len(f.Segments) == 0 {
		v.l.errorf(p+".segments", "must list at least one segment")
	}
	seen := map[string]bool{}
	for j, s := range f.Segments {
		sp := fmt.Sprintf("%s.segments[%d]", p, j)
		switch {
		case s == "":
			v.l.errorf(sp, "must be a non-empty string")
		case seen[s]:
			v.l.errorf(sp, "duplicate segment %q", s)
		}
		seen[s] = true
		v.segments[s] = true
	}
	for _, m := range sortedKeys(f.Knowledge) {
		kp := p + ".knowledge." + m
		if m != "default" && !v.markets[m] {
			v.l.errorf(kp, "unknown market %q (use a market id or \"default\")", m)
		}
		v.unit(kp, f.Knowledge[m])
	}
	if f.MaxProjects != nil && *f.MaxProjects < 0 {
		v.l.errorf(p+".max_projects", "must be >= 0, got %d", *f.MaxProjects)
	}
}

// firmSegments warns about a firm segment that no opportunity is in but
// that is a likely typo of one that is (a segment with no opportunity is
// otherwise fine: the firm simply has none there today).
func (v *validator) firmSegments() {
	used := map[string]bool{}
	for _, o := range v.inst.Opportunities {
		used[o.Segment] = true
	}
	names := sortedKeys(used)
	for i, f := range v.inst.Firms {
		for j, s := range f.Segments {
			if s == "" || used[s] {
				continue
			}
			if c := closest(s, names); c != "" {
				v.l.warnf(fmt.Sprintf("firms[%d].segments[%d]", i, j), "no opportunity is in segment %q (did you mean %q?)", s, c)
			}
		}
	}
}

func (v *validator) opportunity(i int) {
	o := &v.inst.Opportunities[i]
	p := fmt.Sprintf("opportunities[%d]", i)
	if !v.markets[o.Market] {
		v.l.errorf(p+".market", "unknown market %q", o.Market)
	}
	if o.Segment == "" {
		v.l.errorf(p+".segment", "must be a non-empty string")
	} else if !v.segments[o.Segment] {
		msg := fmt.Sprintf("no firm serves segment %q", o.Segment)
		if s := closest(o.Segment, sortedKeys(v.segments)); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		v.l.warnf(p+".segment", "%s", msg)
	}
	if !validMode(o.Mode) {
		v.l.errorf(p+".mode", "unknown mode %q (want acquisition, greenfield, non_equity, production, joint_rnd or distribution)", o.Mode)
	}
	if v.money(p+".cost", o.Cost) {
		v.positive(p+".cost", o.Cost)
	}
	v.money(p+".npv", o.NPV)
	if v.money(p+".market_power", o.MarketPower) {
		v.atLeast(p+".market_power", o.MarketPower, 0)
	}
	v.unit(p+".knowledge_required", o.KnowledgeRequired)
	minP := o.MinPartnersOr()
	if minP < 1 {
		v.l.errorf(p+".min_partners", "must be >= 1, got %d", minP)
	}
	if o.MaxPartners != nil && *o.MaxPartners < minP {
		v.l.errorf(p+".max_partners", "must be >= min_partners (%d), got %d", minP, *o.MaxPartners)
	}
	for _, k := range sortedKeys(o.Loss) {
		lp := p + ".loss." + k
		if !v.scenarios[k] {
			v.l.errorf(lp, "unknown scenario %q", k)
		}
		v.unit(lp, o.Loss[k])
	}
}

func (v *validator) policy() {
	pol := &v.inst.Policy
	if v.money("policy.credit_line", pol.CreditLine) {
		v.atLeast("policy.credit_line", pol.CreditLine, 0)
	}
	v.atLeast("policy.credit_per_firm", pol.CreditPerFirm, 0)
	if pol.CreditPerFirm > 1e6 && !math.IsInf(pol.CreditPerFirm, 1) { // NaN, ±Inf reported by atLeast
		v.l.errorf("policy.credit_per_firm", "must be at most 1e6 (a multiple of capital), got %g", pol.CreditPerFirm)
	}
	for _, m := range sortedModes(pol.Subsidy) {
		sp := "policy.subsidy." + string(m)
		if !validMode(m) {
			v.l.errorf(sp, "unknown mode %q", m)
		}
		v.halfOpenUnit(sp, pol.Subsidy[m])
	}
	if pol.CVaRAlpha != nil {
		v.halfOpenUnit("policy.cvar_alpha", *pol.CVaRAlpha)
	}
	for j, m := range pol.PromotedMarkets {
		if !v.markets[m] {
			v.l.errorf(fmt.Sprintf("policy.promoted_markets[%d]", j), "unknown market %q", m)
		}
	}
}

func (v *validator) rules() {
	r := &v.inst.Rules
	if r.MinStake != nil {
		if v.finite("rules.min_stake", *r.MinStake) && (*r.MinStake <= 0 || *r.MinStake > 1) {
			v.l.errorf("rules.min_stake", "must be in (0,1], got %g", *r.MinStake)
		}
	}
	if r.LeadMinStake != nil {
		v.unit("rules.lead_min_stake", *r.LeadMinStake)
	}
	if r.MinorityMaxStake != nil {
		v.unit("rules.minority_max_stake", *r.MinorityMaxStake)
	}
	for _, m := range sortedModes(r.Modes) {
		mp := "rules.modes." + string(m)
		if !validMode(m) {
			v.l.errorf(mp, "unknown mode %q", m)
		}
		mr := r.Modes[m]
		if len(mr.Roles) == 0 {
			v.l.errorf(mp+".roles", "must list at least one role")
		}
		for j, role := range mr.Roles {
			if !validRole(role) {
				v.l.errorf(fmt.Sprintf("%s.roles[%d]", mp, j), "unknown role %q", role)
			}
		}
		if mr.Lead != "" && !validRole(mr.Lead) {
			v.l.errorf(mp+".lead", "unknown role %q", mr.Lead)
		} else if mr.Lead != "" && !mr.Allows(mr.Lead) {
			v.l.errorf(mp+".lead", "lead role %q is not among the mode's roles", mr.Lead)
		}
		for j, role := range mr.Requires {
			rp := fmt.Sprintf("%s.requires[%d]", mp, j)
			if !validRole(role) {
				v.l.errorf(rp, "unknown role %q", role)
			} else if !mr.Allows(role) {
				v.l.errorf(rp, "required role %q is not among the mode's roles", role)
			}
		}
	}
}

// targetWarnings warns about targets that no plan can meet, judged without
// solving: a market-power target above the market power of all the
// opportunities some coalition might fund, taken together, and an SME
// target above the number of SMEs that can hold a stake in one of them.
func targetWarnings(d *Derived, l *issueList) {
	in := d.Inst
	reach, n := 0.0, 0
	able := map[int]bool{}
	for p := range in.Opportunities {
		if len(d.Unfundable[p]) > 0 || len(d.Pairs[p]) == 0 {
			continue
		}
		reach += in.Opportunities[p].MarketPower
		n++
		for _, pr := range d.Pairs[p] {
			if pr.MaxStake >= d.MinStake-1e-12 {
				able[pr.Firm] = true
			}
		}
	}
	if g := in.Objective.MarketPowerTarget; g > 0 && reach < g*(1-1e-9) {
		l.warnf("objective.market_power_target", "%g cannot be met: at most %g is reachable (the %d opportunities some coalition could fund, taken together); every solve will be infeasible", g, reach, n)
	}
	smes := 0
	for _, f := range d.SMEs {
		if able[f] {
			smes++
		}
	}
	if d.SMETarget > smes {
		l.warnf("objective.sme_participation_target", "%g needs %d of %d SMEs to take part, but at most %d can hold a stake in a fundable opportunity; every solve will be infeasible",
			in.Objective.SMEParticipationTarget, d.SMETarget, len(d.SMEs), smes)
	}
}
