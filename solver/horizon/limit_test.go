package horizon_test

import (
	"context"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
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
	res, err := horizon.Solve(context.Background(), in, horizon.Options{TimeLimit: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	switch res.Status {
	case model.StatusFeasible, model.StatusNoSolution:
	default:
		t.Fatalf("status %s after 3 s; want feasible or no_solution", res.Status)
	}
	if res.Status == model.StatusFeasible {
		checkPlan(t, in, res)
	}
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
