package cluster

import (
	"testing"

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
