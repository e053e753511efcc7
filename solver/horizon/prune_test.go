package horizon

import (
	"math/bits"
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
)

// A q column exists exactly where some set of at most n_f − 1 of the
// firm's pairs in earlier periods, in distinct opportunities other than
// p, brings its knowledge of p's market to k_p under K1 (enumerated here
// over the pairs of the built model); and the pruning removes q columns
// that the candidate bound (reach.use) would keep, so the check is not
// empty.
func TestPruneKeepsExactlyReachableQ(t *testing.T) {
	shape, err := gen.Preset("mixed")
	if err != nil {
		t.Fatal(err)
	}
	in := gen.Generate(gen.Config{Firms: 30, Opportunities: 12, Markets: 4, Seed: 5, Periods: 3, Shape: shape})
	fm, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	gD, gP, phi := in.Horizon.Gains()
	byFirm := fm.pairsByFirm()
	kept, pruned := 0, 0
	for p := range fm.Pairs {
		o := &in.Opportunities[p]
		m := fm.D.Market[o.Market]
		for t0, pairs := range fm.Pairs[p] {
			for _, pr := range pairs {
				if !pr.Learning {
					continue
				}
				f := pr.Firm
				need := o.KnowledgeRequired - in.Firms[f].KnowledgeOf(o.Market)
				// gain[q] is the most one participation in opportunity q
				// before t0 adds to κ_fm: g_D, + g_P with a w column and a
				// pioneer's pair beside it, times φ outside m.
				gain := map[int]float64{}
				for t1 := 0; t1 < t0; t1++ {
					for _, x := range byFirm[f][t1] {
						if x.p == p {
							continue
						}
						g := gD
						if x.pr.W != none {
							for _, y := range fm.Pairs[x.p][t1] {
								if y.Pioneer && y.Firm != f {
									g = gD + gP
								}
							}
						}
						if x.m != m {
							g *= phi
						}
						gain[x.p] = max(gain[x.p], g)
					}
				}
				var gs []float64
				for _, g := range gain {
					gs = append(gs, g)
				}
				if len(gs) > 20 {
					t.Fatalf("firm %d has %d earlier opportunities: too many to enumerate", f, len(gs))
				}
				limit := len(gs)
				if n := in.Firms[f].MaxProjects; n != nil {
					limit = *n - 1
				}
				reach := false
				for set := uint32(0); set < 1<<len(gs) && !reach; set++ {
					if bits.OnesCount32(set) > limit {
						continue
					}
					sum := 0.0
					for i, g := range gs {
						if set&(1<<i) != 0 {
							sum += g
						}
					}
					reach = sum >= need-knowTol
				}
				if reach != (pr.Q != none) {
					t.Errorf("firm %d in p%d, period %d: reachable by enumeration %v, q column %v", f, p, t0+1, reach, pr.Q != none)
				}
				if pr.Q != none {
					kept++
				} else if fm.reach.use[f][m][t0] >= o.KnowledgeRequired-knowTol {
					pruned++
				}
			}
		}
	}
	if pruned == 0 || kept == 0 {
		t.Errorf("%d q columns kept, %d pruned that the candidate bound keeps: the test checks little", kept, pruned)
	}
	t.Logf("%d q columns kept, %d pruned", kept, pruned)
}
