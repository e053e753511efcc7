package check

import (
	"fmt"
	"math"
	"strings"

	"github.com/ofdi/ofdi/model"
)

// account is the checker's own account of one firm. Over a horizon money
// (committed, ret, info) is discounted to period 1; spent is the
// undiscounted money put in per period, for the cumulative budgets.
type account struct {
	projects                    int
	committed, credit, ret      float64
	spent                       []float64
	cvar, cvarUse, capitalUse   float64
	learning                    int
	outside, info, transfer, pi float64
	// binding: per limit, whether it surely binds and whether it may
	// (within the rounding band of bindingBand).
	sure, maybe map[string]bool
}

// bindingBand widens the 1e-6 relative tolerance of a binding limit on
// both sides, so that a plan printed with 12 significant digits, or summed
// in another order, is not rejected for a limit at the edge of the band.
const bindingBand = 0.5

// checkAccounts recomputes the firm accounts and sharing metrics from the
// instance and the plan block, with its own run of the independent
// baseline for the outside options, and compares them with the plan's.
func (c *checker) checkAccounts(projs []project) {
	in, plan := c.inst, c.plan
	if plan.Firms == nil {
		if c.opts.RequireAccounts {
			c.add(Accounts, "", "firm accounts (\"firms\") missing; plans must report one account per firm")
		}
		return
	}
	sharing := plan.Sharing
	switch {
	case c.cluster && sharing != model.SharingReport && sharing != model.SharingStakes:
		c.add(Accounts, "", "sharing %q: a cluster plan's sharing is %q or %q", sharing, model.SharingReport, model.SharingStakes)
		sharing = model.SharingReport
	case !c.cluster && sharing != "":
		c.add(Accounts, "", "sharing %q on a %s plan: baselines have no sharing rule", sharing, plan.Method)
	}
	var base *independent
	if c.hz != nil {
		base = runIndependentHorizon(in)
	} else {
		base = runIndependent(in)
	}
	c.rep.Outside = base.outside
	if plan.Method == model.MethodIndependent {
		c.sameAsIndependent(projs, base)
	}
	acc := c.recomputeAccounts(projs, base, sharing)

	if len(plan.Firms) != len(in.Firms) {
		c.add(Accounts, "", "%d firm accounts, the instance has %d firms", len(plan.Firms), len(in.Firms))
	}
	for i := range in.Firms {
		f := &in.Firms[i]
		if i >= len(plan.Firms) {
			break
		}
		got := &plan.Firms[i]
		where := "firm " + f.ID
		if got.ID != f.ID {
			c.add(Accounts, fmt.Sprintf("firms[%d]", i), "account of %q where the instance's firm %d is %q (accounts are in file order)", got.ID, i, f.ID)
			continue
		}
		a, ok := acc[f.ID]
		if !ok {
			continue // a duplicate firm id, reported by index
		}
		c.compareAccount(where, f, got, a)
	}
	c.accountMetrics(acc, sharing)
}

// recomputeAccounts builds every firm's account from the plan's projects
// and credit, and sets the checker's surplus and total money committed.
func (c *checker) recomputeAccounts(projs []project, base *independent, sharing string) map[string]*account {
	t := c.newTally()
	for _, pr := range projs {
		t.addProject(pr)
	}
	t.addCredit(c.plan.Plan.Credit)
	c.surplus, c.committedTotal = t.settle(base)
	t.payoffs(sharing, c.surplus, c.committedTotal)
	return t.acc
}

// tally is the state of recomputeAccounts: the accounts being summed and
// what is needed to finish them.
type tally struct {
	c *checker
	// acc holds an account per firm id (first occurrence of the id only).
	acc map[string]*account
	// periods is the horizon's length, 1 in one period.
	periods int
	// losses is each firm's loss per scenario (nil for a firm in no
	// project).
	losses map[string][]float64
	// entered is, per firm and market, the first period the firm enters
	// the market (1 in one period).
	entered map[string]map[string]int
}

// newTally opens an empty account for every firm whose id is unique.
func (c *checker) newTally() *tally {
	t := &tally{c: c, acc: map[string]*account{}, periods: 1,
		losses: map[string][]float64{}, entered: map[string]map[string]int{}}
	if c.hz != nil {
		t.periods = c.hz.T
	}
	for i := range c.inst.Firms {
		f := &c.inst.Firms[i]
		if c.firms[f.ID] == f {
			t.acc[f.ID] = &account{spent: make([]float64, t.periods)}
		}
	}
	return t
}

