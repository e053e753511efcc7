package baseline

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/ofdi/ofdi/model"
)

// knowTol is the tolerance of "knows enough" over a horizon: knowledge is
// a sum of rates (0.7 + 0.1 + 0.1 falls 1e-16 short of 0.9).
const knowTol = 1e-9

// RunHorizon runs a baseline over the periods of a multi-period instance
// (MODEL.md, "Baselines over the horizon"): in each period the rounds of
// the one-period baseline, on the opportunities open then, with the
// knowledge the firm has at the start of the period; each firm's knowledge
// grows by doing (g_D per project in its market, φ·g_D in every other;
// nobody learns beside a pioneer). Budgets are cumulative: by period t a
// firm has put in at most min(1, r·t)·K_f plus the credit it drew, credit
// first come first served as in one period; CVaR is over all its projects
// and max_projects over the horizon. Info cost is paid per firm and market
// when the firm first enters it. The plan's projects carry their period;
// objective, metrics, periods, knowledge and stages come from
// model.Derived.EvaluateHorizon.
//
// Unlike Run it re-examines every free opportunity in every turn (a firm
// that could take nothing may take something later, when knowledge grows,
// capital is released or an opportunity opens): O(rounds·F·P) tests.
func RunHorizon(d *model.Derived, method string) (*model.Plan, error) {
	if method != model.MethodIndependent && method != model.MethodPolicyPush {
		return nil, fmt.Errorf("baseline: unknown method %q (want %q or %q)",
			method, model.MethodIndependent, model.MethodPolicyPush)
	}
	start := time.Now()
	h := newHorizonRun(d, method == model.MethodPolicyPush)
	for t := 1; t <= d.Inst.Periods(); t++ {
		h.playPeriod(t)
	}
	a := h.assignment()
	m, z, view, err := d.EvaluateHorizon(a, method)
	if err != nil {
		return nil, fmt.Errorf("baseline: evaluating the plan: %w", err)
	}
	return &model.Plan{
		Instance: d.Inst.Name, Method: method, Status: model.StatusFeasible,
		Objective: &z, Metrics: &m, Plan: a,
		Periods: view.Periods, Knowledge: view.Knowledge, Stages: view.Stages,
		Statistics: &model.Statistics{DurationSeconds: time.Since(start).Seconds(), Solver: Solver},
	}, nil
}

// horizonFirm is one firm's state over the horizon.
type horizonFirm struct {
	spend, credit float64
	count, limit  int // limit -1: unlimited
	losses        []float64
	entered       map[int]bool
	kappa         []float64 // per market, at the start of the current period
	gain          []float64 // per market, gained in the current period
}

type horizonRun struct {
	d      *model.Derived
	push   bool
	line   float64
	taken  []int // period in which p was taken, 0 when free
	owner  []int
	firms  []horizonFirm
	order  []int
	promo  map[int]bool
	period int
}

func newHorizonRun(d *model.Derived, push bool) *horizonRun {
	in := d.Inst
	h := &horizonRun{d: d, push: push, line: in.Policy.CreditLine,
		taken: make([]int, len(in.Opportunities)), owner: make([]int, len(in.Opportunities)),
		firms: make([]horizonFirm, len(in.Firms)), promo: map[int]bool{}}
	for _, id := range in.Policy.PromotedMarkets {
		if m, ok := d.Market[id]; ok {
			h.promo[m] = true
		}
	}
	for f := range in.Firms {
		fm := &in.Firms[f]
		hf := &h.firms[f]
		hf.limit = -1
		if fm.MaxProjects != nil {
			hf.limit = *fm.MaxProjects
		}
		hf.losses = make([]float64, len(in.Scenarios))
		hf.entered = map[int]bool{}
		hf.kappa = make([]float64, len(in.Markets))
		hf.gain = make([]float64, len(in.Markets))
		for m := range in.Markets {
			hf.kappa[m] = fm.KnowledgeOf(in.Markets[m].ID)
		}
		h.order = append(h.order, f)
	}
	sort.SliceStable(h.order, func(i, j int) bool {
		a, b := &in.Firms[h.order[i]], &in.Firms[h.order[j]]
		if a.Pioneer != b.Pioneer {
			return a.Pioneer
		}
		if a.Capital != b.Capital {
			return a.Capital > b.Capital
		}
		return a.ID < b.ID
	})
	return h
}

