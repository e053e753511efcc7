package cluster

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
)

// BenchmarkRaceTimeLimit reports how far the GLPK race runs past its time
// limit (overrun-s) on a 300-firm tight-risk cluster (50,000 rows), from
// the greedy plan. Its root LP takes about 13 s on one core, and each
// round of cut generation and each choice of a branching variable after it
// takes seconds with no callback and no time check, so the limits fall
// inside those stretches.
func BenchmarkRaceTimeLimit(b *testing.B) {
	fm, err := Build(model.Derive(shaped(b, "tight-risk", 300, 120, 15, 414)))
	if err != nil {
		b.Fatal(err)
	}
	a := Greedy(fm)
	if a == nil {
		b.Fatal("no greedy plan")
	}
	x, err := fm.Encode(a)
	if err != nil {
		b.Fatal(err)
	}
	for _, limit := range []time.Duration{25 * time.Second, 35 * time.Second} {
		b.Run(limit.String(), func(b *testing.B) {
			for b.Loop() {
				start := time.Now()
				base := glpk.Params{TimeLimit: limit, LPSupport: glpk.Support(x)}
				if _, err := race(context.Background(), fm, base, x, math.Inf(-1), nil); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric((time.Since(start) - limit).Seconds(), "overrun-s")
			}
		})
	}
}