// addProject adds one project to its participants' accounts: projects,
// money committed and returned (discounted over a horizon), money spent per
// period, losses, markets entered and learning.
func (t *tally) addProject(pr project) {
	o := pr.opp
	v := o.NPV + t.c.inst.Policy.SubsidyOf(o.Mode)*o.Cost
	pi := t.c.pioneers(o, pr.rule)
	per, w := t.c.periodOf(pr)
	for _, pt := range pr.parts {
		a := t.acc[pt.firm.ID]
		if a == nil {
			continue
		}
		a.projects++
		a.committed += w * pr.a * pt.stake
		a.ret += w * pt.stake * v
		if per >= 1 && per <= t.periods {
			a.spent[per-1] += pr.a * pt.stake
		}
		t.addExposure(pr, pt, per)
		if learns(pr, pt, pi) {
			a.learning++
		}
	}
}

// addExposure adds participant pt's share of project pr's losses, and
// the project's market as entered in period per unless entered earlier.
func (t *tally) addExposure(pr project, pt part, per int) {
	id, o := pt.firm.ID, pr.opp
	if t.losses[id] == nil {
		t.losses[id] = make([]float64, len(t.c.inst.Scenarios))
		t.entered[id] = map[string]int{}
	}
	for k, s := range t.c.inst.Scenarios {
		t.losses[id][k] += o.Loss[s.ID] * pr.a * pt.stake
	}
	if first := t.entered[id][o.Market]; first == 0 || per < first {
		t.entered[id][o.Market] = per
	}
}

// addCredit sets each known firm's credit from its first finite entry in
// the plan's credit list (repeats and unknown firms are reported by the
// credit check).
func (t *tally) addCredit(credit []model.Credit) {
	seen := map[string]bool{}
	for _, cr := range credit {
		if a := t.acc[cr.Firm]; a != nil && !seen[cr.Firm] && !math.IsNaN(cr.Amount) && !math.IsInf(cr.Amount, 0) {
			seen[cr.Firm] = true
			a.credit = cr.Amount
		}
	}
}

// settle sets each account's outside option, capital use, CVaR and its
// use, and (for a baseline) the info cost paid, in file order so the sums
// are deterministic; it returns the surplus and the total money committed.
func (t *tally) settle(base *independent) (surplus, total float64) {
	c, in := t.c, t.c.inst
	probs := make([]float64, len(in.Scenarios))
	for k, s := range in.Scenarios {
		probs[k] = s.Probability
	}
	alpha := in.Policy.Alpha()
	surplus = c.rep.Metrics.Value - c.rep.Metrics.InfoCost - c.rep.Metrics.Dissipation
	for i := range in.Firms {
		id := in.Firms[i].ID
		a, f := t.acc[id], c.firms[id]
		if a == nil || f != &in.Firms[i] {
			continue
		}
		a.outside = base.outside[id]
		surplus -= a.outside
		total += a.committed
		a.capitalUse = a.committed / f.Capital
		if l := t.losses[id]; l != nil && alpha >= 0 && alpha < 1 {
			a.cvar = CVaR(l, probs, alpha)
		}
		if f.RiskLimit > 0 {
			a.cvarUse = a.cvar / f.RiskLimit
		}
		if !c.cluster {
			a.info = t.infoPaid(id)
		}
	}
	return surplus, total
}

// infoPaid is the info cost a firm investing alone pays: each market it
// enters, discounted to its first period there, in market id order.
func (t *tally) infoPaid(id string) float64 {
	info := 0.0
	for _, m := range sortedKeys(t.entered[id]) {
		if mk, ok := t.c.markets[m]; ok {
			info += t.c.discount(t.entered[id][m]) * mk.InfoCost
		}
	}
	return info
}

// payoffs sets each account's payoff, transfer (sharing report: outside
// option plus a share of the surplus by money committed) and the limits
// that bind.
func (t *tally) payoffs(sharing string, surplus, total float64) {
	c := t.c
	for id, a := range t.acc {
		if c.cluster && sharing == model.SharingReport {
			a.pi = a.outside
			if total > 0 {
				a.pi += surplus * a.committed / total
			}
			a.transfer = a.pi - a.ret
		} else {
			a.pi = a.ret - a.info
		}
		a.sure, a.maybe = c.limits(c.firms[id], a)
	}
}

