package horizon

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sort"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
)

// hoodLimit bounds a window's sub-MIP at first; a window whose sub-MIP
// ends at its limit without a solution gets twice as long the next time,
// up to hoodLimitMax (GLPK's root with cuts alone can take most of
// hoodLimit on a window of a few hundred binaries).
const (
	hoodLimit    = 5 * time.Second
	hoodLimitMax = 10 * time.Second
)

// hoodRetryGain is the least relative gain a starved window's bound must
// promise for the window to be tried again with a longer limit.
const hoodRetryGain = 0.005

// hoodCutoffGain is the least relative improvement a window's sub-MIP
// must make (its cutoff row; GLPK may exceed a row by its tolerance).
const hoodCutoffGain = 1e-5

// hoodWorkers is the number of windows solved at once: one per core, at
// most two.
func hoodWorkers() int { return max(1, min(2, runtime.GOMAXPROCS(0))) }

// hoods improves a solution of the MIP by fix-and-optimize over windows
// (windowKind; in the order of order): the y, x and l columns of the
// opportunities of one market, of one market with every pioneer's
// participations, the participations of a group of firms, the columns of
// one opportunity with its candidate firms' participations (openingWindows),
// the columns of half of two markets (each pair as its two halves, see
// split), or those of whole markets with only the members' and the
// guide's pairs (coalitionWindows), over every period, are freed, every
// other y, x and l is fixed at the incumbent (and s, w, q with x at 0),
// and the rest (stakes, knowledge, credit, CVaR, entry, dissipation)
// stays free; GLPK solves
// the restriction with its presolver. The one-period neighbourhood search
// (solver/cluster) frees projects by market the same way; here a window
// also moves projects between periods. The workers of largeSearch share
// one hoods: take, done and the fields they change are used under
// largeSearch.mu; solve only reads.
type hoods struct {
	fm *Formulation
	// byMarket[m] are the opportunities of market m.
	byMarket [][]int
	// pioneers marks the pioneers (whose participations a pioneer window
	// frees in every project and period).
	pioneers []bool
	// windows are the windows in the order they are tried (the halves of
	// starved windows appended), limits their sub-MIPs' time limits.
	windows []window
	limits  []time.Duration
	next    int
	// retry are windows (indices) to try before the next in order: they
	// improved on a solution that another window had improved more in the
	// meantime.
	retry []int
	// idle counts the windows tried in a row without an improvement.
	idle int
	// guidePairs are the pairs (opportunity, firm) of the guide's plans
	// (the relaxation's plan of R_T and the collapsed plan, setGuide) and
	// of R_T's pooled Lagrangian coalitions (addGuidePairs), which
	// coalition windows free; nil without one.
	guidePairs map[[2]int]bool
}

// window frees the opportunities of markets a and b (a == b: one market)
// and, with pioneers set, every pioneer's participations: a pioneer can
// leave a project elsewhere (its learners there staying only where another
// pioneer or their own knowledge lets them) for one in the window.
type window struct {
	a, b     int
	pioneers bool
	// group, when set, is a firm window: no market is free, and the
	// participations of the marked firms are free in every project taken
	// and period, so that a firm's capital and risk move between its
	// projects and markets (a and b are -1).
	group []bool
	// opps, when set, are the free opportunities of a half window (split):
	// part of those of markets a and b.
	opps []int
	// halved says that the window's halves are in the rotation already.
	halved bool
	// coalition marks a coalition window (coalitionWindows): in its
	// opportunities opps only the pairs of the incumbent's members and of
	// the guide's coalitions (guidePairs) are free.
	coalition bool
}

// opening says whether w is an opportunity window (openingWindows): one
// opportunity free with the participations of its candidate firms.
func (w window) opening() bool { return w.group != nil && w.opps != nil }

