package cluster

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
)

// The window families above MaxGLPKRows: an opening or pioneer window
// frees exactly one opportunity the plan does not take, the k-th most
// valuable (of those with a pioneer pair, for the pioneer family), and
// otherwise projects of the plan: those its candidate firms are tied to,
// or those its pioneers take part in. A market run holds size binaries
// unless it holds every opportunity.
func TestLargeWindows(t *testing.T) {
	inst := gen.Generate(gen.Config{Firms: 60, Opportunities: 24, Markets: 5, Seed: 3})
	_, fm, a := largeStart(t, inst)
	s := newLargeSearch(fm)
	in, tied, member := s.taken(a)
	const size = 100
	for _, f := range []largeFamily{largeOpening, largePioneers} {
		out := s.out(in, f == largePioneers)
		if len(out) == 0 {
			t.Fatalf("family %d: the plan takes every opportunity", f)
		}
		for k := range 2 * len(out) {
			w := s.window(f, k, size, a, nil)
			p := out[k%len(out)]
			if w == nil || !w[p] {
				t.Fatalf("family %d, window %d: does not free %d", f, k, p)
			}
			// The firms whose projects the window may free.
			allowed := map[int]bool{}
			for _, pc := range fm.Pairs[p] {
				if f == largeOpening {
					for _, q := range tied[pc.Firm] {
						allowed[q] = true
					}
				} else if pc.Pioneer {
					for _, q := range member[pc.Firm] {
						allowed[q] = true
					}
				}
			}
			for q, free := range w {
				if free && q != p && (!in[q] || !allowed[q]) {
					t.Errorf("family %d, window %d around %d frees %d (taken %t, allowed %t)", f, k, p, q, in[q], allowed[q])
				}
			}
		}
	}
	for k := range s.windows(size) {
		w := s.window(largeMarkets, k, size, a, nil)
		n, bin := 0, 0
		for q, free := range w {
			if free {
				n, bin = n+1, bin+s.binaries[q]
			}
		}
		if bin < size && n < len(s.order) {
			t.Errorf("market run %d holds %d binaries in %d opportunities", k, bin, n)
		}
	}
}

// A coalition window frees whole markets until it holds size binaries
// (counting members and the guide's pairs only), none without a guide;
// its pairs are exactly the plan's members and the guide's. With the
// coalitions of a better plan as the guide and every market free, the
// window holds that plan, so its solve ends at least as well.
func TestLargeCoalitionWindows(t *testing.T) {
	inst := shaped(t, "mixed", 60, 24, 5, 9)
	d, fm, a := largeStart(t, inst)
	za, err := verifyPlan(d, a)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Solve(context.Background(), d, Params{TimeLimit: 10 * time.Second})
	if err != nil || out.Assignment == nil {
		t.Fatalf("no plan: %v", err)
	}
	b := out.Assignment
	zb, err := verifyPlan(d, b)
	if err != nil {
		t.Fatal(err)
	}
	if zb >= za-1e-6 {
		t.Fatalf("the solve's plan %.4f is not better than the greedy's %.4f", zb, za)
	}
	guide := make([][]int, len(fm.Y))
	for _, pj := range b.Projects {
		p := d.Opp[pj.ID]
		for _, st := range pj.Participants {
			guide[p] = append(guide[p], d.Firm[st.Firm])
		}
	}
	s := newLargeSearch(fm)
	if w := s.window(largeCoalitions, 0, 100, a, nil); w != nil {
		t.Error("a coalition window without a guide")
	}
	inA := map[[2]int]bool{}
	for _, pj := range a.Projects {
		for _, st := range pj.Participants {
			inA[[2]int{d.Opp[pj.ID], d.Firm[st.Firm]}] = true
		}
	}
	const size = 60
	for k := range 6 {
		w := s.window(largeCoalitions, k, size, a, guide)
		if w == nil {
			t.Fatalf("window %d: none", k)
		}
		bin, all := 0, true
		for m, ps := range s.byMarket {
			for _, p := range ps {
				if w[p] != w[ps[0]] {
					t.Fatalf("window %d frees part of market %d", k, m)
				}
			}
			if len(ps) > 0 && !w[ps[0]] {
				all = false
			}
		}
		keep := s.keep(a, w, guide, true)
		for p, free := range w {
			if !free || fm.Y[p] == none {
				continue
			}
			for i, pc := range fm.Pairs[p] {
				want := inA[[2]int{p, pc.Firm}] || slices.Contains(guide[p], pc.Firm)
				if keep[p][i] != want {
					t.Errorf("window %d, opportunity %d, firm %d: freed %t, want %t", k, p, pc.Firm, keep[p][i], want)
				}
				if keep[p][i] {
					bin += 2
				}
			}
			bin++
		}
		if bin < size && !all {
			t.Errorf("window %d holds %d binaries, want %d or every market", k, bin, size)
		}
	}
	whole := s.window(largeCoalitions, 0, math.MaxInt, a, guide)
	cand, cz := s.solveWindow(context.Background(), a, za, whole, s.keep(a, whole, guide, true), time.Time{})
	if cand == nil {
		t.Fatalf("no better plan from the window that holds %.4f (start %.4f)", zb, za)
	}
	if cz > zb+1e-6*math.Max(1, math.Abs(zb)) {
		t.Errorf("window plan %.4f, worse than the guide's plan %.4f", cz, zb)
	}
}
