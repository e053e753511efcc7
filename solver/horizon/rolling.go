package horizon

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/cluster"
)

// minCapital stands in for the capital of a firm that has none left in a
// period's instance (the model requires K_f > 0): it holds no stake.
const minCapital = 1e-6

// rolling builds a first multi-period plan period by period with the
// one-period solver (solver/cluster): period t's instance holds the
// opportunities open in t and not yet started, the capital, credit, risk
// and project counts the earlier periods leave, and the knowledge they
// brought; its plan is fixed, and the next period follows. Every period's
// instance is conservative, so the union of their plans satisfies every
// row of the multi-period MIP (docs/horizon.md, "Solving at scale"):
//   - capital: K'_f = R_t·K_f − spent_f + C_f, capped at (β·K_f − C_f)/β, where C_f
//     is the credit the earlier periods need, and the credit line less ΣC_f;
//   - risk: R_f less the CVaR of the firm's earlier stakes (CVaR is
//     subadditive, so the portfolio's CVaR stays within R_f);
//   - max_projects less the projects taken, capacities less the projects
//     started, no info cost for markets already entered;
//   - knowledge κ_t from K1 for firms that are not pioneers; pioneers keep
//     their initial knowledge, so that Π_p stays the multi-period one;
//   - targets: see solvePeriod.
type rolling struct {
	in *model.Instance
	d  *model.Derived
	T  int
	// plan holds the projects of the periods planned so far, with Period.
	plan *model.Assignment
	// started[p]: p started in an earlier period.
	started []bool
	// spent[f] is Σ a_p·s_fp so far, credit[f] the credit C_f the plan so
	// far needs, count[f] its projects, cvar[f] the CVaR of its stakes.
	spent, credit, cvar []float64
	count               []int
	// kappa[f][m] is κ at the start of the next period.
	kappa [][]float64
	// entered[m]: the cluster entered m; group counts the projects started
	// per (market, segment); power is the market power reached.
	entered []bool
	group   map[[2]string]int
	power   float64
	// base, when not nil, carries constraint (16): the independent
	// baseline's projects, fixed in their periods (see rollingBase).
	base *rollingBase
	// forced[p]: p must be in the plan (Formulation.Force); nil without
	// any. now are the opportunities the period being solved forces in.
	forced []bool
	now    []int
	// pace is how fast the market power target is pursued: period t < T
	// aims at min(1, pace·t/T) of it; 1 (newRolling) is t/T.
	pace float64
}

// errTargets says that the rolling horizon's last period found no plan
// that meets what the earlier periods left of the targets.
var errTargets = errors.New("no plan meets the targets")

// fastPace is the pace of the rolling horizon's second attempt when the
// first leaves its last period more of the market power target than it
// can meet: period t aims at min(1, 2t/T) of the target.
const fastPace = 2

func newRolling(in *model.Instance, d *model.Derived) *rolling {
	nF := len(in.Firms)
	r := &rolling{in: in, d: d, T: in.Periods(), plan: &model.Assignment{Projects: []model.Project{}},
		started: make([]bool, len(in.Opportunities)), spent: make([]float64, nF), credit: make([]float64, nF),
		cvar: make([]float64, nF), count: make([]int, nF), kappa: make([][]float64, nF),
		entered: make([]bool, len(in.Markets)), group: map[[2]string]int{}, pace: 1}
	for f := range in.Firms {
		r.kappa[f] = make([]float64, len(in.Markets))
		for m := range in.Markets {
			r.kappa[f][m] = in.Firms[f].KnowledgeOf(in.Markets[m].ID)
		}
	}
	return r
}

// run plans every period, giving period t's one-period solve an equal
// share of the time left until deadline (zero: no limit). It returns the
// plan, with MarketsEntered and Credit filled, or an error when a period's
// instance is invalid or the last period cannot meet the targets.
func (r *rolling) run(ctx context.Context, deadline time.Time, gap float64) (*model.Assignment, error) {
	for t := 1; t <= r.T; t++ {
		var limit time.Duration
		if !deadline.IsZero() {
			limit = time.Until(deadline) / time.Duration(r.T-t+1)
			if limit <= 0 {
				return nil, fmt.Errorf("rolling horizon: no time left for period %d", t)
			}
		}
		if r.base != nil {
			r.fix(t, &model.Assignment{Projects: r.base.byPeriod[t-1]})
		}
		a, err := r.solveForced(ctx, t, limit, gap)
		if err != nil {
			return nil, err
		}
		r.fix(t, a)
		if r.base != nil {
			r.base.add(r.d, t, a)
		}
	}
	return r.finish(), nil
}