// split returns the two halves of a window whose sub-MIP starved, each
// tried with the first limit: a market window's opportunities, per
// market in order of segment (a segment's projects share its capacity
// and dissipation), the first half of each market in one and the rest in
// the other; a firm window's group cut in two (an opening window's
// candidates other than pioneers). It returns nil when the window cannot
// be halved (one opportunity, or one firm).
func (h *hoods) split(w window) []window {
	if w.coalition {
		return h.splitCoalition(w)
	}
	if w.group != nil {
		// An opening window keeps the pioneers among its candidates in
		// both halves: an SME short of knowledge needs one beside it.
		var members, kept []int
		for f, in := range w.group {
			switch {
			case !in:
			case w.opening() && h.pioneers[f]:
				kept = append(kept, f)
			default:
				members = append(members, f)
			}
		}
		if len(members) < 2 {
			return nil
		}
		var out []window
		for _, part := range [][]int{members[:len(members)/2], members[len(members)/2:]} {
			g := make([]bool, len(w.group))
			for _, f := range slices.Concat(part, kept) {
				g[f] = true
			}
			out = append(out, window{a: -1, b: -1, group: g, opps: w.opps})
		}
		return out
	}
	opps := h.freeOpps(w)
	if len(opps) < 2 {
		return nil
	}
	in := h.fm.Inst
	markets, byMarket := h.groupByMarket(opps)
	var first, second []int
	for _, m := range markets {
		ps := byMarket[m]
		sort.SliceStable(ps, func(i, j int) bool { return in.Opportunities[ps[i]].Segment < in.Opportunities[ps[j]].Segment })
		cut := (len(ps) + 1) / 2
		if len(markets) == 1 {
			cut = len(ps) / 2
		}
		first, second = append(first, ps[:cut]...), append(second, ps[cut:]...)
	}
	if len(first) == 0 || len(second) == 0 {
		return nil
	}
	return []window{{a: w.a, b: w.b, pioneers: w.pioneers, opps: first}, {a: w.a, b: w.b, pioneers: w.pioneers, opps: second}}
}

// groupByMarket returns the markets of opps in order of first appearance
// and, per market, its opportunities of opps in their order.
func (h *hoods) groupByMarket(opps []int) (markets []int, byMarket map[int][]int) {
	byMarket = map[int][]int{}
	for _, p := range opps {
		m := h.fm.D.Market[h.fm.Inst.Opportunities[p].Market]
		if byMarket[m] == nil {
			markets = append(markets, m)
		}
		byMarket[m] = append(byMarket[m], p)
	}
	return markets, byMarket
}

// freeOpps returns the opportunities a window frees: its half's, else
// those of its markets (none for a firm window).
func (h *hoods) freeOpps(w window) []int {
	if w.opps != nil {
		return w.opps
	}
	return h.marketList(w.a, w.b)
}

// marketList returns the opportunities of markets a and b (none for a
// firm window's -1).
func (h *hoods) marketList(a, b int) []int {
	if a < 0 || b < 0 {
		return nil
	}
	out := append([]int(nil), h.byMarket[a]...)
	if b != a {
		out = append(out, h.byMarket[b]...)
	}
	return out
}

// marketOpps returns the opportunities of the markets as a set.
func (h *hoods) marketOpps(markets map[int]bool) map[int]bool {
	free := map[int]bool{}
	for m := range markets {
		for _, p := range h.byMarket[m] {
			free[p] = true
		}
	}
	return free
}

// firmWindows is the number of firm windows: the firms in order of their
// first segment, in runs of about |firms|/firmWindows.
const firmWindows = 10

