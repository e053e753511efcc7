package check

import (
	"math"
	"sort"
)

// CVaR returns the conditional value at risk at level alpha of a discrete
// loss distribution: losses[k] occurs with probability probs[k].
//
// It is the Rockafellar–Uryasev value
//
//	CVaR_α(L) = min over η of  η + 1/(1−α) · Σ_k π_k · max(0, L_k − η),
//
// evaluated exactly: the function of η is convex and piecewise linear with
// breakpoints at the losses, so its minimum lies at one of them. For a
// distribution whose probabilities sum to 1 this equals the mean of the
// worst (1−α) probability mass of losses. alpha = 0 gives the expected loss.
//
// CVaR returns 0 for an empty distribution. It panics if the lengths of
// losses and probs differ or if alpha is not in [0, 1).
func CVaR(losses, probs []float64, alpha float64) float64 {
	if len(losses) != len(probs) {
		panic("check: CVaR: length mismatch between losses and probs")
	}
	if !(alpha >= 0 && alpha < 1) {
		panic("check: CVaR: alpha not in [0, 1)")
	}
	n := len(losses)
	if n == 0 {
		return 0
	}
	// Sort the scenarios by loss, largest first. Evaluating the objective at
	// η = L_(j) needs Σ π_i·(L_i − η) over the scenarios with L_i > η, which
	// are exactly the ones before j (ties contribute zero).
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return losses[idx[a]] > losses[idx[b]] })
	scale := 1 / (1 - alpha)
	best := math.Inf(1)
	var mass, weighted float64 // Σ π_i and Σ π_i·L_i over scenarios ranked before j
	for _, k := range idx {
		eta := losses[k]
		v := eta + scale*(weighted-mass*eta)
		if v < best {
			best = v
		}
		mass += probs[k]
		weighted += probs[k] * losses[k]
	}
	return best
}
