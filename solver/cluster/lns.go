package cluster

// The large-neighbourhood search (fix-and-optimize): lnsSearch holds the
// model's index (which opportunity, market and firm each column belongs
// to, the orders the windows run through) and solves one neighbourhood at a
// time; improve runs the schedule of rounds over it.

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

// Fix-and-optimize parameters (see docs/algorithm.md, "Neighbourhood
// search"; the measurements that chose them are in docs/experiments.md).
const (
	// lnsMinBinaries: below this, GLPK on the whole model does better.
	lnsMinBinaries = 2000
	// lnsWindowBinaries: a window runs through its family's order until
	// it holds at least this many binaries (small sub-MIPs: improvements
	// come in many small steps); after a pass that improved nothing the
	// windows double, up to lnsMaxWindowBinaries.
	lnsWindowBinaries    = 300
	lnsMaxWindowBinaries = 1200
	// lnsNodes bounds each sub-MIP's branch-and-bound (deterministic).
	lnsNodes = 150
	// lnsProbeNodes: a probe's windows get this many times the nodes
	// of a window of their size.
	lnsProbeNodes = 4
	// lnsProbeAfter: the incumbent is probed once a lnsProbeAfter-th
	// of a half pass improved nothing.
	lnsProbeAfter = 4
	// lnsRotations bounds the search to this many passes' worth of rounds
	// at the smallest window size.
	lnsRotations = 6
	// lnsHoodsPerWorker: neighbourhoods per worker in one round.
	lnsHoodsPerWorker = 2
	// lnsCutoffGain is the least relative improvement a neighbourhood's
	// sub-MIP must make (its cutoff row; GLPK may exceed a row by its
	// tolerance, and with 1e-6 it returned the incumbent's objective again).
	lnsCutoffGain = 1e-5
)

// lnsNodeLimit is the node limit of a window of size binaries: lnsNodes
// at the smallest windows, in proportion above them (a wider window's
// tree is deeper).
func lnsNodeLimit(size int) int { return max(lnsNodes, lnsNodes*size/lnsWindowBinaries) }

// lnsWorkers is the number of neighbourhoods solved at once (one per core,
// at most two).
func lnsWorkers() int { return max(1, min(2, runtime.GOMAXPROCS(0))) }

// lnsFamily is a family of neighbourhoods; the families take turns.
type lnsFamily int

const (
	// familyMarkets: runs of opportunities market by market (segments
	// within), so entries and dissipation can change.
	familyMarkets lnsFamily = iota
	// familySegments: runs of opportunities segment by segment (markets
	// within): the firms serving a segment move budgets, risk and
	// project slots between markets.
	familySegments
	// familyFirms: runs of firms grouped by segment, their participations
	// freed in every project while the projects stay.
	familyFirms
	// familyOpening: one opportunity not taken, most valuable first, with
	// the participations of the firms that could join it.
	familyOpening
	// familyPioneers: the participations of the pioneers in every
	// project, one opportunity not taken that one of them could open, and
	// some of the projects they take part in (whole), so that pioneers can
	// move along a chain of projects, each taken over by another.
	familyPioneers
	// familyGuide: runs of opportunities in the order of how far the
	// incumbent departs there from the Lagrangian's average solution
	// (lagGuide), most first; empty without a guide.
	familyGuide
	// lnsFamilies is the number of families in turn.
	lnsFamilies = int(familyGuide) + 1
)

func (f lnsFamily) String() string {
	switch f {
	case familyMarkets:
		return "markets"
	case familySegments:
		return "segments"
	case familyFirms:
		return "firms"
	case familyOpening:
		return "opening"
	case familyPioneers:
		return "pioneers"
	case familyGuide:
		return "guide"
	}
	return "unknown"
}

// lnsState is where a neighbourhood search stopped (its schedule: round,
// idle rounds, window size and shift), so that another call of improve
// goes on from there. The zero value starts the schedule. Done reports that
// the schedule ended (every size and the shifted restart improved nothing,
// or lnsRotations passes).
type lnsState struct {
	round, idle, size, shift int
	// probed: a probe (lnsSearch.probe) was solved since the rotation
	// last found a better plan.
	probed bool
	done   bool
}

