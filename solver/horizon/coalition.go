package horizon

import (
	"maps"
	"math/rand/v2"

	"github.com/ofdi/ofdi/model"
)

// coalitionBinaries is the size of a coalition window: markets are added
// while the binaries of its free pairs (y, and x, l, q of the pairs it
// frees, in every period) stay within it.
const coalitionBinaries = 1500

// coalitionWindows returns a coalition window per market (k = 0..|M|−1),
// none without a guide (setGuide): whole markets in the order of a
// shuffle seeded by k, added until the window's binaries, counted from
// the incumbent x, reach coalitionBinaries. In its opportunities, in every
// period, only the pairs of x's members and of the guide's coalitions
// (guidePairs) are free, so a window spans several markets where a market
// window with every candidate spans one or two: projects move between
// markets and periods with the partners the guide's plans give them.
func (h *hoods) coalitionWindows(x []float64) []window {
	if h.guidePairs == nil || x == nil {
		return nil
	}
	nM := len(h.byMarket)
	sizes := make([]int, nM) // each market's binaries
	for m, opps := range h.byMarket {
		pairs := h.coalitionPairs(x, opps)
		for _, p := range opps {
			sizes[m] += h.binaries(p, pairs)
		}
	}
	var out []window
	for k := range nM {
		rng := rand.New(rand.NewPCG(uint64(k), 1))
		var opps []int
		size := 0
		for _, m := range rng.Perm(nM) {
			if size > 0 && size+sizes[m] > coalitionBinaries {
				break
			}
			opps, size = append(opps, h.byMarket[m]...), size+sizes[m]
		}
		if len(opps) > 0 {
			out = append(out, window{a: -1, b: -1, opps: opps, coalition: true})
		}
	}
	return out
}

// binaries counts the binary columns of opportunity p a coalition window
// with pairs frees: y and the x, l and q of its pairs, in every period.
func (h *hoods) binaries(p int, pairs map[[2]int]bool) int {
	fm := h.fm
	n := 0
	for t := 0; t < fm.T; t++ {
		if fm.Y[p][t] == none {
			continue
		}
		n++
		for _, pr := range fm.Pairs[p][t] {
			if !pairs[[2]int{p, pr.Firm}] {
				continue
			}
			for _, j := range []int{pr.X, pr.L, pr.Q} {
				if j != none {
					n++
				}
			}
		}
	}
	return n
}

// coalitionPairs returns the pairs (opportunity, firm) a coalition window
// over opps frees from x: every member of a project of opps in x, in any
// period, and the guide's coalitions.
func (h *hoods) coalitionPairs(x []float64, opps []int) map[[2]int]bool {
	fm := h.fm
	pairs := map[[2]int]bool{}
	for _, p := range opps {
		for t := 0; t < fm.T; t++ {
			for _, pr := range fm.Pairs[p][t] {
				key := [2]int{p, pr.Firm}
				if x[pr.X] > 0.5 || h.guidePairs[key] {
					pairs[key] = true
				}
			}
		}
	}
	return pairs
}

// setGuide records the pairs (opportunity, firm) of the plans' coalitions,
// which coalition windows free: the relaxation's plan of R_T and the
// collapsed horizon's plan (nil plans are skipped; none: no guide).
func (h *hoods) setGuide(plans ...*model.Assignment) {
	for _, plan := range plans {
		h.addGuidePairs(planPairs(h.fm, plan))
	}
}

// addGuidePairs adds pairs (opportunity, firm) to the guide's, which
// coalition windows free (nil: none): R_T's pooled Lagrangian coalitions.
func (h *hoods) addGuidePairs(pairs map[[2]int]bool) {
	if len(pairs) == 0 {
		return
	}
	if h.guidePairs == nil {
		h.guidePairs = map[[2]int]bool{}
	}
	maps.Copy(h.guidePairs, pairs)
}

// splitCoalition returns the halves of a starved coalition window: its
// markets in two halves, or a single market's opportunities in two; nil
// for one opportunity.
func (h *hoods) splitCoalition(w window) []window {
	markets, byMarket := h.groupByMarket(w.opps)
	var first, second []int
	if len(markets) > 1 {
		for i, m := range markets {
			if i < len(markets)/2 {
				first = append(first, byMarket[m]...)
			} else {
				second = append(second, byMarket[m]...)
			}
		}
	} else {
		first, second = w.opps[:len(w.opps)/2], w.opps[len(w.opps)/2:]
	}
	if len(first) == 0 || len(second) == 0 {
		return nil
	}
	return []window{{a: -1, b: -1, opps: first, coalition: true}, {a: -1, b: -1, opps: second, coalition: true}}
}
