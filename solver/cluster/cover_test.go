package cluster

import (
	"math"
	"math/rand/v2"
	"slices"
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
		lp.indexRoles()
		order := lp.orderByE()
		// Each requirement is a role or a pioneer; the brute
		// force reads them, pick gets their bits.
		var reqs []lagReq
		var want []model.Role // "": a pioneer
		for k := rng.IntN(3); k > 0; k-- {
			if rng.IntN(2) == 0 {
				reqs = append(reqs, lagReq{bit: pioneerBit})
				want = append(want, "")
			} else {
				r := roles[rng.IntN(3)]
				reqs = append(reqs, lp.roleReq(r))
				want = append(want, r)
			}
		}
		skip := rng.IntN(n+1) - 1
		lo := rng.IntN(3)
		hi := lo + rng.IntN(4)
		best := math.Inf(1)
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
				c := &lp.cands[i]
				for r, role := range want {
					met[r] = met[r] || (role == "" && c.pioneer) || (role != "" && c.role == role)
				}
			}
			if k < lo || k > hi || slices.Contains(met, false) {
				continue
			}
			best = math.Min(best, sum)
		}
		got, members := lp.pick(order, skip, lo, hi, reqs)
		if math.IsInf(best, 1) != math.IsInf(got, 1) || (!math.IsInf(best, 1) && math.Abs(got-best) > 1e-9) {
			t.Fatalf("trial %d: pick %v, brute force %v (n %d, lo %d, hi %d, skip %d, reqs %q)", trial, got, best, n, lo, hi, skip, want)
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
