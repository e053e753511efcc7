package gen

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ofdi/ofdi/model"
)

// ErrPeriods is wrapped by Build's error for Config.Periods out of range.
var ErrPeriods = errors.New("gen: periods out of range")

// Defaults of a generated horizon block (Config.Periods ≥ 1).
const (
	// HorizonDiscount is d: a period is a few years, so 0.9 per period
	// (about 3–5% a year).
	HorizonDiscount = 0.9
	// HorizonRelease is r·T: capital_release = min(1, 1.5/T), so that the
	// first period releases two thirds or less of the capital and every
	// firm has all of it by period T (keeping the generator's feasible
	// plan feasible in period T).
	HorizonRelease = 1.5
	// HorizonLateShare is the share of opportunities that open only from a
	// later period a ~ U{2..T} (window a..T); the others are open in every
	// period.
	HorizonLateShare = 0.4
)

// hzStream is the PCG word of the horizon draws, apart from the main
// stream so that an instance with Periods is the one without plus a
// horizon block and windows.
const hzStream = 0x6f66_6469_686f_727a // "ofdihorz"

// addHorizon adds the horizon block and the opportunities' windows. The
// learning parameters and experienced_at are left to MODEL.md's defaults
// (g_D 0.05, g_P 0.15, φ 0.3, θ 0.6). Every window ends in period T and
// capital is fully released by T, so the generator's feasible one-period
// plan, started in period T, stays feasible: knowledge only grows, and the
// targets count over the horizon.
func addHorizon(inst *model.Instance, periods int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, hzStream))
	d, rel := HorizonDiscount, math.Min(1, math.Round(100*HorizonRelease/float64(periods))/100)
	if rel*float64(periods) < 1 {
		rel = math.Ceil(100/float64(periods)) / 100
	}
	inst.Horizon = &model.Horizon{Periods: periods, Discount: &d, CapitalRelease: &rel}
	if periods < 2 {
		return
	}
	for i := range inst.Opportunities {
		if r.Float64() >= HorizonLateShare {
			continue
		}
		a := 2 + r.IntN(periods-1)
		for t := a; t <= periods; t++ {
			inst.Opportunities[i].Periods = append(inst.Opportunities[i].Periods, t)
		}
	}
}

func checkPeriods(n int) error {
	if n < 0 || n > model.MaxPeriods {
		return fmt.Errorf("%w: %d (want 0 for none, or 1..%d)", ErrPeriods, n, model.MaxPeriods)
	}
	return nil
}