func newHoods(fm *Formulation) *hoods {
	in := fm.Inst
	h := &hoods{fm: fm, byMarket: make([][]int, len(in.Markets)), pioneers: make([]bool, len(in.Firms))}
	for p := range in.Opportunities {
		m := fm.D.Market[in.Opportunities[p].Market]
		h.byMarket[m] = append(h.byMarket[m], p)
	}
	for f := range in.Firms {
		h.pioneers[f] = in.Firms[f].Pioneer
	}
	nM := len(in.Markets)
	for m := 0; m < nM; m++ { // single markets first: the cheapest
		h.windows = append(h.windows, window{a: m, b: m})
	}
	if slices.Contains(h.pioneers, true) {
		for m := 0; m < nM; m++ {
			h.windows = append(h.windows, window{a: m, b: m, pioneers: true})
		}
	}
	h.windows = append(h.windows, firmGroups(in)...)
	h.windows = append(h.windows, openingWindows(fm)...)
	for k := 1; k <= nM/2; k++ {
		for m := 0; m < nM; m++ {
			if k == nM-k && m >= k { // the pair {m, m+k} came as {m-k, m}
				continue
			}
			// A whole pair's sub-MIP starved at its first limit on the
			// 300-firm clusters, and took the workers' time to no avail.
			pair := window{a: m, b: (m + k) % nM}
			if halves := h.split(pair); halves != nil {
				h.windows = append(h.windows, halves...)
			} else {
				h.windows = append(h.windows, pair)
			}
		}
	}
	h.limits = make([]time.Duration, len(h.windows))
	for i := range h.limits {
		h.limits[i] = hoodLimit
	}
	return h
}

// openingWindows returns one window per opportunity: its y, x and l free
// in every period, and the participations of every firm that could join
// it (a pair in some period) free in every project taken and period. A
// project enters, moves to another period or changes its coalition while
// its candidates leave, join or swap other projects: the chain a new
// project needs where firms' project counts are tight (the one-period
// search's opening family). A starved one is halved by its candidates
// (split), the pioneers among them in both halves.
func openingWindows(fm *Formulation) []window {
	var out []window
	for p := range fm.Inst.Opportunities {
		group := make([]bool, len(fm.Inst.Firms))
		found := false
		for t := 0; t < fm.T; t++ {
			for _, pr := range fm.Pairs[p][t] {
				group[pr.Firm], found = true, true
			}
		}
		if found {
			out = append(out, window{a: -1, b: -1, group: group, opps: []int{p}})
		}
	}
	return out
}

// firmGroups returns the firm windows: the firms ordered by their first
// segment (then file order), cut into firmWindows runs.
func firmGroups(in *model.Instance) []window {
	order := make([]int, len(in.Firms))
	for f := range order {
		order[f] = f
	}
	first := func(f int) string {
		if len(in.Firms[f].Segments) == 0 {
			return ""
		}
		return in.Firms[f].Segments[0]
	}
	sort.SliceStable(order, func(i, j int) bool { return first(order[i]) < first(order[j]) })
	n := min(firmWindows, len(order))
	var out []window
	for k := 0; k < n; k++ {
		group := make([]bool, len(in.Firms))
		for _, f := range order[k*len(order)/n : (k+1)*len(order)/n] {
			group[f] = true
		}
		out = append(out, window{a: -1, b: -1, group: group})
	}
	return out
}

// windowKind is a kind of window, in the order the kinds are built.
type windowKind int

const (
	kindMarket    windowKind = iota // one market
	kindPioneers                    // one market with every pioneer's participations
	kindFirms                       // a group of firms
	kindOpening                     // one opportunity with its candidate firms
	kindPair                        // half of two markets
	kindCoalition                   // whole markets, the members' and the guide's pairs
	nKinds
)

// kind returns the kind of w.
func (w window) kind() windowKind {
	switch {
	case w.coalition:
		return kindCoalition
	case w.opening():
		return kindOpening
	case w.group != nil:
		return kindFirms
	case w.a != w.b:
		return kindPair
	case w.pioneers:
		return kindPioneers
	}
	return kindMarket
}