// solvePeriod solves period t's instance with the one-period solver. The
// market power target is pursued in step: period t aims at
// min(1, pace·t/T) of it (powerShare; a period that cannot leaves its
// share to the next), and the last period at what is left. The SME target
// is asked of the last period: the SMEs that took part before count
// already, so the period's solve counts only the others (Derived.SMEs)
// toward what they leave of it.
func (r *rolling) solvePeriod(ctx context.Context, t int, limit time.Duration, gap float64) (*model.Assignment, error) {
	pi := r.periodInstance(t)
	if pi == nil {
		return &model.Assignment{}, nil
	}
	pi.Objective.MarketPowerTarget = math.Max(0, r.powerShare(t)-r.power)
	if t < r.T {
		a, err := r.solveOne(ctx, t, pi, nil, limit, gap)
		if err != nil || a != nil || pi.Objective.MarketPowerTarget == 0 {
			return orEmpty(a), err
		}
		pi.Objective.MarketPowerTarget = 0
		a, err = r.solveOne(ctx, t, pi, nil, limit, gap)
		return orEmpty(a), err
	}
	need, before := r.smesNeeded()
	if n := len(r.d.SMEs); n > 0 {
		pi.Objective.SMEParticipationTarget = math.Min(1, math.Max(0, float64(need-len(before)))/float64(n))
	}
	a, err := r.solveOne(ctx, t, pi, before, limit, gap)
	if err == nil && a == nil && (pi.Objective.MarketPowerTarget > 0 || need > len(before)) {
		err = fmt.Errorf("rolling horizon: period %d: %w", t, errTargets)
	}
	return orEmpty(a), err
}

// smesNeeded returns how many SMEs the whole plan needs to meet the SME
// target (the horizon's Derived.SMETarget), and the SMEs that took part in
// the periods planned so far.
func (r *rolling) smesNeeded() (int, map[int]bool) {
	before := map[int]bool{}
	for _, pj := range r.plan.Projects {
		for _, st := range pj.Participants {
			if f := r.d.Firm[st.Firm]; r.in.Firms[f].Role == model.SME {
				before[f] = true
			}
		}
	}
	return r.d.SMETarget, before
}

// powerShare is the market power the plan should have reached by the end
// of period t: min(1, pace·t/T) of the target, all of it by T.
func (r *rolling) powerShare(t int) float64 {
	return r.in.Objective.MarketPowerTarget * math.Min(1, r.pace*float64(t)/float64(r.T))
}

// solveOne solves a period's instance; nil without a plan. The SMEs in
// counted already count toward its SME target: they are left out of the
// SMEs the solve counts.
func (r *rolling) solveOne(ctx context.Context, t int, pi *model.Instance, counted map[int]bool, limit time.Duration, gap float64) (*model.Assignment, error) {
	if err := model.ValidateErr(pi); err != nil {
		return nil, fmt.Errorf("rolling horizon: period %d instance: %w", t, err)
	}
	d := model.Derive(pi)
	if len(counted) > 0 {
		smes := make([]int, 0, len(d.SMEs))
		for _, f := range d.SMEs {
			if !counted[f] {
				smes = append(smes, f)
			}
		}
		d.SMEs = smes
	}
	prm := cluster.Params{TimeLimit: limit, Gap: gap, Force: forcedIn(pi, r.in, r.now)}
	if r.base != nil {
		prm.Outside = r.base.outsideFor(r.in, t)
	}
	out, err := cluster.Solve(ctx, d, prm)
	if err != nil {
		return nil, fmt.Errorf("rolling horizon: period %d: %w", t, err)
	}
	return out.Assignment, nil
}

func projectsOf(a *model.Assignment) []model.Project {
	if a == nil {
		return nil
	}
	return a.Projects
}

func orEmpty(a *model.Assignment) *model.Assignment {
	if a == nil {
		return &model.Assignment{}
	}
	return a
}

// periodInstance returns the one-period instance of period t (see
// rolling), or nil when no opportunity is left open in t.
func (r *rolling) periodInstance(t int) *model.Instance {
	in := r.in
	pi := *in
	pi.Name = fmt.Sprintf("%s-period%d", in.Name, t)
	pi.Horizon = nil
	pi.Opportunities = nil
	for p := range in.Opportunities {
		if o := in.Opportunities[p]; !r.started[p] && o.OpenIn(t) {
			o.Periods = nil
			pi.Opportunities = append(pi.Opportunities, o)
		}
	}
	if len(pi.Opportunities) == 0 {
		return nil
	}
	pi.Markets = make([]model.Market, len(in.Markets))
	for m := range in.Markets {
		pi.Markets[m] = r.market(m)
	}
	pi.Firms = make([]model.Firm, len(in.Firms))
	used := 0.0
	for f := range in.Firms {
		pi.Firms[f] = r.firm(f, t)
		used += r.credit[f]
	}
	pi.Policy.CreditLine = math.Max(0, in.Policy.CreditLine-used)
	pi.Objective.MarketPowerTarget, pi.Objective.SMEParticipationTarget = 0, 0 // see solvePeriod
	return &pi
}

