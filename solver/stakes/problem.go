package stakes

import (
	"fmt"
	"math"

	"github.com/ofdi/ofdi/model"
)

// stake is one participant of one project of the plan.
type stake struct {
	proj   int     // index in Assignment.Projects
	firm   int     // index in Instance.Firms
	a      float64 // a_p
	v      float64 // v_p = npv + subsidy (constraint 16)
	lo, hi float64 // s_min (σ_lead for the lead) and ub_fp
	lead   bool
}

// group is one project whose free stakes move: free[start:end].
type group struct{ start, end int }

// The kinds of constraint checked by violations.
const (
	consFunding    = iota // |Σ_f s_fp − 1|, per project
	consLower             // lo − s, per stake
	consUpper             // s − hi, per stake
	consBudget            // spend_f − K_f·(1+β), per firm
	consCVaR              // CVaR_f − R_f, per firm
	consCreditLine        // Σ_f max(0, spend_f − K_f) − B
	consOutside           // o_f − Σ_p v_p·s_fp, per firm (constraint 16)
)

// constraint is one convex constraint g(s) ≤ 0 on the stakes; its
// violation is max-free g(s), compared with a tolerance times scale.
type constraint struct {
	kind  int
	index int // project, stake or firm index, by kind
	scale float64
}

// problem is the stake-balancing problem of one plan.
type problem struct {
	d      *model.Derived
	alpha  float64
	probs  []float64
	nk     int
	beta   float64
	credit float64 // B
	// outside holds o_f per firm when constraint 16 is kept (nil: not).
	outside []float64

	projID  []string // per plan project
	first   []int    // per plan project, index of its first stake
	stakes  []stake
	s0      []float64
	lossCo  []float64 // per stake and scenario: ℓ_pk·a_p
	inPlan  []int     // firms with at least one stake, in instance order
	cons    []constraint
	free    []int // indices of free stakes, grouped by project
	groups  []group
	vFirms  []int // firms with a free stake, in instance order
	vIdx    []int // per firm: index in vFirms, or -1
	fixLoss []float64
	fixSpnd []float64
	fixRet  []float64 // per variable firm: Σ v_p·s_fp of its fixed stakes
	fixCred float64   // Σ max(0, spend_f − K_f) over firms without a free stake
}

// build resolves the plan against the instance: the stakes with their
// bounds, the constraints, which stakes are free and what the fixed ones
// add to each firm's loss, spend and return.
func build(d *model.Derived, a *model.Assignment, outside []float64) (*problem, error) {
	pb, err := newProblem(d, outside)
	if err != nil {
		return nil, err
	}
	if err := pb.addProjects(a); err != nil {
		return nil, err
	}
	pb.addConstraints()
	isFree := pb.chooseFree()
	pb.sumFixed(isFree)
	return pb, nil
}

// newProblem returns an empty problem with the policy's parameters.
func newProblem(d *model.Derived, outside []float64) (*problem, error) {
	in := d.Inst
	pb := &problem{
		d:      d,
		alpha:  in.Policy.Alpha(),
		probs:  d.Probs,
		nk:     len(d.Probs),
		beta:   in.Policy.CreditPerFirm,
		credit: in.Policy.CreditLine,
	}
	if outside != nil {
		if len(outside) != len(in.Firms) {
			return nil, fmt.Errorf("stakes: %d outside options for %d firms", len(outside), len(in.Firms))
		}
		pb.outside = outside
	}
	return pb, nil
}

// addProjects adds the stakes of every project of a, in plan order, and
// lists the firms in the plan (inPlan).
func (pb *problem) addProjects(a *model.Assignment) error {
	seen := map[string]bool{}
	taking := make([]bool, len(pb.d.Inst.Firms))
	for j := range a.Projects {
		if err := pb.addProject(&a.Projects[j], seen, taking); err != nil {
			return err
		}
	}
	pb.first = append(pb.first, len(pb.stakes))
	for f := range taking {
		if taking[f] {
			pb.inPlan = append(pb.inPlan, f)
		}
	}
	return nil
}

