package cluster

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
)

// A coalition neighbourhood is empty without coalitions; with them it frees
// whole markets and, in them, exactly the incumbent's members and the
// coalitions' pairs, and one that spans the whole cluster is not built
// twice around the same incumbent. With the coalitions of a better plan,
// it holds that plan: its sub-MIP ends at least as well, and changes no
// column of a pair it does not free.
func TestCoalitionHood(t *testing.T) {
	inst := shaped(t, "mixed", 60, 24, 5, 9)
	d := model.Derive(inst)
	fm, x := greedyStart(t, d)
	out, err := Solve(context.Background(), d, Params{TimeLimit: 10 * time.Second})
	if err != nil || out.Assignment == nil {
		t.Fatalf("no plan: %v", err)
	}
	xb, err := fm.Encode(out.Assignment)
	if err != nil {
		t.Fatal(err)
	}
	start, zb := fm.Objective(x), fm.Objective(xb)
	if zb >= start-1e-6 {
		t.Fatalf("the solve's plan %.4f is not better than the greedy's %.4f", zb, start)
	}
	coalitions := make([][]int, len(fm.Y))
	for p, pairs := range fm.Pairs {
		for _, pc := range pairs {
			if xb[pc.X] > 0.5 {
				coalitions[p] = append(coalitions[p], pc.Firm)
			}
		}
	}
	s := newLNSSearch(fm)
	if h := s.coalitionHood(0, x); h.opps != nil || h.firms != nil {
		t.Error("a coalition neighbourhood without coalitions")
	}
	s.coalitions.last = coalitions
	h := s.coalitionHood(0, x)
	if h.opps == nil {
		t.Fatal("no coalition neighbourhood")
	}
	all := true
	for p, free := range h.opps {
		if fm.Y[p] == none {
			continue
		}
		for _, q := range s.orders[0] {
			if s.oppMkt[q] == s.oppMkt[p] && h.opps[q] != free {
				t.Fatalf("opportunities %d and %d of one market: freed %t and %t", p, q, free, h.opps[q])
			}
		}
		all = all && free
		if !free {
			continue
		}
		for _, pc := range fm.Pairs[p] {
			want := x[pc.X] > 0.5 || slices.Contains(coalitions[p], pc.Firm)
			if h.pairs[[2]int{p, pc.Firm}] != want {
				t.Errorf("opportunity %d, firm %d: freed %t, want %t", p, pc.Firm, !want, want)
			}
		}
	}
	if !all {
		t.Fatal("the neighbourhood does not span this small cluster")
	}
	if again := s.coalitionHood(1, x); again.opps != nil {
		t.Error("the whole cluster again around the same incumbent")
	}
	cand, obj := s.solveHood(context.Background(), h, x, math.MaxInt32, time.Now().Add(time.Minute))
	if cand == nil {
		t.Fatalf("no point from a neighbourhood that holds %.4f (start %.4f)", zb, start)
	}
	if obj > zb+1e-6*math.Max(1, math.Abs(zb)) {
		t.Errorf("neighbourhood point %.6f, worse than the coalitions' plan %.6f", obj, zb)
	}
	if v := fm.Violations(cand, 1e-6); len(v) > 0 {
		t.Errorf("the point breaks %s", v[0])
	}
	// From the sub-MIP's optimum the same neighbourhood yields nothing:
	// its cutoff row asks for better.
	if again := s.coalitionHood(2, cand); again.opps == nil {
		t.Error("no neighbourhood around a new incumbent")
	} else if c, z := s.solveHood(context.Background(), again, cand, math.MaxInt32, time.Now().Add(time.Minute)); c != nil {
		t.Errorf("a point (Z %.6f) from the neighbourhood's own optimum %.6f", z, obj)
	}
	for p, pairs := range fm.Pairs {
		for _, pc := range pairs {
			if h.pairs[[2]int{p, pc.Firm}] {
				continue
			}
			for _, j := range []int{pc.X, pc.L, pc.W} {
				if j != none && cand[j] != x[j] {
					t.Fatalf("opportunity %d, firm %d: column %d moved from %g to %g outside the pairs freed", p, pc.Firm, j, x[j], cand[j])
				}
			}
		}
	}
}

// Cut into parts, the coalition neighbourhoods hold every market exactly
// once, whole, with the same pairs freed as in one neighbourhood (the
// incumbent's members and the pooled coalitions); there
// are at most ⌈free binaries / size⌉ of them, each but the last holding
// at least its share of the free binaries, and
// the parts are built again around the same incumbent (only the whole
// cluster is not); without pooled coalitions there are none.
func TestCoalitionHoodParts(t *testing.T) {
	inst := shaped(t, "mixed", 60, 24, 5, 9)
	d := model.Derive(inst)
	fm, x := greedyStart(t, d)
	s := newLNSSearch(fm)
	// Coalitions: every third eligible firm of each opportunity.
	if hs := s.coalitionHoods(0, math.MaxInt32, x); hs != nil {
		t.Error("pooled coalition neighbourhoods without coalitions")
	}
	s.coalitions.pooled = make([][]int, len(fm.Y))
	for p, pairs := range fm.Pairs {
		for i, pc := range pairs {
			if i%3 == 0 {
				s.coalitions.pooled[p] = append(s.coalitions.pooled[p], pc.Firm)
			}
		}
	}
	whole := s.coalitionHoods(0, math.MaxInt32, x)
	if len(whole) != 1 {
		t.Fatalf("%d neighbourhoods at an unlimited size", len(whole))
	}
	if again := s.coalitionHoods(1, math.MaxInt32, x); again != nil {
		t.Error("the whole cluster again around the same incumbent")
	}
	total := 0
	binaries := func(h hood) int {
		n := 0
		for p, free := range h.opps {
			if !free {
				continue
			}
			n++
			for _, pc := range fm.Pairs[p] {
				if !h.pairs[[2]int{p, pc.Firm}] {
					continue
				}
				for _, j := range []int{pc.X, pc.L, pc.W} {
					if j != none && fm.Prob.Cols[j].Kind.IsInteger() {
						n++
					}
				}
			}
		}
		return n
	}
	total = binaries(whole[0])
	for _, size := range []int{total / 2, total / 3, total / 5} {
		for k := range 2 {
			parts := s.coalitionHoods(k, size, x)
			want := (total + size - 1) / size
			if len(parts) < 2 || len(parts) > want {
				t.Fatalf("size %d: %d parts, want 2 to %d", size, len(parts), want)
			}
			held := make([]int, len(fm.Y))
			for i, h := range parts {
				if n := binaries(h); i < len(parts)-1 && n*want < total {
					t.Errorf("size %d, part %d: %d binaries, below its share of %d", size, i, n, total)
				}
				for p, free := range h.opps {
					if !free {
						continue
					}
					held[p]++
					for q := range fm.Y {
						if s.oppMkt[q] == s.oppMkt[p] && !h.opps[q] {
							t.Fatalf("size %d, part %d: opportunity %d freed without %d of its market", size, i, p, q)
						}
					}
					for _, pc := range fm.Pairs[p] {
						key := [2]int{p, pc.Firm}
						if h.pairs[key] != whole[0].pairs[key] {
							t.Errorf("size %d, part %d, opportunity %d, firm %d: freed %t, in one neighbourhood %t", size, i, p, pc.Firm, h.pairs[key], whole[0].pairs[key])
						}
					}
				}
			}
			for p, n := range held {
				if n != 1 {
					t.Fatalf("size %d: opportunity %d in %d parts", size, p, n)
				}
			}
		}
	}
}
