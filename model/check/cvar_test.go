package check

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

func TestCVaR(t *testing.T) {
	for _, tc := range []struct {
		name   string
		losses []float64
		probs  []float64
		alpha  float64
		want   float64
	}{
		// The worst 10% of the mass lies inside the 25% scenario: CVaR = 100.
		// Check: η = 100 gives 100 + 10·0 = 100; η = 10 gives 10 + 10·0.25·90 = 235.
		{"alpha 0.9, two scenarios", []float64{10, 100}, []float64{0.75, 0.25}, 0.9, 100},
		// The worst 50%: 0.25 at 100 and 0.25 at 10, (25 + 2.5)/0.5 = 55.
		// Check: η = 10 gives 10 + 2·0.25·90 = 55; η = 100 gives 100.
		{"alpha 0.5, two scenarios", []float64{10, 100}, []float64{0.75, 0.25}, 0.5, 55},
		// Same, scenarios listed the other way round.
		{"alpha 0.5, reversed", []float64{100, 10}, []float64{0.25, 0.75}, 0.5, 55},
		// α = 0 is the expected loss: 0.75·10 + 0.25·100 = 32.5.
		{"alpha 0 is the mean", []float64{10, 100}, []float64{0.75, 0.25}, 0, 32.5},
		// Tail 0.2 is exactly the worst scenario.
		{"tail on an atom boundary", []float64{0, 50, 200}, []float64{0.5, 0.3, 0.2}, 0.8, 200},
		// Tail 0.3: 0.2 at 200 and 0.1 at 50, (40 + 5)/0.3 = 150.
		{"tail splits an atom", []float64{0, 50, 200}, []float64{0.5, 0.3, 0.2}, 0.7, 150},
		// Ties: 0.5 at 100 (in two scenarios), tail 0.1 → 100.
		{"ties", []float64{100, 0, 100}, []float64{0.25, 0.5, 0.25}, 0.9, 100},
		{"no loss", []float64{0, 0}, []float64{0.5, 0.5}, 0.9, 0},
		{"one scenario", []float64{7}, []float64{1}, 0.95, 7},
		{"empty", nil, nil, 0.9, 0},
	} {
		got := CVaR(tc.losses, tc.probs, tc.alpha)
		if math.Abs(got-tc.want) > 1e-9*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("%s: CVaR = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// cvarTail is the sorted-tail formula: the mean of the worst (1−α) of the
// probability mass, the boundary scenario taken in part.
func cvarTail(losses, probs []float64, alpha float64) float64 {
	idx := make([]int, len(losses))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return losses[idx[a]] > losses[idx[b]] })
	rest := 1 - alpha
	var sum float64
	for _, k := range idx {
		w := math.Min(probs[k], rest)
		sum += w * losses[k]
		rest -= w
		if rest <= 0 {
			break
		}
	}
	return sum / (1 - alpha)
}

func TestCVaRMatchesTailFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 2000; trial++ {
		n := 1 + rng.IntN(8)
		losses := make([]float64, n)
		probs := make([]float64, n)
		var total float64
		for k := range n {
			losses[k] = math.Round(rng.Float64()*1000) / 10
			if rng.IntN(4) == 0 && k > 0 {
				losses[k] = losses[k-1] // ties
			}
			probs[k] = 0.05 + rng.Float64()
			total += probs[k]
		}
		for k := range probs {
			probs[k] /= total
		}
		alpha := []float64{0, 0.5, 0.9, 0.95, 0.99, rng.Float64() * 0.999}[rng.IntN(6)]
		got, want := CVaR(losses, probs, alpha), cvarTail(losses, probs, alpha)
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Fatalf("losses %v probs %v alpha %v: CVaR %v, tail formula %v", losses, probs, alpha, got, want)
		}
		// The minimum over η is also below the objective at any other η.
		eta := rng.Float64() * 100
		obj := eta
		for k := range losses {
			obj += probs[k] * math.Max(0, losses[k]-eta) / (1 - alpha)
		}
		if got > obj+1e-9 {
			t.Fatalf("CVaR %v above the objective %v at η = %v", got, obj, eta)
		}
	}
}

func TestCVaRPanics(t *testing.T) {
	for _, tc := range []struct {
		name   string
		losses []float64
		probs  []float64
		alpha  float64
	}{
		{"length mismatch", []float64{1, 2}, []float64{1}, 0.9},
		{"alpha 1", []float64{1}, []float64{1}, 1},
		{"alpha negative", []float64{1}, []float64{1}, -0.1},
		{"alpha NaN", []float64{1}, []float64{1}, math.NaN()},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			CVaR(tc.losses, tc.probs, tc.alpha)
		}()
	}
}

func TestSMEsNeeded(t *testing.T) {
	for _, tc := range []struct {
		rho  float64
		n    int
		want int
	}{
		{0.2, 10, 2},
		{0.28, 25, 7}, // 0.28·25 = 7.000000000000001 in float64
		{0.21, 10, 3},
		{0, 5, 0},
		{1, 3, 3},
		{0.5, 0, 0},
		{0.5, 3, 2},
	} {
		if got := smesNeeded(tc.rho, tc.n); got != tc.want {
			t.Errorf("smesNeeded(%v, %d) = %d, want %d", tc.rho, tc.n, got, tc.want)
		}
	}
}
