package cluster

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver/glpk"
)

// The neighbourhood search starts from the greedy plan and returns a point
// that satisfies every row, is no worse than the start, no better than the
// optimum GLPK proves on the whole model, passes the independent checker
// once decoded, and is the same point on a second run (determinism).
func TestImproveSmall(t *testing.T) {
	improved := 0
	for seed := uint64(1); seed <= 6; seed++ {
		inst := gen.Generate(gen.Config{Firms: 24, Opportunities: 14, Markets: 4, Seed: 700 + seed})
		d := model.Derive(inst)
		fm, x0 := greedyStart(t, d)
		res, err := glpk.SolveMIP(context.Background(), fm.Prob,
			glpk.Params{TimeLimit: time.Minute, GomoryCuts: true, MIRCuts: true, CoverCuts: true}, glpk.Callbacks{})
		if err != nil || res.Status != glpk.Optimal {
			t.Fatalf("seed %d: GLPK %v %v, want optimal", seed, res, err)
		}
		start, opt := fm.Objective(x0), res.Objective
		tol := 1e-6 * math.Max(1, math.Abs(opt))
		reports := 0
		x := fm.improve(context.Background(), slices.Clone(x0), nil, probeCoalitions{}, nil, lnsLimits{report: func(float64) { reports++ }})
		obj := fm.Objective(x)
		if v := fm.Violations(x, 1e-6); len(v) > 0 {
			t.Fatalf("seed %d: improved point violates %s", seed, v[0])
		}
		if obj > start+tol || obj < opt-tol {
			t.Errorf("seed %d: improved %.6f outside [optimum %.6f, start %.6f]", seed, obj, opt, start)
		}
		if obj < start-tol {
			improved++
			if reports == 0 {
				t.Errorf("seed %d: improved from %.6f to %.6f without a report", seed, start, obj)
			}
		}
		z := fm.Objective(x)
		plan := &model.Plan{Instance: inst.Name, Method: "cluster", Status: "feasible", Objective: &z, Plan: fm.Decode(x)}
		metrics, ze, err := d.Evaluate(plan.Plan, "cluster")
		if err != nil {
			t.Fatal(err)
		}
		plan.Metrics = &metrics
		if math.Abs(ze-z) > tol {
			t.Errorf("seed %d: Evaluate gives Z %.9g, the vector %.9g", seed, ze, z)
		}
		if rep := check.Check(inst, plan, check.Options{}); !rep.OK() {
			t.Errorf("seed %d: improved plan fails the checker: %v", seed, rep.Err())
		}
		again := fm.improve(context.Background(), slices.Clone(x0), nil, probeCoalitions{}, nil, lnsLimits{})
		if !slices.Equal(again, x) {
			t.Errorf("seed %d: a second run gives another point (Z %.6f vs %.6f)", seed, fm.Objective(again), obj)
		}
	}
	// The search must do something on these clusters, or the checks above
	// test nothing.
	if improved == 0 {
		t.Error("no seed improved on the greedy plan")
	}
}

// A search cut into one-round calls by a tiny stall, each going on where the
// last stopped (lnsState), ends at the same point and in the same state as
// one uninterrupted search, whose schedule ends (done) on these clusters.
func TestImproveResumes(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		inst := gen.Generate(gen.Config{Firms: 24, Opportunities: 14, Markets: 4, Seed: 700 + seed})
		fm, x0 := greedyStart(t, model.Derive(inst))
		var one, st lnsState
		whole := fm.improve(context.Background(), slices.Clone(x0), nil, probeCoalitions{}, &one, lnsLimits{})
		x, calls := slices.Clone(x0), 0
		for !st.done {
			before := st.round
			x = fm.improve(context.Background(), x, nil, probeCoalitions{}, &st, lnsLimits{stall: time.Nanosecond})
			calls++
			if st.round != before+1 && !st.done {
				t.Fatalf("seed %d: call %d went from round %d to %d, want one round", seed, calls, before, st.round)
			}
			if calls > 10000 {
				t.Fatalf("seed %d: the schedule never ends", seed)
			}
		}
		if st != one {
			t.Errorf("seed %d: resumed calls end in state %+v, one search in %+v", seed, st, one)
		}
		if !slices.Equal(x, whole) {
			t.Errorf("seed %d: %d resumed calls end at Z %.6f, one search at %.6f", seed, calls, fm.Objective(x), fm.Objective(whole))
		}
		if calls < 2 {
			t.Errorf("seed %d: %d call, the stall never stopped the search", seed, calls)
		}
	}
}

