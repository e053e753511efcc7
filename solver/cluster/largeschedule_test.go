package cluster

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
)

// The schedule's sizes double from largeWindowBinaries, largeSizes of
// them, but none past the first that holds every binary.
func TestLargeScheduleSizes(t *testing.T) {
	for _, c := range []struct {
		total int
		want  []int
	}{
		{total: 100, want: []int{400}},
		{total: 400, want: []int{400}},
		{total: 401, want: []int{400, 800}},
		{total: 1000, want: []int{400, 800, 1600}},
		{total: 120000, want: []int{400, 800, 1600, 3200}},
	} {
		q := newLargeSchedule(&largeSearch{order: []int{0}, total: c.total})
		if !slices.Equal(q.sizes, c.want) {
			t.Errorf("total %d: sizes %v, want %v", c.total, q.sizes, c.want)
		}
	}
}

// Every size gets a window first; then the size with the best recent gain
// per second takes the windows, except that a size left below
// largeSizeFloor of the time comes first; a whole pass without gain ends
// the search, and a gain starts the count again.
func TestLargeSchedulePicks(t *testing.T) {
	q := newLargeSchedule(&largeSearch{order: []int{0}, total: 120000})
	took := func(size int) time.Duration { return time.Duration(size) * time.Millisecond }
	// The first windows: each size once, smallest first.
	for i := range q.sizes {
		tn, ok := q.next()
		if !ok || tn.size != i {
			t.Fatalf("window %d: size %d (ok %t), want %d", i, tn.size, ok, i)
		}
		gain := 0.0
		if i == 2 {
			gain = 1000
		}
		q.record(tn, gain, took(q.sizes[i]))
	}
	// Size 2 gains most per second: it takes every window but those the
	// floor gives the others.
	count := make([]int, len(q.sizes))
	for range 400 {
		tn, ok := q.next()
		if !ok {
			t.Fatal("search over after a gain")
		}
		count[tn.size]++
		gain := 0.0
		if tn.size == 2 {
			gain = 1000
		}
		q.record(tn, gain, took(q.sizes[tn.size]))
	}
	total := 0.0
	for _, s := range q.spent {
		total += s
	}
	for i, s := range q.spent {
		if s < largeSizeFloor*total*0.9 {
			t.Errorf("size %d had %.1f s of %.1f: below the floor %g", i, s, total, largeSizeFloor)
		}
	}
	if q.spent[2] < 0.5*total {
		t.Errorf("the gaining size had %.1f s of %.1f; windows per size %v", q.spent[2], total, count)
	}
	// No gain from here: the search ends after a whole pass since the
	// last gain, not before.
	n, since := 0, q.idle
	for {
		tn, ok := q.next()
		if !ok {
			break
		}
		n++
		q.record(tn, 0, took(q.sizes[tn.size]))
		if n > 10*q.whole {
			t.Fatalf("no end after %d windows without gain (a pass is %d)", n, q.whole)
		}
	}
	if since+n != q.whole {
		t.Errorf("ended after %d+%d windows without gain, want a whole pass, %d", since, n, q.whole)
	}
}

// merge keeps the gains of two windows solved from the same plan when
// their join passes the checker, and otherwise the better of them alone.
// The pool's plan always passes the checker with the pool's objective.
func TestPoolMerge(t *testing.T) {
	joins := 0
	for i, shape := range []string{"default", "mixed", "nonequity-heavy", "scarce-pioneers", "tight-risk", "wide-capital"} {
		inst := shaped(t, shape, 40, 24, 6, uint64(70+i))
		d := model.Derive(inst)
		st, err := BuildStructure(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		g := Greedy(st)
		if g == nil {
			continue
		}
		zg, err := verifyPlan(d, g)
		if err != nil {
			t.Fatal(err)
		}
		s := newLargeSearch(st)
		even, odd := make([]bool, len(st.Y)), make([]bool, len(st.Y))
		for p := range even {
			m := d.Market[inst.Opportunities[p].Market]
			even[p], odd[p] = m%2 == 0, m%2 == 1
		}
		c1, z1 := s.solveWindow(context.Background(), g, zg, even, s.keep(g, even, nil, false), time.Time{})
		c2, z2 := s.solveWindow(context.Background(), g, zg, odd, s.keep(g, odd, nil, false), time.Time{})
		if c1 == nil || c2 == nil {
			continue
		}
		pool := &largePool{plan: g, z: zg, bound: math.Inf(-1)}
		if gain := pool.merge(d, g, even, c1, z1); math.Abs(gain-(zg-z1)) > 1e-9*math.Max(1, math.Abs(zg)) {
			t.Errorf("%s: first window's gain %g, want %g", shape, gain, zg-z1)
		}
		want := math.Min(z1, z2)
		jz, jerr := verifyPlan(d, joinPlans(d, c1, odd, c2))
		if jerr == nil && jz < want {
			want = jz
			joins++
		}
		pool.merge(d, g, odd, c2, z2)
		a, z := pool.best()
		tol := 1e-6 * math.Max(1, math.Abs(z))
		if math.Abs(z-want) > tol {
			t.Errorf("%s: pool %g after both windows (%g, %g, joined %g %v), want %g", shape, z, z1, z2, jz, jerr, want)
		}
		if zc, err := verifyPlan(d, a); err != nil || math.Abs(zc-z) > tol {
			t.Errorf("%s: pool's plan checks at %g (%v), pool says %g", shape, zc, err, z)
		}
	}
	if joins == 0 {
		t.Error("no case where the join beat both windows: the test checks too little")
	}
}
