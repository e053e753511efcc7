package sweep

import (
	"context"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// BenchmarkJiangsuCells measures cells per minute on the bundled Jiangsu
// cluster: 12 cells (credit line 0 or 1000, joint R&D subsidy 0 to 0.25),
// the cluster MIP only, one cell at a time, warm-started along the
// subsidy against cold. Run:
//
//	go test -run '^$' -bench JiangsuCells -benchtime 1x ./bench/sweep/
func BenchmarkJiangsuCells(b *testing.B) {
	inst, err := model.LoadFile("../../instances/jiangsu-electronics.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name string
		warm bool
	}{{"warm", true}, {"cold", false}} {
		b.Run(mode.name, func(b *testing.B) {
			spec := Spec{
				Inputs: []Input{{"jiangsu", inst}},
				Settings: []Setting{
					mustParse(b, "policy.credit_line=0,1000"),
					mustParse(b, "policy.subsidy.joint_rnd=0:0.25:0.05"),
				},
				Flags: Flags{Methods: []string{model.MethodCluster}, TimeLimit: "1m0s", Warm: mode.warm},
			}
			g, err := New(spec)
			if err != nil {
				b.Fatal(err)
			}
			cells := 0
			b.ResetTimer()
			for range b.N {
				dir := b.TempDir()
				if err := g.Prepare(dir, 1); err != nil {
					b.Fatal(err)
				}
				sum, err := g.Run(context.Background(), RunOptions{Dir: dir, Shard: Shard{0, 1}, Jobs: 1})
				if err != nil || len(sum.Failed) > 0 {
					b.Fatal(err, sum.Failed)
				}
				cells += sum.Solved
			}
			b.ReportMetric(float64(cells)/b.Elapsed().Minutes(), "cells/min")
		})
	}
}

func mustParse(b *testing.B, arg string) Setting {
	s, err := ParseSetting(arg)
	if err != nil {
		b.Fatal(err)
	}
	return s
}
