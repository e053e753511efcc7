// Package check is the independent plan checker of MODEL.md.
//
// Check recomputes, from the instance alone, every constraint of the cluster
// model (funding, eligibility and learning, stakes, lead, required roles,
// partners, budgets and credit, CVaR risk limits, project counts, market
// entry, targets), the extra rules of the distributed baselines, every metric,
// the objective Z and the firm accounts with their sharing metrics (the
// outside options from its own run of the independent baseline, see
// independent.go), and compares them with what the plan reports. It shares
// no code with the solver or with package model's own derived sets and
// metrics: it is the second opinion that catches their mistakes. It uses only
// the types and trivial accessors of package model.
//
// # Tolerances
//
// One number, Options.Tol (default 1e-6), sets every tolerance:
//
//   - stakes (each stake's bounds, a project's stakes summing to 1, the
//     baselines' stake of 1): absolute, |error| ≤ Tol;
//   - money and other real-valued quantities (budgets, credit, CVaR against
//     the risk limit, the market power target, reported metrics and the
//     objective): relative, |error| ≤ Tol·max(1, |reference|), where the
//     reference is the bound or the recomputed value;
//   - counts (projects, learning, firms by role) and booleans (targets met):
//     exact.
//
// The SME participation target counts ⌈ρ·|SMEs| − 1e-9⌉ SMEs, so that
// 0.2·10 asks for 2; the market_power_target_met metric uses the fixed
// tolerance G* − 1e-6·max(1, G*) of MODEL.md's metric definition.
//
// # Readings of MODEL.md
//
//   - Learning participations count the pairs (f,p) where f is an SME, not a
//     pioneer, takes part in p, and some other participant of p is in Π_p;
//     the same formula is applied to baseline plans, where it gives 0 because
//     each project has one firm.
//   - Metrics are computed from the plan as written: an ineligible
//     participant still counts as taking part. Unknown or repeated projects,
//     participants and credit entries are reported as violations and left out
//     of every sum; a non-finite stake counts as 0.
//   - A plan with status infeasible or no_solution must carry neither a plan
//     block nor metrics nor an objective (a bound is allowed). Any other
//     status must carry all three.
//   - When the plan reports a bound, it may not exceed the reported objective
//     (Z is minimised), and a reported gap must equal
//     |Z − bound| / max(1, |Z|) for the reported Z.
//   - The plan's "instance" must equal the instance's name.
//   - Over a horizon the firm accounts sum the periods, money discounted
//     by d^(t−1) (docs/horizon.md, "Firm accounts over the horizon"); the
//     outside options come from the checker's own run of the horizon
//     independent baseline (independent_horizon.go).
package check

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ofdi/ofdi/model"
)

// The constraint names a Violation may carry.
const (
	// Instance: the plan names another instance, or the instance itself is
	// defective where the checker needs it (duplicate ids, unknown market,
	// CVaR level out of range).
	Instance = "instance"
	// Status: unknown status, or a plan block / metrics / objective present
	// on an infeasible or no_solution plan.
	Status = "status"
	// Method: unknown method.
	Method = "method"
	// Structure: unknown or duplicate project, market or mode not matching
	// the opportunity, unknown or duplicate participant, non-finite stake,
	// plan block missing for a plan that should have one.
	Structure = "structure"
	// Funding: a project's stakes do not sum to 1 (constraint 1).
	Funding = "funding"
	// Eligibility: a participant's pair (f,p) is not eligible.
	Eligibility = "eligibility"
	// Learning: a learning pair without a pioneer of Π_p taking part (constraint 7).
	Learning = "learning"
	// Stake: a stake outside [s_min, ub] (constraint 2).
	Stake = "stake"
	// Lead: lead missing, not a participant, of the wrong role, holding less
	// than σ_lead, or named for a mode without a lead role (constraint 3).
	Lead = "lead"
	// RequiredRole: a required role of the mode has no participant (constraint 4).
	RequiredRole = "required_role"
	// Partners: participant count outside [min_partners, max_partners] (constraint 5).
	Partners = "partners"
	// Budget: a firm's net investment exceeds its capital plus credit (constraint 8).
	Budget = "budget"
	// Credit: a credit entry for an unknown or repeated firm, negative,
	// non-finite or above β·K_f.
	Credit = "credit"
	// CreditLine: the credit drawn exceeds the policy credit line B (constraint 8).
	CreditLine = "credit_line"
	// CVaRLimit: a firm's CVaR of loss exceeds its risk limit (constraint 9).
	CVaRLimit = "cvar"
	// MaxProjects: a firm takes part in more projects than max_projects (constraint 10).
	MaxProjects = "max_projects"
	// MarketsEntered: markets_entered is not exactly the markets of the projects (constraint 11).
	MarketsEntered = "markets_entered"
	// MarketPowerTarget: Σ G_p below G* in a cluster plan (constraint 13).
	MarketPowerTarget = "market_power_target"
	// SMETarget: too few SMEs take part in a cluster plan (constraint 14).
	SMETarget = "sme_participation_target"
	// Baseline: a baseline project not taken by exactly one firm with stake 1.
	Baseline = "baseline"
	// Metric: a reported metric differs from the recomputed one, or is missing.
	Metric = "metric"
	// Objective: the reported objective differs from the recomputed Z, or is missing.
	Objective = "objective"
	// Bound: the reported bound exceeds the objective, or the gap does not
	// match |Z − bound| / max(1, |Z|).
	Bound = "bound"
	// Accounts: a firm account (plan "firms") missing, out of order, or
	// differing from the recomputed one, or a wrong sharing rule.
	Accounts = "accounts"
	// OutsideOption: under sharing "stakes", a firm's stake return below
	// its outside option (constraint 16).
	OutsideOption = "outside_option"
)

