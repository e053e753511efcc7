package cluster

// The neighbourhood search on clusters above MaxGLPKRows: windows of
// opportunities, each written and solved on its own (see buildWindow),
// the families and sizes chosen by what they gained lately, one or two
// workers sharing the schedule.

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
)

// Large-cluster window parameters.
const (
	// largeWindowBinaries: the smallest windows hold at least this many
	// binaries (their opportunities' columns); there are largeSizes
	// sizes, each twice the one before (see largeSchedule), and each
	// gets at least largeSizeFloor of the search's time.
	largeWindowBinaries = 400
	largeSizes          = 4
	largeSizeFloor      = 0.1
	// largePairs is the most pairs of an opportunity a window frees
	// besides the plan's members: the Lagrangian relaxation's coalition
	// first (see largePool.guide), then pioneers of Π_p (learners need
	// one), then learning-reward pairs, then the others, each by the
	// largest stake they can hold. With too few, the pioneers fill the
	// room and learners cannot join; with too many, each window's
	// sub-MIP is slow (docs/experiments.md, "Large clusters").
	largePairs = 120
	// largeWindowNodes bounds each window's branch-and-bound.
	largeWindowNodes = 150
	// largeWindowTime bounds each window's solve.
	largeWindowTime = 10 * time.Second
)

// largeFamily is a family of windows on clusters above MaxGLPKRows.
type largeFamily int

const (
	// largeMarkets: runs of opportunities market by market, overlapping
	// by half.
	largeMarkets largeFamily = iota
	// largeOpening: one opportunity not taken, most valuable first, with
	// the projects its candidate firms are tied to (those they lead, and
	// those where they are a pioneer learners may depend on), so that
	// they may move to it.
	largeOpening
	// largePioneers: one opportunity not taken that a pioneer could open,
	// most valuable first, with the projects its pioneers take part in.
	largePioneers
	// largeCoalitions: whole markets in a shuffled order, with only the
	// plan's members and the relaxation's coalitions free (see
	// coalitionWindow): wide in opportunities and narrow in pairs, so
	// that pioneers and learners can move between many projects at once.
	largeCoalitions
	// largeFamilies is the number of families in turn.
	largeFamilies = int(largeCoalitions) + 1
)

// narrow reports whether f's windows free only the plan's members and
// the relaxation's coalitions (see largeSearch.keep).
func (f largeFamily) narrow() bool { return f == largeCoalitions }

// largeSearch is the window search over a structure-only formulation.
type largeSearch struct {
	fm *Formulation
	// order is the opportunities that can run, market by market;
	// byValue the same, most valuable (Gain) first; byMarket the same
	// per market.
	order, byValue []int
	byMarket       [][]int
	// binaries[p] counts p's binary columns (y, x, l) a window writes;
	// total sums them.
	binaries []int
	total    int
}

func newLargeSearch(fm *Formulation) *largeSearch {
	d := fm.D
	s := &largeSearch{fm: fm, binaries: make([]int, len(fm.Y))}
	for p, y := range fm.Y {
		if y == none {
			continue
		}
		s.order = append(s.order, p)
		s.binaries[p] = 1 + 2*min(len(fm.Pairs[p]), largePairs)
		s.total += s.binaries[p]
	}
	mkt := func(p int) int { return d.Market[d.Inst.Opportunities[p].Market] }
	// Stable by market: file order within a market.
	byMarket := make([][]int, len(d.Inst.Markets))
	for _, p := range s.order {
		byMarket[mkt(p)] = append(byMarket[mkt(p)], p)
	}
	s.order = s.order[:0]
	for _, ps := range byMarket {
		s.order = append(s.order, ps...)
	}
	s.byMarket = byMarket
	s.byValue = slices.Clone(s.order)
	sort.SliceStable(s.byValue, func(i, j int) bool { return fm.Gain[s.byValue[i]] > fm.Gain[s.byValue[j]] })
	return s
}

// windows is the number of window starts of the market runs in a pass at
// this size (overlapping by half); a pass gives every family as many.
func (s *largeSearch) windows(size int) int { return halfWindowStarts(s.total, size) }

