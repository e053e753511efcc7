package cluster

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/ofdi/ofdi/solver/glpk"
)

// Fix-and-optimize parameters (see docs/algorithm.md).
const (
	// lnsMinBinaries: below this, GLPK on the whole model does better.
	lnsMinBinaries = 2000
	// lnsWindowBinaries: a neighbourhood frees consecutive markets until
	// it holds at least this many binaries; after a pass that improved
	// nothing the windows double, up to lnsMaxWindowBinaries.
	lnsWindowBinaries    = 300
	lnsMaxWindowBinaries = 1200
	// lnsNodes bounds each sub-MIP's branch-and-bound (deterministic).
	lnsNodes = 150
	// lnsRotations bounds the passes over all markets without a deadline.
	lnsRotations = 6
)

// lnsWorkers is the number of neighbourhoods solved at once (one per core,
// at most two).
func lnsWorkers() int { return max(1, min(2, runtime.GOMAXPROCS(0))) }

// improve runs a large-neighbourhood search from the feasible point x.
// A neighbourhood frees a set of opportunities (their y, x, s, l, w and
// their markets' u), the stakes of every participation outside it (so
// budgets and risk can be rebalanced), every excess column and every
// firm-level column (credit, CVaR, SME participation); it fixes
// everything else at the incumbent and solves the small MIP that remains
// with GLPK after its MIP presolver.
//
// Four families of neighbourhoods cut the model across each other: runs
// of consecutive opportunities market by market (so entries and
// dissipation can change), runs segment by segment across markets (the
// firms serving a segment, so their budgets, risk and project slots move
// between markets), runs of firms grouped by segment, freeing their
// participations in every project while the projects stay as they are (a
// partner moves to where it is worth more), and one opportunity not taken,
// most valuable first, with the participations of the firms that could
// join it (until size binaries), so that a chain of partner and lead swaps
// can make room for it. A window holds at least size binaries; a pass
// starts windows half a window apart through the whole order of each
// family (the fourth cycles through the opportunities not taken). Each
// round solves lnsWorkers neighbourhoods at once from the same incumbent,
// the families taking turns, and keeps the best improvement (ties to the
// first), so the search is deterministic whatever the cores' speeds. After
// a pass that improved nothing the windows double in size; after such a
// pass at lnsMaxWindowBinaries the search starts again from the smallest
// windows, every start a quarter window further on, and after a second
// such pass it stops. It also stops after lnsRotations passes at the
// smallest size (counted in rounds), at the deadline (zero: none), or when
// stall (zero: never) has passed since it last improved or started (after
// one round at least). It returns the best point; st (nil: a fresh
// schedule) keeps where the schedule stopped, for another call.
func (fm *Formulation) improve(ctx context.Context, x []float64, st *lnsState, deadline time.Time, stall time.Duration, report func(obj float64)) []float64 {
	in := fm.D.Inst
	nM := len(in.Markets)
	nP := len(in.Opportunities)
	// colOpp: the opportunity of a y, x, s, l or w column; colMkt: the
	// market of a u column; -1 elsewhere.
	colOpp := make([]int, len(fm.Prob.Cols))
	colMkt := make([]int, len(fm.Prob.Cols))
	for j := range colOpp {
		colOpp[j], colMkt[j] = -1, -1
	}
	stake := make([]bool, len(fm.Prob.Cols))
	binaries := make([]int, nP)
	// colFirm: the firm of a participation column (x, s, l, w), -1
	// elsewhere; firmBinaries counts each firm's binary ones.
	colFirm := make([]int, len(fm.Prob.Cols))
	for j := range colFirm {
		colFirm[j] = -1
	}
	firmBinaries := make([]int, len(in.Firms))
	mark := func(j, p int) {
		if j != none {
			colOpp[j] = p
			if fm.Prob.Cols[j].Kind.IsInteger() {
				binaries[p]++
			}
		}
	}
	segIndex := map[string]int{}
	oppMkt, oppSeg := make([]int, nP), make([]int, nP)
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		if _, ok := segIndex[o.Segment]; !ok {
			segIndex[o.Segment] = len(segIndex)
		}
		oppMkt[p], oppSeg[p] = fm.D.Market[o.Market], segIndex[o.Segment]
	}
	for p, y := range fm.Y {
		if y == none {
			continue
		}
		mark(y, p)
		for _, pc := range fm.Pairs[p] {
			for _, j := range []int{pc.X, pc.S, pc.L, pc.W} {
				mark(j, p)
				if j != none {
					colFirm[j] = pc.Firm
					if fm.Prob.Cols[j].Kind.IsInteger() {
						firmBinaries[pc.Firm]++
					}
				}
			}
			stake[pc.S] = true
		}
	}
	for m, u := range fm.U {
		if u != none {
			colMkt[u] = m
		}
	}
	// Two orders of the opportunities: market by market (segments within)
	// and segment by segment (markets within). A window of family f is a
	// run of consecutive opportunities in order f, starting at a position
	// that moves by half a window per pass step, until it holds size
	// binaries.
	orders := [2][]int{make([]int, 0, nP), make([]int, 0, nP)}
	for p := range in.Opportunities {
		if fm.Y[p] != none {
			orders[0], orders[1] = append(orders[0], p), append(orders[1], p)
		}
	}
	sort.SliceStable(orders[0], func(a, b int) bool {
		pa, pb := orders[0][a], orders[0][b]
		return oppMkt[pa] < oppMkt[pb] || (oppMkt[pa] == oppMkt[pb] && oppSeg[pa] < oppSeg[pb])
	})
	sort.SliceStable(orders[1], func(a, b int) bool {
		pa, pb := orders[1][a], orders[1][b]
		return oppSeg[pa] < oppSeg[pb] || (oppSeg[pa] == oppSeg[pb] && oppMkt[pa] < oppMkt[pb])
	})
	total := 0
	for _, n := range binaries {
		total += n
	}
	// shift moves every window start by a quarter window (see below).
	shift := 0
	// windows is the number of window starts in a pass at this size.
	windows := func(size int) int { return max(1, (2*total+size-1)/size) }
	// The firms, grouped by the first segment they serve (firms that can
	// share projects sit together), then in file order.
	firmOrder := make([]int, len(in.Firms))
	firmSeg := make([]int, len(in.Firms))
	for f := range in.Firms {
		firmOrder[f], firmSeg[f] = f, len(segIndex)
		for _, sg := range in.Firms[f].Segments {
			if i, ok := segIndex[sg]; ok {
				firmSeg[f] = min(firmSeg[f], i)
			}
		}
	}
	sort.SliceStable(firmOrder, func(a, b int) bool { return firmSeg[firmOrder[a]] < firmSeg[firmOrder[b]] })
	// run marks the items of a run of consecutive items in ord, starting
	// at the k-th offset of a pass, until it holds size binaries.
	run := func(ord, weight []int, n, k, size int) []bool {
		w := make([]bool, n)
		offset, at := (k%windows(size))*size/2+shift*size/4, 0
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
	// The opportunities by value, most valuable first (for family 3).
	byValue := slices.Clone(orders[0])
	sort.SliceStable(byValue, func(a, b int) bool {
		return fm.Prob.Cols[fm.Y[byValue[a]]].Obj < fm.Prob.Cols[fm.Y[byValue[b]]].Obj
	})
	window := func(family, k, size int, x []float64) hood {
		switch family {
		case 2:
			return hood{firms: run(firmOrder, firmBinaries, len(in.Firms), k, size)}
		case 3:
			// The k-th most valuable opportunity not taken, with the
			// participations of the firms that could join it (its
			// pairs in order, until they hold size binaries).
			var out []int
			for _, p := range byValue {
				if x[fm.Y[p]] < 0.5 {
					out = append(out, p)
				}
			}
			if len(out) == 0 {
				return hood{}
			}
			p := out[k%len(out)]
			h := hood{opps: make([]bool, nP), firms: make([]bool, len(in.Firms))}
			h.opps[p] = true
			free := 0
			for _, pc := range fm.Pairs[p] {
				if free >= size {
					break
				}
				h.firms[pc.Firm] = true
				free += firmBinaries[pc.Firm]
			}
			return h
		}
		return hood{opps: run(orders[family], binaries, nP, k, size)}
	}
	// solve optimizes over neighbourhood h from x; it returns the expanded
	// point and its objective, or nil (also for an empty h).
	solve := func(h hood, x []float64) ([]float64, float64) {
		if h.opps == nil && h.firms == nil {
			return nil, 0
		}
		open := make([]bool, nM)
		for p, free := range h.opps {
			open[oppMkt[p]] = open[oppMkt[p]] || free
		}
		fixed := make([]bool, len(x))
		for j := range fixed {
			switch {
			case colOpp[j] >= 0:
				// A stake outside the window may move while its
				// participation stays as it is.
				free := (h.opps != nil && h.opps[colOpp[j]]) ||
					(h.firms != nil && colFirm[j] >= 0 && h.firms[colFirm[j]])
				fixed[j] = !free && !(stake[j] && x[j] > 0)
			case colMkt[j] >= 0:
				fixed[j] = !open[colMkt[j]]
			}
		}
		r := fm.Prob.Restrict(fixed, x)
		if r.Problem == nil || len(r.Problem.Cols) == 0 {
			return nil, 0
		}
		// GLPK's MIP presolver removes most of a neighbourhood's rows
		// and columns (the fixed part), and the root LP of what is left
		// costs a fraction of the restriction's. Its problem is not ours,
		// so our incumbent cannot be offered (GLPK finds one itself or
		// the neighbourhood is not taken). Gomory cuts save nodes. See
		// docs/algorithm.md for the figures.
		prm := glpk.Params{Presolve: true, GomoryCuts: true, MIRCuts: true, CoverCuts: true}
		if !deadline.IsZero() {
			prm.TimeLimit = time.Until(deadline)
		}
		res, err := glpk.SolveMIP(ctx, r.Problem, prm, glpk.Callbacks{
			Node: func(n int) bool { return n >= lnsNodes },
		})
		if err != nil || res == nil || !res.HasSolution {
			return nil, 0
		}
		cand := r.Expand(res.X)
		if len(fm.Violations(cand, 1e-6)) > 0 {
			return nil, 0
		}
		return cand, fm.Objective(cand)
	}
	best := fm.Objective(x)
	if st == nil {
		st = &lnsState{}
	}
	if st.size == 0 {
		st.size = lnsWindowBinaries
	}
	// The schedule's state, as the closures above see it.
	round, idle, size := st.round, st.idle, st.size
	shift = st.shift
	defer func() { st.round, st.idle, st.size, st.shift = round, idle, size, shift }()
	workers := lnsWorkers()
	lastGain, first := time.Now(), round
search:
	for ; ; round++ {
		if round >= lnsRotations*lnsFamilies*windows(lnsWindowBinaries)/workers {
			st.done = true
			break
		}
		// A pass starts a window of each family at every offset.
		if rounds := (lnsFamilies*windows(size) + workers - 1) / workers; idle >= rounds {
			// A whole pass improved nothing: widen the windows; at
			// the largest size, start again from the smallest with
			// the windows a quarter window further on (once).
			switch {
			case size < lnsMaxWindowBinaries:
				size, idle = 2*size, 0
			case shift == 0:
				size, idle, shift = lnsWindowBinaries, 0, 1
			default:
				st.done = true
				break search
			}
		}
		if ctx.Err() != nil || (!deadline.IsZero() && time.Until(deadline) < 200*time.Millisecond) {
			break
		}
		if stall > 0 && round > first && time.Since(lastGain) >= stall {
			break
		}
		cands := make([][]float64, workers)
		objs := make([]float64, workers)
		var wg sync.WaitGroup
		for i := 0; i < workers; i++ {
			k := round*workers + i // neighbourhood number
			w := window(k%lnsFamilies, k/lnsFamilies, size, x)
			wg.Add(1)
			go func() {
				defer wg.Done()
				cands[i], objs[i] = solve(w, x)
			}()
		}
		wg.Wait()
		idle++
		for i, cand := range cands {
			if cand != nil && objs[i] < best-1e-7*math.Max(1, math.Abs(best)) {
				x, best, idle = cand, objs[i], 0
				lastGain = time.Now()
			}
		}
		if idle == 0 && report != nil {
			report(best)
		}
	}
	return x
}

// lnsState is where a neighbourhood search stopped (its schedule: round,
// idle rounds, window size and shift), so that another call of improve
// goes on from there. The zero value starts the schedule. Done reports that
// the schedule ended (every size and the shifted restart improved nothing,
// or lnsRotations passes).
type lnsState struct {
	round, idle, size, shift int
	done                     bool
}

// hood is a neighbourhood: the opportunities it frees (opps) and the firms
// whose participations it frees in every project taken (firms, the other
// projects and market entries kept as they are). Empty: nothing to solve.
type hood struct {
	opps, firms []bool
}

// lnsFamilies is the number of neighbourhood families: market-major and
// segment-major runs of opportunities, runs of firms, and one opportunity
// not taken with every firm that could join it.
const lnsFamilies = 4