// playPeriod plays the rounds of period t, then lets knowledge grow by doing.
func (h *horizonRun) playPeriod(t int) {
	h.period = t
	for {
		took := false
		for _, f := range h.order {
			if p := h.choose(f); p >= 0 {
				h.take(f, p)
				took = true
			}
		}
		if !took {
			break
		}
	}
	gD, _, phi := h.d.Inst.Horizon.Gains()
	for f := range h.firms {
		hf := &h.firms[f]
		total := 0.0
		for _, g := range hf.gain {
			total += g
		}
		for m := range hf.kappa {
			hf.kappa[m] = math.Min(1, hf.kappa[m]+gD*(hf.gain[m]+phi*(total-hf.gain[m])))
			hf.gain[m] = 0
		}
	}
}

// choose returns the opportunity firm f takes in its turn, or -1.
func (h *horizonRun) choose(f int) int {
	in := h.d.Inst
	best, bestScore := -1, math.Inf(-1)
	promo, promoScore := -1, math.Inf(-1)
	for p := range in.Opportunities {
		if !h.feasible(f, p) {
			continue
		}
		o := &in.Opportunities[p]
		m := h.d.Market[o.Market]
		score := o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost + in.Objective.MarketPowerValue*o.MarketPower
		if !h.firms[f].entered[m] {
			score -= in.Markets[m].InfoCost
		}
		if score > bestScore {
			best, bestScore = p, score
		}
		if h.push && h.promo[m] && score > promoScore {
			promo, promoScore = p, score
		}
	}
	if promo >= 0 {
		return promo
	}
	if best >= 0 && bestScore > 0 {
		return best
	}
	return -1
}

// feasible reports whether f may take p alone now.
func (h *horizonRun) feasible(f, p int) bool {
	in, d := h.d.Inst, h.d
	o := &in.Opportunities[p]
	fm := &in.Firms[f]
	hf := &h.firms[f]
	if h.taken[p] != 0 || !o.OpenIn(h.period) || !alone(in.Rules.Mode(o.Mode), o, fm.Role) || !fm.Serves(o.Segment) {
		return false
	}
	if hf.kappa[d.Market[o.Market]] < o.KnowledgeRequired-knowTol || (hf.limit >= 0 && hf.count+1 > hf.limit) {
		return false
	}
	if h.shortfall(f, p) < 0 {
		return false
	}
	losses := make([]float64, len(hf.losses))
	for k := range losses {
		losses[k] = hf.losses[k] + d.Loss(p, k)
	}
	return within(model.CVaR(losses, d.Probs, in.Policy.Alpha()), fm.RiskLimit)
}

// shortfall returns the credit f must draw to afford p now (0 when none),
// or -1 when it cannot.
func (h *horizonRun) shortfall(f, p int) float64 {
	in := h.d.Inst
	fm := &in.Firms[f]
	hf := &h.firms[f]
	avail := in.Horizon.Release(h.period)*fm.Capital + hf.credit
	need := hf.spend + h.d.NetCost[p] - avail
	if within(hf.spend+h.d.NetCost[p], avail) {
		return 0
	}
	if !within(hf.credit+need, in.Policy.CreditPerFirm*fm.Capital) || !within(need, h.line) {
		return -1
	}
	return need
}

func (h *horizonRun) take(f, p int) {
	d := h.d
	hf := &h.firms[f]
	need := h.shortfall(f, p)
	hf.credit += need
	h.line -= need
	hf.spend += d.NetCost[p]
	hf.count++
	for k := range hf.losses {
		hf.losses[k] += d.Loss(p, k)
	}
	m := d.Market[d.Inst.Opportunities[p].Market]
	hf.entered[m] = true
	hf.gain[m]++
	h.taken[p], h.owner[p] = h.period, f
}

// assignment returns the plan: projects by period then file order.
func (h *horizonRun) assignment() *model.Assignment {
	in := h.d.Inst
	a := &model.Assignment{Projects: []model.Project{}, MarketsEntered: []string{}, Credit: []model.Credit{}}
	entered := map[int]bool{}
	for t := 1; t <= in.Periods(); t++ {
		for p, tp := range h.taken {
			if tp != t {
				continue
			}
			o := &in.Opportunities[p]
			f := h.owner[p]
			pj := model.Project{ID: o.ID, Market: o.Market, Mode: o.Mode, Period: t,
				Participants: []model.Stake{{Firm: in.Firms[f].ID, Stake: 1}}}
			if in.Rules.Mode(o.Mode).Lead != "" {
				pj.Lead = in.Firms[f].ID
			}
			a.Projects = append(a.Projects, pj)
			entered[h.d.Market[o.Market]] = true
		}
	}
	for m := range in.Markets {
		if entered[m] {
			a.MarketsEntered = append(a.MarketsEntered, in.Markets[m].ID)
		}
	}
	for f := range h.firms {
		if h.firms[f].credit > 0 {
			a.Credit = append(a.Credit, model.Credit{Firm: in.Firms[f].ID, Amount: h.firms[f].credit})
		}
	}
	return a
}
