package horizon

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// hoodCluster is the 3-period cluster the window tests look at.
func hoodCluster(t *testing.T) (*model.Instance, *Formulation) {
	t.Helper()
	in := gen.Generate(gen.Config{Firms: 30, Opportunities: 14, Markets: 4, Seed: 11, Periods: 3})
	fm, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return in, fm
}

// The windows: every single market, then every market with the pioneers,
// then the firm groups, then the opportunities (openingWindows), then
// every pair of markets as its two halves (split), which partition the
// pair's opportunities. A pioneer window
// leaves every pair of a pioneer free in every project and period
// (fixOutside), and fixes the other firms' pairs outside its market as a
// plain market window does.
func TestPioneerWindows(t *testing.T) {
	in, fm := hoodCluster(t)
	h := newHoods(fm)
	pioneers := 0
	for f := range in.Firms {
		if in.Firms[f].Pioneer {
			pioneers++
		}
	}
	if pioneers == 0 {
		t.Fatal("no pioneer in the test cluster: the test checks nothing")
	}
	nM, nO, nG := len(in.Markets), len(openingWindows(fm)), min(firmWindows, len(in.Firms))
	if want := 2*nM + nO + nG + nM*(nM-1); len(h.windows) != want {
		t.Fatalf("%d windows, want %d (every pair of markets as two halves)", len(h.windows), want)
	}
	halves := map[[2]int][]int{} // the opportunities of each pair's halves
	for i, w := range h.windows {
		single, pio, group, opening := w.a == w.b && w.group == nil, w.pioneers, w.group != nil && !w.opening(), w.opening()
		if single != (i < 2*nM) || pio != (i >= nM && i < 2*nM) || group != (i >= 2*nM && i < 2*nM+nG) ||
			opening != (i >= 2*nM+nG && i < 2*nM+nG+nO) {
			t.Errorf("window %d: %+v out of order", i, w)
		}
		if i >= 2*nM+nG+nO {
			if w.a == w.b || w.opps == nil || w.halved {
				t.Errorf("window %d: %+v, want a half of a pair", i, w)
			}
			key := [2]int{min(w.a, w.b), max(w.a, w.b)}
			halves[key] = append(halves[key], w.opps...)
		}
	}
	if len(halves) != nM*(nM-1)/2 {
		t.Errorf("%d pairs of markets, want %d", len(halves), nM*(nM-1)/2)
	}
	for key, opps := range halves {
		if !sameSet(opps, h.marketList(key[0], key[1])) {
			t.Errorf("pair %v: halves hold %v, want %v", key, opps, h.marketList(key[0], key[1]))
		}
	}
	x := make([]float64, len(fm.Prob.Cols))
	free := map[int]bool{}
	for _, p := range h.byMarket[0] {
		free[p] = true
	}
	withPioneers := h.fixOutside(append([]float64(nil), x...), free, h.pioneers, nil)
	plain := h.fixOutside(append([]float64(nil), x...), free, nil, nil)
	freed := 0
	for p := range in.Opportunities {
		for t0 := 0; t0 < fm.T; t0++ {
			for _, pr := range fm.Pairs[p][t0] {
				switch {
				case free[p]:
					if withPioneers[pr.X] || plain[pr.X] {
						t.Errorf("opportunity %d, period %d, firm %d: fixed inside the window", p, t0+1, pr.Firm)
					}
				case in.Firms[pr.Firm].Pioneer:
					if withPioneers[pr.X] || !plain[pr.X] {
						t.Errorf("opportunity %d, period %d, pioneer %d: fixed %v with the pioneers, %v without", p, t0+1, pr.Firm, withPioneers[pr.X], plain[pr.X])
					}
					freed++
				default:
					if !withPioneers[pr.X] || !plain[pr.X] {
						t.Errorf("opportunity %d, period %d, firm %d: free outside the window", p, t0+1, pr.Firm)
					}
				}
			}
		}
	}
	if freed == 0 {
		t.Error("no pioneer pair outside the window: the test checks nothing")
	}
}

