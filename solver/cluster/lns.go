package cluster

import (
	"context"
	"math"
	"runtime"
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
// with GLPK, seeded with the incumbent.
//
// Two families of neighbourhoods cut the model across each other: windows
// of consecutive markets (whole markets, so entries and dissipation can
// change) and windows of consecutive segments across all markets (the
// firms serving a segment, so their budgets, risk and project slots can be
// redistributed between markets). Each round solves lnsWorkers
// neighbourhoods at once from the same incumbent, one of each family, and
// keeps the best improvement (ties to the first), so the search is
// deterministic whatever the cores' speeds; with one worker the families
// alternate. Windows move one market (segment) per round; after a pass
// that improved nothing they double in size, and after such a pass at
// lnsMaxWindowBinaries the search stops. It also stops after
// lnsRotations passes, or at the deadline (zero: none). It returns the
// best point.
func (fm *Formulation) improve(ctx context.Context, x []float64, deadline time.Time, report func(obj float64)) []float64 {
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
			mark(pc.X, p)
			mark(pc.S, p)
			mark(pc.L, p)
			mark(pc.W, p)
			stake[pc.S] = true
		}
	}
	for m, u := range fm.U {
		if u != none {
			colMkt[u] = m
		}
	}
	// window returns the opportunities of the window of consecutive
	// markets (family 0) or segments (family 1) starting at first.
	nS := len(segIndex)
	window := func(family, first, size int) []bool {
		key, n := oppMkt, nM
		if family == 1 {
			key, n = oppSeg, nS
		}
		w := make([]bool, nP)
		free := 0
		for k := 0; k < n && free < size; k++ {
			for p := range w {
				if key[p] == (first+k)%n {
					w[p] = true
					free += binaries[p]
				}
			}
		}
		return w
	}
	// solve optimizes over the opportunities in w from x; it returns the
	// expanded point and its objective, or nil.
	solve := func(w []bool, x []float64) ([]float64, float64) {
		open := make([]bool, nM)
		for p, free := range w {
			open[oppMkt[p]] = open[oppMkt[p]] || free
		}
		fixed := make([]bool, len(x))
		for j := range fixed {
			switch {
			case colOpp[j] >= 0:
				// A stake outside the window may move while its
				// participation stays as it is.
				fixed[j] = !w[colOpp[j]] && !(stake[j] && x[j] > 0)
			case colMkt[j] >= 0:
				fixed[j] = !open[colMkt[j]]
			}
		}
		r := fm.Prob.Restrict(fixed, x)
		if r.Problem == nil || len(r.Problem.Cols) == 0 {
			return nil, 0
		}
		seed := r.Project(x)
		offered := false
		prm := glpk.Params{MIRCuts: true, CoverCuts: true}
		if !deadline.IsZero() {
			prm.TimeLimit = time.Until(deadline)
		}
		res, err := glpk.SolveMIP(ctx, r.Problem, prm, glpk.Callbacks{
			Heuristic: func() ([]float64, bool) {
				if offered {
					return nil, false
				}
				offered = true
				return seed, true
			},
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
	idle, size := 0, lnsWindowBinaries
	workers := lnsWorkers()
	// A pass starts a window of each family at every market (segment).
	rounds := (2*max(nM, nS) + workers - 1) / workers
	for round := 0; round < lnsRotations*rounds; round++ {
		if idle >= rounds {
			// A whole pass improved nothing: widen the windows.
			if size >= lnsMaxWindowBinaries {
				break
			}
			size, idle = 2*size, 0
		}
		if ctx.Err() != nil || (!deadline.IsZero() && time.Until(deadline) < 200*time.Millisecond) {
			break
		}
		cands := make([][]float64, workers)
		objs := make([]float64, workers)
		var wg sync.WaitGroup
		for i := 0; i < workers; i++ {
			k := round*workers + i // neighbourhood number
			w := window(k%2, k/2, size)
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
			}
		}
		if idle == 0 && report != nil {
			report(best)
		}
	}
	return x
}