// market returns market m as period t's instance sees it.
func (r *rolling) market(m int) model.Market {
	mk := r.in.Markets[m]
	if r.entered[m] {
		mk.InfoCost = 0
	}
	caps := map[string]int{}
	for s, c := range mk.Capacity {
		caps[s] = c
	}
	for g, n := range r.group {
		if g[0] == mk.ID {
			caps[g[1]] = max(0, mk.Cap(g[1])-n)
		}
	}
	mk.Capacity = caps
	return mk
}

// firm returns firm f as period t's instance sees it.
func (r *rolling) firm(f, t int) model.Firm {
	in := r.in
	fi := in.Firms[f]
	var laterSpend, laterCVaR float64
	laterCount := 0
	if r.base != nil {
		laterSpend, laterCount, laterCVaR = r.base.later(f, t)
	}
	k := in.Horizon.Release(t)*fi.Capital - r.spent[f] - laterSpend + r.credit[f]
	if beta := in.Policy.CreditPerFirm; beta > 0 {
		k = math.Min(k, (beta*fi.Capital-r.credit[f])/beta)
	}
	fi.Capital = math.Max(k, minCapital)
	fi.RiskLimit = math.Max(0, fi.RiskLimit-r.cvar[f]-laterCVaR)
	if fi.MaxProjects != nil {
		n := max(0, *fi.MaxProjects-r.count[f]-laterCount)
		fi.MaxProjects = &n
	}
	if !fi.Pioneer {
		fi.Knowledge = make(map[string]float64, len(in.Markets))
		for m := range in.Markets {
			fi.Knowledge[in.Markets[m].ID] = r.kappa[f][m]
		}
	}
	return fi
}

// fix adds period t's plan a to the horizon's plan and updates the state.
func (r *rolling) fix(t int, a *model.Assignment) {
	in, d := r.in, r.d
	gD, gP, phi := in.Horizon.Gains()
	gain := make([][]float64, len(in.Firms))
	for f := range gain {
		gain[f] = make([]float64, len(in.Markets))
	}
	for _, pj := range a.Projects {
		p := d.Opp[pj.ID]
		o := &in.Opportunities[p]
		m := d.Market[o.Market]
		pj.Period = t
		r.started[p], r.entered[m] = true, true
		r.group[[2]string{o.Market, o.Segment}]++
		r.power += o.MarketPower
		member := map[int]bool{}
		for _, st := range pj.Participants {
			f := d.Firm[st.Firm]
			member[f] = true
			r.spent[f] += d.NetCost[p] * st.Stake
			r.count[f]++
			gain[f][m] += gD
		}
		for f := range member {
			if r.learns(f, p, member) {
				gain[f][m] += gP
			}
		}
		r.plan.Projects = append(r.plan.Projects, pj)
	}
	for f := range in.Firms {
		r.credit[f] = math.Max(r.credit[f], r.spent[f]-in.Horizon.Release(t)*in.Firms[f].Capital)
		total := 0.0
		for _, g := range gain[f] {
			total += g
		}
		for m, g := range gain[f] {
			r.kappa[f][m] = math.Min(1, r.kappa[f][m]+g+phi*(total-g))
		}
	}
	r.cvar = d.FirmCVaR(r.plan)
}

// learns says whether f earns the learning gain g_P in p: an SME, not a
// pioneer, beside a pioneer of Π_p other than itself.
func (r *rolling) learns(f, p int, member map[int]bool) bool {
	firm := &r.in.Firms[f]
	if firm.Role != model.SME || firm.Pioneer {
		return false
	}
	for _, g := range r.d.Pioneers[p] {
		if g != f && member[g] {
			return true
		}
	}
	return false
}

// finish fills the markets entered and the credit of the plan, in file
// order.
func (r *rolling) finish() *model.Assignment {
	a := r.plan
	a.MarketsEntered, a.Credit = []string{}, []model.Credit{}
	for m, e := range r.entered {
		if e {
			a.MarketsEntered = append(a.MarketsEntered, r.in.Markets[m].ID)
		}
	}
	for f, c := range r.credit {
		if c > 1e-9 {
			a.Credit = append(a.Credit, model.Credit{Firm: r.in.Firms[f].ID, Amount: c})
		}
	}
	return a
}