// Options configure Check.
type Options struct {
	// Tol is the tolerance; zero, negative or NaN means 1e-6. It is absolute
	// on stakes and relative, Tol·max(1, |x|), on money (see the package
	// documentation).
	Tol float64
	// RequireAccounts makes a plan with a plan block but no firm accounts
	// a violation. Without it, accounts are checked when present (plans
	// built from a bare assignment, as many tests do, have none).
	RequireAccounts bool
}

// DefaultTol is the tolerance used when Options.Tol is not positive.
const DefaultTol = 1e-6

// Violation is one broken constraint or mismatching figure.
type Violation struct {
	// Constraint names what is broken: one of the constants of this package
	// (Funding, Budget, CVaRLimit, ...).
	Constraint string
	// Where locates it, e.g. "firm f3", "project p7, firm f2"; empty for the
	// plan as a whole.
	Where string
	// Message explains it with the numbers involved, e.g.
	// "CVaR 312.4 exceeds risk_limit 300".
	Message string
}

// String returns "constraint (where): message".
func (v Violation) String() string {
	if v.Where == "" {
		return v.Constraint + ": " + v.Message
	}
	return v.Constraint + " (" + v.Where + "): " + v.Message
}

// Report is the outcome of Check.
type Report struct {
	// Violations lists every problem found, in a deterministic order
	// (plan-level first, then projects in plan order, then firms in
	// instance order, then metrics).
	Violations []Violation
	// Metrics are recomputed from the instance and the plan block; zero when
	// the plan has no plan block.
	Metrics model.Metrics
	// Objective is the recomputed Z; zero when the plan has no plan block.
	Objective float64
	// CVaR holds the recomputed CVaR_α of loss of every firm that takes part
	// in at least one project.
	CVaR map[string]float64
	// Outside holds the outside option o_f of every firm, from the
	// checker's own run of the independent baseline; nil when the plan
	// has no firm accounts.
	Outside map[string]float64
}

// OK reports whether no violation was found.
func (r *Report) OK() bool { return len(r.Violations) == 0 }

// Err returns nil when r is OK, else an *Error listing every violation.
func (r *Report) Err() error {
	if r.OK() {
		return nil
	}
	return &Error{Violations: r.Violations}
}

// Error is the error returned by Report.Err.
type Error struct {
	Violations []Violation
}

