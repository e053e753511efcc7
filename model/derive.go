package model

import (
	"fmt"
	"math"
	"strings"
)

// Pair is an eligible (firm, opportunity) pair of MODEL.md.
type Pair struct {
	// Firm is the index of the firm in Instance.Firms.
	Firm int
	// Learning is true when the firm lacks the knowledge the opportunity
	// requires and may take part only beside a pioneer (constraint 7).
	Learning bool
	// Lead is true when the firm's role is the lead role of the mode.
	Lead bool
	// Pioneer is true when the firm is in Π_p: a pioneer that knows the
	// market well enough (pioneers never learn).
	Pioneer bool
	// Reward is true for a learning-reward pair (constraint 15).
	Reward bool
	// StakeCap is ub_fp of constraint 2: σ_min for a non-lead role in a
	// mode with a lead role, else 1.
	StakeCap float64
	// MaxStake ≤ StakeCap is the largest stake the firm can ever hold in
	// this opportunity alone: its budget (capital plus the most credit it
	// could draw) and its risk limit each bound it (see docs/formulation.md).
	MaxStake float64
}

// Derived holds the sets of MODEL.md's "Derived sets", computed once from a
// valid instance.
type Derived struct {
	Inst                        *Instance
	Firm, Opp, Market, Scenario map[string]int
	NetCost                     []float64 // a_p
	Pairs                       [][]Pair  // per opportunity, firms in file order
	Pioneers                    [][]int   // Π_p, firm indices
	FirmPairs                   []int     // eligible pairs per firm
	// SMEs are the firm indices of the SMEs that count toward the SME
	// target: every SME of the instance. A caller that plans part of a
	// larger plan may leave out the SMEs that already count there, with
	// SMETarget lowered to match (the rolling horizon's last period does);
	// the solvers read the target from these two fields alone.
	SMEs                             []int
	SMETarget                        int       // ⌈ρ·|SMEs|⌉, less the SMEs counted elsewhere
	UnitCVaR                         []float64 // CVaR_α of ℓ_p·, per unit of a_p
	Unfundable                       [][]string
	Probs                            []float64 // π_k in scenario order
	MinStake, LeadStake, MinorityCap float64
}

// LeastLeadStake is the least stake a lead holds: max(σ_lead, s_min), as
// a lead takes part (s ≥ s_min) with at least the lead stake.
func (d *Derived) LeastLeadStake() float64 { return math.Max(d.LeadStake, d.MinStake) }

// Derive computes the derived sets of a valid instance (see Validate).
func Derive(in *Instance) *Derived {
	d := &Derived{
		Inst:        in,
		Firm:        index(len(in.Firms), func(i int) string { return in.Firms[i].ID }),
		Opp:         index(len(in.Opportunities), func(i int) string { return in.Opportunities[i].ID }),
		Market:      index(len(in.Markets), func(i int) string { return in.Markets[i].ID }),
		Scenario:    index(len(in.Scenarios), func(i int) string { return in.Scenarios[i].ID }),
		MinStake:    in.Rules.MinStakeOr(),
		LeadStake:   in.Rules.LeadMinStakeOr(),
		MinorityCap: in.Rules.MinorityMaxStakeOr(),
	}
	for _, s := range in.Scenarios {
		d.Probs = append(d.Probs, s.Probability)
	}
	for f := range in.Firms {
		if in.Firms[f].Role == SME {
			d.SMEs = append(d.SMEs, f)
		}
	}
	d.SMETarget = int(math.Ceil(in.Objective.SMEParticipationTarget*float64(len(d.SMEs)) - 1e-9))
	if d.SMETarget < 0 {
		d.SMETarget = 0
	}
	nP := len(in.Opportunities)
	d.NetCost = make([]float64, nP)
	d.Pairs = make([][]Pair, nP)
	d.Pioneers = make([][]int, nP)
	d.UnitCVaR = make([]float64, nP)
	d.Unfundable = make([][]string, nP)
	d.FirmPairs = make([]int, len(in.Firms))
	alpha := in.Policy.Alpha()
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		d.NetCost[p] = in.NetCost(o)
		d.UnitCVaR[p] = CVaR(d.lossVector(o, 1), d.Probs, alpha)
		d.derivePairs(p)
		for _, pr := range d.Pairs[p] {
			d.FirmPairs[pr.Firm]++
		}
	}
	return d
}

func index(n int, id func(int) string) map[string]int {
	m := make(map[string]int, n)
	for i := 0; i < n; i++ {
		m[id(i)] = i
	}
	return m
}

// lossVector returns scale·ℓ_pk for every scenario k.
func (d *Derived) lossVector(o *Opportunity, scale float64) []float64 {
	v := make([]float64, len(d.Inst.Scenarios))
	for k, s := range d.Inst.Scenarios {
		v[k] = scale * o.Loss[s.ID]
	}
	return v
}

// Loss returns ℓ_pk·a_p, the loss of opportunity p in scenario k when held whole.
func (d *Derived) Loss(p, k int) float64 {
	return d.Inst.Opportunities[p].Loss[d.Inst.Scenarios[k].ID] * d.NetCost[p]
}