// hood is a neighbourhood: the opportunities it frees (opps) and the firms
// whose participations it frees in every project taken (firms, the other
// projects and market entries kept as they are). Empty: nothing to solve.
// pairs, when not nil, are the only pairs (opportunity, firm) of the freed
// opportunities whose columns it frees; the others stay as they are.
type hood struct {
	opps, firms []bool
	pairs       map[[2]int]bool
}

// lnsSearch is the index one search works on.
type lnsSearch struct {
	fm *Formulation
	// colOpp is the opportunity of a y, x, s, l or w column, colMkt the
	// market of a u column, colFirm the firm of a participation column;
	// -1 elsewhere. stake marks the s columns.
	colOpp, colMkt, colFirm []int
	stake                   []bool
	// oppBinaries and firmBinaries count the binary columns of each
	// opportunity and of each firm's participations; totalBinaries sums
	// the first.
	oppBinaries, firmBinaries []int
	totalBinaries             int
	oppMkt                    []int
	// leads[f] are firm f's lead columns, with their opportunities;
	// enables[f] are pioneer f's participation columns in Π_p (the
	// projects where learners may depend on it); joins[f] are all its
	// participation columns.
	leads, enables, joins [][]oppCol
	// orders are the opportunities market-major and segment-major;
	// byValue most valuable first; firmOrder the firms grouped by their
	// first segment; pioneers the pioneers with a participation column.
	orders    [2][]int
	byValue   []int
	firmOrder []int
	pioneers  []int
	// funding[p] are the firms with a pair on p, those that could hold
	// the largest stake there first (fundingOrder).
	funding [][]int
	// shift moves every window start by a quarter window (the restart).
	shift int
	// guide ranks the opportunities for familyGuide (nil: no guide).
	guide *lagGuide
	// coalitions are the relaxation's coalitions for the probe's
	// coalition neighbourhoods. wholeAt and pooledAt are the objectives
	// of the incumbents a neighbourhood of every market was last built
	// around, from the last and from the pooled coalitions (wholeTried,
	// pooledTried: one was); probes counts the probes.
	coalitions              probeCoalitions
	wholeAt, pooledAt       float64
	wholeTried, pooledTried bool
	probes                  int
	// binary are the model's integer columns (binaryCols).
	binary []int
}

// oppCol is one of a firm's columns (l_fp or x_fp) in opportunity opp.
type oppCol struct{ opp, col int }

// newLNSSearch indexes fm's columns for the search.
func newLNSSearch(fm *Formulation) *lnsSearch {
	in := fm.D.Inst
	nP, nCols := len(in.Opportunities), len(fm.Prob.Cols)
	s := &lnsSearch{fm: fm, colOpp: fill(nCols), colMkt: fill(nCols), colFirm: fill(nCols),
		stake: make([]bool, nCols), oppBinaries: make([]int, nP), firmBinaries: make([]int, len(in.Firms)),
		leads: make([][]oppCol, len(in.Firms)), enables: make([][]oppCol, len(in.Firms)),
		joins: make([][]oppCol, len(in.Firms))}
	for p, y := range fm.Y {
		if y == none {
			continue
		}
		s.mark(y, p)
		for _, pc := range fm.Pairs[p] {
			for _, j := range []int{pc.X, pc.S, pc.L, pc.W} {
				if j == none {
					continue
				}
				s.mark(j, p)
				s.colFirm[j] = pc.Firm
				if fm.Prob.Cols[j].Kind.IsInteger() {
					s.firmBinaries[pc.Firm]++
				}
			}
			s.stake[pc.S] = true
			s.joins[pc.Firm] = append(s.joins[pc.Firm], oppCol{p, pc.X})
			if pc.L != none {
				s.leads[pc.Firm] = append(s.leads[pc.Firm], oppCol{p, pc.L})
			}
			if pc.Pioneer {
				s.enables[pc.Firm] = append(s.enables[pc.Firm], oppCol{p, pc.X})
			}
		}
	}
	for m, u := range fm.U {
		if u != none {
			s.colMkt[u] = m
		}
	}
	for _, n := range s.oppBinaries {
		s.totalBinaries += n
	}
	s.order()
	s.funding = fundingOrder(fm)
	return s
}

// mark records column j as opportunity p's.
func (s *lnsSearch) mark(j, p int) {
	s.colOpp[j] = p
	if s.fm.Prob.Cols[j].Kind.IsInteger() {
		s.oppBinaries[p]++
	}
}

