// Package baseline implements the two distributed baselines of MODEL.md
// ("Distributed baselines"): independent, where every firm of the cluster
// invests alone for its own profit, and policy_push, the same rush steered
// by government into promoted markets. Their plans are what the cluster
// plan is compared with.
//
// # The rules
//
// A firm f may take opportunity p alone only when
//
//   - role(f) is among the roles of mode(p) (Instance.Rules.Mode, so an
//     instance's override of a mode applies);
//   - segment(p) is among f's segments;
//   - κ_f(m(p)) ≥ k_p, compared exactly as model.Derive does (a firm
//     alone has no pioneer to learn from);
//   - the lead role of mode(p), if any, is role(f): f holds stake 1, which
//     only the lead role may hold in a mode with a lead role;
//   - every required role of mode(p) is role(f);
//   - min_partners(p) = 1 (and max_partners, if set, is ≥ 1);
//   - after adding p: its total net cost Σ a_p ≤ K_f + the credit it may
//     draw, the CVaR_α of its loss vector L_fk = Σ ℓ_pk·a_p ≤ R_f, and its
//     project count ≤ max_projects (nil: unlimited);
//   - no firm has taken p yet.
//
// Budget and CVaR comparisons allow a relative tolerance of 1e-9:
// x ≤ limit + 1e-9·max(1, |limit|).
//
// Rounds: in each round the firms take turns in the order pioneers first,
// then capital descending, then id ascending (byte-wise string order); in
// its turn a firm takes at most one opportunity. Rounds repeat until a
// round in which nobody takes anything.
//
//   - independent: the firm takes the feasible free opportunity with the
//     largest private score npv_p + σ_mode(p)·C_p + λ_G·G_p − I_m(p)·[f has
//     not yet entered m(p)], if that score is > 0 (strictly). Dissipation is
//     ignored.
//   - policy_push: if the firm has a feasible free opportunity in a promoted
//     market (policy.promoted_markets), it takes the one with the largest
//     private score among all promoted markets together, whatever its sign;
//     only when it has none does it follow the independent rule.
//
// Score ties, within a market and across markets, go to the opportunity
// listed first in the instance file. Scores are compared exactly.
//
// # Interpretations of MODEL.md
//
//   - Info-cost term of the private score: I_m is subtracted while the firm
//     itself has not entered m; markets entered by other firms do not count,
//     since in the baselines every firm buys its own market intelligence
//     (the plan's info cost is Σ_f Σ_{m entered by f} I_m).
//   - Credit, first come first served: B is one line shared by all firms and
//     drawn in the order firms take opportunities (turn order within
//     rounds). A firm whose cumulative net spending would exceed K_f + c_f
//     draws exactly the shortfall, provided its total c_f stays ≤ β·K_f and
//     the line still holds it; otherwise the opportunity is not affordable.
//     Credit is never repaid or reserved: what one firm draws is gone for
//     the firms after it.
//   - "Feasible" in policy_push's promoted-market rule means feasible under
//     every rule above at that moment (budget and credit, CVaR, count
//     included); the promoted markets are pooled, not tried in list order.
//     Promoted ids that name no market are ignored.
//   - A firm that takes nothing in its turn can never take anything later:
//     feasibility only shrinks (opportunities get taken, the credit line
//     only empties, a firm's spending, losses and count only grow, and CVaR
//     is monotone in the losses) and a firm's scores change only when it
//     enters a market itself. Such a firm is therefore skipped in later
//     rounds; this is an optimisation with the same outcome as asking it
//     again.
//   - The plan: every taken opportunity is one project with one
//     participant of stake 1, Lead = that firm when mode(p) has a lead
//     role; markets_entered is the union of the projects' markets; credit
//     lists every firm that drew a positive amount. Status is "feasible"
//     (a heuristic plan: no bound, no gap); objective and metrics come from
//     model.Derived.Evaluate, which charges the info cost per firm and
//     market entered and counts no learning.
//
// The instance is assumed valid (model.Validate). The run is deterministic
// and does not depend on map iteration order. Each firm scans, per market,
// a list of opportunities sorted once by base score; entries that become
// infeasible for a firm are dropped for good, so a run costs about
// O(F·P) cheap tests in the worst case plus O((P + F)·M) turn work.
package baseline

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ofdi/ofdi/model"
)

// Solver is the Statistics.Solver name of baseline plans.
const Solver = "baseline"

// Independent runs the "independent" baseline on a derived valid instance.
func Independent(d *model.Derived) *model.Plan {
	return mustRun(d, model.MethodIndependent)
}

// PolicyPush runs the "policy_push" baseline on a derived valid instance.
func PolicyPush(d *model.Derived) *model.Plan {
	return mustRun(d, model.MethodPolicyPush)
}

