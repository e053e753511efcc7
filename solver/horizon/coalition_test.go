package horizon

import (
	"context"
	"math"
	"testing"
	"time"
)

// Coalition windows: none without the relaxation's plan; with it, each
// window frees whole markets, its free pairs are exactly the incumbent's
// members and the guide's coalitions in its opportunities (fixOutside fixes
// every other pair there, and leaves y free), and its halves split its
// markets. Given the optimum's coalitions as the guide, a window over every
// market takes the rolling horizon's plan to the optimum.
func TestCoalitionWindows(t *testing.T) {
	in, fm := hoodCluster(t)
	ctx := context.Background()
	res, opt, zOpt := optimumColumns(t, in, fm)
	_, x := rollingColumns(t, fm)
	z := fm.Prob.Objective(x)
	if z <= zOpt+1e-6*math.Max(1, math.Abs(zOpt)) {
		t.Fatalf("the rolling plan (%.4f) is the optimum (%.4f): the test checks nothing", z, zOpt)
	}
	h := newHoods(fm)
	if ws := h.coalitionWindows(x); ws != nil {
		t.Fatalf("%d coalition windows without a guide", len(ws))
	}
	h.setGuide(res.Assignment)
	ws := h.coalitionWindows(x)
	if len(ws) != len(in.Markets) {
		t.Fatalf("%d coalition windows, want one per market (%d)", len(ws), len(in.Markets))
	}
	for i, w := range ws {
		if !w.coalition || w.kind() != kindCoalition {
			t.Errorf("window %d: %+v is not a coalition window", i, w)
		}
		markets := map[int]bool{}
		for _, p := range w.opps {
			markets[fm.D.Market[in.Opportunities[p].Market]] = true
		}
		whole := h.marketOpps(markets)
		if len(whole) != len(w.opps) {
			t.Errorf("window %d frees %d opportunities of markets holding %d: not whole markets", i, len(w.opps), len(whole))
		}
	}
	// The pairs of a window over every market: members of x and of the
	// optimum, nothing else.
	var all []int
	for p := range in.Opportunities {
		all = append(all, p)
	}
	pairs := h.coalitionPairs(x, all)
	for p := range in.Opportunities {
		for t0 := 0; t0 < fm.T; t0++ {
			for _, pr := range fm.Pairs[p][t0] {
				want := memberOf(fm, x, p, pr.Firm) || memberOf(fm, opt, p, pr.Firm)
				if pairs[[2]int{p, pr.Firm}] != want {
					t.Errorf("opportunity %d firm %d: free %v, want %v", p, pr.Firm, !want, want)
				}
			}
		}
	}
	free := map[int]bool{}
	for _, p := range all {
		free[p] = true
	}
	fixed := h.fixOutside(append([]float64(nil), x...), free, nil, pairs)
	for p := range in.Opportunities {
		for t0 := 0; t0 < fm.T; t0++ {
			if y := fm.Y[p][t0]; y != none && fixed[y] {
				t.Errorf("opportunity %d period %d: y fixed in a coalition window", p, t0+1)
			}
			for _, pr := range fm.Pairs[p][t0] {
				if fixed[pr.X] == pairs[[2]int{p, pr.Firm}] {
					t.Errorf("opportunity %d period %d firm %d: x fixed %v, in the pairs %v", p, t0+1, pr.Firm, fixed[pr.X], pairs[[2]int{p, pr.Firm}])
				}
			}
		}
	}
	whole := window{a: -1, b: -1, opps: all, coalition: true}
	y, _ := h.solve(ctx, whole, x, z, time.Minute)
	if y == nil {
		t.Fatalf("the window over every market found nothing better than %.4f (optimum %.4f)", z, zOpt)
	}
	if yz := fm.Prob.Objective(y); yz > zOpt+1e-6*math.Max(1, math.Abs(zOpt)) {
		t.Errorf("the window over every market reached %.4f, want the optimum %.4f", yz, zOpt)
	}
	halves := h.splitCoalition(whole)
	if len(halves) != 2 {
		t.Fatalf("%d halves, want 2", len(halves))
	}
	seen := map[int]bool{}
	for _, hw := range halves {
		if !hw.coalition {
			t.Errorf("half %+v is not a coalition window", hw)
		}
		for _, p := range hw.opps {
			if seen[p] {
				t.Errorf("opportunity %d in both halves", p)
			}
			seen[p] = true
		}
	}
	if len(seen) != len(all) {
		t.Errorf("the halves hold %d opportunities, want %d", len(seen), len(all))
	}
}

// memberOf says whether firm f takes part in opportunity p in some period
// of the solution x.
func memberOf(fm *Formulation, x []float64, p, f int) bool {
	for t := 0; t < fm.T; t++ {
		for _, pr := range fm.Pairs[p][t] {
			if pr.Firm == f && x[pr.X] > 0.5 {
				return true
			}
		}
	}
	return false
}
