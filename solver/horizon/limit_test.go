package horizon_test

import (
	"context"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/horizon"
)

// large draws the 150 × 60 × 10 three-period cluster of issue 16's scale
// target (32021 rows, 8171 binaries).
func large() *model.Instance {
	return gen.Generate(gen.Config{Firms: 150, Opportunities: 60, Markets: 10, Periods: 3, Seed: 7})
}

// TestTimeLimitLarge: a solve of a large horizon model stopped by its time
// limit ends with a plan or none, never an error, and any plan passes the
// checker. (How promptly it ends is measured by BenchmarkTimeLimitLarge.)
func TestTimeLimitLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large model")
	}
	in := large()
	outside, err := solver.OutsideOptions(model.Derive(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, sharing := range []string{model.SharingReport, model.SharingStakes} {
		opts := horizon.Options{TimeLimit: 3 * time.Second}
		if sharing == model.SharingStakes {
			opts.Outside = outside // the large path keeps row 16 (rolling plans that break it are dropped)
		}
		res, err := horizon.Solve(context.Background(), in, opts)
		if err != nil {
			t.Fatal(err)
		}
		switch res.Status {
		case model.StatusFeasible, model.StatusNoSolution:
		default:
			t.Fatalf("%s: status %s after 3 s; want feasible or no_solution", sharing, res.Status)
		}
		if res.Status == model.StatusFeasible {
			checkShared(t, in, res, sharing)
		}
		t.Logf("sharing %s: %s", sharing, res.Status)
	}
}

// TestLargeFairFirstPlan: under constraint 16 on a large model without
// targets, the independent baseline's plan (which meets every row 16) is
// a first plan even when the rolling plan breaks a row 16: the solve ends
// with a plan the checker accepts under sharing stakes.
func TestLargeFairFirstPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("large model")
	}
	in := large()
	in.Objective.MarketPowerTarget, in.Objective.SMEParticipationTarget = 0, 0
	outside, err := solver.OutsideOptions(model.Derive(in))
	if err != nil {
		t.Fatal(err)
	}
	res, err := horizon.Solve(context.Background(), in, horizon.Options{TimeLimit: 5 * time.Second, Outside: outside})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != model.StatusFeasible && res.Status != model.StatusOptimal {
		t.Fatalf("status %s after 5 s; want a plan", res.Status)
	}
	checkShared(t, in, res, model.SharingStakes)
}

// BenchmarkTimeLimitLarge reports how far a 5 s solve of the large
// three-period cluster runs past its limit (overrun-s).
func BenchmarkTimeLimitLarge(b *testing.B) {
	in := large()
	const limit = 5 * time.Second
	for b.Loop() {
		start := time.Now()
		if _, err := horizon.Solve(context.Background(), in, horizon.Options{TimeLimit: limit}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric((time.Since(start) - limit).Seconds(), "overrun-s")
	}
}