// order sets the orders the windows run through.
func (s *lnsSearch) order() {
	fm := s.fm
	in := fm.D.Inst
	segIndex := map[string]int{}
	oppSeg := make([]int, len(in.Opportunities))
	s.oppMkt = make([]int, len(in.Opportunities))
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		if _, ok := segIndex[o.Segment]; !ok {
			segIndex[o.Segment] = len(segIndex)
		}
		s.oppMkt[p], oppSeg[p] = fm.D.Market[o.Market], segIndex[o.Segment]
	}
	for p := range in.Opportunities {
		if fm.Y[p] != none {
			s.orders[0], s.orders[1] = append(s.orders[0], p), append(s.orders[1], p)
		}
	}
	mkt := s.oppMkt
	sort.SliceStable(s.orders[0], func(a, b int) bool {
		pa, pb := s.orders[0][a], s.orders[0][b]
		return mkt[pa] < mkt[pb] || (mkt[pa] == mkt[pb] && oppSeg[pa] < oppSeg[pb])
	})
	sort.SliceStable(s.orders[1], func(a, b int) bool {
		pa, pb := s.orders[1][a], s.orders[1][b]
		return oppSeg[pa] < oppSeg[pb] || (oppSeg[pa] == oppSeg[pb] && mkt[pa] < mkt[pb])
	})
	s.byValue = slices.Clone(s.orders[0])
	sort.SliceStable(s.byValue, func(a, b int) bool {
		return fm.Prob.Cols[fm.Y[s.byValue[a]]].Obj < fm.Prob.Cols[fm.Y[s.byValue[b]]].Obj
	})
	// The firms, grouped by the first segment they serve (firms that can
	// share projects sit together), then in file order.
	s.firmOrder = make([]int, len(in.Firms))
	firmSeg := make([]int, len(in.Firms))
	for f := range in.Firms {
		s.firmOrder[f], firmSeg[f] = f, len(segIndex)
		for _, sg := range in.Firms[f].Segments {
			if i, ok := segIndex[sg]; ok {
				firmSeg[f] = min(firmSeg[f], i)
			}
		}
		if in.Firms[f].Pioneer && s.firmBinaries[f] > 0 {
			s.pioneers = append(s.pioneers, f)
		}
	}
	sort.SliceStable(s.firmOrder, func(a, b int) bool { return firmSeg[s.firmOrder[a]] < firmSeg[s.firmOrder[b]] })
}

// windows is the number of window starts in a pass at this size.
func (s *lnsSearch) windows(size int) int { return halfWindowStarts(s.totalBinaries, size) }

// halfWindowStarts is the number of starts half a window of size binaries
// apart through an order holding total binaries (at least one).
func halfWindowStarts(total, size int) int { return max(1, (2*total+size-1)/size) }

// start is the k-th window's start, in half windows: the even starts
// first, then the odd ones, so that the first half of a pass covers the
// whole order once with windows that do not overlap, and the second half
// covers it again across their borders.
func (s *lnsSearch) start(k, size int) int {
	n := s.windows(size)
	i, even := k%n, (n+1)/2
	if i < even {
		return 2 * i
	}
	return 2*(i-even) + 1
}

// run marks the items of a run of consecutive items in ord, starting at the
// k-th offset of a pass, until it holds size binaries (weight per item).
func (s *lnsSearch) run(ord, weight []int, n, k, size int) []bool {
	return runFrom(ord, weight, n, s.start(k, size)*size/2+s.shift*size/4, size)
}

// runFrom marks the items of a run of consecutive items in ord (wrapping
// around) that starts offset binaries in and holds size binaries (weight
// per item).
func runFrom(ord, weight []int, n, offset, size int) []bool {
	w := make([]bool, n)
	at := 0
	for at < len(ord) && offset > 0 {
		offset -= weight[ord[at]]
		at++
	}
	free := 0
	for i := 0; i < len(ord) && free < size; i++ {
		q := ord[(at+i)%len(ord)]
		w[q] = true
		free += weight[q]
	}
	return w
}

// window returns the k-th neighbourhood of family f at this size around x.
func (s *lnsSearch) window(f lnsFamily, k, size int, x []float64) hood {
	nP := len(s.fm.D.Inst.Opportunities)
	switch f {
	case familyFirms:
		return hood{firms: s.run(s.firmOrder, s.firmBinaries, len(s.firmBinaries), k, size)}
	case familyOpening:
		return s.openingHood(k, size, x)
	case familyPioneers:
		return s.pioneerHood(k, size, x)
	case familyGuide:
		return s.guideHood(k, size, x)
	}
	return hood{opps: s.run(s.orders[f], s.oppBinaries, nP, k, size)}
}

