package cluster

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// The Lagrangian leaves a guide: averages within [0, 1] over at least
// lagGuideMinIterates iterates. Its order holds exactly the opportunities
// where the point departs from it by lagGuideMinDeparture or more, by
// departure (recomputed here), most first; the guided windows of a pass
// start at the head of the order and cover all of it.
func TestLagGuide(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		inst := gen.Generate(gen.Config{Firms: 60, Opportunities: 30, Markets: 5, Seed: 40 + seed})
		fm, x0 := greedyStart(t, model.Derive(inst))
		res := fm.Lagrangian(context.Background(), fm.Objective(x0), true, time.Now().Add(20*time.Second))
		g := res.guide()
		if g == nil || g.iterates < lagGuideMinIterates {
			t.Fatalf("seed %d: guide %+v, want one over %d iterates at least", seed, g, lagGuideMinIterates)
		}
		n := float64(g.iterates)
		departure := func(p int) float64 {
			d := math.Abs(g.taken[p]/n - x0[fm.Y[p]])
			for _, pc := range fm.Pairs[p] {
				d += math.Abs(g.member[p][pc.Firm]/n - x0[pc.X])
			}
			return d
		}
		for p, y := range fm.Y {
			if g.taken[p] < 0 || g.taken[p] > n {
				t.Errorf("seed %d: opportunity %d taken %v times in %v iterates", seed, p, g.taken[p], n)
			}
			for f, c := range g.member[p] {
				if c < 0 || c > g.taken[p] {
					t.Errorf("seed %d: firm %d in opportunity %d's coalition %v times, taken %v", seed, f, p, c, g.taken[p])
				}
			}
			if y == none && g.taken[p] > 0 {
				t.Errorf("seed %d: opportunity %d has no column but was taken", seed, p)
			}
		}
		ord := g.order(fm, x0)
		in := make([]bool, len(fm.Y))
		for i, p := range ord {
			in[p] = true
			if departure(p) < lagGuideMinDeparture {
				t.Errorf("seed %d: opportunity %d in the order with departure %.3f", seed, p, departure(p))
			}
			if i > 0 && departure(p) > departure(ord[i-1])+1e-12 {
				t.Errorf("seed %d: order position %d departs by %.3f, more than the one before (%.3f)", seed, i, departure(p), departure(ord[i-1]))
			}
		}
		for p, y := range fm.Y {
			if y != none && !in[p] && departure(p) >= lagGuideMinDeparture {
				t.Errorf("seed %d: opportunity %d departs by %.3f but is not in the order", seed, p, departure(p))
			}
		}
		if len(ord) == 0 {
			t.Fatalf("seed %d: the greedy plan departs from the guide nowhere", seed)
		}
		s := newLNSSearch(fm)
		s.guide = g
		covered := make([]bool, len(fm.Y))
		for k := range 2 * len(ord) {
			h := s.window(familyGuide, k, lnsWindowBinaries, x0)
			if k == 0 && !h.opps[ord[0]] {
				t.Errorf("seed %d: the first guided window leaves out the head of the order", seed)
			}
			for p, free := range h.opps {
				if free && !in[p] {
					t.Errorf("seed %d: guided window %d frees opportunity %d, not in the order", seed, k, p)
				}
				covered[p] = covered[p] || free
			}
		}
		for _, p := range ord {
			if !covered[p] {
				t.Errorf("seed %d: opportunity %d of the order in no guided window", seed, p)
			}
		}
		if h := (&lnsSearch{fm: fm}).window(familyGuide, 0, lnsWindowBinaries, x0); h.opps != nil || h.firms != nil {
			t.Errorf("seed %d: a guided window without a guide frees something", seed)
		}
	}
}