// RollingPlan builds a first plan of the horizon with the rolling horizon
// (see rolling): period after period, the one-period solver (solver/cluster)
// plans the period's instance within an equal share of limit (0: none)
// and gap, and its plan is fixed. The plan satisfies the multi-period
// model (Columns completes it into a solution of the MIP). When the last
// period cannot meet what the earlier ones left of the targets, the
// rolling horizon runs again within limit, the earlier periods pursuing
// the market power target at fastPace. An error says that a period's
// instance was invalid or that the last period could not meet the targets
// in either run.
func (fm *Formulation) RollingPlan(ctx context.Context, limit time.Duration, gap float64) (*model.Assignment, error) {
	a, err := fm.rollingPlan(ctx, limit, gap, 1)
	if errors.Is(err, errTargets) && ctx.Err() == nil && fm.Inst.Objective.MarketPowerTarget > 0 {
		a, err = fm.rollingPlan(ctx, limit, gap, fastPace)
	}
	return a, err
}

// rollingPlan is one run of the rolling horizon at the given pace.
func (fm *Formulation) rollingPlan(ctx context.Context, limit time.Duration, gap, pace float64) (*model.Assignment, error) {
	var deadline time.Time
	if limit > 0 {
		deadline = time.Now().Add(limit)
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	r := newRolling(fm.Inst, fm.D)
	r.pace = pace
	base, err := newRollingBase(fm.D, fm.Outside)
	if err != nil {
		return nil, err
	}
	r.base = base
	r.forced = fm.forced
	if base != nil {
		for _, pj := range base.byPeriod {
			for _, p := range pj {
				r.started[fm.D.Opp[p.ID]] = true // taken in its own period
			}
		}
	}
	return r.run(ctx, deadline, gap)
}

// solveForced is solvePeriod with the forced opportunities not yet
// started that may start in t: it first forces in all of them, and when
// no plan takes them all, only those that cannot start later (the others
// wait for a later period), each attempt with half of limit. When no plan
// takes those, the rolling horizon fails: it has no plan to offer.
func (r *rolling) solveForced(ctx context.Context, t int, limit time.Duration, gap float64) (*model.Assignment, error) {
	want := r.forcedOpen(t, false)
	if len(want) == 0 {
		return r.solvePeriod(ctx, t, limit, gap)
	}
	tries := [][]int{want}
	if must := r.forcedOpen(t, true); len(must) < len(want) {
		tries = append(tries, must)
		limit /= 2
	}
	defer func() { r.now = nil }()
	for _, set := range tries {
		r.now = set
		if len(set) == 0 {
			return r.solvePeriod(ctx, t, limit, gap)
		}
		a, err := r.solvePeriod(ctx, t, limit, gap)
		if err == nil && takesAll(r.d, a, set) {
			return a, nil
		}
	}
	return nil, fmt.Errorf("rolling horizon: period %d: no plan takes forced opportunity %s", t, r.in.Opportunities[tries[len(tries)-1][0]].ID)
}

// forcedOpen returns the forced opportunities not yet started that may
// start in t; with lastChance, only those that may start in no later
// period.
func (r *rolling) forcedOpen(t int, lastChance bool) []int {
	var out []int
	for p, f := range r.forced {
		if !f || r.started[p] || !r.in.Opportunities[p].OpenIn(t) {
			continue
		}
		later := false
		for u := t + 1; lastChance && u <= r.T; u++ {
			later = later || r.in.Opportunities[p].OpenIn(u)
		}
		if !later {
			out = append(out, p)
		}
	}
	return out
}

// takesAll says whether plan a takes every opportunity of ps.
func takesAll(d *model.Derived, a *model.Assignment, ps []int) bool {
	in := map[int]bool{}
	for _, pj := range projectsOf(a) {
		in[d.Opp[pj.ID]] = true
	}
	for _, p := range ps {
		if !in[p] {
			return false
		}
	}
	return true
}

// forcedIn maps opportunity indices ps of in to their indices in pi, a
// period's instance (ids are shared; ps are open in pi's period).
func forcedIn(pi, in *model.Instance, ps []int) []int {
	if len(ps) == 0 {
		return nil
	}
	at := make(map[string]int, len(pi.Opportunities))
	for i := range pi.Opportunities {
		at[pi.Opportunities[i].ID] = i
	}
	var out []int
	for _, p := range ps {
		if i, ok := at[in.Opportunities[p].ID]; ok {
			out = append(out, i)
		}
	}
	return out
}