// guideHood frees a run of opportunities in the guide's order around x
// (see lagGuide.order), size binaries from the k-th start half a window
// apart, wrapping around the order.
func (s *lnsSearch) guideHood(k, size int, x []float64) hood {
	ord := s.guide.order(s.fm, x)
	if len(ord) == 0 {
		return hood{}
	}
	total := 0
	for _, p := range ord {
		total += s.oppBinaries[p]
	}
	offset := (k % halfWindowStarts(total, size)) * size / 2
	return hood{opps: runFrom(ord, s.oppBinaries, len(s.fm.Y), offset, size)}
}

// pioneerHood frees the participations of the pioneers (a run of them from
// the k-th when they hold more than half of size binaries), the k-th
// opportunity not taken (most valuable first) where one of them is in Π_p,
// and projects taken where one of them takes part, every seventh (or the
// next stride prime to their number, so that all are reached) from an
// offset that moves once per pass over the opportunities, while the window
// holds fewer than size binaries.
func (s *lnsSearch) pioneerHood(k, size int, x []float64) hood {
	fm := s.fm
	if len(s.pioneers) == 0 {
		return hood{}
	}
	h := hood{opps: make([]bool, len(fm.Y)), firms: make([]bool, len(s.firmBinaries))}
	free := 0
	for i := range s.pioneers {
		g := s.pioneers[(k+i)%len(s.pioneers)]
		if i > 0 && free+s.firmBinaries[g] > size/2 {
			break
		}
		h.firms[g] = true
		free += s.firmBinaries[g]
	}
	var out, taken []int
	for _, p := range s.byValue {
		y := x[fm.Y[p]] > 0.5
		for _, pc := range fm.Pairs[p] {
			if !h.firms[pc.Firm] {
				continue
			}
			if !y && pc.Pioneer {
				out = append(out, p)
				break
			}
			if y && x[pc.X] > 0.5 {
				taken = append(taken, p)
				break
			}
		}
	}
	if len(out) == 0 {
		return hood{}
	}
	p := out[k%len(out)]
	h.opps[p] = true
	free += s.oppBinaries[p]
	stride := 7
	for len(taken) > 0 && gcd(stride, len(taken)) != 1 {
		stride++
	}
	for i := 0; i < len(taken) && free < size; i++ {
		q := taken[(k/len(out)+stride*i)%len(taken)]
		if !h.opps[q] {
			h.opps[q] = true
			free += s.oppBinaries[q]
		}
	}
	return h
}

// gcd is the greatest common divisor of a and b (b when a is 0).
func gcd(a, b int) int {
	for a != 0 {
		a, b = b%a, a
	}
	return b
}

// solveHood optimizes over neighbourhood h from x: it frees h, the stakes of
// every participation outside it (so budgets and risk can be rebalanced),
// every excess column and every firm-level column, fixes the rest at x, and
// solves what remains with GLPK after its MIP presolver. It returns the
// expanded point and its objective, or nil (also for an empty h or a point
// that fails the row check).
func (s *lnsSearch) solveHood(ctx context.Context, h hood, x []float64, nodes int, deadline time.Time) ([]float64, float64) {
	if h.opps == nil && h.firms == nil {
		return nil, 0
	}
	fm := s.fm
	open := make([]bool, len(fm.U))
	for p, free := range h.opps {
		open[s.oppMkt[p]] = open[s.oppMkt[p]] || free
	}
	fixed := make([]bool, len(x))
	for j := range fixed {
		switch {
		case s.colOpp[j] >= 0:
			// A stake outside the window may move while its
			// participation stays as it is.
			free := (h.opps != nil && h.opps[s.colOpp[j]] &&
				(h.pairs == nil || s.colFirm[j] < 0 || h.pairs[[2]int{s.colOpp[j], s.colFirm[j]}])) ||
				(h.firms != nil && s.colFirm[j] >= 0 && h.firms[s.colFirm[j]])
			fixed[j] = !free && !(s.stake[j] && x[j] > 0)
		case s.colMkt[j] >= 0:
			fixed[j] = !open[s.colMkt[j]]
		}
	}
	r := fm.Prob.Restrict(fixed, x)
	if r.Problem == nil || len(r.Problem.Cols) == 0 {
		return nil, 0
	}
	// Only a better point is worth finding, and GLPK cannot prune by our
	// incumbent (below): the cutoff row prunes what cannot beat it.
	best := fm.Objective(x)
	if !r.AddCutoff(best - lnsCutoffGain*math.Max(1, math.Abs(best))) {
		return nil, 0
	}
	// GLPK's MIP presolver removes most of a neighbourhood's rows and
	// columns (the fixed part), and the root LP of what is left costs a
	// fraction of the restriction's. Its problem is not ours, so our
	// incumbent cannot be offered (GLPK finds one itself or the
	// neighbourhood is not taken). Gomory cuts save nodes. Hybrid
	// pseudo-cost branching finds plans whose coalitions are packed
	// against tight risk limits where Driebeck–Tomlin, GLPK's default,
	// finds none (docs/experiments.md).
	prm := glpk.Params{Presolve: true, GomoryCuts: true, MIRCuts: true, CoverCuts: true, Branching: glpk.BranchHybridPseudoCost}
	return fm.solveRestriction(ctx, r, prm, glpk.Callbacks{Node: func(n int) bool { return n >= nodes }}, deadline)
}