// limits says which of the firm's positive limits the account meets with
// equality (relative 1e-6), surely or within the rounding band.
func (c *checker) limits(f *model.Firm, a *account) (sure, maybe map[string]bool) {
	sure, maybe = map[string]bool{}, map[string]bool{}
	test := func(name string, x, limit float64) {
		if !(limit > 0) {
			return
		}
		slack := (limit - x) / math.Max(1, limit)
		if slack <= model.BindingTol*(1-bindingBand) {
			sure[name] = true
		}
		if slack <= model.BindingTol*(1+bindingBand) {
			maybe[name] = true
		}
	}
	if c.hz == nil {
		test(model.BindingCapital, a.committed, f.Capital+a.credit)
	} else {
		// Over a horizon: any period's cumulative budget (undiscounted).
		cum := 0.0
		for t, s := range a.spent {
			cum += s
			test(model.BindingCapital, cum, c.inst.Horizon.Release(t+1)*f.Capital+a.credit)
		}
	}
	test(model.BindingCredit, a.credit, c.inst.Policy.CreditPerFirm*f.Capital)
	test(model.BindingRisk, a.cvar, f.RiskLimit)
	if f.MaxProjects != nil {
		test(model.BindingProjects, float64(a.projects), float64(*f.MaxProjects))
	}
	return sure, maybe
}

// compareAccount compares one reported account with the recomputed one.
func (c *checker) compareAccount(where string, f *model.Firm, got *model.FirmAccount, a *account) {
	bad := func(field, format string, args ...any) {
		c.add(Accounts, where, "%s: %s", field, fmt.Sprintf(format, args...))
	}
	money := func(field string, g, w float64) {
		if !within(g, w, c.tol) {
			bad(field, "reported %s, recomputed %s", num(g), num(w))
		}
	}
	if got.Name != f.Name {
		bad("name", "reported %q, the instance says %q", got.Name, f.Name)
	}
	if got.Role != f.Role {
		bad("role", "reported %q, the instance says %q", got.Role, f.Role)
	}
	if got.Pioneer != f.Pioneer {
		bad("pioneer", "reported %t, the instance says %t", got.Pioneer, f.Pioneer)
	}
	if got.Projects != a.projects {
		bad("projects", "reported %d, recomputed %d", got.Projects, a.projects)
	}
	if got.Learning != a.learning {
		bad("learning", "reported %d, recomputed %d", got.Learning, a.learning)
	}
	money("committed", got.Committed, a.committed)
	money("credit", got.Credit, a.credit)
	money("capital_use", got.CapitalUse, a.capitalUse)
	money("cvar", got.CVaR, a.cvar)
	money("cvar_use", got.CVaRUse, a.cvarUse)
	money("stake_return", got.StakeReturn, a.ret)
	money("outside_option", got.OutsideOption, a.outside)
	money("info_paid", got.InfoPaid, a.info)
	money("transfer", got.Transfer, a.transfer)
	money("payoff", got.Payoff, a.pi)
	if c.cluster && c.plan.Sharing == model.SharingStakes && !(a.ret >= a.outside-c.tol*math.Max(1, math.Abs(a.outside))) {
		c.add(OutsideOption, where, "sharing stakes: stake return %s below the outside option %s (constraint 16)", num(a.ret), num(a.outside))
	}

	listed := map[string]bool{}
	order := []string{model.BindingCapital, model.BindingCredit, model.BindingRisk, model.BindingProjects}
	rank := map[string]int{}
	for i, b := range order {
		rank[b] = i
	}
	last := -1
	for _, b := range got.Binding {
		r, known := rank[b]
		switch {
		case !known:
			bad("binding", "unknown limit %q (want %s)", b, strings.Join(order, ", "))
			continue
		case listed[b]:
			bad("binding", "%q listed twice", b)
			continue
		case r < last:
			bad("binding", "%q out of order (want %s)", b, strings.Join(order, ", "))
		}
		last = r
		listed[b] = true
		if !a.maybe[b] {
			bad("binding", "%q listed, but the limit does not hold with equality", b)
		}
	}
	for _, b := range order {
		if a.sure[b] && !listed[b] {
			bad("binding", "%q holds with equality but is not listed", b)
		}
	}
	if got.Binding == nil {
		bad("binding", "missing (want a list, empty when nothing binds)")
	}
}