// addProject adds the stakes of pj, a known opportunity not seen before,
// and marks its members in taking. Its participants must be eligible and
// its lead must fit the mode (ErrInfeasible otherwise).
func (pb *problem) addProject(pj *model.Project, seen map[string]bool, taking []bool) error {
	d, in := pb.d, pb.d.Inst
	p, ok := d.Opp[pj.ID]
	if !ok {
		return fmt.Errorf("stakes: project %q: no such opportunity", pj.ID)
	}
	if seen[pj.ID] {
		return fmt.Errorf("stakes: project %q listed more than once", pj.ID)
	}
	seen[pj.ID] = true
	mode := in.Opportunities[p].Mode
	rule := in.Rules.Mode(mode)
	if len(pj.Participants) == 0 {
		return fmt.Errorf("%w: project %q has no participants", ErrInfeasible, pj.ID)
	}
	pb.projID = append(pb.projID, pj.ID)
	pb.first = append(pb.first, len(pb.stakes))
	member := map[int]bool{}
	leadFound := false
	for _, st := range pj.Participants {
		sk, err := pb.newStake(pj, p, rule, st, member)
		if err != nil {
			return err
		}
		leadFound = leadFound || sk.lead
		pb.stakes = append(pb.stakes, sk)
		pb.s0 = append(pb.s0, st.Stake)
		for k := 0; k < pb.nk; k++ {
			pb.lossCo = append(pb.lossCo, d.Loss(p, k))
		}
		taking[sk.firm] = true
	}
	switch {
	case rule.Lead == "" && pj.Lead != "":
		return fmt.Errorf("%w: project %q: lead %q named, but mode %q has no lead role", ErrInfeasible, pj.ID, pj.Lead, mode)
	case rule.Lead != "" && pj.Lead == "":
		return fmt.Errorf("%w: project %q: no lead, but mode %q needs one", ErrInfeasible, pj.ID, mode)
	case rule.Lead != "" && !leadFound:
		return fmt.Errorf("%w: project %q: lead %q is not a participant", ErrInfeasible, pj.ID, pj.Lead)
	}
	return nil
}

// newStake returns the stake of participant st in project pj (opportunity
// p, mode rule) with its bounds: s_min and the pair's cap, σ_lead for the
// lead. member holds the firms of pj so far; st's is added.
func (pb *problem) newStake(pj *model.Project, p int, rule model.ModeRule, st model.Stake, member map[int]bool) (stake, error) {
	d, in := pb.d, pb.d.Inst
	f, ok := d.Firm[st.Firm]
	if !ok {
		return stake{}, fmt.Errorf("stakes: project %q: no firm %q", pj.ID, st.Firm)
	}
	if member[f] {
		return stake{}, fmt.Errorf("stakes: project %q: firm %q listed more than once", pj.ID, st.Firm)
	}
	member[f] = true
	if math.IsNaN(st.Stake) || math.IsInf(st.Stake, 0) {
		return stake{}, fmt.Errorf("stakes: project %q: firm %q: stake %v is not finite", pj.ID, st.Firm, st.Stake)
	}
	pair := pairOf(d, p, f)
	if pair == nil {
		return stake{}, fmt.Errorf("%w: project %q: firm %q is not eligible", ErrInfeasible, pj.ID, st.Firm)
	}
	sk := stake{proj: len(pb.projID) - 1, firm: f, a: d.NetCost[p], v: in.ProjectValue(&in.Opportunities[p]), lo: d.MinStake, hi: pair.StakeCap}
	if rule.Lead != "" && st.Firm == pj.Lead {
		if !pair.Lead {
			return stake{}, fmt.Errorf("%w: project %q: lead %q is not a %s firm", ErrInfeasible, pj.ID, pj.Lead, rule.Lead)
		}
		sk.lead = true
		sk.lo = math.Max(sk.lo, d.LeadStake)
	}
	return sk, nil
}

// pairOf returns the eligible pair of firm f in opportunity p, or nil.
func pairOf(d *model.Derived, p, f int) *model.Pair {
	for i := range d.Pairs[p] {
		if d.Pairs[p][i].Firm == f {
			return &d.Pairs[p][i]
		}
	}
	return nil
}

