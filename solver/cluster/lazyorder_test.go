package cluster

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// lazyOrder reads as a full sort by (k1, k2, index) does, however far it
// is read and however often it is restarted, ties included.
func TestLazyOrderMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	var o lazyOrder
	for trial := range 500 {
		n := rng.IntN(40)
		items := make([]lazyItem, n)
		for i := range items {
			// Few distinct keys, so that ties on k1 and on both keys occur.
			items[i] = lazyItem{k1: float64(rng.IntN(5)), k2: float64(rng.IntN(3)), i: i}
		}
		o.clear()
		for _, it := range items {
			o.add(it.i, it.k1, it.k2)
		}
		o.build()
		want := slices.Clone(items)
		slices.SortFunc(want, func(a, b lazyItem) int {
			return cmp.Or(cmp.Compare(a.k1, b.k1), cmp.Compare(a.k2, b.k2), cmp.Compare(a.i, b.i))
		})
		// Read a prefix, then everything, then once more from the start.
		for _, k := range []int{rng.IntN(n + 1), n, 0} {
			for j := 0; j < k; j++ {
				if got := o.at(j); got != want[j].i {
					t.Fatalf("trial %d: at(%d) = %d, want %d", trial, j, got, want[j].i)
				}
			}
		}
		if got := o.at(n); got != -1 {
			t.Fatalf("trial %d: at(%d) past the end = %d, want -1", trial, n, got)
		}
	}
}