// accountMetrics checks money_value, surplus, transfers_paid,
// firms_below_outside_option and individually_rational. The two tests at
// MODEL.md's fixed 1e-6 accept either answer within Tol of the threshold,
// so that rounding in the printed plan cannot flip them.
func (c *checker) accountMetrics(acc map[string]*account, sharing string) {
	got := c.plan.Metrics
	if got == nil {
		return
	}
	m := &c.rep.Metrics
	m.MoneyValue = m.Value - m.InfoCost - m.Dissipation
	m.Surplus = c.surplus
	sureBelow, maybeBelow := 0, 0
	for _, id := range sortedKeys(acc) {
		a := acc[id]
		if a.transfer < 0 {
			m.TransfersPaid -= a.transfer
		}
		d := a.ret - a.info - (a.outside - model.OutsideTol)
		band := c.tol * math.Max(1, math.Max(math.Abs(a.ret), math.Abs(a.outside)))
		if d < -band {
			sureBelow++
		}
		if d < band {
			maybeBelow++
		}
	}
	m.FirmsBelowOutsideOption = sureBelow
	if g := got.FirmsBelowOutsideOption; g < sureBelow || g > maybeBelow {
		if sureBelow == maybeBelow {
			c.add(Metric, "firms_below_outside_option", "reported %d, recomputed %d", g, sureBelow)
		} else {
			c.add(Metric, "firms_below_outside_option", "reported %d, recomputed %d to %d", g, sureBelow, maybeBelow)
		}
	}
	var irSure, irMaybe bool
	if c.cluster && sharing == model.SharingReport {
		band := c.tol * math.Max(1, math.Abs(m.MoneyValue))
		irSure, irMaybe = c.surplus >= -model.OutsideTol+band, c.surplus >= -model.OutsideTol-band
	} else {
		irSure, irMaybe = maybeBelow == 0, sureBelow == 0
	}
	m.IndividuallyRational = irSure
	if g := got.IndividuallyRational; (g && !irMaybe) || (!g && irSure) {
		c.add(Metric, "individually_rational", "reported %t, recomputed %t", g, !g)
	}
	money := func(name string, g, w float64) {
		if !within(g, w, c.tol) {
			c.add(Metric, name, "reported %s, recomputed %s", num(g), num(w))
		}
	}
	money("money_value", got.MoneyValue, m.MoneyValue)
	money("surplus", got.Surplus, m.Surplus)
	money("transfers_paid", got.TransfersPaid, m.TransfersPaid)
}

// periodOf returns the period of a project (1 in one period) and its
// discount d^(t−1) (1 in one period).
func (c *checker) periodOf(pr project) (int, float64) {
	if c.hz == nil {
		return 1, 1
	}
	return pr.p.Period, c.discount(pr.p.Period)
}

// discount returns d^(t−1) over a horizon, 1 in one period.
func (c *checker) discount(t int) float64 {
	if c.hz == nil {
		return 1
	}
	return math.Pow(c.inst.Horizon.DiscountOr(), float64(t-1))
}

// sameAsIndependent checks that an "independent" plan takes exactly the
// projects the checker's own run of the baseline takes, by the same firms
// (over a horizon, in the same periods).
func (c *checker) sameAsIndependent(projs []project, base *independent) {
	inPlan := map[string]bool{}
	for _, pr := range projs {
		inPlan[pr.opp.ID] = true
		if len(pr.parts) != 1 {
			continue // reported by checkProject
		}
		want, ok := base.taker[pr.opp.ID]
		switch {
		case !ok:
			c.add(Baseline, pr.where, "the independent baseline leaves it untaken")
		case want != pr.parts[0].firm.ID:
			c.add(Baseline, pr.where, "taken by %s, the independent baseline gives it to %s", pr.parts[0].firm.ID, want)
		case base.period != nil && base.period[pr.opp.ID] != pr.p.Period:
			c.add(Baseline, pr.where, "starts in period %d, the independent baseline takes it in period %d", pr.p.Period, base.period[pr.opp.ID])
		}
	}
	for _, id := range sortedKeys(base.taker) {
		if !inPlan[id] {
			c.add(Baseline, "project "+id, "the independent baseline gives it to %s, the plan leaves it out", base.taker[id])
		}
	}
}