// The firm windows cut the firms into firmWindows runs, each firm in
// exactly one; a firm window fixes every y and every pair outside its firms,
// and frees its firms' pairs in every project and period.
func TestFirmWindows(t *testing.T) {
	in, fm := hoodCluster(t)
	groups := firmGroups(in)
	if len(groups) != firmWindows {
		t.Fatalf("%d firm windows, want %d", len(groups), firmWindows)
	}
	seen := make([]int, len(in.Firms))
	for _, w := range groups {
		for f, member := range w.group {
			if member {
				seen[f]++
			}
		}
	}
	for f, n := range seen {
		if n != 1 {
			t.Errorf("firm %d in %d firm windows, want 1", f, n)
		}
	}
	h := newHoods(fm)
	x := make([]float64, len(fm.Prob.Cols))
	fixed := h.fixOutside(x, nil, groups[0].group, nil)
	freed := 0
	for p := range in.Opportunities {
		for t0 := 0; t0 < fm.T; t0++ {
			if y := fm.Y[p][t0]; y != none && !fixed[y] {
				t.Errorf("opportunity %d, period %d: y free in a firm window", p, t0+1)
			}
			for _, pr := range fm.Pairs[p][t0] {
				if fixed[pr.X] == groups[0].group[pr.Firm] {
					t.Errorf("opportunity %d, period %d, firm %d: fixed %v", p, t0+1, pr.Firm, fixed[pr.X])
				}
				if !fixed[pr.X] {
					freed++
				}
			}
		}
	}
	if freed == 0 {
		t.Error("the first firm window frees no pair: the test checks nothing")
	}
}

// take hands out the windows queued for a retry first, then the next ones
// in order, cycling; done counts the windows without improvement in a row,
// and doubles the limit of a starved window halved already and queues it
// again, up to hoodLimitMax (TestSplitStarvedWindows: the halving).
func TestHoodsTakeDone(t *testing.T) {
	h := &hoods{windows: []window{{halved: true}, {halved: true}, {halved: true}}, limits: []time.Duration{hoodLimit, hoodLimit, hoodLimit}}
	for i, tc := range []struct {
		retry []int
		want  int
	}{
		{nil, 0},
		{[]int{2}, 2},
		{nil, 1},
		{[]int{0, 2}, 0},
		{nil, 2},
		{nil, 2},
		{nil, 0},
	} {
		h.retry = append(h.retry, tc.retry...)
		if got := h.take(); got != tc.want {
			t.Errorf("call %d: take() = %d, want %d", i, got, tc.want)
		}
	}
	h.done(1, false, true)
	h.done(2, false, false)
	if h.idle != 2 || h.limits[1] != min(2*hoodLimit, hoodLimitMax) || h.limits[2] != hoodLimit {
		t.Errorf("after two windows without improvement: idle %d, limits %v", h.idle, h.limits)
	}
	for range 10 {
		h.done(1, false, true)
	}
	if h.limits[1] != hoodLimitMax {
		t.Errorf("limit %v after many starved tries, want %v", h.limits[1], hoodLimitMax)
	}
	// Queued again each time its limit grew (5 s, doubled up to
	// hoodLimitMax), not after.
	var want []int
	for l := hoodLimit; l < hoodLimitMax; l = min(2*l, hoodLimitMax) {
		want = append(want, 1)
	}
	if len(want) == 0 || !slices.Equal(h.retry, want) {
		t.Errorf("retry queue %v, want %v", h.retry, want)
	}
	if h.done(0, true, false); h.idle != 0 {
		t.Errorf("idle %d after an improvement, want 0", h.idle)
	}
}

// optimumColumns solves in to optimality and returns the result, the
// optimum as columns of fm, and its objective.
func optimumColumns(t *testing.T, in *model.Instance, fm *Formulation) (*Result, []float64, float64) {
	t.Helper()
	res, err := Solve(context.Background(), in, Options{})
	if err != nil || res.Status != model.StatusOptimal {
		t.Fatalf("solve: %v, status %v", err, res)
	}
	opt, err := fm.Columns(context.Background(), res.Assignment, 0)
	if err != nil {
		t.Fatal(err)
	}
	return res, opt, fm.Prob.Objective(opt)
}

