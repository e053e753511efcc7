package cluster

// The opening family of the neighbourhood search: one opportunity not
// taken, with the firms that could fund it and, for each of them busy
// elsewhere, firms that could take its place there.

import (
	"context"
	"slices"
	"sort"
	"time"
)

// openingSubstitutes: in an opening window, each project taken by a freed
// candidate brings this many other firms eligible there (the most room
// first), so that the candidate can leave it for the opportunity.
const openingSubstitutes = 2

// fundingOrder returns, per opportunity, the firms with a pair on it by the
// stake each could hold there on its own (budget, credit and risk limit,
// with no other project; most first, ties in pair order): the firms an
// opening window frees first.
func fundingOrder(fm *Formulation) [][]int {
	empty := newGreedy(fm)
	out := make([][]int, len(fm.Y))
	for p := range fm.Pairs {
		stake := make(map[int]float64, len(fm.Pairs[p]))
		for i := range fm.Pairs[p] {
			pc := &fm.Pairs[p][i]
			out[p] = append(out[p], pc.Firm)
			stake[pc.Firm] = empty.stakeRoom(pc, p, true)
		}
		sort.SliceStable(out[p], func(a, b int) bool { return stake[out[p][a]] > stake[out[p][b]] })
	}
	return out
}

// replay returns the greedy's state holding the plan of x: what each firm
// spends, risks and counts, so that headroom measures its room now.
func (fm *Formulation) replay(x []float64) *greedy {
	g := newGreedy(fm)
	for _, pj := range fm.Decode(x).Projects {
		lead := none
		if pj.Lead != "" {
			lead = fm.D.Firm[pj.Lead]
		}
		g.apply(fm.D.Opp[pj.ID], pj.Participants, lead)
	}
	return g
}

// openingHood frees the k-th most valuable opportunity not taken with the
// participations of the firms that could fund it (fundingOrder, until the
// window holds size binaries), the projects they are tied to or take part
// in that are worth less than it (whole), and in each other project they
// take part in the participations of openingSubstitutes firms that could
// replace them there.
func (s *lnsSearch) openingHood(k, size int, x []float64) hood {
	fm := s.fm
	var out []int
	for _, p := range s.byValue {
		if x[fm.Y[p]] < 0.5 {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return hood{}
	}
	return s.openingAround(out[k%len(out)], size, x)
}

// openingAround is the opening window of opportunity p (not taken in x):
// see openingHood.
func (s *lnsSearch) openingAround(p, size int, x []float64) hood {
	fm := s.fm
	h := hood{opps: make([]bool, len(fm.Y)), firms: make([]bool, len(s.firmBinaries))}
	h.opps[p] = true
	free := 0
	addFirm := func(f int) {
		if !h.firms[f] {
			h.firms[f] = true
			free += s.firmBinaries[f]
		}
	}
	addOpp := func(q int) {
		if !h.opps[q] {
			h.opps[q] = true
			free += s.oppBinaries[q]
		}
	}
	room := fm.replay(x)
	for _, f := range s.funding[p] {
		if free >= size {
			break
		}
		addFirm(f)
		// A firm that leads a project, or a pioneer whose learners
		// there depend on it, cannot leave it while the project's
		// other members stay: free those projects too, so that the
		// firm may join p instead.
		for _, q := range s.tied(f, x) {
			addOpp(q)
		}
		// The projects it takes part in: those worth less than p
		// whole (p may replace them), elsewhere firms that could take
		// its place.
		for _, q := range s.joined(f, x) {
			if h.opps[q] {
				continue
			}
			if fm.Gain[q] < fm.Gain[p] {
				addOpp(q)
				continue
			}
			for _, g := range s.substitutes(q, h.firms, room, x) {
				addFirm(g)
			}
		}
	}
	return h
}

// joined returns the projects taken in x that firm f takes part in.
func (s *lnsSearch) joined(f int, x []float64) []int {
	var out []int
	for _, fc := range s.joins[f] {
		if x[fc.col] > 0.5 {
			out = append(out, fc.opp)
		}
	}
	return out
}

// substitutes returns up to openingSubstitutes firms eligible in taken
// project q, neither its members nor already freed, with the most room
// there now (room holds x's plan), leaving out those with none.
func (s *lnsSearch) substitutes(q int, freed []bool, room *greedy, x []float64) []int {
	type firmRoom struct {
		f    int
		room float64
	}
	var subs []firmRoom
	for i := range s.fm.Pairs[q] {
		pc := &s.fm.Pairs[q][i]
		if x[pc.X] > 0.5 || freed[pc.Firm] {
			continue
		}
		if r := room.headroom(pc, q, true); r > 0 {
			subs = append(subs, firmRoom{pc.Firm, r})
		}
	}
	sort.SliceStable(subs, func(a, b int) bool { return subs[a].room > subs[b].room })
	var out []int
	for _, sub := range subs[:min(len(subs), openingSubstitutes)] {
		out = append(out, sub.f)
	}
	return out
}

// tied returns the projects taken in x that firm f cannot leave while
// their other members stay: those it leads, and those where it is a
// pioneer its learners may depend on.
func (s *lnsSearch) tied(f int, x []float64) []int {
	var out []int
	for _, cols := range [][]oppCol{s.leads[f], s.enables[f]} {
		for _, fl := range cols {
			if x[fl.col] > 0.5 && !slices.Contains(out, fl.opp) {
				out = append(out, fl.opp)
			}
		}
	}
	return out
}

// probe solves, from x, the opening windows of the opportunities the guide
// favours that x does not take (lagGuide.favoured, at most lnsHoods of
// them) at twice size binaries (at most lnsMaxWindowBinaries), a
// coalition neighbourhood (coalitionHood) and the pooled coalition
// neighbourhoods (coalitionHoods) in parts of size binaries, with
// lnsProbeNodes times the nodes of such an opening window, and
// returns the best improvement on best, or nil. Such an opportunity is
// taken in most of the Lagrangian's solutions; the ejection chain that
// makes room for it often needs a deeper tree than a window of the
// rotation gets. The coalition neighbourhoods move pioneers and learners
// across many markets at once, which no window of the rotation holds.
func (s *lnsSearch) probe(ctx context.Context, size int, x []float64, best float64, deadline time.Time) ([]float64, float64) {
	ord := s.guide.favoured(s.fm, s.byValue, x)
	if len(ord) > lnsHoods() {
		ord = ord[:lnsHoods()]
	}
	wide := min(2*size, lnsMaxWindowBinaries)
	ws := make([]hood, 0, len(ord)+1)
	for _, p := range ord {
		ws = append(ws, s.openingAround(p, wide, x))
	}
	if h := s.coalitionHood(s.probes, x); h.opps != nil {
		ws = append(ws, h)
	}
	ws = append(ws, s.coalitionHoods(s.probes, size, x)...)
	s.probes++
	if len(ws) == 0 {
		return nil, best
	}
	return s.solveAll(ctx, ws, x, lnsProbeNodes*lnsNodeLimit(wide), best, deadline)
}
