package cluster

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// cover's member choice is exact: on random candidate sets with up to two
// requirements it equals the least Σ e over every member set that meets
// them (brute force), and the members it returns attain that value.
func TestCoverExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	roles := []model.Role{model.Large, model.SME, model.Supporting}
	for trial := 0; trial < 3000; trial++ {
		n := 1 + rng.IntN(8)
		lp := &lagProject{cands: make([]lagCand, n)}
		for i := range lp.cands {
			c := &lp.cands[i]
			c.role, c.pioneer = roles[rng.IntN(3)], rng.IntN(4) == 0
			c.e = rng.Float64()*4 - 2
			if rng.IntN(10) == 0 {
				c.e = math.Inf(1)
			}
		}
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return lp.cands[order[a]].e < lp.cands[order[b]].e })
		var reqs []lagReq
		for k := rng.IntN(3); k > 0; k-- {
			if rng.IntN(2) == 0 {
				reqs = append(reqs, lagReq{pioneer: true})
			} else {
				reqs = append(reqs, lagReq{role: roles[rng.IntN(3)]})
			}
		}
		skip := rng.IntN(n+1) - 1
		lo := rng.IntN(3)
		hi := lo + rng.IntN(4)
		want := math.Inf(1)
		for set := 0; set < 1<<n; set++ {
			if skip >= 0 && set&(1<<skip) != 0 {
				continue
			}
			sum, k := 0.0, 0
			met := make([]bool, len(reqs))
			for i := 0; i < n; i++ {
				if set&(1<<i) == 0 {
					continue
				}
				sum += lp.cands[i].e
				k++
				for r, req := range reqs {
					met[r] = met[r] || req.met(&lp.cands[i])
				}
			}
			if k < lo || k > hi || slices.Contains(met, false) {
				continue
			}
			want = math.Min(want, sum)
		}
		got, members := lp.pick(order, skip, lo, hi, reqs)
		if math.IsInf(want, 1) != math.IsInf(got, 1) || (!math.IsInf(want, 1) && math.Abs(got-want) > 1e-9) {
			t.Fatalf("trial %d: pick %v, brute force %v (n %d, lo %d, hi %d, skip %d, reqs %v)", trial, got, want, n, lo, hi, skip, reqs)
		}
		if math.IsInf(got, 1) {
			continue
		}
		sum := 0.0
		for _, i := range members {
			sum += lp.cands[i].e
		}
		if math.Abs(sum-got) > 1e-9 || len(members) < lo || len(members) > hi || slices.Contains(members, skip) {
			t.Fatalf("trial %d: members %v sum to %v, pick says %v", trial, members, sum, got)
		}
	}
}
