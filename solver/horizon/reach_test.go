package horizon

import (
	"math"
	"math/bits"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// The knowledge bound is K1's largest value over every set of
// participations a firm could take by the end of each period: each
// opportunity whose role and segment match and that opened by then at most
// once, at most max_projects in all, each gaining g_D (+ g_P for a
// learning-reward pair) in its market and φ times that elsewhere; and the
// bound before a further project (use) the same over max_projects − 1.
// Checked against every such set on a generated 3-period cluster.
func TestReachIsLargestK1(t *testing.T) {
	in, fm := hoodCluster(t)
	gD, gP, phi := in.Horizon.Gains()
	if gP == 0 || phi == 0 {
		t.Fatal("the test cluster has no learning gain or spillover: the test checks little")
	}
	T := fm.T
	capped, rewarding, tighter := 0, 0, 0
	for f := range in.Firms {
		var opps []int // f's candidate opportunities
		for p := range in.Opportunities {
			o := &in.Opportunities[p]
			if in.Rules.Mode(o.Mode).Allows(in.Firms[f].Role) && in.Firms[f].Serves(o.Segment) {
				opps = append(opps, p)
			}
		}
		if len(opps) > 16 {
			t.Fatalf("firm %d has %d candidate opportunities: too many to enumerate", f, len(opps))
		}
		limit := len(opps)
		if mp := in.Firms[f].MaxProjects; mp != nil {
			limit = *mp
		}
		for m := range in.Markets {
			k0 := in.Firms[f].KnowledgeOf(in.Markets[m].ID)
			for t0 := 0; t0 <= T; t0++ {
				best, bestUse := k0, k0
				for set := uint32(0); set < 1<<len(opps); set++ {
					if bits.OnesCount32(set) > limit {
						continue
					}
					k, ok := k0, true
					for i, p := range opps {
						if set&(1<<i) == 0 {
							continue
						}
						opened := false
						for t1 := 1; t1 <= t0; t1++ {
							opened = opened || in.Opportunities[p].OpenIn(t1)
						}
						if !opened {
							ok = false
							break
						}
						g := gD
						if f2 := &in.Firms[f]; f2.Role == model.SME && !f2.Pioneer {
							for _, g0 := range fm.D.Pioneers[p] {
								if g0 != f {
									g = gD + gP
									rewarding++
									break
								}
							}
						}
						if fm.D.Market[in.Opportunities[p].Market] != m {
							g *= phi
						}
						k += g
					}
					if ok {
						best = math.Max(best, k)
						if bits.OnesCount32(set) < limit {
							bestUse = math.Max(bestUse, k)
						}
					}
				}
				if best >= 1 {
					capped++
				}
				want := math.Min(1, best)
				if got := fm.reach.kappa[f][m][t0]; math.Abs(got-want) > 1e-12 {
					t.Errorf("firm %d, market %d, start of period %d: bound %.6f, largest K1 value %.6f", f, m, t0+1, got, want)
				}
				if got, want := fm.reach.use[f][m][t0], math.Min(1, bestUse); math.Abs(got-want) > 1e-12 {
					t.Errorf("firm %d, market %d, start of period %d: bound before a further project %.6f, largest K1 value over %d projects %.6f", f, m, t0+1, got, limit-1, want)
				}
				if fm.reach.use[f][m][t0] < fm.reach.kappa[f][m][t0]-1e-12 {
					tighter++
				}
			}
		}
	}
	if rewarding == 0 {
		t.Error("no learning-reward participation in the test cluster: the test checks little")
	}
	if tighter == 0 {
		t.Error("no bound before a further project is below the plain bound: the test checks little")
	}
	t.Logf("%d bounds capped at 1, %d tighter before a further project", capped, tighter)
}
