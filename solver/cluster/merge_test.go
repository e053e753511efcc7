package cluster

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
)

// The improvements of one round merge: from the greedy start, the windows
// of one family over a whole pass all start from the same point; merge
// returns a point that passes the row check, is at least as good as every
// improving candidate, has the objective it reports, and whose binaries
// each keep the start's value or take an improving candidate's. On at
// least one cluster it beats the best candidate alone (a real merge).
func TestMerge(t *testing.T) {
	ctx := context.Background()
	merged := 0
	for _, tc := range []struct {
		shape string
		seed  uint64
	}{{"tight-risk", 1}, {"tight-risk", 2}, {"mixed", 3}, {"default", 4}} {
		inst := shaped(t, tc.shape, 60, 24, 5, tc.seed)
		fm, x := greedyStart(t, model.Derive(inst))
		s := newLNSSearch(fm)
		best := fm.Objective(x)
		const size = 60
		var cands [][]float64
		var objs []float64
		for k := range s.windows(size) {
			c, z := s.solveHood(ctx, s.window(familyMarkets, k, size, x), x, lnsNodeLimit(size), time.Time{})
			cands, objs = append(cands, c), append(objs, z)
		}
		first, improving := math.Inf(1), 0
		for i, c := range cands {
			if c != nil && objs[i] < best {
				first = min(first, objs[i])
				improving++
			}
		}
		out, obj := s.merge(ctx, x, cands, objs, best, time.Time{})
		if improving == 0 {
			if out != nil {
				t.Fatalf("%s s%d: no candidate improves, merge returned %.4f", tc.shape, tc.seed, obj)
			}
			continue
		}
		if out == nil {
			t.Fatalf("%s s%d: %d candidates improve, merge returned nothing", tc.shape, tc.seed, improving)
		}
		if v := fm.Violations(out, 1e-6); len(v) > 0 {
			t.Fatalf("%s s%d: merged point violates %v", tc.shape, tc.seed, v[:min(3, len(v))])
		}
		if z := fm.Objective(out); math.Abs(z-obj) > 1e-6*math.Max(1, math.Abs(z)) {
			t.Fatalf("%s s%d: merge reports %.6f, the point's objective is %.6f", tc.shape, tc.seed, obj, z)
		}
		if obj > first+1e-9 {
			t.Fatalf("%s s%d: merged %.4f is worse than the best candidate %.4f", tc.shape, tc.seed, obj, first)
		}
		for _, j := range s.binaryCols() {
			ok := math.Abs(out[j]-x[j]) < 0.5
			for i, c := range cands {
				ok = ok || (c != nil && objs[i] < best && math.Abs(out[j]-c[j]) < 0.5)
			}
			if !ok {
				t.Fatalf("%s s%d: %s = %g is neither the start's nor a candidate's", tc.shape, tc.seed, fm.Prob.Cols[j].Name, out[j])
			}
		}
		t.Logf("%s s%d: start %.2f, %d of %d windows improve, best %.2f, merged %.2f", tc.shape, tc.seed, best, improving, len(cands), first, obj)
		if obj < first-1e-6*math.Max(1, math.Abs(first)) {
			merged++
		}
	}
	if merged == 0 {
		t.Fatal("no cluster where merging beats the best candidate alone")
	}
}
