package cluster

import "math/rand/v2"

// probeCoalitions are the relaxation's coalitions the probe's coalition
// neighbourhoods free, indexed like Formulation.Y (nil: none).
type probeCoalitions struct {
	// last are the coalitions at the dual's best multipliers
	// (LagrangianResult.coalitions), for coalitionHood.
	last [][]int
	// pooled are those of its last lagCoalitionPool best iterates
	// (LagrangianResult.pooledCoalitions), for coalitionHoods.
	pooled [][]int
}

// coalitionHood frees whole markets, in the k-th shuffled order of the
// markets, while the neighbourhood holds fewer than lnsMaxWindowBinaries
// binaries, and in them only the pairs of the incumbent x's members and of
// the relaxation's coalitions at the dual's best multipliers (empty
// without them). With about five pairs per opportunity it spans most of
// an M cluster and all of an S one, whose sub-MIP GLPK often solves
// whole. One that spans the whole cluster is built once per incumbent.
func (s *lnsSearch) coalitionHood(k int, x []float64) hood {
	if s.coalitions.last == nil {
		return hood{}
	}
	fm := s.fm
	h := hood{opps: make([]bool, len(fm.Y)), pairs: map[[2]int]bool{}}
	free, markets := 0, 0
	byMarket := s.byMarket()
	for _, m := range rand.New(rand.NewPCG(uint64(k), 1)).Perm(len(byMarket)) {
		if free >= lnsMaxWindowBinaries {
			break
		}
		markets++
		for _, p := range byMarket[m] {
			h.opps[p] = true
			free += 1 + s.markPairs(p, s.coalitions.last[p], x, h.pairs) // y_p and the pairs'
		}
	}
	if markets == len(byMarket) {
		z := fm.Objective(x)
		if s.wholeTried && z == s.wholeAt {
			return hood{}
		}
		s.wholeTried, s.wholeAt = true, z
	}
	return h
}

// byMarket returns the opportunities of each market.
func (s *lnsSearch) byMarket() [][]int {
	byMarket := make([][]int, len(s.fm.U))
	for _, p := range s.orders[0] {
		byMarket[s.oppMkt[p]] = append(byMarket[s.oppMkt[p]], p)
	}
	return byMarket
}

// markPairs marks in pairs opportunity p's pairs with the firms of
// coalition and with the incumbent x's members, and returns the binary
// columns of p's marked pairs (marked here or before).
func (s *lnsSearch) markPairs(p int, coalition []int, x []float64, pairs map[[2]int]bool) int {
	for _, f := range coalition {
		pairs[[2]int{p, f}] = true
	}
	n := 0
	for _, pc := range s.fm.Pairs[p] {
		key := [2]int{p, pc.Firm}
		if x[pc.X] > 0.5 {
			pairs[key] = true
		}
		if pairs[key] {
			n += s.pairBinaries(pc)
		}
	}
	return n
}

// pairBinaries counts the binary columns of a pair: x, l, w.
func (s *lnsSearch) pairBinaries(pc PairCols) int {
	n := 0
	for _, j := range []int{pc.X, pc.L, pc.W} {
		if j != none && s.fm.Prob.Cols[j].Kind.IsInteger() {
			n++
		}
	}
	return n
}

// coalitionHoods cuts the markets, in the k-th shuffled order, into at
// most ⌈free binaries / size⌉ parts, each but the last holding at least
// its share of the free binaries, and returns one neighbourhood per part:
// its markets whole, and in them only the pairs of the incumbent x's
// members and of the relaxation's pooled coalitions (none without them).
// Those pairs hold most of what better plans change: they move pioneers
// and learners between projects in many markets at once, which the other
// families' windows, free in every pair of a few opportunities, cannot
// hold. The parts together span the cluster, and each part's sub-MIP
// stays small: over every market at once GLPK's tree on the pooled pairs
// is too deep to finish. A single part (the whole cluster) is built once
// per incumbent.
func (s *lnsSearch) coalitionHoods(k, size int, x []float64) []hood {
	if s.coalitions.pooled == nil {
		return nil
	}
	fm := s.fm
	byMarket := s.byMarket()
	// The pairs freed, and each market's free binaries: its y, and the
	// x, l, w of its freed pairs.
	pairs := map[[2]int]bool{}
	weight := make([]int, len(byMarket))
	total := 0
	for m, ps := range byMarket {
		for _, p := range ps {
			weight[m] += 1 + s.markPairs(p, s.coalitions.pooled[p], x, pairs)
		}
		total += weight[m]
	}
	parts := max(1, (total+size-1)/size)
	if parts == 1 {
		// The whole cluster: solved once per incumbent.
		z := fm.Objective(x)
		if s.pooledTried && z == s.pooledAt {
			return nil
		}
		s.pooledTried, s.pooledAt = true, z
	}
	hoods := make([]hood, 0, parts)
	h, free := hood{}, 0
	for _, m := range rand.New(rand.NewPCG(uint64(k), 1)).Perm(len(byMarket)) {
		if h.opps == nil {
			h = hood{opps: make([]bool, len(fm.Y)), pairs: map[[2]int]bool{}}
		}
		for _, p := range byMarket[m] {
			h.opps[p] = true
			for _, pc := range fm.Pairs[p] {
				if key := [2]int{p, pc.Firm}; pairs[key] {
					h.pairs[key] = true
				}
			}
		}
		free += weight[m]
		if len(hoods) < parts-1 && free*parts >= total {
			hoods = append(hoods, h)
			h, free = hood{}, 0
		}
	}
	if h.opps != nil {
		hoods = append(hoods, h)
	}
	return hoods
}