func mustRun(d *model.Derived, method string) *model.Plan {
	p, err := Run(d, method)
	if err != nil {
		panic("baseline: " + err.Error())
	}
	return p
}

// Run runs the baseline named by method (model.MethodIndependent or
// model.MethodPolicyPush). It fails only on another method name.
func Run(d *model.Derived, method string) (*model.Plan, error) {
	if method != model.MethodIndependent && method != model.MethodPolicyPush {
		return nil, fmt.Errorf("baseline: unknown method %q (want %q or %q)",
			method, model.MethodIndependent, model.MethodPolicyPush)
	}
	start := time.Now()
	r := newRun(d, method == model.MethodPolicyPush)
	r.play()
	a := r.assignment()
	d.SortAssignment(a)
	m, z, err := d.Evaluate(a, method)
	if err != nil {
		return nil, fmt.Errorf("baseline: evaluating the plan: %w", err)
	}
	return &model.Plan{
		Instance:   d.Inst.Name,
		Method:     method,
		Status:     model.StatusFeasible,
		Objective:  &z,
		Metrics:    &m,
		Plan:       a,
		Statistics: &model.Statistics{DurationSeconds: time.Since(start).Seconds(), Solver: Solver},
	}, nil
}

// tol is the relative tolerance of budget and CVaR comparisons.
const tol = 1e-9

func within(x, limit float64) bool {
	return x <= limit+tol*math.Max(1, math.Abs(limit))
}

// group is one firm's view of one market: the market's opportunities in
// score order, from head on still possibly open to the firm.
type group struct {
	market  int32
	head    int32
	kappa   float64 // κ_f(m)
	entered bool    // the firm has taken an opportunity in this market
}

type firmState struct {
	index   int
	role    int // roleIndex, -1 for an unknown role
	segs    []int32
	groups  []group
	spend   float64 // Σ a_p of the opportunities taken
	credit  float64 // c_f drawn so far
	count   int
	limit   int // max_projects, -1 unlimited
	creditK float64
	losses  []float64 // L_fk
}

type run struct {
	d       *model.Derived
	push    bool
	nK      int
	alpha   float64
	base    []float64 // npv + σ·C + λ_G·G
	market  []int32
	seg     []int32
	ok      [][3]bool // per opportunity and role: the mode admits a lone firm of that role
	loss    []float64 // ℓ_pk·a_p, p-major
	byMkt   [][]int32 // per market, opportunities by base score desc, then file order
	info    []float64 // I_m
	promo   []bool    // per market
	taken   []int32   // firm index + 1, 0 when free
	line    float64   // credit line left
	firms   []firmState
	order   []int // firm indices in turn order
	scratch []float64
	idx     []int
}

func roleIndex(r model.Role) int {
	switch r {
	case model.Large:
		return 0
	case model.SME:
		return 1
	case model.Supporting:
		return 2
	}
	return -1
}

// alone reports whether a firm of role r may take an opportunity of this
// rule and partner bounds on its own.
func alone(rule model.ModeRule, o *model.Opportunity, r model.Role) bool {
	if !rule.Allows(r) || (rule.Lead != "" && rule.Lead != r) {
		return false
	}
	for _, q := range rule.Requires {
		if q != r {
			return false
		}
	}
	return o.MinPartnersOr() == 1 && (o.MaxPartners == nil || *o.MaxPartners >= 1)
}

// newRun builds the run's tables from the derived instance: per market,
// per opportunity (with the lists sorted by base score), per firm, and the
// turn order.
func newRun(d *model.Derived, push bool) *run {
	in := d.Inst
	nP, nM, nK := len(in.Opportunities), len(in.Markets), len(in.Scenarios)
	r := &run{
		d: d, push: push, nK: nK, alpha: in.Policy.Alpha(),
		base: make([]float64, nP), market: make([]int32, nP), seg: make([]int32, nP),
		ok: make([][3]bool, nP), loss: make([]float64, nP*nK),
		byMkt: make([][]int32, nM), info: make([]float64, nM), promo: make([]bool, nM),
		taken: make([]int32, nP), line: in.Policy.CreditLine,
		scratch: make([]float64, nK), idx: make([]int, nK),
	}
	r.initMarkets()
	segIndex := r.initOpportunities()
	r.sortMarkets()
	r.initFirms(segIndex)
	r.order = turnOrder(in.Firms)
	return r
}

// initMarkets sets each market's info cost and whether it is promoted
// (promoted ids that name no market are ignored).
func (r *run) initMarkets() {
	in := r.d.Inst
	for m := range in.Markets {
		r.info[m] = in.Markets[m].InfoCost
	}
	for _, id := range in.Policy.PromotedMarkets {
		if m, ok := r.d.Market[id]; ok {
			r.promo[m] = true
		}
	}
}

