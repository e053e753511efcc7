package cluster

import "math/rand/v2"

// coalitionHood frees whole markets, in the k-th shuffled order of the
// markets, while the neighbourhood holds fewer than lnsMaxWindowBinaries
// binaries, and in them only the pairs of the incumbent x's members and of
// the relaxation's coalitions at the dual's best multipliers (empty
// without them). Those pairs hold most of what better plans change: they
// move pioneers and learners between projects in many markets at once,
// which the other families' windows, free in every pair of a few
// opportunities, cannot hold. With about five pairs per opportunity the
// neighbourhood spans much of a cluster and its sub-MIP stays small.
func (s *lnsSearch) coalitionHood(k int, x []float64) hood {
	if s.coalitions == nil {
		return hood{}
	}
	fm := s.fm
	h := hood{opps: make([]bool, len(fm.Y)), pairs: map[[2]int]bool{}}
	byMarket := make([][]int, len(fm.U))
	for _, p := range s.orders[0] {
		byMarket[s.oppMkt[p]] = append(byMarket[s.oppMkt[p]], p)
	}
	free, markets := 0, 0
	for _, m := range rand.New(rand.NewPCG(uint64(k), 1)).Perm(len(byMarket)) {
		if free >= lnsMaxWindowBinaries {
			break
		}
		markets++
		for _, p := range byMarket[m] {
			h.opps[p] = true
			free++ // y_p
			for _, f := range s.coalitions[p] {
				h.pairs[[2]int{p, f}] = true
			}
			for _, pc := range fm.Pairs[p] {
				key := [2]int{p, pc.Firm}
				if x[pc.X] > 0.5 {
					h.pairs[key] = true
				}
				if !h.pairs[key] {
					continue
				}
				for _, j := range []int{pc.X, pc.L, pc.W} {
					if j != none && fm.Prob.Cols[j].Kind.IsInteger() {
						free++
					}
				}
			}
		}
	}
	if markets == len(byMarket) {
		// The whole cluster: solved once per incumbent.
		z := fm.Objective(x)
		if s.coalitionsTried && z == s.coalitionsAt {
			return hood{}
		}
		s.coalitionsTried, s.coalitionsAt = true, z
	}
	return h
}