// order sorts the windows of each kind: market windows by what the
// relaxation's plan guide (nil: no such order) gains in their markets
// beyond the incumbent x, largest first (where the bound finds value the
// plan lacks), opening windows with the opportunities x leaves out first,
// most valuable first; ties in the order built. The single markets come
// first; then the other kinds take turns, one window each (pioneers, firm
// group, opening, pair, coalition), so that none waits for the others' whole list: a
// pair's sub-MIP takes several times as long as a market's, and there is
// an opening window per opportunity.
func (h *hoods) order(x []float64, guide *model.Assignment) {
	fm := h.fm
	in := fm.Inst
	gain := func(p int) float64 {
		o := &in.Opportunities[p]
		return in.ProjectValue(o) + in.Objective.MarketPowerValue*o.MarketPower
	}
	taken := func(p int) bool {
		for t := 0; t < fm.T; t++ {
			if y := fm.Y[p][t]; y != none && x[y] > 0.5 {
				return true
			}
		}
		return false
	}
	lack := make([]float64, len(in.Markets))
	if guide != nil && x != nil {
		for _, pj := range guide.Projects {
			if p, ok := fm.D.Opp[pj.ID]; ok {
				lack[fm.D.Market[in.Opportunities[p].Market]] += gain(p)
			}
		}
		for p := range in.Opportunities {
			for t := 0; t < fm.T; t++ {
				if y := fm.Y[p][t]; y != none && x[y] > 0.5 {
					lack[fm.D.Market[in.Opportunities[p].Market]] -= fm.weight(t) * gain(p)
				}
			}
		}
	}
	score := func(w window) float64 {
		switch w.kind() {
		case kindOpening:
			if x == nil {
				return 0
			}
			if taken(w.opps[0]) {
				return math.Inf(-1)
			}
			return gain(w.opps[0])
		case kindFirms, kindCoalition:
			return 0
		case kindPair:
			return lack[w.a] + lack[w.b]
		}
		return lack[w.a]
	}
	sort.SliceStable(h.windows, func(i, j int) bool {
		wi, wj := h.windows[i], h.windows[j]
		if wi.kind() != wj.kind() {
			return wi.kind() < wj.kind()
		}
		return score(wi) > score(wj)
	})
	var byKind [nKinds][]window
	for _, w := range h.windows {
		byKind[w.kind()] = append(byKind[w.kind()], w)
	}
	out := append([]window(nil), byKind[kindMarket]...)
	for k := 0; len(out) < len(h.windows); k++ {
		for c := kindPioneers; c < nKinds; c++ {
			if k < len(byKind[c]) {
				out = append(out, byKind[c][k])
			}
		}
	}
	h.windows = out
}

// add appends windows to the rotation with the first limit.
func (h *hoods) add(ws []window) {
	for _, w := range ws {
		h.windows = append(h.windows, w)
		h.limits = append(h.limits, hoodLimit)
	}
}

// take returns the index of the next window to try: one queued for a
// retry first, then the next in order.
func (h *hoods) take() int {
	if len(h.retry) > 0 {
		i := h.retry[0]
		h.retry = h.retry[1:]
		return i
	}
	i := h.next % len(h.windows)
	h.next++
	return i
}

// done records the outcome of window i: improved (on the solution it
// started from), or starved (its sub-MIP ended at its full limit without a
// solution). A starved window is halved (split): its halves are tried
// next and join the rotation, and it comes back in its turn with twice
// the time, up to hoodLimitMax; one halved already (or that cannot be) is
// tried again next with twice the time.
func (h *hoods) done(i int, improved, starved bool) {
	if improved {
		h.idle = 0
		return
	}
	h.idle++
	if !starved {
		return
	}
	if !h.windows[i].halved {
		if halves := h.split(h.windows[i]); halves != nil {
			h.windows[i].halved = true
			for _, w := range halves {
				h.windows = append(h.windows, w)
				h.limits = append(h.limits, hoodLimit)
				h.retry = append(h.retry, len(h.windows)-1)
			}
			h.limits[i] = min(2*h.limits[i], hoodLimitMax)
			return
		}
	}
	if h.limits[i] < hoodLimitMax {
		h.limits[i] = min(2*h.limits[i], hoodLimitMax)
		h.retry = append(h.retry, i)
	}
}