// initOpportunities fills the per-opportunity tables (base score, market,
// segment, the roles that may take it alone, losses) and each market's
// list in file order; it returns the segment indices, numbered in order of
// first use.
func (r *run) initOpportunities() map[string]int32 {
	d, in := r.d, r.d.Inst
	rules := map[model.Mode]model.ModeRule{}
	segIndex := map[string]int32{}
	lambdaG := in.Objective.MarketPowerValue
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		r.base[p] = o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost + lambdaG*o.MarketPower
		m, ok := d.Market[o.Market]
		if !ok {
			m = -1 // invalid instance: the opportunity is never taken
		}
		r.market[p] = int32(m)
		s, ok := segIndex[o.Segment]
		if !ok {
			s = int32(len(segIndex))
			segIndex[o.Segment] = s
		}
		r.seg[p] = s
		rule, ok := rules[o.Mode]
		if !ok {
			rule = in.Rules.Mode(o.Mode)
			rules[o.Mode] = rule
		}
		for _, role := range model.Roles {
			r.ok[p][roleIndex(role)] = alone(rule, o, role)
		}
		for k := 0; k < r.nK; k++ {
			r.loss[p*r.nK+k] = d.Loss(p, k)
		}
		if m >= 0 {
			r.byMkt[m] = append(r.byMkt[m], int32(p))
		}
	}
	return segIndex
}

// sortMarkets orders each market's list by base score descending, ties in
// file order.
func (r *run) sortMarkets() {
	for m := range r.byMkt {
		slices.SortStableFunc(r.byMkt[m], func(a, b int32) int {
			switch {
			case r.base[a] > r.base[b]:
				return -1
			case r.base[a] < r.base[b]:
				return 1
			}
			return int(a - b)
		})
	}
}

// initFirms sets every firm's state; the loss vectors share one backing
// array.
func (r *run) initFirms(segIndex map[string]int32) {
	in := r.d.Inst
	r.firms = make([]firmState, len(in.Firms))
	losses := make([]float64, len(in.Firms)*r.nK)
	for f := range in.Firms {
		r.initFirm(f, segIndex, losses[f*r.nK:(f+1)*r.nK:(f+1)*r.nK])
	}
}

// initFirm sets firm f's role, limits, segments and loss vector, and gives
// it a group per market with opportunities, unless it can take nothing
// (unknown role, no known segment, or max_projects 0).
func (r *run) initFirm(f int, segIndex map[string]int32, losses []float64) {
	in := r.d.Inst
	fm := &in.Firms[f]
	fs := &r.firms[f]
	fs.index = f
	fs.role = roleIndex(fm.Role)
	fs.limit = -1
	if fm.MaxProjects != nil {
		fs.limit = *fm.MaxProjects
	}
	fs.creditK = in.Policy.CreditPerFirm * fm.Capital
	fs.losses = losses
	for _, s := range fm.Segments {
		if i, ok := segIndex[s]; ok && !slices.Contains(fs.segs, i) {
			fs.segs = append(fs.segs, i)
		}
	}
	if fs.role < 0 || len(fs.segs) == 0 || fs.limit == 0 {
		return
	}
	for m := range in.Markets {
		if len(r.byMkt[m]) > 0 {
			fs.groups = append(fs.groups, group{market: int32(m), kappa: fm.KnowledgeOf(in.Markets[m].ID)})
		}
	}
}

// turnOrder returns the firm indices in turn order: pioneers first, then
// capital descending, then id ascending, then file order.
func turnOrder(firms []model.Firm) []int {
	order := make([]int, len(firms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		fa, fb := &firms[a], &firms[b]
		switch {
		case fa.Pioneer != fb.Pioneer:
			if fa.Pioneer {
				return -1
			}
			return 1
		case fa.Capital > fb.Capital:
			return -1
		case fa.Capital < fb.Capital:
			return 1
		case fa.ID < fb.ID:
			return -1
		case fa.ID > fb.ID:
			return 1
		}
		return a - b
	})
	return order
}

// play runs the rounds.
func (r *run) play() {
	active := slices.Clone(r.order)
	for len(active) > 0 {
		next := active[:0]
		for _, f := range active {
			if r.turn(&r.firms[f]) {
				next = append(next, f)
			}
		}
		active = next
	}
}