// addConstraints lists the constraints in a fixed order: funding per
// project, lower and upper bound per stake, budget, CVaR (and constraint
// 16) per firm in the plan, the credit line.
func (pb *problem) addConstraints() {
	in := pb.d.Inst
	for j := range pb.projID {
		pb.cons = append(pb.cons, constraint{consFunding, j, 1})
	}
	for i := range pb.stakes {
		pb.cons = append(pb.cons, constraint{consLower, i, 1}, constraint{consUpper, i, 1})
	}
	for _, f := range pb.inPlan {
		fm := &in.Firms[f]
		pb.cons = append(pb.cons,
			constraint{consBudget, f, math.Max(1, fm.Capital*(1+pb.beta))},
			constraint{consCVaR, f, math.Max(1, fm.RiskLimit)})
		if pb.outside != nil {
			pb.cons = append(pb.cons, constraint{consOutside, f, math.Max(1, math.Abs(pb.outside[f]))})
		}
	}
	pb.cons = append(pb.cons, constraint{consCreditLine, 0, math.Max(1, pb.credit)})
}

// chooseFree picks the free stakes, members with R_f > 0 of projects with
// at least two of them, grouped by project (free, groups); numbers the
// firms holding one (vFirms, vIdx); and returns which stakes are free.
func (pb *problem) chooseFree() (isFree []bool) {
	in := pb.d.Inst
	for j := range pb.projID {
		start := len(pb.free)
		for i := pb.first[j]; i < pb.first[j+1]; i++ {
			if in.Firms[pb.stakes[i].firm].RiskLimit > 0 {
				pb.free = append(pb.free, i)
			}
		}
		if len(pb.free)-start < 2 {
			pb.free = pb.free[:start]
			continue
		}
		pb.groups = append(pb.groups, group{start, len(pb.free)})
	}
	isFree = make([]bool, len(pb.stakes))
	hasFree := make([]bool, len(in.Firms))
	for _, i := range pb.free {
		isFree[i] = true
		hasFree[pb.stakes[i].firm] = true
	}
	pb.vIdx = make([]int, len(in.Firms))
	for f := range pb.vIdx {
		pb.vIdx[f] = -1
		if hasFree[f] {
			pb.vIdx[f] = len(pb.vFirms)
			pb.vFirms = append(pb.vFirms, f)
		}
	}
	return isFree
}

// sumFixed adds up what the fixed stakes contribute: to each variable
// firm's loss per scenario, spend and return (fixLoss, fixSpnd, fixRet),
// and the credit drawn by the firms without a free stake (fixCred).
func (pb *problem) sumFixed(isFree []bool) {
	in := pb.d.Inst
	pb.fixLoss = make([]float64, len(pb.vFirms)*pb.nk)
	pb.fixSpnd = make([]float64, len(pb.vFirms))
	pb.fixRet = make([]float64, len(pb.vFirms))
	spend := make([]float64, len(in.Firms))
	for i, sk := range pb.stakes {
		spend[sk.firm] += sk.a * pb.s0[i]
		v := pb.vIdx[sk.firm]
		if v < 0 || isFree[i] {
			continue
		}
		pb.fixSpnd[v] += sk.a * pb.s0[i]
		pb.fixRet[v] += sk.v * pb.s0[i]
		for k := 0; k < pb.nk; k++ {
			pb.fixLoss[v*pb.nk+k] += pb.lossCo[i*pb.nk+k] * pb.s0[i]
		}
	}
	for _, f := range pb.inPlan {
		if pb.vIdx[f] < 0 {
			pb.fixCred += math.Max(0, spend[f]-in.Firms[f].Capital)
		}
	}
}

// exposure returns each firm's spend and loss per scenario (firm-major).
func (pb *problem) exposure(s []float64) (spend, loss []float64) {
	nf := len(pb.d.Inst.Firms)
	spend = make([]float64, nf)
	loss = make([]float64, nf*pb.nk)
	for i, sk := range pb.stakes {
		spend[sk.firm] += sk.a * s[i]
		for k := 0; k < pb.nk; k++ {
			loss[sk.firm*pb.nk+k] += pb.lossCo[i*pb.nk+k] * s[i]
		}
	}
	return spend, loss
}