// solve solves window w from x (objective z) within limit and returns a
// better solution, or nil; starved says that the sub-MIP ended at the
// limit without a solution, with a bound at least hoodRetryGain below z
// (a window that can gain little is not worth a longer sub-MIP).
func (h *hoods) solve(ctx context.Context, w window, x []float64, z float64, limit time.Duration) (y []float64, starved bool) {
	free := map[int]bool{}
	for _, p := range h.freeOpps(w) {
		free[p] = true
	}
	firms := w.group
	if firms == nil && w.pioneers {
		firms = h.pioneers
	}
	var pairs map[[2]int]bool
	if w.coalition {
		pairs = h.coalitionPairs(x, w.opps)
	}
	y, bound := h.solveFree(ctx, x, free, firms, pairs, z-hoodCutoffGain*max(1, abs(z)), limit)
	if y == nil || h.fm.Prob.Objective(y) >= z-1e-6*max(1, abs(z)) {
		return nil, bound <= z-hoodRetryGain*max(1, abs(z))
	}
	return y, false
}

// solveFree solves the restriction of the MIP around x with the y, x and l
// columns of the opportunities in free (only the pairs in pairs, when not
// nil), and the participations of the firms marked in firms (nil: none)
// everywhere (fixOutside), by GLPK
// with its presolver and cuts, within limit, and returns the solution if
// it satisfies every row, else nil; when GLPK stopped at the time limit
// without a solution, bound is its bound on the window, else +Inf. A
// finite cutoff adds the row Z ≤ cutoff, which prunes what cannot beat the
// incumbent (GLPK's presolved problem cannot take ours); +Inf: none (a
// repair needs any plan).
func (h *hoods) solveFree(ctx context.Context, x []float64, free map[int]bool, firms []bool, pairs map[[2]int]bool, cutoff float64, limit time.Duration) (y []float64, bound float64) {
	x = append([]float64(nil), x...) // fixOutside rounds it
	rs := h.fm.Prob.Restrict(h.fixOutside(x, free, firms, pairs), x)
	if rs.Infeasible != "" || ctx.Err() != nil {
		return nil, math.Inf(1)
	}
	if !math.IsInf(cutoff, 1) && !rs.AddCutoff(cutoff) {
		return nil, math.Inf(1)
	}
	// Depth first with Gomory, MIR and cover cuts: a window needs a better
	// plan soon rather than a proof, and GLPK's default, best local bound,
	// often finds none within the limit on a window of a few hundred
	// binaries (docs/experiments.md).
	prm := glpk.Params{TimeLimit: limit, Presolve: true, RelGap: 1e-3, GomoryCuts: true, MIRCuts: true, CoverCuts: true,
		Backtracking: glpk.BacktrackDepthFirst}
	res, err := glpk.SolveMIP(ctx, rs.Problem, prm, glpk.Callbacks{})
	if err != nil || res == nil {
		return nil, math.Inf(1)
	}
	if !res.HasSolution {
		if res.Stop == glpk.TimeLimit && ctx.Err() == nil {
			return nil, res.Bound
		}
		return nil, math.Inf(1)
	}
	y = rs.Expand(res.X)
	if h.fm.Prob.CheckFeasible(y, columnTol) != nil {
		return nil, math.Inf(1)
	}
	return y, math.Inf(1)
}

// fixOutside fixes the y, x and l columns of the opportunities not in
// free at their values in x (and s, w, q of pairs out of the plan), but
// for the pairs of the firms marked in firms (nil: none); with pairs not
// nil, the pairs (opportunity, firm) of free opportunities that are not
// in pairs are fixed too (a coalition window).
func (h *hoods) fixOutside(x []float64, free map[int]bool, firms []bool, pairs map[[2]int]bool) []bool {
	fm := h.fm
	fixed := make([]bool, len(fm.Prob.Cols))
	for p := range fm.Inst.Opportunities {
		if free[p] && pairs == nil {
			continue
		}
		for t := 0; t < fm.T; t++ {
			if fm.Y[p][t] == none {
				continue
			}
			if !free[p] {
				fixed[fm.Y[p][t]] = true
			}
			for _, pr := range fm.Pairs[p][t] {
				if (firms != nil && firms[pr.Firm]) || (free[p] && pairs[[2]int{p, pr.Firm}]) {
					continue
				}
				in := x[pr.X] > 0.5
				lead := pr.L != none && x[pr.L] > 0.5
				fm.fixPair(pr, in, lead, fixed, x)
			}
		}
	}
	return fixed
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