func (d *Derived) derivePairs(p int) {
	in := d.Inst
	o := &in.Opportunities[p]
	rule := in.Rules.Mode(o.Mode)
	k := o.KnowledgeRequired
	var candidates []int // role and segment match
	for f := range in.Firms {
		fm := &in.Firms[f]
		if rule.Allows(fm.Role) && fm.Serves(o.Segment) {
			candidates = append(candidates, f)
		}
	}
	for _, f := range candidates {
		fm := &in.Firms[f]
		if fm.Pioneer && fm.KnowledgeOf(o.Market) >= k {
			d.Pioneers[p] = append(d.Pioneers[p], f)
		}
	}
	a := d.NetCost[p]
	lacking := 0
	for _, f := range candidates {
		fm := &in.Firms[f]
		knows := fm.KnowledgeOf(o.Market) >= k
		otherPioneer := false
		for _, g := range d.Pioneers[p] {
			if g != f {
				otherPioneer = true
				break
			}
		}
		if !knows && (fm.Pioneer || !otherPioneer) {
			lacking++
			continue
		}
		pr := Pair{Firm: f, Learning: !knows, Lead: rule.Lead != "" && fm.Role == rule.Lead, Pioneer: fm.Pioneer && knows, StakeCap: 1}
		if rule.Lead != "" && fm.Role != rule.Lead {
			pr.StakeCap = d.MinorityCap
		}
		pr.Reward = fm.Role == SME && !fm.Pioneer && otherPioneer
		pr.MaxStake = math.Min(pr.StakeCap, (fm.Capital+in.Policy.MostCredit(fm.Capital))/a)
		if d.UnitCVaR[p] > 0 {
			pr.MaxStake = math.Min(pr.MaxStake, fm.RiskLimit/(a*d.UnitCVaR[p]))
		}
		d.Pairs[p] = append(d.Pairs[p], pr)
	}
	d.Unfundable[p] = d.unfundable(p, rule, candidates, lacking)
}

// unfundable explains why no coalition can ever fund opportunity p, or
// returns nil when some coalition might.
func (d *Derived) unfundable(p int, rule ModeRule, candidates []int, lacking int) []string {
	in := d.Inst
	o := &in.Opportunities[p]
	pairs := d.Pairs[p]
	if len(candidates) == 0 {
		return []string{fmt.Sprintf("no firm of an allowed role (%s) serves segment %q", joinRoles(rule.Roles), o.Segment)}
	}
	var why []string
	if len(pairs) == 0 {
		return []string{fmt.Sprintf("knowledge gap: %d firm(s) could take part but none knows market %q to the required %.2f and no pioneer does", lacking, o.Market, o.KnowledgeRequired)}
	}
	if rule.Lead != "" {
		lead, leadAfford := false, false
		for _, pr := range pairs {
			if pr.Lead {
				lead = true
				if pr.MaxStake >= d.LeadStake-1e-9 {
					leadAfford = true
				}
			}
		}
		switch {
		case !lead:
			why = append(why, fmt.Sprintf("no eligible lead: no %s firm can take part", rule.Lead))
		case !leadAfford:
			why = append(why, fmt.Sprintf("no eligible %s firm can afford the lead stake %.2f of net cost %g within its budget and risk limit", rule.Lead, d.LeadStake, d.NetCost[p]))
		}
	}
	for _, r := range rule.Requires {
		found := false
		for _, pr := range pairs {
			if in.Firms[pr.Firm].Role == r && pr.MaxStake >= d.MinStake-1e-9 {
				found = true
			}
		}
		if !found {
			why = append(why, fmt.Sprintf("no eligible firm of required role %s", r))
		}
	}
	usable, total := 0, 0.0
	for _, pr := range pairs {
		if pr.MaxStake >= d.MinStake-1e-9 {
			usable++
			total += pr.MaxStake
		}
	}
	if minP := o.MinPartnersOr(); usable < minP {
		why = append(why, fmt.Sprintf("needs at least %d partners but only %d eligible firm(s) can hold the minimum stake", minP, usable))
	}
	if usable > 0 && total < 1-1e-9 {
		why = append(why, fmt.Sprintf("eligible firms together can hold at most %.0f%% of the net cost %g within their budgets and risk limits", 100*total, d.NetCost[p]))
	}
	return why
}

func joinRoles(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// CVaR returns the conditional value at risk at level alpha of a discrete
// loss distribution (Rockafellar–Uryasev): min over η of
// η + Σ_k π_k·max(0, L_k − η)/(1 − α). The minimum is attained at one of
// the L_k, so it is found exactly by trying each (in any order: the
// minimum does not depend on it, and no sorting means no allocation; the
// greedy calls this millions of times on large clusters).
func CVaR(losses, probs []float64, alpha float64) float64 {
	if len(losses) == 0 {
		return 0
	}
	best := math.Inf(1)
	for _, eta := range losses {
		v := eta
		for k, l := range losses {
			if l > eta {
				v += probs[k] * (l - eta) / (1 - alpha)
			}
		}
		best = math.Min(best, v)
	}
	return best
}
