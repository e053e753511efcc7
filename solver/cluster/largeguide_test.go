package cluster

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// largeStart derives inst and returns its structure-only formulation and
// its greedy plan.
func largeStart(t *testing.T, inst *model.Instance) (*model.Derived, *Formulation, *model.Assignment) {
	t.Helper()
	d := model.Derive(inst)
	fm, err := BuildStructure(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	a := Greedy(fm)
	if a == nil {
		t.Fatal("no greedy plan")
	}
	return d, fm, a
}

// A window frees the plan's members of an opportunity first, then the
// relaxation's coalition (the guide), then the others in the order of
// largePairs; with more pairs than largePairs, the guide's firms are freed
// even where that order alone would leave them out.
func TestLargeCandidatesGuide(t *testing.T) {
	inst := gen.Generate(gen.Config{Firms: 600, Opportunities: 8, Markets: 2, Seed: 5})
	_, fm, _ := largeStart(t, inst)
	s := newLargeSearch(fm)
	p := -1
	for q, pairs := range fm.Pairs {
		if fm.Y[q] != none && len(pairs) > largePairs+3 && (p < 0 || len(pairs) > len(fm.Pairs[p])) {
			p = q
		}
	}
	if p < 0 {
		t.Fatalf("no opportunity with more than %d pairs", largePairs+3)
	}
	plain := s.candidates(p, nil, nil)
	firmAt := func(rank []int, i int) int { return fm.Pairs[p][rank[i]].Firm }
	// The guide: the last two firms of the plain order; a member: the
	// third last.
	n := len(plain)
	guided := []int{firmAt(plain, n-1), firmAt(plain, n-2)}
	member := firmAt(plain, n-3)
	guide := make([][]int, len(fm.Y))
	guide[p] = guided
	members := map[[2]int]bool{{p, member}: true}
	rank := s.candidates(p, members, guide)
	if firmAt(rank, 0) != member {
		t.Errorf("first candidate %d, want the member %d", firmAt(rank, 0), member)
	}
	if got := []int{firmAt(rank, 1), firmAt(rank, 2)}; !slices.Equal(got, []int{guided[1], guided[0]}) && !slices.Equal(got, guided) {
		t.Errorf("candidates 2 and 3: %v, want the guide %v", got, guided)
	}
	// The rest keeps the plain order.
	var rest, want []int
	for _, i := range rank[3:] {
		rest = append(rest, fm.Pairs[p][i].Firm)
	}
	for _, i := range plain[:n-3] {
		want = append(want, fm.Pairs[p][i].Firm)
	}
	if !slices.Equal(rest, want) {
		t.Errorf("the others are not in the plain order")
	}
	// keep frees the guide's pairs, which the plain order leaves out.
	win := make([]bool, len(fm.Y))
	win[p] = true
	plan := &model.Assignment{}
	freed := func(keep [][]bool, f int) bool {
		for i, pc := range fm.Pairs[p] {
			if pc.Firm == f {
				return keep[p][i]
			}
		}
		return false
	}
	without, with := s.keep(plan, win, nil, false), s.keep(plan, win, guide, false)
	for _, f := range guided {
		if freed(without, f) {
			t.Errorf("firm %d freed without the guide: the test needs a firm past largePairs", f)
		}
		if !freed(with, f) {
			t.Errorf("firm %d of the guide not freed", f)
		}
	}
}

// With a tiny heuristic share the Lagrangian's heuristic runs once (its
// first turn), so at most one plan comes from it; without a share it
// runs every turn and improves its plan more than once.
func TestLagrangianHeurShare(t *testing.T) {
	inst := gen.Generate(gen.Config{Firms: 150, Opportunities: 60, Markets: 10, Seed: 3})
	_, fm, _ := largeStart(t, inst)
	for _, c := range []struct {
		share    float64
		min, max int
	}{
		{share: 1e-12, min: 1, max: 1},
		{share: 0, min: 2, max: math.MaxInt},
	} {
		plans := 0
		fm.lagrangian(context.Background(), 0, false, time.Now().Add(3*time.Second), lagHooks{
			heurShare: c.share,
			onPlan:    func(*model.Assignment, float64) { plans++ },
		})
		if plans < c.min || plans > c.max {
			t.Errorf("share %g: %d plans from the heuristic, want %d to %d", c.share, plans, c.min, c.max)
		}
	}
}

// The Lagrangian phase above MaxGLPKRows hands the relaxation's
// coalitions to the window search: one per opportunity it takes, each of
// firms with a pair there.
func TestLargeDualGuide(t *testing.T) {
	inst := shaped(t, "mixed", 60, 24, 5, 9)
	d, fm, g := largeStart(t, inst)
	zg, err := verifyPlan(d, g)
	if err != nil {
		t.Fatal(err)
	}
	pool := &largePool{plan: g, z: zg, bound: math.Inf(-1)}
	pool.dual(context.Background(), fm, time.Now().Add(time.Second), time.Now().Add(2*time.Second))
	guide := pool.coalitions()
	if guide == nil {
		t.Fatal("no coalitions from the dual")
	}
	taken := 0
	for p, firms := range guide {
		if len(firms) > 0 {
			taken++
		}
		for _, f := range firms {
			if !slices.ContainsFunc(fm.Pairs[p], func(pc PairCols) bool { return pc.Firm == f }) {
				t.Errorf("opportunity %d: firm %d of the guide has no pair", p, f)
			}
		}
	}
	if taken == 0 {
		t.Error("the guide takes no opportunity")
	}
}

// The opening family takes the opportunities the relaxation takes (and
// the plan does not) first, each part most valuable first.
func TestLargeOpeningGuideFirst(t *testing.T) {
	inst := gen.Generate(gen.Config{Firms: 60, Opportunities: 24, Markets: 5, Seed: 3})
	_, fm, a := largeStart(t, inst)
	s := newLargeSearch(fm)
	in, _, _ := s.taken(a)
	out := s.out(in, false)
	if len(out) < 3 {
		t.Fatalf("the plan leaves %d opportunities out, want 3 or more", len(out))
	}
	// The guide takes the two least valuable opportunities left out.
	guide := make([][]int, len(fm.Y))
	for _, p := range out[len(out)-2:] {
		guide[p] = []int{fm.Pairs[p][0].Firm}
	}
	want := append([]int{out[len(out)-2], out[len(out)-1]}, out[:len(out)-2]...)
	for k, p := range want {
		if w := s.openingWindow(k, 100, a, guide); w == nil || !w[p] {
			t.Errorf("window %d does not free opportunity %d", k, p)
		}
	}
	if got := guideFirst(out, nil); !slices.Equal(got, out) {
		t.Errorf("without a guide the order changed: %v, want %v", got, out)
	}
}

// The guide pools the coalitions of the last guidePool best multipliers:
// per opportunity their union, each firm once; nil changes nothing.
func TestLargePoolGuide(t *testing.T) {
	pool := &largePool{}
	for k := range guidePool + 2 {
		// opportunity 0: firms k and k+1; opportunity 1: firm 0 always.
		pool.setGuide([][]int{{k, k + 1}, {0}})
		pool.setGuide(nil)
		g := pool.coalitions()
		want := []int{}
		for j := max(0, k-guidePool+1); j <= k+1; j++ {
			want = append(want, j)
		}
		if got := slices.Sorted(slices.Values(g[0])); !slices.Equal(got, want) {
			t.Errorf("after %d updates: opportunity 0's guide %v, want %v", k+1, got, want)
		}
		if !slices.Equal(g[1], []int{0}) {
			t.Errorf("after %d updates: opportunity 1's guide %v, want [0]", k+1, g[1])
		}
	}
}