// rollingColumns returns the rolling horizon's plan of fm and its columns.
func rollingColumns(t *testing.T, fm *Formulation) (*model.Assignment, []float64) {
	t.Helper()
	a, err := fm.RollingPlan(context.Background(), 0, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	x, err := fm.Columns(context.Background(), a, 0)
	if err != nil {
		t.Fatal(err)
	}
	return a, x
}

// A window's sub-MIP with the cutoff row finds nothing around the optimum
// (nothing beats it), where without the row the restriction has a solution
// (the optimum itself); around a worse plan (the rolling horizon's), every
// solution a window returns beats the plan by at least the cutoff's gain.
func TestHoodCutoff(t *testing.T) {
	in, fm := hoodCluster(t)
	ctx := context.Background()
	_, opt, zOpt := optimumColumns(t, in, fm)
	h := newHoods(fm)
	markets := map[int]bool{0: true}
	if y, _ := h.solveFree(ctx, opt, h.marketOpps(markets), nil, nil, math.Inf(1), hoodLimit); y == nil {
		t.Error("no solution without the cutoff around the optimum")
	}
	cut := zOpt - hoodCutoffGain*math.Max(1, math.Abs(zOpt))
	if y, _ := h.solveFree(ctx, opt, h.marketOpps(markets), nil, nil, cut, hoodLimit); y != nil {
		t.Errorf("a solution of Z %.6f beyond the cutoff %.6f around the optimum %.6f", fm.Prob.Objective(y), cut, zOpt)
	}
	_, x := rollingColumns(t, fm)
	z := fm.Prob.Objective(x)
	improved := 0
	for _, w := range h.windows {
		y, _ := h.solve(ctx, w, x, z, hoodLimit)
		if y == nil {
			continue
		}
		improved++
		if yz := fm.Prob.Objective(y); yz > z-hoodCutoffGain*math.Max(1, math.Abs(z))+1e-6 {
			t.Errorf("window %+v: Z %.6f, not below the cutoff of %.6f", w, yz, z)
		}
		if err := fm.Prob.CheckFeasible(y, columnTol); err != nil {
			t.Errorf("window %+v: %v", w, err)
		}
	}
	if z > zOpt+1e-6 && improved == 0 {
		t.Errorf("no window improves the rolling plan (Z %.4f, optimum %.4f)", z, zOpt)
	}
}

// A window whose sub-MIP starves is halved: the halves partition its
// opportunities (each half holding part of every market of a pair, the
// projects of a segment together) or its firms, keep its pioneers, and
// are tried next with the first limit; the window itself comes back in
// its turn with twice the limit. A half is halved again down to one
// opportunity.
func TestSplitStarvedWindows(t *testing.T) {
	in, fm := hoodCluster(t)
	h := newHoods(fm)
	seg := func(p int) string { return in.Opportunities[p].Segment }
	market := func(p int) int { return fm.D.Market[in.Opportunities[p].Market] }
	tests := []struct {
		name string
		w    window
	}{
		{"market", window{a: 0, b: 0}},
		{"market with the pioneers", window{a: 1, b: 1, pioneers: true}},
		{"pair", window{a: 0, b: 2}},
		{"firms", firmGroups(in)[0]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			halves := h.split(tt.w)
			if len(halves) != 2 {
				t.Fatalf("%d halves, want 2", len(halves))
			}
			if tt.w.group != nil {
				for f, member := range tt.w.group {
					if n := btoi(halves[0].group[f]) + btoi(halves[1].group[f]); n != btoi(member) {
						t.Errorf("firm %d in %d halves, member %v", f, n, member)
					}
				}
				return
			}
			want := h.marketList(tt.w.a, tt.w.b)
			got := append(append([]int(nil), halves[0].opps...), halves[1].opps...)
			if !sameSet(got, want) {
				t.Fatalf("halves %v and %v, want a partition of %v", halves[0].opps, halves[1].opps, want)
			}
			for _, half := range halves {
				if half.pioneers != tt.w.pioneers || half.group != nil || len(half.opps) == 0 {
					t.Errorf("half %+v of %+v", half, tt.w)
				}
				if tt.w.a != tt.w.b {
					ms := map[int]bool{}
					for _, p := range half.opps {
						ms[market(p)] = true
					}
					if len(ms) != 2 {
						t.Errorf("half %v holds markets %v, want both", half.opps, ms)
					}
				}
			}
			// Within a market, the first half's segments come first.
			for _, p := range halves[0].opps {
				for _, q := range halves[1].opps {
					if market(p) == market(q) && seg(p) > seg(q) {
						t.Errorf("opportunity %d (%s) before %d (%s)", p, seg(p), q, seg(q))
					}
				}
			}
		})
	}
	if got := h.split(window{a: 0, b: 0, opps: h.byMarket[0][:1]}); got != nil {
		t.Errorf("one opportunity split into %+v", got)
	}

	// done: the starved window's halves are queued with the first limit,
	// the window itself gets twice its limit and no immediate retry.
	// The window with the most opportunities (a half of a pair), so that
	// its halves can be halved again.
	w0 := 0
	for i, w := range h.windows {
		if w.group == nil && len(h.freeOpps(w)) > len(h.freeOpps(h.windows[w0])) {
			w0 = i
		}
	}
	if len(h.freeOpps(h.windows[w0])) < 4 {
		t.Fatal("no window of 4 opportunities: the test checks nothing")
	}
	n := len(h.windows)
	h.done(w0, false, true)
	if len(h.windows) != n+2 || !h.windows[w0].halved || h.limits[w0] != 2*hoodLimit {
		t.Fatalf("after a starved window: %d windows (want %d), halved %v, limit %v", len(h.windows), n+2, h.windows[w0].halved, h.limits[w0])
	}
	if !slices.Equal(h.retry, []int{n, n + 1}) || h.limits[n] != hoodLimit || h.limits[n+1] != hoodLimit {
		t.Errorf("retry %v, limits %v, want the halves %d, %d at %v", h.retry, h.limits[n:], n, n+1, hoodLimit)
	}
	h.retry = nil
	h.done(w0, false, true) // halved already, at the longest limit: no retry
	if len(h.windows) != n+2 || len(h.retry) != 0 || h.limits[w0] != hoodLimitMax {
		t.Errorf("starved again: %d windows, retry %v, limit %v", len(h.windows), h.retry, h.limits[w0])
	}
	h.done(n, false, true) // a half is halved in turn
	if len(h.windows) != n+4 || !slices.Equal(h.retry, []int{n + 2, n + 3}) {
		t.Errorf("a starved half: %d windows (want %d), retry %v", len(h.windows), n+4, h.retry)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sameSet(a, b []int) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// An opening window frees one opportunity in every period with the firms
// that could join it; its halves (split) keep the pioneers among them and
// cut the others in two.
func TestOpeningWindowParts(t *testing.T) {
	in := gen.Generate(gen.Config{Firms: 90, Opportunities: 20, Markets: 4, Seed: 3, Periods: 3})
	fm, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	h := newHoods(fm)
	byOpp := map[int]window{}
	for _, w := range openingWindows(fm) {
		if !w.opening() || len(w.opps) != 1 || w.a != -1 || w.b != -1 {
			t.Fatalf("window %+v, want one opportunity with a group of firms", w)
		}
		if _, dup := byOpp[w.opps[0]]; dup {
			t.Fatalf("opportunity %d has two windows", w.opps[0])
		}
		byOpp[w.opps[0]] = w
	}
	halved := false
	for p := range in.Opportunities {
		cand := map[int]bool{}
		for t0 := 0; t0 < fm.T; t0++ {
			for _, pr := range fm.Pairs[p][t0] {
				cand[pr.Firm] = true
			}
		}
		w, ok := byOpp[p]
		if ok != (len(cand) > 0) {
			t.Fatalf("opportunity %d: window %v, %d candidates", p, ok, len(cand))
		}
		if !ok {
			continue
		}
		for f := range in.Firms {
			if w.group[f] != cand[f] {
				t.Errorf("opportunity %d, firm %d: in the window %v, candidate %v", p, f, w.group[f], cand[f])
			}
		}
		halves := h.split(w)
		if halves == nil {
			continue
		}
		halved = true
		for _, half := range halves {
			if !half.opening() || !slices.Equal(half.opps, w.opps) {
				t.Errorf("opportunity %d: half %+v", p, half)
			}
		}
		for f := range in.Firms {
			n := btoi(halves[0].group[f]) + btoi(halves[1].group[f])
			want := btoi(cand[f])
			if cand[f] && in.Firms[f].Pioneer {
				want = 2
			}
			if n != want {
				t.Errorf("opportunity %d, firm %d (candidate %v, pioneer %v): in %d halves, want %d", p, f, cand[f], in.Firms[f].Pioneer, n, want)
			}
		}
	}
	if !halved {
		t.Error("no opening window could be halved: the test checks nothing")
	}

	// The window fixes every y but its opportunity's, and every pair but
	// its opportunity's and its firms' (in every project and period).
	var w window
	for p := range in.Opportunities {
		if pw, ok := byOpp[p]; ok {
			w = pw
			break
		}
	}
	fixed := h.fixOutside(make([]float64, len(fm.Prob.Cols)), map[int]bool{w.opps[0]: true}, w.group, nil)
	freed := 0
	for p := range in.Opportunities {
		for t0 := 0; t0 < fm.T; t0++ {
			if y := fm.Y[p][t0]; y != none && fixed[y] != (p != w.opps[0]) {
				t.Errorf("opportunity %d, period %d: y fixed %v", p, t0+1, fixed[y])
			}
			for _, pr := range fm.Pairs[p][t0] {
				free := p == w.opps[0] || w.group[pr.Firm]
				if fixed[pr.X] == free {
					t.Errorf("opportunity %d, period %d, firm %d: fixed %v", p, t0+1, pr.Firm, fixed[pr.X])
				}
				if free && p != w.opps[0] {
					freed++
				}
			}
		}
	}
	if freed == 0 {
		t.Error("no pair of a candidate outside its opportunity: the test checks nothing")
	}
}

// From the optimum less one of its projects, that project's opportunity
// windows get back to the optimum (within the windows' gap of 0.1%), and
// never below it: each part holds the project's pairs, so the optimum is
// a solution of the window.
func TestOpeningWindowRestores(t *testing.T) {
	in := gen.Generate(gen.Config{Firms: 30, Opportunities: 14, Markets: 4, Seed: 11, Periods: 3})
	in.Objective.MarketPowerTarget, in.Objective.SMEParticipationTarget = 0, 0 // a project may leave
	fm, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, _, zOpt := optimumColumns(t, in, fm)
	h := newHoods(fm)
	tried := 0
	for k, pj := range res.Assignment.Projects {
		less := &model.Assignment{Projects: slices.Delete(slices.Clone(res.Assignment.Projects), k, k+1)}
		x, err := fm.Columns(ctx, less, 0)
		if err != nil {
			continue // a later project's learners needed this one
		}
		z := fm.Prob.Objective(x)
		if z <= zOpt+1e-6*math.Max(1, math.Abs(zOpt)) {
			continue // the project is worth nothing
		}
		tried++
		p := fm.D.Opp[pj.ID]
		best := z
		for _, w := range h.windows {
			if !w.opening() || w.opps[0] != p {
				continue
			}
			if y, _ := h.solve(ctx, w, x, z, 4*hoodLimit); y != nil {
				best = math.Min(best, fm.Prob.Objective(y))
			}
		}
		if best < zOpt-1e-6*math.Max(1, math.Abs(zOpt)) {
			t.Errorf("without %s: a window found Z %.6f below the optimum %.6f", pj.ID, best, zOpt)
		}
		if best > zOpt+1e-3*math.Max(1, math.Abs(zOpt)) {
			t.Errorf("without %s (Z %.4f): the opportunity's windows reach %.4f, want the optimum %.4f", pj.ID, z, best, zOpt)
		}
	}
	if tried == 0 {
		t.Error("no project of the optimum could leave it: the test checks nothing")
	}
}

// order puts the single markets first, then lets the other kinds take
// turns (pioneers, firm group, opening, pair), and the opening windows of
// the opportunities the incumbent leaves out before the others, most
// valuable first.
func TestWindowOrder(t *testing.T) {
	in, fm := hoodCluster(t)
	a, x := rollingColumns(t, fm)
	h := newHoods(fm)
	var count [nKinds]int
	for _, w := range h.windows {
		count[w.kind()]++
	}
	h.order(x, nil)
	var want []windowKind
	for range count[kindMarket] {
		want = append(want, kindMarket)
	}
	for k := 0; len(want) < len(h.windows); k++ {
		for c := kindPioneers; c < nKinds; c++ {
			if k < count[c] {
				want = append(want, c)
			}
		}
	}
	for i, w := range h.windows {
		if w.kind() != want[i] {
			t.Fatalf("window %d of kind %d, want %d", i, w.kind(), want[i])
		}
	}
	taken := map[int]bool{}
	for _, pj := range a.Projects {
		taken[fm.D.Opp[pj.ID]] = true
	}
	gain := func(p int) float64 {
		o := &in.Opportunities[p]
		return in.ProjectValue(o) + in.Objective.MarketPowerValue*o.MarketPower
	}
	prev, seenTaken, out := 0, false, 0
	for _, w := range h.windows {
		if w.kind() != kindOpening {
			continue
		}
		p := w.opps[0]
		switch {
		case taken[p]:
			seenTaken = true
		case seenTaken:
			t.Errorf("opportunity %d, left out of the plan, after one taken", p)
		default:
			if out > 0 && gain(p) > gain(prev)+1e-9 {
				t.Errorf("opportunity %d (gain %.2f) after %d (gain %.2f)", p, gain(p), prev, gain(prev))
			}
			prev, out = p, out+1
		}
	}
	if out == 0 || !seenTaken {
		t.Errorf("%d opening windows of opportunities left out, taken ones seen %v: the test checks little", out, seenTaken)
	}
}