// solveRestriction solves the restriction r of fm's model with GLPK
// (params prm, callbacks cb) until deadline (zero: none) and returns the
// expanded point and its objective, or nil when GLPK found no point or the
// point fails the row check.
func (fm *Formulation) solveRestriction(ctx context.Context, r *mip.Restriction, prm glpk.Params, cb glpk.Callbacks, deadline time.Time) ([]float64, float64) {
	if !deadline.IsZero() {
		prm.TimeLimit = time.Until(deadline)
	}
	res, err := glpk.SolveMIP(ctx, r.Problem, prm, cb)
	if err != nil || res == nil || !res.HasSolution {
		return nil, 0
	}
	cand := r.Expand(res.X)
	if len(fm.Violations(cand, 1e-6)) > 0 {
		return nil, 0
	}
	return cand, fm.Objective(cand)
}

// round solves the neighbourhoods of one round (lnsHoods of them, the
// families taking turns) from x and returns their improvements on best
// merged (solveAll), or nil.
func (s *lnsSearch) round(ctx context.Context, round, size int, x []float64, best float64, deadline time.Time) ([]float64, float64) {
	ws := make([]hood, lnsHoods())
	for i := range ws {
		k := round*len(ws) + i // neighbourhood number
		ws[i] = s.window(lnsFamily(k%lnsFamilies), k/lnsFamilies, size, x)
	}
	return s.solveAll(ctx, ws, x, lnsNodeLimit(size), best, deadline)
}

// solveAll solves the neighbourhoods ws from x on lnsWorkers goroutines,
// each worker taking the next one as soon as it is free, and returns the
// points better than best merged (merge: the best of them with the others'
// moves added where the LP can fund them), or nil: the result does not
// depend on which worker solved which neighbourhood.
func (s *lnsSearch) solveAll(ctx context.Context, ws []hood, x []float64, nodes int, best float64, deadline time.Time) ([]float64, float64) {
	cands := make([][]float64, len(ws))
	objs := make([]float64, len(ws))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range lnsWorkers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(ws); i = int(next.Add(1) - 1) {
				cands[i], objs[i] = s.solveHood(ctx, ws[i], x, nodes, deadline)
			}
		}()
	}
	wg.Wait()
	return s.merge(ctx, x, cands, objs, best, deadline)
}

// lnsHoods is the number of neighbourhoods of one round: lnsHoodsPerWorker
// per worker, each worker taking the next one as soon as it is free, so
// that the quick ones (a sub-MIP whose root already shows it cannot
// improve ends at once) fill the time the slow ones take.
func lnsHoods() int { return lnsHoodsPerWorker * lnsWorkers() }

// lnsLimits say when a neighbourhood search stops and whom it tells.
type lnsLimits struct {
	// deadline ends the search (zero: none).
	deadline time.Time
	// stall ends it once this long has passed since it last improved or
	// started, after one round at least (zero: never).
	stall time.Duration
	// stallWide ends it once this long has passed since it last improved
	// or started, with its windows at lnsMaxWindowBinaries (zero: never):
	// there is nothing wider to try.
	stallWide time.Duration
	// report, if not nil, sees each better objective.
	report func(obj float64)
	// enough, if not nil, ends the search once the point satisfies it.
	enough func(x []float64) bool
}