// greedyStart builds the MIP of d and encodes the greedy plan, failing the
// test when there is none.
func greedyStart(t *testing.T, d *model.Derived) (*Formulation, []float64) {
	t.Helper()
	fm, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	a := Greedy(fm)
	if a == nil {
		t.Fatalf("%s: no greedy plan", d.Inst.Name)
	}
	x, err := fm.Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	return fm, x
}

// A neighbourhood's sub-MIP carries the cutoff row: from the optimum no
// neighbourhood (of every family, the guided ones with the Lagrangian's
// guide) yields a point (not even the optimum again), and from the
// greedy start every point it yields is better by the cutoff's margin.
func TestSolveHoodCutoff(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		inst := gen.Generate(gen.Config{Firms: 24, Opportunities: 14, Markets: 4, Seed: 700 + seed})
		fm, x0 := greedyStart(t, model.Derive(inst))
		res, err := glpk.SolveMIP(context.Background(), fm.Prob,
			glpk.Params{TimeLimit: time.Minute, GomoryCuts: true, MIRCuts: true, CoverCuts: true}, glpk.Callbacks{})
		if err != nil || res.Status != glpk.Optimal {
			t.Fatalf("seed %d: GLPK %v %v, want optimal", seed, res, err)
		}
		s := newLNSSearch(fm)
		lr := fm.Lagrangian(context.Background(), fm.Objective(x0), true, time.Now().Add(10*time.Second))
		s.guide = lr.guide()
		for k := range 2 * lnsFamilies {
			f := lnsFamily(k % lnsFamilies)
			if cand, obj := s.solveHood(context.Background(), s.window(f, k/lnsFamilies, lnsWindowBinaries, res.X), res.X, lnsNodes, time.Time{}); cand != nil {
				t.Errorf("seed %d, %v window %d: a point (Z %.6f) from the optimum %.6f", seed, f, k/lnsFamilies, obj, res.Objective)
			}
			start := fm.Objective(x0)
			if cand, obj := s.solveHood(context.Background(), s.window(f, k/lnsFamilies, lnsWindowBinaries, x0), x0, lnsNodes, time.Time{}); cand != nil &&
				obj > start-lnsCutoffGain*math.Max(1, math.Abs(start))*(1-1e-6) {
				t.Errorf("seed %d, %v window %d: Z %.9f from the start %.9f, not better by the cutoff", seed, f, k/lnsFamilies, obj, start)
			}
		}
	}
}

// A pioneer neighbourhood frees the pioneers' participations (the first always),
// exactly one opportunity not taken, with one of the freed pioneers in its
// Π_p, and otherwise only projects taken where a freed pioneer takes part;
// over a pass its opportunity runs through every such one not taken (when
// every pioneer fits in each window). Its
// sub-MIP returns a point that meets every row and beats the start.
func TestPioneerHood(t *testing.T) {
	shape, err := gen.Preset("scarce-pioneers")
	if err != nil {
		t.Fatal(err)
	}
	checked, covered := 0, 0
	for seed := uint64(1); seed <= 4; seed++ {
		inst := gen.Generate(gen.Config{Firms: 60, Opportunities: 30, Markets: 5, Seed: 800 + seed, Shape: shape})
		fm, x := greedyStart(t, model.Derive(inst))
		s := newLNSSearch(fm)
		if len(s.pioneers) == 0 {
			continue
		}
		start := fm.Objective(x)
		seen := map[int]bool{}
		for k := range 3 * len(fm.Y) {
			h := s.pioneerHood(k, lnsWindowBinaries, x)
			if h.opps == nil {
				continue
			}
			checked++
			if first := s.pioneers[k%len(s.pioneers)]; !h.firms[first] {
				t.Fatalf("seed %d, window %d: pioneer %d not freed", seed, k, first)
			}
			closed := 0
			for p, free := range h.opps {
				if !free {
					continue
				}
				taken := x[fm.Y[p]] > 0.5
				ok := false
				for _, pc := range fm.Pairs[p] {
					if h.firms[pc.Firm] && ((taken && x[pc.X] > 0.5) || (!taken && pc.Pioneer)) {
						ok = true
					}
				}
				if !ok {
					t.Errorf("seed %d, window %d: opportunity %d (taken %v) freed without a freed pioneer in it", seed, k, p, taken)
				}
				if !taken {
					closed++
					seen[p] = true
				}
			}
			if closed != 1 {
				t.Errorf("seed %d, window %d: %d opportunities not taken freed, want 1", seed, k, closed)
			}
			if k >= 3 {
				continue // a few sub-MIPs suffice
			}
			if cand, obj := s.solveHood(context.Background(), h, x, lnsNodes, time.Time{}); cand != nil {
				if v := fm.Violations(cand, 1e-6); len(v) > 0 || obj >= start {
					t.Errorf("seed %d, window %d: point with Z %.6f (start %.6f) violating %v", seed, k, obj, start, v)
				}
			}
		}
		// With every pioneer in each window, the windows' opportunities
		// run through all those not taken that a pioneer could open.
		all := 0
		for _, g := range s.pioneers {
			all += s.firmBinaries[g]
		}
		if all <= lnsWindowBinaries/2 {
			covered++
		}
		for p, y := range fm.Y {
			if all > lnsWindowBinaries/2 || y == none || x[y] > 0.5 || seen[p] {
				continue
			}
			for _, pc := range fm.Pairs[p] {
				if pc.Pioneer {
					t.Errorf("seed %d: opportunity %d, open to pioneer %d, never in a pioneer window", seed, p, pc.Firm)
					break
				}
			}
		}
	}
	if checked == 0 || covered == 0 {
		t.Fatalf("%d pioneer windows, %d clusters with every pioneer in each: the test checks too little", checked, covered)
	}
}

