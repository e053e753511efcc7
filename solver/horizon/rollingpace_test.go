package horizon

import (
	"math"
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// The rolling horizon pursues the market power target in step: by the end
// of period t, t/T of it; at fastPace (its second run, after a last period
// that could not meet the rest), min(1, 2t/T); all of it by T either way.
func TestRollingPowerShare(t *testing.T) {
	in := gen.Generate(gen.Config{Firms: 12, Opportunities: 6, Markets: 2, Seed: 3, Periods: 3})
	in.Objective.MarketPowerTarget = 90
	d := model.Derive(in)
	for _, tc := range []struct {
		pace float64
		want []float64
	}{
		{0, []float64{30, 60, 90}}, // newRolling's pace
		{1, []float64{30, 60, 90}},
		{fastPace, []float64{60, 90, 90}},
	} {
		r := newRolling(in, d)
		if tc.pace != 0 {
			r.pace = tc.pace
		}
		for p := 1; p <= 3; p++ {
			if got := r.powerShare(p); math.Abs(got-tc.want[p-1]) > 1e-9 {
				t.Errorf("pace %g, period %d: share %g, want %g", tc.pace, p, got, tc.want[p-1])
			}
		}
	}
}
