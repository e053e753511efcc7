package solver_test

import (
	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// edgeHorizons are small clusters with horizons at the edges of MODEL.md's
// ranges: no discount, no learning, learning that fills κ at once, full
// spillover, a tenth of the capital per period, six periods, late
// windows, θ at 0 and 1, one period with learning; two seeds each, the
// second without targets.
func edgeHorizons() []*model.Instance {
	f := func(v float64) *float64 { return &v }
	learning := func(doing, pioneer, spill float64) *model.Learning {
		return &model.Learning{ByDoing: f(doing), WithPioneer: f(pioneer), Spillover: f(spill)}
	}
	cases := []struct {
		name    string
		horizon model.Horizon
		// windows[p % len] is opportunity p's periods (nil: every period).
		windows [][]int
	}{
		{"no-discount", model.Horizon{Periods: 3, Discount: f(1)}, [][]int{nil, {2, 3}}},
		{"no-learning", model.Horizon{Periods: 3, Discount: f(0.9), Learning: learning(0, 0, 0)}, nil},
		{"learning-fills", model.Horizon{Periods: 3, Discount: f(0.8), Learning: learning(1, 1, 1)}, [][]int{{1}, nil}},
		{"full-spillover", model.Horizon{Periods: 3, Learning: learning(0.3, 0.2, 1)}, [][]int{{3}, nil, {1, 2}}},
		{"tenth-released", model.Horizon{Periods: 4, Discount: f(0.95), CapitalRelease: f(0.1)}, nil},
		{"six-periods", model.Horizon{Periods: 6, Discount: f(0.5), Learning: learning(0.2, 0.3, 0.5)}, [][]int{{1, 6}, {4}, nil}},
		{"late-windows", model.Horizon{Periods: 2, ExperiencedAt: f(0)}, [][]int{{2}}},
		{"experienced-at-one", model.Horizon{Periods: 3, ExperiencedAt: f(1), Learning: learning(0.5, 0.5, 0.5)}, nil},
		{"one-period-learning", model.Horizon{Periods: 1, Learning: learning(0.5, 0.5, 0.5)}, nil},
	}
	var out []*model.Instance
	for i, tc := range cases {
		for seed := uint64(1); seed <= 2; seed++ {
			in := gen.Generate(gen.Config{Firms: 8 + int(seed)*2, Opportunities: 6 + int(seed), Markets: 3, Seed: 300 + 10*uint64(i) + seed})
			h := tc.horizon
			in.Horizon = &h
			for p := range in.Opportunities {
				if tc.windows != nil {
					in.Opportunities[p].Periods = tc.windows[p%len(tc.windows)]
				}
			}
			if seed == 2 {
				in.Objective.MarketPowerTarget, in.Objective.SMEParticipationTarget = 0, 0
			}
			in.Name += "-" + tc.name
			out = append(out, in)
		}
	}
	return out
}