// Error lists the violations, one per line.
func (e *Error) Error() string {
	var b strings.Builder
	if len(e.Violations) == 1 {
		b.WriteString("plan check: 1 violation")
	} else {
		fmt.Fprintf(&b, "plan check: %d violations", len(e.Violations))
	}
	for _, v := range e.Violations {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return b.String()
}

// part is one known participant of a project.
type part struct {
	firm  *model.Firm
	stake float64
}

// project is one listed, known, first-occurrence project of the plan.
type project struct {
	p     *model.Project
	opp   *model.Opportunity
	rule  model.ModeRule
	a     float64 // a_p, net of subsidy
	parts []part
	where string
}

type checker struct {
	inst *model.Instance
	plan *model.Plan
	tol  float64
	opts Options
	rep  *Report

	surplus, committedTotal float64 // recomputed S and Σ committed

	firms   map[string]*model.Firm
	opps    map[string]*model.Opportunity
	markets map[string]*model.Market
	cluster bool // method cluster (or unknown, treated as cluster)
	// hz holds the recomputed knowledge of a multi-period plan (horizon.go);
	// nil for one-period instances.
	hz *horizonState
}

// Check recomputes every constraint and metric of plan from inst and returns
// a Report. It never modifies inst or plan.
//
// A plan whose status is infeasible or no_solution must carry no plan block,
// no metrics and no objective; nothing else is checked. Any other plan must
// carry a plan block, which is checked in full: the constraints of MODEL.md
// for the cluster method (including its targets), the single-firm rule for
// the baselines (independent, policy_push, whose targets are only
// reported), markets_entered, the reported metrics and the objective.
func Check(inst *model.Instance, plan *model.Plan, opts Options) *Report {
	c := &checker{inst: inst, plan: plan, tol: opts.Tol, opts: opts, rep: &Report{CVaR: map[string]float64{}}}
	if !(c.tol > 0) {
		c.tol = DefaultTol
	}
	if inst == nil {
		c.add(Instance, "", "no instance given")
		return c.rep
	}
	if plan == nil {
		c.add(Structure, "", "no plan given")
		return c.rep
	}
	c.index()
	if plan.Instance != inst.Name {
		c.add(Instance, "", "plan is for instance %q, not %q", plan.Instance, inst.Name)
	}
	switch plan.Method {
	case model.MethodCluster:
		c.cluster = true
	case model.MethodIndependent, model.MethodPolicyPush:
	default:
		c.add(Method, "", "unknown method %q (checked as %q)", plan.Method, model.MethodCluster)
		c.cluster = true
	}
	switch plan.Status {
	case model.StatusInfeasible, model.StatusNoSolution:
		if plan.Plan != nil {
			c.add(Status, "", "status %q but a plan block is present", plan.Status)
		}
		if plan.Metrics != nil {
			c.add(Status, "", "status %q but metrics are present", plan.Status)
		}
		if plan.Objective != nil {
			c.add(Status, "", "status %q but an objective (%s) is present", plan.Status, num(*plan.Objective))
		}
		return c.rep
	case model.StatusOptimal, model.StatusFeasible:
	default:
		c.add(Status, "", "unknown status %q", plan.Status)
	}
	if plan.Plan == nil {
		c.add(Structure, "", "status %q but no plan block", plan.Status)
		return c.rep
	}

	projs := c.projects()
	if inst.Horizon != nil {
		c.horizonBegin(projs)
	}
	for i := range projs {
		c.checkProject(&projs[i])
	}
	c.checkFirms(projs)
	c.checkMarketsEntered(projs)
	c.metrics(projs)
	if c.hz != nil {
		c.horizonMetrics(projs)
		c.compare()
		c.compareHorizon(projs)
	} else {
		c.compare()
	}
	c.checkAccounts(projs)
	return c.rep
}

func (c *checker) add(constraint, where, format string, args ...any) {
	c.rep.Violations = append(c.rep.Violations, Violation{
		Constraint: constraint,
		Where:      where,
		Message:    fmt.Sprintf(format, args...),
	})
}

// num formats a number for a message: up to 10 significant digits, so that
// 312.4 prints as 312.4 and a tolerance-sized excess is still visible.
func num(x float64) string { return fmt.Sprintf("%.10g", x) }

// within reports |got − want| ≤ tol·max(1, |want|); false when either is NaN.
func within(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// index builds the id maps, keeping the first of duplicate ids.
func (c *checker) index() {
	in := c.inst
	c.firms = byID(c, in.Firms, "firm", func(f *model.Firm) string { return f.ID })
	c.opps = byID(c, in.Opportunities, "opportunity", func(o *model.Opportunity) string { return o.ID })
	c.markets = byID(c, in.Markets, "market", func(m *model.Market) string { return m.ID })
}

// byID maps the id of each item to it, reporting duplicate ids.
func byID[T any](c *checker, items []T, kind string, id func(*T) string) map[string]*T {
	out := make(map[string]*T, len(items))
	for i := range items {
		it := &items[i]
		if _, dup := out[id(it)]; dup {
			c.add(Instance, kind+" "+id(it), "duplicate %s id in the instance", kind)
			continue
		}
		out[id(it)] = it
	}
	return out
}

// projects resolves the plan's projects against the instance, reporting
// structural problems. Unknown and repeated projects, unknown and repeated
// participants are left out of everything that follows.
func (c *checker) projects() []project {
	var out []project
	seen := map[string]bool{}
	for i := range c.plan.Plan.Projects {
		p := &c.plan.Plan.Projects[i]
		where := "project " + p.ID
		if p.ID == "" {
			where = fmt.Sprintf("project #%d", i+1)
		}
		o, ok := c.opps[p.ID]
		if !ok {
			c.add(Structure, where, "no opportunity %q in the instance", p.ID)
			continue
		}
		if seen[p.ID] {
			c.add(Structure, where, "project listed more than once")
			continue
		}
		seen[p.ID] = true
		if p.Market != o.Market {
			c.add(Structure, where, "market %q, but the opportunity's market is %q", p.Market, o.Market)
		}
		if p.Mode != o.Mode {
			c.add(Structure, where, "mode %q, but the opportunity's mode is %q", p.Mode, o.Mode)
		}
		if _, ok := c.markets[o.Market]; !ok {
			c.add(Instance, where, "the opportunity's market %q is not in the instance", o.Market)
		}
		pr := project{p: p, opp: o, rule: c.inst.Rules.Mode(o.Mode), a: c.inst.NetCost(o), where: where}
		inProject := map[string]bool{}
		for _, s := range p.Participants {
			fw := where + ", firm " + s.Firm
			f, ok := c.firms[s.Firm]
			if !ok {
				c.add(Structure, fw, "no firm %q in the instance", s.Firm)
				continue
			}
			if inProject[s.Firm] {
				c.add(Structure, fw, "firm listed more than once in the project")
				continue
			}
			inProject[s.Firm] = true
			stake := s.Stake
			if math.IsNaN(stake) || math.IsInf(stake, 0) {
				c.add(Structure, fw, "stake %v is not finite (counted as 0)", stake)
				stake = 0
			}
			pr.parts = append(pr.parts, part{firm: f, stake: stake})
		}
		out = append(out, pr)
	}
	return out
}

// pioneers returns Π_p: the pioneers g with (g,p) eligible and κ_g(m(p)) ≥ k_p.
func (c *checker) pioneers(o *model.Opportunity, rule model.ModeRule) map[string]bool {
	pi := map[string]bool{}
	for i := range c.inst.Firms {
		g := &c.inst.Firms[i]
		if g.Pioneer && rule.Allows(g.Role) && g.Serves(o.Segment) && g.KnowledgeOf(o.Market) >= o.KnowledgeRequired {
			pi[g.ID] = true
		}
	}
	return pi
}

// checkProject checks the constraints of one project: funding (1),
// each participant's eligibility, learning (7) and stake bounds (2), the
// lead (3), required roles (4), partners (5) and, for a baseline plan,
// that one firm funds it all.
func (c *checker) checkProject(pr *project) {
	c.checkFunding(pr)
	pi := c.pioneers(pr.opp, pr.rule)
	taking := map[string]bool{}
	for _, pt := range pr.parts {
		taking[pt.firm.ID] = true
	}
	for _, pt := range pr.parts {
		c.checkParticipant(pr, pt, pi, taking)
		c.checkStakeBounds(pr, pt)
	}
	c.checkLead(pr)
	c.checkRequiredRoles(pr)
	c.checkPartners(pr)
	if !c.cluster {
		c.checkBaseline(pr)
	}
}

// checkFunding checks that the project's stakes sum to 1 (constraint 1).
func (c *checker) checkFunding(pr *project) {
	var sum float64
	for _, pt := range pr.parts {
		sum += pt.stake
	}
	if !(math.Abs(sum-1) <= c.tol) {
		c.add(Funding, pr.where, "stakes sum to %s, not 1", num(sum))
	}
}

// checkParticipant checks that the pair (f,p) is eligible and, for a
// learning pair (f short of knowledge, learning from a pioneer), that a
// pioneer of Π_p (pi) other than f takes part (taking: the project's
// participants), constraint 7.
func (c *checker) checkParticipant(pr *project, pt part, pi, taking map[string]bool) {
	f, o := pt.firm, pr.opp
	fw := pr.where + ", firm " + f.ID
	why, learningPair := c.ineligible(pr, f, pi)
	if len(why) > 0 {
		c.add(Eligibility, fw, "not eligible: %s", strings.Join(why, "; "))
		return
	}
	if !learningPair {
		return
	}
	for g := range pi {
		if g != f.ID && taking[g] {
			return
		}
	}
	c.add(Learning, fw, "learning pair (knowledge %s < required %s) but no pioneer of %s takes part",
		num(c.knowledge(f, pr)), num(o.KnowledgeRequired), idList(pi))
}

// ineligible returns why firm f may not take part in the project (none
// when it may), and whether it may only as a learning pair: it knows too
// little of the market, is no pioneer, and some pioneer of Π_p (pi) knows
// enough.
func (c *checker) ineligible(pr *project, f *model.Firm, pi map[string]bool) (why []string, learningPair bool) {
	o, rule := pr.opp, pr.rule
	if !rule.Allows(f.Role) {
		why = append(why, fmt.Sprintf("role %q may not take part in mode %q (allowed: %s)", f.Role, o.Mode, roleList(rule.Roles)))
	}
	if !f.Serves(o.Segment) {
		why = append(why, fmt.Sprintf("does not serve segment %q", o.Segment))
	}
	kappa := c.knowledge(f, pr)
	if kappa < o.KnowledgeRequired-c.knowTol() {
		switch {
		case f.Pioneer:
			why = append(why, fmt.Sprintf("knowledge %s of market %q below the required %s, and pioneers never learn",
				num(kappa), o.Market, num(o.KnowledgeRequired)))
		case len(pi) == 0: // f is no pioneer, so Π_p \ {f} = Π_p
			why = append(why, fmt.Sprintf("knowledge %s of market %q below the required %s, and no pioneer is eligible with enough knowledge",
				num(kappa), o.Market, num(o.KnowledgeRequired)))
		default:
			learningPair = true
		}
	}
	return why, learningPair
}

// checkStakeBounds checks s_min ≤ s ≤ ub (constraint 2), where ub is
// minority_max_stake for a firm of another role than the mode's lead
// role, else 1.
func (c *checker) checkStakeBounds(pr *project, pt part) {
	f, tol := pt.firm, c.tol
	fw := pr.where + ", firm " + f.ID
	sMin := c.inst.Rules.MinStakeOr()
	ub := 1.0
	if pr.rule.Lead != "" && f.Role != pr.rule.Lead {
		ub = c.inst.Rules.MinorityMaxStakeOr()
	}
	if !(pt.stake >= sMin-tol) {
		c.add(Stake, fw, "stake %s below min_stake %s", num(pt.stake), num(sMin))
	}
	if !(pt.stake <= ub+tol) {
		if ub == 1 {
			c.add(Stake, fw, "stake %s above 1", num(pt.stake))
		} else {
			c.add(Stake, fw, "stake %s of a %s firm above minority_max_stake %s", num(pt.stake), f.Role, num(ub))
		}
	}
}

// checkLead checks the lead (constraint 3): none for a mode without a
// lead role; otherwise a participant of the lead role holding at least
// lead_min_stake.
func (c *checker) checkLead(pr *project) {
	o, rule, lead := pr.opp, pr.rule, pr.p.Lead
	if rule.Lead == "" {
		if lead != "" {
			c.add(Lead, pr.where, "lead %q named, but mode %q has no lead role", lead, o.Mode)
		}
		return
	}
	var lp *part
	for i := range pr.parts {
		if pr.parts[i].firm.ID == lead {
			lp = &pr.parts[i]
		}
	}
	switch {
	case lead == "":
		c.add(Lead, pr.where, "no lead, but mode %q needs a %s lead", o.Mode, rule.Lead)
	case lp == nil:
		c.add(Lead, pr.where, "lead %q is not a participant", lead)
	default:
		if lp.firm.Role != rule.Lead {
			c.add(Lead, pr.where, "lead %q has role %s, but mode %q is led by a %s firm", lead, lp.firm.Role, o.Mode, rule.Lead)
		}
		if sLead := c.inst.Rules.LeadMinStakeOr(); !(lp.stake >= sLead-c.tol) {
			c.add(Lead, pr.where, "lead %q holds stake %s, below lead_min_stake %s", lead, num(lp.stake), num(sLead))
		}
	}
}

// checkRequiredRoles checks that every role the mode requires has a
// participant (constraint 4).
func (c *checker) checkRequiredRoles(pr *project) {
	for _, r := range pr.rule.Requires {
		found := false
		for _, pt := range pr.parts {
			if pt.firm.Role == r {
				found = true
				break
			}
		}
		if !found {
			c.add(RequiredRole, pr.where, "mode %q requires a %s participant; none takes part", pr.opp.Mode, r)
		}
	}
}

// checkPartners checks the participant count against min_partners and
// max_partners (constraint 5).
func (c *checker) checkPartners(pr *project) {
	o, n := pr.opp, len(pr.parts)
	if mn := o.MinPartnersOr(); n < mn {
		c.add(Partners, pr.where, "%d participants, fewer than min_partners %d", n, mn)
	}
	if o.MaxPartners != nil && n > *o.MaxPartners {
		c.add(Partners, pr.where, "%d participants, more than max_partners %d", n, *o.MaxPartners)
	}
}

// checkBaseline checks a baseline project: exactly one firm listed, and
// it funds the whole project (stake 1).
func (c *checker) checkBaseline(pr *project) {
	listed := len(pr.p.Participants)
	if listed != 1 {
		c.add(Baseline, pr.where, "%s plan: %d participants, a baseline project has exactly one", c.plan.Method, listed)
	} else if len(pr.parts) == 1 && !(math.Abs(pr.parts[0].stake-1) <= c.tol) {
		c.add(Baseline, pr.where, "%s plan: stake %s, a baseline firm funds the whole project (stake 1)", c.plan.Method, num(pr.parts[0].stake))
	}
}

// checkFirms checks credit, budgets, CVaR and project counts, and records
// every participating firm's CVaR.
func (c *checker) checkFirms(projs []project) {
	in, tol := c.inst, c.tol
	credit := map[string]float64{}
	var drawn float64
	for i, cr := range c.plan.Plan.Credit {
		where := "credit of firm " + cr.Firm
		f, ok := c.firms[cr.Firm]
		if !ok {
			if cr.Firm == "" {
				where = fmt.Sprintf("credit entry #%d", i+1)
			}
			c.add(Credit, where, "no firm %q in the instance", cr.Firm)
			continue
		}
		if _, dup := credit[cr.Firm]; dup {
			c.add(Credit, where, "firm listed more than once in credit")
			continue
		}
		amt := cr.Amount
		if math.IsNaN(amt) || math.IsInf(amt, 0) {
			c.add(Credit, where, "amount %v is not finite (counted as 0)", amt)
			amt = 0
		}
		credit[cr.Firm] = amt
		drawn += amt
		if !(amt >= -tol) {
			c.add(Credit, where, "amount %s is negative", num(amt))
		}
		limit := in.Policy.CreditPerFirm * f.Capital
		if !(amt <= limit+tol*math.Max(1, limit)) {
			c.add(Credit, where, "amount %s above credit_per_firm·capital = %s·%s = %s",
				num(amt), num(in.Policy.CreditPerFirm), num(f.Capital), num(limit))
		}
	}
	if B := in.Policy.CreditLine; !(drawn <= B+tol*math.Max(1, B)) {
		c.add(CreditLine, "", "credit drawn %s exceeds credit_line %s", num(drawn), num(B))
	}
	if c.hz != nil {
		c.horizonBudgets(projs, credit)
	}

	alpha := in.Policy.Alpha()
	alphaOK := alpha >= 0 && alpha < 1
	if !alphaOK {
		c.add(Instance, "", "cvar_alpha %s not in [0, 1): CVaR not checked", num(alpha))
	}
	probs := make([]float64, len(in.Scenarios))
	for k, s := range in.Scenarios {
		probs[k] = s.Probability
	}

	for i := range in.Firms {
		f := &in.Firms[i]
		if c.firms[f.ID] != f {
			continue // a duplicate id, reported by index
		}
		var count int
		var invest float64
		losses := make([]float64, len(in.Scenarios))
		for _, pr := range projs {
			for _, pt := range pr.parts {
				if pt.firm != f {
					continue
				}
				count++
				money := pr.a * pt.stake
				invest += money
				for k, s := range in.Scenarios {
					losses[k] += pr.opp.Loss[s.ID] * money
				}
			}
		}
		where := "firm " + f.ID
		// 8. Budget (cumulative per period over a horizon: horizonBudgets).
		cf := credit[f.ID]
		if avail := f.Capital + cf; c.hz == nil && !(invest <= avail+tol*math.Max(1, math.Abs(avail))) {
			if cf != 0 {
				c.add(Budget, where, "invests %s, above capital %s + credit %s = %s", num(invest), num(f.Capital), num(cf), num(avail))
			} else {
				c.add(Budget, where, "invests %s, above capital %s (no credit)", num(invest), num(f.Capital))
			}
		}
		// 10. Project count.
		if f.MaxProjects != nil && count > *f.MaxProjects {
			c.add(MaxProjects, where, "takes part in %d projects, more than max_projects %d", count, *f.MaxProjects)
		}
		// 9. CVaR.
		if count == 0 || !alphaOK {
			continue
		}
		cv := CVaR(losses, probs, alpha)
		c.rep.CVaR[f.ID] = cv
		if R := f.RiskLimit; !(cv <= R+tol*math.Max(1, R)) {
			c.add(CVaRLimit, where, "CVaR %s exceeds risk_limit %s", num(cv), num(R))
		}
	}
}

// checkMarketsEntered compares markets_entered with the projects' markets.
func (c *checker) checkMarketsEntered(projs []project) {
	want := map[string]bool{}
	for _, pr := range projs {
		want[pr.opp.Market] = true
	}
	listed := map[string]bool{}
	for _, m := range c.plan.Plan.MarketsEntered {
		where := "market " + m
		switch {
		case listed[m]:
			c.add(MarketsEntered, where, "listed more than once")
		case !want[m]:
			if _, known := c.markets[m]; !known {
				c.add(MarketsEntered, where, "not a market of the instance")
			} else {
				c.add(MarketsEntered, where, "listed, but no project of the plan is in it")
			}
		}
		listed[m] = true
	}
	for _, m := range sortedKeys(want) {
		if !listed[m] {
			c.add(MarketsEntered, "market "+m, "a project of the plan is in it, but it is not listed")
		}
	}
}

// metrics recomputes the metrics and the objective into the report, and
// checks the cluster targets.
func (c *checker) metrics(projs []project) {
	in := c.inst
	m := &c.rep.Metrics
	t := c.tally(projs)
	m.InfoCost = c.infoCost(t)
	m.Dissipation = c.dissipation(t.perSegment)
	smes, smesIn := c.firmMetrics(t.taking)
	m.CreditDrawn = c.creditDrawn()
	c.targets(smes, smesIn)
	c.rep.Objective = m.InfoCost + m.Dissipation - m.Value -
		in.Objective.MarketPowerValue*m.MarketPower - in.Objective.LearningValue*float64(m.Learning)
}

// planTally is what the plan's projects enter and who takes part.
type planTally struct {
	entered     map[string]bool            // markets with a project
	perSegment  map[[2]string]int          // projects per (market, segment)
	firmMarkets map[string]map[string]bool // firm → markets it entered
	taking      map[string]bool            // firms in at least one project
}

// tally goes through the projects once: it sets the metrics summed over
// projects (projects, value, market power, capital deployed, learning)
// and returns what the other metrics need.
func (c *checker) tally(projs []project) planTally {
	in := c.inst
	m := &c.rep.Metrics
	m.Projects = len(projs)
	t := planTally{entered: map[string]bool{}, perSegment: map[[2]string]int{},
		firmMarkets: map[string]map[string]bool{}, taking: map[string]bool{}}
	for _, pr := range projs {
		o := pr.opp
		t.entered[o.Market] = true
		t.perSegment[[2]string{o.Market, o.Segment}]++
		m.Value += o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost
		m.MarketPower += o.MarketPower
		m.CapitalDeployed += pr.a
		for _, pt := range pr.parts {
			id := pt.firm.ID
			t.taking[id] = true
			if t.firmMarkets[id] == nil {
				t.firmMarkets[id] = map[string]bool{}
			}
			t.firmMarkets[id][o.Market] = true
		}
		m.Learning += c.learning(pr)
	}
	return t
}

// learning counts the project's learning participations: an SME, no
// pioneer, co-investing with a pioneer of Π_p other than itself.
func (c *checker) learning(pr project) int {
	pi := c.pioneers(pr.opp, pr.rule)
	n := 0
	for _, pt := range pr.parts {
		if learns(pr, pt, pi) {
			n++
		}
	}
	return n
}

// learns reports whether participant pt is a non-pioneer SME with a
// pioneer partner (one of pi) in project pr.
func learns(pr project, pt part, pi map[string]bool) bool {
	if pt.firm.Role != model.SME || pt.firm.Pioneer {
		return false
	}
	for _, q := range pr.parts {
		if q.firm != pt.firm && pi[q.firm.ID] {
			return true
		}
	}
	return false
}

// infoCost returns the information cost: once per market entered for the
// cluster, per firm and market for the baselines (markets not in the
// instance cost 0).
func (c *checker) infoCost(t planTally) float64 {
	cost := func(id string) float64 {
		if mk, ok := c.markets[id]; ok {
			return mk.InfoCost
		}
		return 0
	}
	var sum float64
	if c.cluster {
		for _, id := range sortedKeys(t.entered) {
			sum += cost(id)
		}
		return sum
	}
	for i := range c.inst.Firms {
		for _, id := range sortedKeys(t.firmMarkets[c.inst.Firms[i].ID]) {
			sum += cost(id)
		}
	}
	return sum
}

// dissipation returns Σ over (market, segment), in sorted order, of the
// market's dissipation times the projects beyond its capacity.
func (c *checker) dissipation(perSegment map[[2]string]int) float64 {
	keys := make([][2]string, 0, len(perSegment))
	for k := range perSegment {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	var sum float64
	for _, k := range keys {
		mk, ok := c.markets[k[0]]
		if !ok {
			continue
		}
		if excess := perSegment[k] - mk.Cap(k[1]); excess > 0 {
			sum += mk.Dissipation * float64(excess)
		}
	}
	return sum
}

// firmMetrics sets the firms by role, SME participation and CVaR
// utilisation (max and mean over the participants with R_f > 0), and
// returns the number of SMEs and of SMEs taking part. A firm with a
// duplicate id counts once.
func (c *checker) firmMetrics(taking map[string]bool) (smes, smesIn int) {
	m := &c.rep.Metrics
	m.FirmsByRole = map[model.Role]int{}
	for _, r := range model.Roles {
		m.FirmsByRole[r] = 0
	}
	var utilN int
	var utilSum float64
	for i := range c.inst.Firms {
		f := &c.inst.Firms[i]
		if c.firms[f.ID] != f {
			continue
		}
		if f.Role == model.SME {
			smes++
		}
		if !taking[f.ID] {
			continue
		}
		m.FirmsByRole[f.Role]++
		if f.Role == model.SME {
			smesIn++
		}
		if cv, ok := c.rep.CVaR[f.ID]; ok && f.RiskLimit > 0 {
			u := cv / f.RiskLimit
			utilSum += u
			utilN++
			if u > m.CVaRUtilisationMax {
				m.CVaRUtilisationMax = u
			}
		}
	}
	if utilN > 0 {
		m.CVaRUtilisationMean = utilSum / float64(utilN)
	}
	if smes > 0 {
		m.SMEParticipation = float64(smesIn) / float64(smes)
	}
	return smes, smesIn
}

// creditDrawn returns the credit drawn: entries for unknown firms,
// repeated entries and non-finite amounts (all reported by checkFirms)
// are left out.
func (c *checker) creditDrawn() float64 {
	var sum float64
	seen := map[string]bool{}
	for _, cr := range c.plan.Plan.Credit {
		if _, ok := c.firms[cr.Firm]; !ok || seen[cr.Firm] || math.IsNaN(cr.Amount) || math.IsInf(cr.Amount, 0) {
			continue
		}
		seen[cr.Firm] = true
		sum += cr.Amount
	}
	return sum
}

// targets sets whether the targets are met, by the metric's fixed
// tolerance, and for a cluster plan checks them (constraints 13 and 14)
// within Options.Tol.
func (c *checker) targets(smes, smesIn int) {
	in, m := c.inst, &c.rep.Metrics
	G := in.Objective.MarketPowerTarget
	need := smesNeeded(in.Objective.SMEParticipationTarget, smes)
	m.MarketPowerTarget = m.MarketPower >= G-1e-6*math.Max(1, G)
	m.SMETarget = smesIn >= need
	m.TargetsMet = m.MarketPowerTarget && m.SMETarget
	if !c.cluster {
		return
	}
	if !(m.MarketPower >= G-c.tol*math.Max(1, G)) {
		c.add(MarketPowerTarget, "", "market power %s below market_power_target %s", num(m.MarketPower), num(G))
	}
	if smesIn < need {
		c.add(SMETarget, "", "%d of %d SMEs take part, sme_participation_target %s needs %d",
			smesIn, smes, num(in.Objective.SMEParticipationTarget), need)
	}
}

// compare checks the reported metrics, objective, bound and gap against the
// recomputed ones.
func (c *checker) compare() {
	want := &c.rep.Metrics
	tol := c.tol
	if z := c.plan.Objective; z == nil {
		c.add(Objective, "", "objective missing (recomputed %s)", num(c.rep.Objective))
	} else if !within(*z, c.rep.Objective, tol) {
		c.add(Objective, "", "reported objective %s, recomputed %s", num(*z), num(c.rep.Objective))
	}
	if z := c.plan.Objective; z != nil && c.plan.Bound != nil {
		b := *c.plan.Bound
		if !(b <= *z+tol*math.Max(1, math.Abs(*z))) {
			c.add(Bound, "", "bound %s above the objective %s of a minimisation", num(b), num(*z))
		}
		if g := c.plan.Gap; g != nil {
			gap := math.Abs(*z-b) / math.Max(1, math.Abs(*z))
			if !within(*g, gap, tol) {
				c.add(Bound, "", "reported gap %s, but |Z − bound| / max(1, |Z|) = %s", num(*g), num(gap))
			}
		}
	}

	got := c.plan.Metrics
	if got == nil {
		c.add(Metric, "", "metrics missing")
		return
	}
	money := func(name string, g, w float64) {
		if !within(g, w, tol) {
			c.add(Metric, name, "reported %s, recomputed %s", num(g), num(w))
		}
	}
	count := func(name string, g, w int) {
		if g != w {
			c.add(Metric, name, "reported %d, recomputed %d", g, w)
		}
	}
	flag := func(name string, g, w bool) {
		if g != w {
			c.add(Metric, name, "reported %t, recomputed %t", g, w)
		}
	}
	money("info_cost", got.InfoCost, want.InfoCost)
	money("dissipation", got.Dissipation, want.Dissipation)
	money("value", got.Value, want.Value)
	money("market_power", got.MarketPower, want.MarketPower)
	count("learning", got.Learning, want.Learning)
	count("projects", got.Projects, want.Projects)
	for _, r := range model.Roles {
		g, ok := got.FirmsByRole[r]
		if !ok {
			c.add(Metric, "firms_by_role", "key %q missing (recomputed %d)", r, want.FirmsByRole[r])
			continue
		}
		count("firms_by_role."+string(r), g, want.FirmsByRole[r])
	}
	for _, r := range sortedKeys(got.FirmsByRole) {
		if _, ok := want.FirmsByRole[r]; !ok {
			c.add(Metric, "firms_by_role", "unexpected key %q", r)
		}
	}
	money("sme_participation", got.SMEParticipation, want.SMEParticipation)
	money("capital_deployed", got.CapitalDeployed, want.CapitalDeployed)
	money("credit_drawn", got.CreditDrawn, want.CreditDrawn)
	money("cvar_utilisation_max", got.CVaRUtilisationMax, want.CVaRUtilisationMax)
	money("cvar_utilisation_mean", got.CVaRUtilisationMean, want.CVaRUtilisationMean)
	flag("market_power_target_met", got.MarketPowerTarget, want.MarketPowerTarget)
	flag("sme_participation_target_met", got.SMETarget, want.SMETarget)
	flag("targets_met", got.TargetsMet, want.TargetsMet)
}

// smesNeeded returns ⌈ρ·n − 1e-9⌉, the number of SMEs the participation
// target ρ asks for among n SMEs; the epsilon keeps a product such as
// 0.28·25 = 7.000000000000001 from asking for 8.
func smesNeeded(rho float64, n int) int {
	need := int(math.Ceil(rho*float64(n) - 1e-9))
	if need < 0 {
		return 0
	}
	return need
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func roleList(rs []model.Role) string {
	if len(rs) == 0 {
		return "none"
	}
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func idList(set map[string]bool) string {
	return "{" + strings.Join(sortedKeys(set), ", ") + "}"
}
