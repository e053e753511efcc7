package glpk

import (
	"context"
	"slices"
	"testing"
)

// Node is called at the same points of the search in every run, with
// strictly increasing node counts, and returning true stops the search.
func TestNodeCallback(t *testing.T) {
	p := multiKnapsack(3, 5, 40)
	trace := func(stopAt int) ([]int, *Result) {
		var seen []int
		res, err := SolveMIP(context.Background(), p, Params{}, Callbacks{Node: func(n int) bool {
			seen = append(seen, n)
			return stopAt > 0 && n >= stopAt
		}})
		if err != nil {
			t.Fatal(err)
		}
		return seen, res
	}
	a, full := trace(0)
	b, _ := trace(0)
	if len(a) < 10 {
		t.Fatalf("only %d node callbacks; the test needs a real search", len(a))
	}
	if !slices.Equal(a, b) {
		t.Fatalf("node sequences differ between runs:\n%v\n%v", a, b)
	}
	for i := 1; i < len(a); i++ {
		if a[i] <= a[i-1] {
			t.Fatalf("node counts not increasing at %d: %v", i, a[:i+1])
		}
	}
	stopAt := a[len(a)/2]
	c, stopped := trace(stopAt)
	if c[len(c)-1] != stopAt || stopped.Stop != Cancelled || stopped.Nodes >= full.Nodes {
		t.Fatalf("stop at %d: last callback %d, stop %s, nodes %d of %d", stopAt, c[len(c)-1], stopped.Stop, stopped.Nodes, full.Nodes)
	}
}