// objective returns Σ_f (CVaR_f/R_f)² over firms with R_f > 0, exactly.
func (pb *problem) objective(s []float64) float64 {
	_, loss := pb.exposure(s)
	var sum float64
	for _, f := range pb.inPlan {
		R := pb.d.Inst.Firms[f].RiskLimit
		if R <= 0 {
			continue
		}
		u := model.CVaR(loss[f*pb.nk:(f+1)*pb.nk], pb.probs, pb.alpha) / R
		sum += u * u
	}
	return sum
}

// maxUtilisation returns the largest CVaR_f/R_f of a firm with a free stake.
func (pb *problem) maxUtilisation(s []float64) float64 {
	_, loss := pb.exposure(s)
	var u float64
	for _, f := range pb.vFirms {
		u = math.Max(u, model.CVaR(loss[f*pb.nk:(f+1)*pb.nk], pb.probs, pb.alpha)/pb.d.Inst.Firms[f].RiskLimit)
	}
	return u
}

// violations returns g(s) for every constraint of pb.cons (≤ 0 when it
// holds), reusing out when it is long enough.
func (pb *problem) violations(s []float64, out []float64) []float64 {
	if cap(out) < len(pb.cons) {
		out = make([]float64, len(pb.cons))
	}
	out = out[:len(pb.cons)]
	in := pb.d.Inst
	spend, loss := pb.exposure(s)
	var drawn float64
	for _, f := range pb.inPlan {
		drawn += math.Max(0, spend[f]-in.Firms[f].Capital)
	}
	var ret []float64
	if pb.outside != nil {
		ret = make([]float64, len(in.Firms))
		for i, sk := range pb.stakes {
			ret[sk.firm] += sk.v * s[i]
		}
	}
	for j, c := range pb.cons {
		switch c.kind {
		case consFunding:
			var sum float64
			for i := pb.first[c.index]; i < pb.first[c.index+1]; i++ {
				sum += s[i]
			}
			out[j] = math.Abs(sum - 1)
		case consLower:
			out[j] = pb.stakes[c.index].lo - s[c.index]
		case consUpper:
			out[j] = s[c.index] - pb.stakes[c.index].hi
		case consBudget:
			out[j] = spend[c.index] - in.Firms[c.index].Capital*(1+pb.beta)
		case consCVaR:
			f := c.index
			out[j] = model.CVaR(loss[f*pb.nk:(f+1)*pb.nk], pb.probs, pb.alpha) - in.Firms[f].RiskLimit
		case consCreditLine:
			out[j] = drawn - pb.credit
		case consOutside:
			out[j] = pb.outside[c.index] - ret[c.index]
		}
	}
	return out
}

// describe explains constraint j violated by v.
func (pb *problem) describe(j int, v float64) string {
	c := pb.cons[j]
	in := pb.d.Inst
	switch c.kind {
	case consFunding:
		return fmt.Sprintf("project %q: stakes sum to 1 ± %.3g", pb.projID[c.index], v)
	case consLower, consUpper:
		sk := pb.stakes[c.index]
		where := fmt.Sprintf("project %q, firm %q", pb.projID[sk.proj], in.Firms[sk.firm].ID)
		switch {
		case c.kind == consUpper:
			return fmt.Sprintf("%s: stake %.10g above its cap %g", where, pb.s0[c.index], sk.hi)
		case sk.lead:
			return fmt.Sprintf("%s: lead stake %.10g below %g", where, pb.s0[c.index], sk.lo)
		default:
			return fmt.Sprintf("%s: stake %.10g below min_stake %g", where, pb.s0[c.index], sk.lo)
		}
	case consBudget:
		return fmt.Sprintf("firm %q: invests %.10g more than capital plus the most credit it may draw", in.Firms[c.index].ID, v)
	case consCVaR:
		return fmt.Sprintf("firm %q: CVaR exceeds risk_limit by %.10g", in.Firms[c.index].ID, v)
	case consOutside:
		return fmt.Sprintf("firm %q: stake return below its outside option by %.10g (constraint 16)", in.Firms[c.index].ID, v)
	default:
		return fmt.Sprintf("credit needed exceeds credit_line by %.10g", v)
	}
}