// open reports whether firm fs may take p now (p in the market of g).
func (r *run) open(fs *firmState, g *group, p int32) bool {
	if r.taken[p] != 0 || !r.ok[p][fs.role] {
		return false
	}
	if !slices.Contains(fs.segs, r.seg[p]) {
		return false
	}
	in := r.d.Inst
	if g.kappa < in.Opportunities[p].KnowledgeRequired {
		return false
	}
	fm := &in.Firms[fs.index]
	a := r.d.NetCost[p]
	if !within(fs.spend+a, fm.Capital+math.Min(fs.creditK, fs.credit+r.line)) {
		return false
	}
	for k := range r.scratch {
		r.scratch[k] = fs.losses[k] + r.loss[int(p)*r.nK+k]
	}
	return within(r.cvar(r.scratch), fm.RiskLimit)
}

// turn lets firm fs take at most one opportunity; it reports whether it did.
func (r *run) turn(fs *firmState) bool {
	if fs.limit >= 0 && fs.count >= fs.limit {
		return false
	}
	bestP, bestG := int32(-1), -1
	bestScore := 0.0
	promoP, promoG := int32(-1), -1
	promoScore := 0.0
	live := fs.groups[:0]
	for _, g := range fs.groups {
		list := r.byMkt[g.market]
		for int(g.head) < len(list) && !r.open(fs, &g, list[g.head]) {
			g.head++
		}
		if int(g.head) == len(list) {
			continue // nothing in this market will ever be open to the firm again
		}
		live = append(live, g)
		gi := len(live) - 1
		p := list[g.head]
		score := r.base[p]
		if !g.entered {
			score -= r.info[g.market]
		}
		if r.push && r.promo[g.market] {
			if promoP < 0 || score > promoScore || (score == promoScore && p < promoP) {
				promoP, promoG, promoScore = p, gi, score
			}
			continue
		}
		if bestP < 0 || score > bestScore || (score == bestScore && p < bestP) {
			bestP, bestG, bestScore = p, gi, score
		}
	}
	fs.groups = live
	switch {
	case promoP >= 0:
		bestP, bestG = promoP, promoG
	case bestP >= 0 && bestScore > 0:
	default:
		return false
	}
	r.take(fs, &fs.groups[bestG], bestP)
	return true
}

func (r *run) take(fs *firmState, g *group, p int32) {
	fm := &r.d.Inst.Firms[fs.index]
	r.taken[p] = int32(fs.index) + 1
	g.entered = true
	fs.count++
	fs.spend += r.d.NetCost[p]
	if need := fs.spend - fm.Capital - fs.credit; need > 0 {
		draw := math.Min(need, math.Min(fs.creditK-fs.credit, r.line))
		if draw > 0 { // within tolerance the firm may be a hair short of credit
			fs.credit += draw
			r.line -= draw
		}
	}
	for k := range fs.losses {
		fs.losses[k] += r.loss[int(p)*r.nK+k]
	}
}

// cvar is CVaR_α of the loss vector l under the scenario probabilities
// (Rockafellar–Uryasev): the minimum over η ∈ {l_k} of
// η + Σ_k π_k·max(0, l_k − η)/(1 − α). It uses the run's scratch index.
func (r *run) cvar(l []float64) float64 {
	idx := r.idx
	for i := range idx {
		idx[i] = i
	}
	// Insertion sort, largest loss first: scenario counts are small.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && l[idx[j]] > l[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	scale := 1 / (1 - r.alpha)
	best := math.Inf(1)
	var mass, weighted float64
	for _, k := range idx {
		eta := l[k]
		if v := eta + scale*(weighted-mass*eta); v < best {
			best = v
		}
		mass += r.d.Probs[k]
		weighted += r.d.Probs[k] * l[k]
	}
	if len(idx) == 0 {
		return 0
	}
	return best
}

// assignment builds the plan block (not yet sorted).
func (r *run) assignment() *model.Assignment {
	in := r.d.Inst
	a := &model.Assignment{Projects: []model.Project{}, MarketsEntered: []string{}, Credit: []model.Credit{}}
	entered := make([]bool, len(in.Markets))
	for p, t := range r.taken {
		if t == 0 {
			continue
		}
		o := &in.Opportunities[p]
		f := &in.Firms[t-1]
		pj := model.Project{ID: o.ID, Market: o.Market, Mode: o.Mode,
			Participants: []model.Stake{{Firm: f.ID, Stake: 1}}}
		if in.Rules.Mode(o.Mode).Lead != "" {
			pj.Lead = f.ID
		}
		a.Projects = append(a.Projects, pj)
		entered[r.market[p]] = true
	}
	for m, e := range entered {
		if e {
			a.MarketsEntered = append(a.MarketsEntered, in.Markets[m].ID)
		}
	}
	for f := range r.firms {
		if c := r.firms[f].credit; c > 0 {
			a.Credit = append(a.Credit, model.Credit{Firm: in.Firms[f].ID, Amount: c})
		}
	}
	return a
}
