package cluster

// The neighbourhood search on clusters above MaxGLPKRows: windows of
// opportunities, each written and solved on its own (see buildWindow).

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
)

// Large-cluster window parameters.
const (
	// largeWindowBinaries: a window runs through the opportunities,
	// market by market, until it holds at least this many binaries.
	largeWindowBinaries = 400
	// largePairs is the most pairs of an opportunity a window frees
	// besides the plan's members: pioneers of Π_p first (learners need
	// one), then learning-reward pairs, then the others, each by the
	// largest stake they can hold.
	largePairs = 40
	// largeWindowNodes bounds each window's branch-and-bound.
	largeWindowNodes = 150
	// largeWindowTime bounds each window's solve.
	largeWindowTime = 10 * time.Second
)

// largeSearch is the window search over a structure-only formulation.
type largeSearch struct {
	fm *Formulation
	// order is the opportunities that can run, market by market.
	order []int
	// binaries[p] counts p's binary columns (y, x, l).
	binaries []int
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
	return s
}

// window marks the opportunities of the run that starts at position at of
// the order (wrapping) and holds largeWindowBinaries; it returns how many
// opportunities the run holds.
func (s *largeSearch) window(at int) ([]bool, int) {
	w := make([]bool, len(s.fm.Y))
	n, binaries := 0, 0
	for ; n < len(s.order) && binaries < largeWindowBinaries; n++ {
		p := s.order[(at+n)%len(s.order)]
		w[p] = true
		binaries += s.binaries[p]
	}
	return w, n
}

// keep chooses the pairs a window frees (see largePairs): every member of
// a's projects in the window and up to largePairs others per opportunity.
func (s *largeSearch) keep(a *model.Assignment, win []bool) [][]bool {
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
		pairs := s.fm.Pairs[p]
		keep[p] = make([]bool, len(pairs))
		rank := func(pc *PairCols) int {
			switch {
			case pc.Pioneer:
				return 0
			case pc.W != none:
				return 1
			}
			return 2
		}
		idx := make([]int, 0, len(pairs))
		for i := range pairs {
			if members[[2]int{p, pairs[i].Firm}] {
				keep[p][i] = true
			} else {
				idx = append(idx, i)
			}
		}
		sort.SliceStable(idx, func(x, y int) bool {
			px, py := &pairs[idx[x]], &pairs[idx[y]]
			if rx, ry := rank(px), rank(py); rx != ry {
				return rx < ry
			}
			return px.MaxStake > py.MaxStake
		})
		for _, i := range idx[:min(len(idx), largePairs)] {
			keep[p][i] = true
		}
	}
	return keep
}

// solveWindow solves the window's MIP with a's other projects fixed and
// returns the joined plan and its objective when it is better than z and
// passes the independent checker; nil otherwise.
func (s *largeSearch) solveWindow(ctx context.Context, a *model.Assignment, z float64, win []bool, deadline time.Time) (*model.Assignment, float64) {
	wfm, fixed := buildWindow(ctx, s.fm, a, win, s.keep(a, win))
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

// improveLarge runs the windows from plan a (objective z) until deadline
// (zero: none), a whole pass without a better plan, or ctx ends, and
// returns the best plan and its objective; report sees each better one.
func (fm *Formulation) improveLarge(ctx context.Context, a *model.Assignment, z float64, deadline time.Time, report func(float64)) (*model.Assignment, float64) {
	s := newLargeSearch(fm)
	if len(s.order) == 0 {
		return a, z
	}
	at, idle := 0, 0
	for ctx.Err() == nil && (deadline.IsZero() || time.Until(deadline) > time.Second) && idle < len(s.order) {
		win, n := s.window(at)
		// Windows overlap by half.
		step := max(1, n/2)
		at = (at + step) % len(s.order)
		idle += step
		if cand, cz := s.solveWindow(ctx, a, z, win, deadline); cand != nil {
			a, z, idle = cand, cz, 0
			if report != nil {
				report(z)
			}
		}
	}
	return a, z
}