// window returns the k-th window of family f at this size around plan a:
// the opportunities it frees (nil: nothing to solve). guide is the
// relaxation's coalitions (see largePool.guide; nil: none).
func (s *largeSearch) window(f largeFamily, k, size int, a *model.Assignment, guide [][]int) []bool {
	switch f {
	case largeOpening:
		return s.openingWindow(k, size, a, guide)
	case largePioneers:
		return s.pioneerWindow(k, size, a)
	case largeCoalitions:
		return s.coalitionWindow(k, size, a, guide)
	}
	return s.marketRun(k, size)
}

// coalitionWindow frees whole markets, in the k-th shuffled order of the
// markets, while the window holds fewer than size binaries, counting for
// each opportunity only the pairs its windows free: the members of a's
// project and the relaxation's coalition (guide; nil: no window). The
// relaxation's coalitions at good multipliers hold the pairs of better
// plans, and a window that frees only those can span a third or half of
// the cluster, where a pioneer's moves between projects play out.
func (s *largeSearch) coalitionWindow(k, size int, a *model.Assignment, guide [][]int) []bool {
	if guide == nil {
		return nil
	}
	d := s.fm.D
	pairs := make([]int, len(s.fm.Y)) // members and the guide's others
	member := map[[2]int]bool{}
	for _, pj := range a.Projects {
		p := d.Opp[pj.ID]
		pairs[p] = len(pj.Participants)
		for _, st := range pj.Participants {
			member[[2]int{p, d.Firm[st.Firm]}] = true
		}
	}
	w := make([]bool, len(s.fm.Y))
	free := 0
	for _, m := range rand.New(rand.NewPCG(uint64(k), 1)).Perm(len(s.byMarket)) {
		if free >= size {
			break
		}
		for _, p := range s.byMarket[m] {
			for _, f := range guide[p] {
				if !member[[2]int{p, f}] {
					pairs[p]++
				}
			}
			w[p] = true
			free += 1 + 2*pairs[p]
		}
	}
	return w
}

// marketRun marks the run of the order that starts at the k-th offset of a
// pass (half a window apart) and holds size binaries.
func (s *largeSearch) marketRun(k, size int) []bool {
	w := make([]bool, len(s.fm.Y))
	offset, at := (k%s.windows(size))*size/2, 0
	for at < len(s.order) && offset > 0 {
		offset -= s.binaries[s.order[at]]
		at++
	}
	for n, free := 0, 0; n < len(s.order) && free < size; n++ {
		p := s.order[(at+n)%len(s.order)]
		w[p] = true
		free += s.binaries[p]
	}
	return w
}

// taken indexes plan a: which opportunities it takes, and per firm the
// projects it is tied to (it leads them, or it is a pioneer of Π_p there)
// and every project it takes part in.
func (s *largeSearch) taken(a *model.Assignment) (in []bool, tied, member [][]int) {
	d := s.fm.D
	in = make([]bool, len(s.fm.Y))
	tied, member = make([][]int, len(d.Inst.Firms)), make([][]int, len(d.Inst.Firms))
	for _, pj := range a.Projects {
		p := d.Opp[pj.ID]
		in[p] = true
		for _, st := range pj.Participants {
			f := d.Firm[st.Firm]
			member[f] = append(member[f], p)
			if pc := s.fm.pair(p, f); pc != nil && (st.Firm == pj.Lead || pc.Pioneer) {
				tied[f] = append(tied[f], p)
			}
		}
	}
	return in, tied, member
}

