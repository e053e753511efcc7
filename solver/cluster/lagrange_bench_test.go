package cluster

import (
	"context"
	"math"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// BenchmarkLagrangianIterate times one iterate of the dual (every
// opportunity's coalition problem, the markets, the step) on a mixed-shape
// cluster of 600 firms, where the coalition problems hold hundreds of
// candidates each (docs/experiments.md, "A faster dual").
func BenchmarkLagrangianIterate(b *testing.B) {
	d := model.Derive(shaped(b, "mixed", 600, 150, 15, 505))
	fm, err := BuildStructure(context.Background(), d)
	if err != nil {
		b.Fatal(err)
	}
	lg := newLagrangian(fm)
	var prev direction
	b.ResetTimer()
	for b.Loop() {
		pr := lg.evaluate()
		d := lg.subgradient(pr).deflect(&prev)
		if n := d.norm2(); n > 0 {
			lg.move(0.1*(1+math.Abs(pr.value))/n, d, pr)
		}
		prev = d
	}
}