// project returns the Euclidean projection of s onto the stake bounds
// (lead included) with each group's sum kept at its value in s0: for each
// group, s_i = clamp(s_i − τ, lo_i, hi_i) with τ found by bisection, then
// the rounding left in the sum given to a member strictly inside its
// bounds. Bounds the input itself breaks are widened to include it, so the
// set is never empty. Fixed stakes are left alone.
func (pb *problem) project(s []float64) []float64 {
	out := append([]float64{}, s...)
	for _, gr := range pb.groups {
		idx := pb.free[gr.start:gr.end]
		lo, hi := make([]float64, len(idx)), make([]float64, len(idx))
		var target float64
		for j, i := range idx {
			x := pb.s0[i]
			target += x
			lo[j], hi[j] = math.Min(pb.stakes[i].lo, x), math.Max(pb.stakes[i].hi, x)
		}
		sum := func(tau float64) float64 {
			var t float64
			for j, i := range idx {
				t += math.Min(hi[j], math.Max(lo[j], s[i]-tau))
			}
			return t
		}
		// sum is non-increasing in τ; bracket the root.
		a, b := -1.0, 1.0
		for sum(a) < target && a > -1e6 {
			a *= 2
		}
		for sum(b) > target && b < 1e6 {
			b *= 2
		}
		for it := 0; it < 200 && a < b; it++ {
			mid := a + (b-a)/2
			if mid == a || mid == b {
				break
			}
			if sum(mid) > target {
				a = mid
			} else {
				b = mid
			}
		}
		var total float64
		for j, i := range idx {
			out[i] = math.Min(hi[j], math.Max(lo[j], s[i]-b))
			total += out[i]
		}
		if r := target - total; r != 0 {
			for j, i := range idx {
				if v := out[i] + r; v > lo[j] && v < hi[j] {
					out[i] = v
					break
				}
			}
		}
	}
	return out
}

// repair returns from + λ·(target − from) for the largest λ ∈ [0, 1] found
// by bisection at which every constraint j has violation ≤ allow[j], or nil
// when only λ = 0 qualifies. from must qualify (the input stakes s0, or an
// earlier repaired point); every constraint is convex, so the λ that
// qualify form an interval containing 0.
func (pb *problem) repair(from, target, allow []float64) []float64 {
	s := make([]float64, len(from))
	var buf []float64
	ok := func(lambda float64) bool {
		for i, x := range from {
			s[i] = x + lambda*(target[i]-x)
		}
		buf = pb.violations(s, buf)
		for j, v := range buf {
			if !(v <= allow[j]) {
				return false
			}
		}
		return true
	}
	lambda := 1.0
	if !ok(1) {
		lo, hi := 0.0, 1.0
		for it := 0; it < 60; it++ {
			mid := (lo + hi) / 2
			if ok(mid) {
				lo = mid
			} else {
				hi = mid
			}
		}
		lambda = lo
	}
	if lambda == 0 {
		return nil
	}
	ok(lambda)
	return s
}

// assignment returns a copy of a with stakes s and the least credit.
func (pb *problem) assignment(a *model.Assignment, s []float64) *model.Assignment {
	out := clone(a)
	for j := range out.Projects {
		ps := out.Projects[j].Participants
		for i := range ps {
			ps[i].Stake = s[pb.first[j]+i]
		}
	}
	in := pb.d.Inst
	spend, _ := pb.exposure(s)
	var credit []model.Credit
	for _, f := range pb.inPlan {
		if c := spend[f] - in.Firms[f].Capital; c > 0 {
			credit = append(credit, model.Credit{Firm: in.Firms[f].ID, Amount: c})
		}
	}
	if credit == nil && a.Credit != nil {
		credit = []model.Credit{}
	}
	out.Credit = credit
	return out
}