// out returns the opportunities a does not take, most valuable first;
// withPioneer keeps those with a pioneer pair only.
func (s *largeSearch) out(in []bool, withPioneer bool) []int {
	var out []int
	for _, p := range s.byValue {
		if in[p] {
			continue
		}
		if withPioneer && !slices.ContainsFunc(s.fm.Pairs[p], func(pc PairCols) bool { return pc.Pioneer }) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// openingWindow frees the k-th most valuable opportunity a does not take
// (those the relaxation takes first, see guideFirst) and the projects its
// candidate firms (in the order keep frees them) are tied to, while the
// window holds fewer than size binaries.
func (s *largeSearch) openingWindow(k, size int, a *model.Assignment, guide [][]int) []bool {
	in, tied, _ := s.taken(a)
	return s.openWith(guideFirst(s.out(in, false), guide), k, size, tied, func(p int) []int {
		var firms []int
		for _, i := range s.candidates(p, nil, guide) {
			firms = append(firms, s.fm.Pairs[p][i].Firm)
		}
		return firms
	})
}

// guideFirst returns out with the opportunities the relaxation takes
// (guide, see largePool.guide; nil: none) first, each part in its order.
func guideFirst(out []int, guide [][]int) []int {
	if guide == nil {
		return out
	}
	first := make([]int, 0, len(out))
	var rest []int
	for _, p := range out {
		if len(guide[p]) > 0 {
			first = append(first, p)
		} else {
			rest = append(rest, p)
		}
	}
	return append(first, rest...)
}

// pioneerWindow frees the k-th most valuable opportunity a does not take
// that has a pioneer pair, and the projects its pioneers take part in,
// while the window holds fewer than size binaries.
func (s *largeSearch) pioneerWindow(k, size int, a *model.Assignment) []bool {
	in, _, member := s.taken(a)
	return s.openWith(s.out(in, true), k, size, member, func(p int) []int {
		var firms []int
		for _, pc := range s.fm.Pairs[p] {
			if pc.Pioneer {
				firms = append(firms, pc.Firm)
			}
		}
		return firms
	})
}

// openWith frees the k-th opportunity p of out (nil when out is empty)
// and, for each firm of firms(p) in turn, the projects projects[f], while
// the window holds fewer than size binaries.
func (s *largeSearch) openWith(out []int, k, size int, projects [][]int, firms func(p int) []int) []bool {
	if len(out) == 0 {
		return nil
	}
	p := out[k%len(out)]
	w := make([]bool, len(s.fm.Y))
	w[p] = true
	free := s.binaries[p]
	for _, f := range firms(p) {
		for _, q := range projects[f] {
			if free >= size {
				return w
			}
			if !w[q] {
				w[q] = true
				free += s.binaries[q]
			}
		}
	}
	return w
}

// candidates returns the indexes of p's pairs, members (nil: none) first,
// then the relaxation's coalition of p (guide, see largePool.guide; nil:
// none), then in the order of largePairs: pioneers of Π_p,
// learning-reward pairs, the others, each by the largest stake they can
// hold.
func (s *largeSearch) candidates(p int, members map[[2]int]bool, guide [][]int) []int {
	pairs := s.fm.Pairs[p]
	var relaxed []int
	if guide != nil {
		relaxed = guide[p]
	}
	// Each pair's class, once: the comparator runs n·log n times.
	rank := make([]int, len(pairs))
	for i := range pairs {
		pc := &pairs[i]
		switch {
		case members[[2]int{p, pc.Firm}]:
			rank[i] = -2
		case slices.Contains(relaxed, pc.Firm):
			rank[i] = -1
		case pc.Pioneer:
			rank[i] = 0
		case pc.W != none:
			rank[i] = 1
		default:
			rank[i] = 2
		}
	}
	idx := make([]int, len(pairs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(x, y int) bool {
		if rx, ry := rank[idx[x]], rank[idx[y]]; rx != ry {
			return rx < ry
		}
		return pairs[idx[x]].MaxStake > pairs[idx[y]].MaxStake
	})
	return idx
}

// keep chooses the pairs a window frees (see largePairs): every member of
// a's projects in the window and up to largePairs others per opportunity,
// the relaxation's coalition (guide; nil: none) first; narrow, only the
// members and the relaxation's coalition.
func (s *largeSearch) keep(a *model.Assignment, win []bool, guide [][]int, narrow bool) [][]bool {
	d := s.fm.D
	keep := make([][]bool, len(s.fm.Y))
	members := map[[2]int]bool{}
	for _, pj := range a.Projects {
		if p := d.Opp[pj.ID]; win[p] {
			for _, st := range pj.Participants {
				members[[2]int{p, d.Firm[st.Firm]}] = true
			}
		}
	}
	for p, in := range win {
		if !in || s.fm.Y[p] == none {
			continue
		}
		keep[p] = make([]bool, len(s.fm.Pairs[p]))
		if narrow {
			for i, pc := range s.fm.Pairs[p] {
				keep[p][i] = members[[2]int{p, pc.Firm}] || (guide != nil && slices.Contains(guide[p], pc.Firm))
			}
			continue
		}
		others := 0
		for _, i := range s.candidates(p, members, guide) {
			if members[[2]int{p, s.fm.Pairs[p][i].Firm}] {
				keep[p][i] = true
			} else if others < largePairs {
				keep[p][i] = true
				others++
			}
		}
	}
	return keep
}

// solveWindow solves the window's MIP, the pairs of keep free (see
// largeSearch.keep), with a's other projects fixed, and returns the joined
// plan and its objective when it is better than z and passes the
// independent checker; nil otherwise.
func (s *largeSearch) solveWindow(ctx context.Context, a *model.Assignment, z float64, win []bool, keep [][]bool, deadline time.Time) (*model.Assignment, float64) {
	wfm, fixed := buildWindow(ctx, s.fm, a, win, keep)
	if ctx.Err() != nil || len(wfm.Prob.Cols) == 0 {
		return nil, 0
	}
	prm := glpk.Params{GomoryCuts: true, MIRCuts: true, CoverCuts: true, TimeLimit: largeWindowTime}
	if !deadline.IsZero() {
		prm.TimeLimit = min(prm.TimeLimit, time.Until(deadline))
	}
	cb := glpk.Callbacks{Node: func(n int) bool { return n >= largeWindowNodes }}
	// The plan's own window part is the start: GLPK then only reports
	// better points, and prunes with it from the root.
	if start := encodeWindow(wfm, a, win, fixed); start != nil {
		offered := false
		cb.Heuristic = func() ([]float64, bool) {
			if offered {
				return nil, false
			}
			offered = true
			return start, true
		}
	} else {
		prm.Presolve = true
	}
	res, err := glpk.SolveMIP(ctx, wfm.Prob, prm, cb)
	if err != nil || res == nil || !res.HasSolution {
		return nil, 0
	}
	// The checker runs only on a better plan: it is the costly step.
	cand := joinWindow(s.fm.D, a, win, wfm, res.X)
	m, cz, err := s.fm.D.Evaluate(cand, model.MethodCluster)
	if err != nil || cz >= z-1e-7*math.Max(1, math.Abs(z)) || checkPlan(s.fm.D, cand, m, cz) != nil {
		return nil, 0
	}
	return cand, cz
}

// improveLarge runs the window search with one worker (see work) until
// deadline (zero: none), the schedule is over, or ctx ends.
func (fm *Formulation) improveLarge(ctx context.Context, pool *largePool, deadline time.Time) {
	s := newLargeSearch(fm)
	s.work(ctx, pool, newLargeSchedule(s), deadline)
}

// largeSchedule hands out the window search's windows to its workers.
// Windows come in largeSizes sizes (largeWindowBinaries doubled), and
// the next window's size is the one that has gained most per second of
// its windows lately, except that a size whose windows have had less
// than largeSizeFloor of the search's time comes first; within a size,
// familyRates chooses the family. Small windows gain most per second at
// first; once their moves are used up, the wider ones do. The search is
// over after a whole pass of every size and family improved nothing.
// Workers share the schedule, so that they take different windows.
type largeSchedule struct {
	mu sync.Mutex
	s  *largeSearch
	// sizes are the windows' binaries, smallest first; per size, rates
	// chooses the family, recent is the size's recent gain per second,
	// and spent sums its windows' seconds.
	sizes       []int
	rates       []familyRates
	recent      []gainRate
	spent       []float64
	idle, whole int // windows since the last gain; a whole pass
}

// largeTurn is one window of the schedule: its family, its turn within
// the family and size (from 0), and its size's index.
type largeTurn struct {
	family     largeFamily
	turn, size int
}

func newLargeSchedule(s *largeSearch) *largeSchedule {
	q := &largeSchedule{s: s}
	for size := largeWindowBinaries; len(q.sizes) < largeSizes; size *= 2 {
		q.sizes = append(q.sizes, size)
		q.whole += largeFamilies * s.windows(size)
		if size >= s.total {
			break // a window this size already holds everything
		}
	}
	n := len(q.sizes)
	q.rates, q.recent, q.spent = make([]familyRates, n), make([]gainRate, n), make([]float64, n)
	return q
}

// next returns the next window; ok is false once the search is over.
func (q *largeSchedule) next() (t largeTurn, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.s.order) == 0 || q.idle >= q.whole {
		return largeTurn{}, false
	}
	q.idle++
	t.size = q.pick()
	t.family = q.rates[t.size].next()
	t.turn = q.rates[t.size].turns[t.family] - 1
	return t, true
}

// pick returns the index of the next window's size: the one with the
// least time if it has had less than largeSizeFloor of the total, else
// the best recent gain per second (the smallest on a tie).
func (q *largeSchedule) pick() int {
	total, least := 0.0, 0
	for i, sp := range q.spent {
		total += sp
		if sp < q.spent[least] {
			least = i
		}
	}
	if q.spent[least] <= largeSizeFloor*total {
		return least
	}
	best, rate := 0, -1.0
	for i := range q.sizes {
		if r := q.recent[i].perSecond(); r > rate {
			best, rate = i, r
		}
	}
	return best
}

// record adds window t: the gain the pool kept from it and how long it
// took.
func (q *largeSchedule) record(t largeTurn, gain float64, took time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if gain > 0 {
		q.idle = 0
	}
	q.rates[t.size].record(t.family, gain, took)
	q.recent[t.size].add(gain, took)
	q.spent[t.size] += took.Seconds()
}

// work solves the schedule's windows, each from the pool's best plan when
// it starts, until deadline (zero: none), the schedule is over, or ctx
// ends. It offers each better plan to the pool (see largePool.merge).
func (s *largeSearch) work(ctx context.Context, pool *largePool, q *largeSchedule, deadline time.Time) {
	for ctx.Err() == nil && (deadline.IsZero() || time.Until(deadline) > time.Second) {
		t, ok := q.next()
		if !ok {
			return
		}
		a, z := pool.best()
		guide := pool.coalitions()
		win := s.window(t.family, t.turn, q.sizes[t.size], a, guide)
		if win == nil {
			continue
		}
		began := time.Now()
		gain := 0.0
		if cand, cz := s.solveWindow(ctx, a, z, win, s.keep(a, win, guide, t.family.narrow()), deadline); cand != nil {
			gain = pool.merge(s.fm.D, a, win, cand, cz)
		}
		q.record(t, gain, time.Since(began))
	}
}

// familyRates chooses the window search's next family by what each has
// gained per second of its windows lately: every family takes its turn
// once in largeExplore windows, and the others go to the family with the
// best rate. The market runs usually gain most per second, the pioneer
// windows least, but that changes as the plan improves.
type familyRates struct {
	// recent is each family's recent gain per second; turns counts its
	// windows.
	recent [largeFamilies]gainRate
	turns  [largeFamilies]int
	// n counts the windows chosen.
	n int
}

// Family choice parameters.
const (
	largeExplore   = 4
	largeRateDecay = 0.9
)

// next returns the family of the next window and counts its turn.
func (r *familyRates) next() largeFamily {
	f := largeFamily(0)
	switch {
	case r.n < largeFamilies:
		f = largeFamily(r.n)
	case r.n%largeExplore == 0:
		f = largeFamily((r.n / largeExplore) % largeFamilies)
	default:
		for g := range largeFamilies {
			if r.rate(largeFamily(g)) > r.rate(f) {
				f = largeFamily(g)
			}
		}
	}
	r.n++
	r.turns[f]++
	return f
}

// rate is family f's recent gain per second.
func (r *familyRates) rate(f largeFamily) float64 { return r.recent[f].perSecond() }

// record adds one window of family f: its gain and how long it took.
func (r *familyRates) record(f largeFamily, gain float64, took time.Duration) {
	r.recent[f].add(gain, took)
}

// gainRate is a recent gain per second: the gain and the seconds of a
// run of windows, each decaying by largeRateDecay at every window added.
type gainRate struct{ gain, secs float64 }

// add counts one window: its gain and how long it took.
func (r *gainRate) add(gain float64, took time.Duration) {
	r.gain = largeRateDecay*r.gain + gain
	r.secs = largeRateDecay*r.secs + took.Seconds()
}

// perSecond is the recent gain per second.
func (r gainRate) perSecond() float64 { return r.gain / max(r.secs, 1e-3) }