// stalled reports whether a search that last improved since ago, with
// windows of size binaries, has stalled.
func (lim lnsLimits) stalled(since time.Duration, size int) bool {
	return (lim.stall > 0 && since >= lim.stall) ||
		(lim.stallWide > 0 && size >= lnsMaxWindowBinaries && since >= lim.stallWide)
}

// late reports whether the search must stop: ctx is done or the deadline
// is less than 200 ms away.
func (lim lnsLimits) late(ctx context.Context) bool {
	return ctx.Err() != nil || (!lim.deadline.IsZero() && time.Until(lim.deadline) < 200*time.Millisecond)
}

// improve runs the neighbourhood search from the feasible point x and
// returns the best point found. A pass starts windows half a window apart
// through the whole order of each family (familyOpening and familyPioneers
// cycle through their own lists), the non-overlapping ones first (see
// start); each round solves lnsHoods neighbourhoods from the same
// incumbent and keeps their improvements merged (solveAll), so the
// search is deterministic whatever the cores' speeds.
// After half a pass (the whole order once) that improved nothing the
// windows double; after such a half pass at lnsMaxWindowBinaries the
// search starts again from the smallest windows, every start a quarter
// window further on, and after a second such half pass it stops. It also
// stops after lnsRotations passes at the smallest size (counted in rounds)
// and at the limits of lim. guide (nil: none) orders familyGuide's
// windows, coalitions are the probe's coalition pairs; st (nil: a
// fresh schedule) keeps where the schedule stopped, for another call.
func (fm *Formulation) improve(ctx context.Context, x []float64, guide *lagGuide, coalitions probeCoalitions, st *lnsState, lim lnsLimits) []float64 {
	s := newLNSSearch(fm)
	s.guide, s.coalitions = guide, coalitions
	if st == nil {
		st = &lnsState{}
	}
	if st.size == 0 {
		st.size = lnsWindowBinaries
	}
	s.shift = st.shift
	defer func() { st.shift = s.shift }()
	best := fm.Objective(x)
	hoods := lnsHoods()
	lastGain, first := time.Now(), st.round
	accept := func(better []float64, obj float64) {
		x, best, st.idle = better, obj, 0
		lastGain = time.Now()
		if lim.report != nil {
			lim.report(best)
		}
	}
	for ; ; st.round++ {
		if st.round >= lnsRotations*lnsFamilies*s.windows(lnsWindowBinaries)/hoods {
			st.done = true
			break
		}
		// A pass starts a window of each family at every offset.
		rounds := (lnsFamilies*s.windows(st.size) + 2*hoods - 1) / (2 * hoods)
		if !st.probed && st.idle >= rounds/lnsProbeAfter && !lim.late(ctx) {
			// A lnsProbeAfter-th of a half pass improved nothing:
			// probe the incumbent. A probe that finds nothing is
			// repeated only after a better plan from the rotation.
			st.probed = true
			if better, obj := s.probe(ctx, st.size, x, best, lim.deadline); better != nil {
				// Probe again at once: the coalition
				// neighbourhoods' parts build on each other.
				accept(better, obj)
				st.idle, st.probed = rounds/lnsProbeAfter, false
				continue
			}
		}
		if st.idle >= rounds {
			// Half a pass (the whole order once) improved nothing:
			// widen the windows; at the largest size, start again
			// from the smallest with the windows a quarter window
			// further on (once).
			switch {
			case st.size < lnsMaxWindowBinaries:
				st.size, st.idle = 2*st.size, 0
			case s.shift == 0:
				st.size, st.idle, s.shift = lnsWindowBinaries, 0, 1
			default:
				st.done = true
				return x
			}
		}
		if lim.late(ctx) {
			break
		}
		if st.round > first && lim.stalled(time.Since(lastGain), st.size) {
			break
		}
		if lim.enough != nil && lim.enough(x) {
			break
		}
		st.idle++
		if better, obj := s.round(ctx, st.round, st.size, x, best, lim.deadline); better != nil {
			accept(better, obj)
			st.probed = false
		}
	}
	return x
}