// The window starts of a pass: every start once, the even ones first, so
// that the first half of the pass covers every opportunity of the order:
// an idle half pass has seen the whole model.
func TestWindowStarts(t *testing.T) {
	inst := gen.Generate(gen.Config{Firms: 60, Opportunities: 30, Markets: 5, Seed: 3})
	fm, _ := greedyStart(t, model.Derive(inst))
	s := newLNSSearch(fm)
	for _, size := range []int{s.totalBinaries / 7, s.totalBinaries / 4, s.totalBinaries / 2, s.totalBinaries} {
		n := s.windows(size)
		seen := make([]bool, n)
		for k := range n {
			st := s.start(k, size)
			if st < 0 || st >= n || seen[st] {
				t.Fatalf("size %d: window %d starts at %d (seen %v)", size, k, st, seen)
			}
			seen[st] = true
			if want := k < (n+1)/2; (st%2 == 0) != want {
				t.Errorf("size %d: window %d of %d starts at half-window %d: want the even starts first", size, k, n, st)
			}
		}
		covered := make([]int, len(fm.Y))
		for k := range (n + 1) / 2 {
			for p, in := range s.run(s.orders[familyMarkets], s.oppBinaries, len(fm.Y), k, size) {
				if in {
					covered[p]++
				}
			}
		}
		for _, p := range s.orders[familyMarkets] {
			if covered[p] == 0 {
				t.Errorf("size %d: opportunity %d in no window of the first half pass", size, p)
			}
		}
	}
}

// The stall rules: stall counts at any window size, stallWide only once the
// windows are at their widest; zero means never.
func TestLNSStalled(t *testing.T) {
	const s = time.Second
	for _, c := range []struct {
		lim   lnsLimits
		since time.Duration
		size  int
		want  bool
	}{
		{lnsLimits{}, time.Hour, lnsMaxWindowBinaries, false},
		{lnsLimits{stall: s}, s, lnsWindowBinaries, true},
		{lnsLimits{stall: s}, s / 2, lnsMaxWindowBinaries, false},
		{lnsLimits{stallWide: s}, time.Hour, lnsMaxWindowBinaries / 2, false},
		{lnsLimits{stallWide: s}, s / 2, lnsMaxWindowBinaries, false},
		{lnsLimits{stallWide: s}, s, lnsMaxWindowBinaries, true},
		{lnsLimits{stall: 2 * s, stallWide: s}, s, lnsWindowBinaries, false},
	} {
		if got := c.lim.stalled(c.since, c.size); got != c.want {
			t.Errorf("%+v after %v at %d binaries: stalled %v, want %v", c.lim, c.since, c.size, got, c.want)
		}
	}
}
